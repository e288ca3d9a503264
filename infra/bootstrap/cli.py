"""The bootstrap's command line: check the arguments, ensure each resource, report."""

import argparse
import re
import sys
from collections.abc import Callable, Sequence

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from infra.bootstrap.bucket import ensure_state_bucket, state_bucket_name
from infra.bootstrap.errors import BootstrapError, describe_error
from infra.bootstrap.kms import KEY_ALIAS, ensure_secrets_key
from infra.bootstrap.oidc import ensure_github_provider
from infra.bootstrap.report import (
    AccountSetup,
    Step,
    format_outcome,
    format_step,
    next_steps,
)

REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d+$")
GITHUB_REPO = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]*/[A-Za-z0-9._-]+$")
BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")


def _matching(pattern: re.Pattern[str], example: str) -> Callable[[str], str]:
    def check(value: str) -> str:
        if not pattern.match(value):
            raise argparse.ArgumentTypeError(f"{value!r} is not valid, expected e.g. {example}")
        return value

    return check


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(
        prog="python -m infra.bootstrap",
        description="Prepare an AWS account for Twin's Pulumi stacks (run once, safe to rerun).",
    )
    parser.add_argument(
        "--region",
        required=True,
        type=_matching(REGION, "eu-west-1"),
        help="region of the state bucket and the secrets key",
    )
    parser.add_argument(
        "--github-repo",
        required=True,
        type=_matching(GITHUB_REPO, "octo-org/twin"),
        help="owner/name of the GitHub repository that deploys the stacks",
    )
    parser.add_argument(
        "--state-bucket",
        type=_matching(BUCKET, "my-twin-state"),
        help="bucket name to use instead of twin-pulumi-state-<account>-<region>",
    )
    return parser.parse_args(argv)


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


def main(argv: Sequence[str] | None = None) -> int:
    """Run the bootstrap and print the next commands; return the process exit code."""
    args = parse_args(argv)
    try:
        setup = run(boto3.Session(), args.region, args.github_repo, args.state_bucket)
    except (BootstrapError, BotoCoreError, ClientError) as error:
        print(f"error: {describe_error(error)}", file=sys.stderr)
        return 1
    print(next_steps(setup))
    return 0

