"""The Pulumi program under mocks, and what its tests check it with.

- `stack_runs`: run the program once per stack and config (in the background), share the record.
- `mock_program`: the script each run executes in its own interpreter; never imported by tests.
- `argument_check`: check every resource argument against pulumi-aws's declared types.
- `policy_check`: is this action on this ARN allowed by an identity policy?
- `filter_pattern`: CloudWatch Logs JSON filter patterns, evaluated.
- `settings`: stack values that parse; `tags`: which resource types carry the stack's tags.
"""
