"""What the tests share, so that no test module imports a conftest or another test module.

Each module is named for what it holds:

- `app`: the repository's paths, a Config for a test, what the app wrote to disk.
- `scripted`: `ScriptedModel`, a model that answers from a script and records what it was sent.
- `converse`: Bedrock Converse responses and requests, for tests of the Converse mapping.
- `s3`: moto buckets set up as deployed, and S3 clients that fail on cue.
- `lambda_events`: recorded API Gateway events and a Lambda context.
- `pages`: the local server a browser drives, and small actions on its chat page.
- `inbox_samples`: a known inbox and its conversations, in a folder or a bucket.
- `profile_pdf`: LinkedIn-style profile PDFs made at test time.
- `workflows`: where the GitHub Actions workflows are, and how to read one.
- `infra`: running the Pulumi program under mocks, and the checkers its tests use.

Fixtures stay in the conftest.py files; they import their helpers from here.
"""
