"""`twin bootstrap`: prepare an AWS account for the stacks, once (infra/bootstrap does the work)."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable

import click

# Checked here, before boto3 loads: a typo is a usage error, not an AWS error.
REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d+$")
GITHUB_REPO = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]*/[A-Za-z0-9._-]+$")
BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")


Check = Callable[[click.Context, click.Parameter, "str | None"], "str | None"]


def _matching(pattern: re.Pattern[str], example: str) -> Check:
    def check(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
        if value is not None and not pattern.match(value):
            raise click.BadParameter(f"{value!r} is not valid, expected e.g. {example}")
        return value

    return check


@click.command(epilog="""\b
examples:
  twin bootstrap --region eu-west-1 --github-repo octo-org/twin
  twin bootstrap --region us-east-1 --github-repo octo-org/twin --state-bucket my-twin-state""")
@click.option("--region", required=True, callback=_matching(REGION, "eu-west-1"),
              help="region of the state bucket and the secrets key")
@click.option("--github-repo", required=True, callback=_matching(GITHUB_REPO, "octo-org/twin"),
              help="owner/name of the GitHub repository that deploys the stacks")
@click.option("--state-bucket", callback=_matching(BUCKET, "my-twin-state"),
              help="bucket name to use instead of twin-pulumi-state-<account>-<region>")
def bootstrap(region: str, github_repo: str, state_bucket: str | None) -> int:
    """Prepare an AWS account for Twin's stacks: the Pulumi state bucket, the secrets key and
    GitHub's OIDC provider. Run it once per account with an administrator's credentials; it is
    safe to run again (it finds what exists, repairs drifted settings and says so)."""
    import boto3
    from botocore.exceptions import BotoCoreError, ClientError

    from infra.bootstrap import run
    from infra.bootstrap.errors import BootstrapError, describe_error
    from infra.bootstrap.report import next_steps

    try:
        setup = run(boto3.Session(), region, github_repo, state_bucket)
    except (BootstrapError, BotoCoreError, ClientError) as error:
        print(f"error: {describe_error(error)}", file=sys.stderr)
        return 1
    print(next_steps(setup))
    return 0
