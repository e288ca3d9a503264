"""The Pulumi program's components: one module per part of the stack."""
