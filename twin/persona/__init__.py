"""`twin persona`: draft a persona from a profile, check it, show its prompt."""
