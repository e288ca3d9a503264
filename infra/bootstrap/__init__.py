"""One-time account setup: the Pulumi state bucket, the secrets key and GitHub's OIDC provider.

Run it once per AWS account (and region) with an administrator's credentials:

    twin bootstrap --region eu-west-1 --github-repo owner/name

It is safe to run again: it finds what exists, repairs drifted settings and says so.
boto3 reads credentials and any endpoint override (AWS_ENDPOINT_URL) from the environment.
"""

from infra.bootstrap.account import run

__all__ = ["run"]
