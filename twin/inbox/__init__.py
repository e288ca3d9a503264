"""`twin inbox`: what visitors left with the twin, read from the bucket or the local folder."""
