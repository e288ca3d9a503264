"""The bootstrap itself: ensure each account-wide resource and report it (`twin bootstrap`)."""

from collections.abc import Callable

import boto3
from botocore.config import Config

from infra.bootstrap.bucket import ensure_state_bucket, state_bucket_name
from infra.bootstrap.kms import KEY_ALIAS, ensure_secrets_key
from infra.bootstrap.oidc import ensure_github_provider
from infra.bootstrap.report import (
    AccountSetup,
    Step,
    format_outcome,
    format_step,
)


def run(
    session: boto3.Session,
    region: str,
    github_repo: str,
    state_bucket: str | None = None,
    say: Callable[[str], None] = print,
) -> AccountSetup:
    """Ensure the account-wide resources, report each one, and return the account's setup."""
    # Fail fast: a missing credential or endpoint should be one message, not a long wait.
    config = Config(region_name=region, retries={"mode": "standard", "max_attempts": 3})
    account_id = session.client("sts", config=config).get_caller_identity()["Account"]
    say(f"Bootstrapping AWS account {account_id} in {region}\n")
    bucket = state_bucket or state_bucket_name(account_id, region)
    s3, kms, iam = (session.client(name, config=config) for name in ("s3", "kms", "iam"))

    def done(step: Step) -> Step:
        say(format_step(step))  # report as we go, so a later failure still shows progress
        return step

    state = done(ensure_state_bucket(s3, bucket, region))
    key = done(ensure_secrets_key(kms, KEY_ALIAS))
    provider = done(ensure_github_provider(iam))
    say(f"\n{format_outcome([state, key, provider])}\n")
    return AccountSetup(
        account_id=account_id,
        region=region,
        state_bucket=bucket,
        key_alias=KEY_ALIAS,
        key_arn=key.arn,
        oidc_provider_arn=provider.arn,
        github_repo=github_repo,
    )
