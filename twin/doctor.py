"""`twin doctor`: before the first deploy, check what `pulumi up` and the twin will need.

boto3 and the infra helpers load only when the command runs, so `twin --help` stays quick.
"""

from __future__ import annotations

import importlib.metadata
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import click

from twin.checks import Check, failed, one_line, passed, report

Client = Callable[[str, str], Any]  # (service, region) -> a boto3 client
SIGN_IN = "sign in (aws sso login, aws configure or AWS_PROFILE) and run twin doctor again"
BOOTSTRAP = "run twin bootstrap --region {region} --github-repo OWNER/NAME"
DEFAULT_RUNTIME = "python3.13"  # Pulumi.yaml's default for twin:lambdaRuntime


def _error_code(error: Exception) -> tuple[str, str]:
    details = getattr(error, "response", {}).get("Error", {})
    return str(details.get("Code", type(error).__name__)), one_line(details.get("Message", error))


def pulumi_cli_version() -> str | None:
    """`pulumi version`'s answer without its leading v, or None when the CLI is not on PATH."""
    if shutil.which("pulumi") is None:
        return None
    try:
        result = subprocess.run(["pulumi", "version"],  # noqa: S607 - fixed command
                                capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return result.stdout.strip().removeprefix("v") if result.returncode == 0 else None


def _numbers(version: str) -> tuple[int, ...]:
    return tuple(int(n) for n in re.findall(r"\d+", version)[:3])


def pulumi_check(cli_version: str | None) -> Check:
    sdk = importlib.metadata.version("pulumi")
    if cli_version is None:
        return failed("pulumi-cli", f"the Pulumi CLI is not on PATH: install version {sdk} "
                                    "(https://www.pulumi.com/docs/install/)")
    if _numbers(cli_version) < _numbers(sdk):
        return failed("pulumi-cli", f"CLI {one_line(cli_version)} is older than the SDK {sdk}: "
                                    f"install {sdk} or newer")
    return passed("pulumi-cli", f"CLI {one_line(cli_version)}, SDK {sdk}")


def python_check(runtime: str) -> Check:
    from infra.bytecode import find_python

    version = runtime.removeprefix("python")
    found = find_python(version)
    if found is None:
        return failed("python", f"no Python {version} (the stack's {runtime}) here or as "
                                f"python{version} on PATH: the package would ship without "
                                f"bytecode; install Python {version}")
    return passed("python", f"Python {version} at {one_line(found)}")


def model_check(client: Client, model_id: str, region: str) -> Check:
    from botocore.exceptions import BotoCoreError, ClientError

    from api.config import OFFLINE_MODEL
    from infra.config_rows import SettingsError
    from infra.settings import check_model_region

    if model_id == OFFLINE_MODEL:
        return passed("model", "offline model: no Bedrock access needed")
    try:
        check_model_region(model_id, region)
    except SettingsError as error:
        return failed("model", one_line(error))
    try:
        # One token is enough to prove access; it costs a fraction of a cent.
        client("bedrock-runtime", region).converse(
            modelId=model_id, messages=[{"role": "user", "content": [{"text": "Hi"}]}],
            inferenceConfig={"maxTokens": 1})
    except ClientError as error:
        code, message = _error_code(error)
        if code == "AccessDeniedException":
            return failed("model", f"no access to {model_id} in {region}: enable it on the "
                                   "Amazon Bedrock console's Model access page (for an "
                                   "inference profile, in each region it routes to)")
        if code in ("ThrottlingException", "ServiceUnavailableException"):
            return passed("model", f"{model_id} is reachable ({code}; try a chat later)")
        return failed("model", f"Bedrock refused {model_id} in {region} ({code}: {message}): "
                               "check twin:modelId")
    except BotoCoreError as error:
        return failed("model", f"could not reach Bedrock in {region}: {one_line(error)}")
    return passed("model", f"{model_id} answered in {region}")


def state_bucket_check(client: Client, name: str, region: str) -> Check:
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        client("s3", region).head_bucket(Bucket=name)
    except (ClientError, BotoCoreError) as error:  # BotoCoreError: no connection, no answer
        code, _ = _error_code(error)
        if code in ("404", "NoSuchBucket", "NotFound"):
            return failed("state-bucket", f"{name} does not exist: "
                                          + BOOTSTRAP.format(region=region))
        return failed("state-bucket", f"{name} cannot be read with these credentials ({code})")
    return passed("state-bucket", name)


def secrets_key_check(client: Client, key: str, region: str) -> Check:
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        found = client("kms", region).describe_key(KeyId=key)["KeyMetadata"]
    except (ClientError, BotoCoreError) as error:  # BotoCoreError: no connection, no answer
        code, _ = _error_code(error)
        if code == "NotFoundException":
            return failed("secrets-key", f"{key} does not exist in {region}: "
                                         + BOOTSTRAP.format(region=region))
        return failed("secrets-key", f"{key} cannot be read with these credentials ({code})")
    if found.get("KeyState") != "Enabled":
        return failed("secrets-key", f"{key} is {one_line(found.get('KeyState'))}: enable it in "
                                     "the KMS console")
    return passed("secrets-key", key)


def oidc_check(client: Client, region: str) -> Check:
    from botocore.exceptions import BotoCoreError, ClientError

    from infra.bootstrap.oidc import find_github_provider

    try:
        arn = find_github_provider(client("iam", region))
    except (ClientError, BotoCoreError) as error:  # BotoCoreError: no connection, no answer
        return failed("github-oidc", f"cannot list OIDC providers ({_error_code(error)[0]})")
    if arn is None:
        return failed("github-oidc", "the account has no GitHub OIDC provider: "
                                     + BOOTSTRAP.format(region=region))
    return passed("github-oidc", arn)


def diagnose(session: Any, values: dict[str, str], client: Client | None = None,
             cli_version: str | None = None) -> list[Check]:
    """Every check, given the stack's config values (`aws:region`, `twin:modelId`, ...)."""
    from botocore.exceptions import BotoCoreError, ClientError

    from infra.bootstrap.bucket import state_bucket_name
    from infra.bootstrap.kms import KEY_ALIAS
    from infra.settings import DEFAULT_MODEL, REGION

    client = client or (lambda service, region: session.client(service, region_name=region))
    if session.get_credentials() is None:
        return [failed("credentials", f"no AWS credentials found: {SIGN_IN}")]
    region = values.get("aws:region") or session.region_name or ""
    try:
        account = client("sts", region or "us-east-1").get_caller_identity()["Account"]
    except (ClientError, BotoCoreError) as error:
        code, message = _error_code(error)
        return [failed("credentials", f"AWS refused these credentials ({code}: {message}): "
                                      + SIGN_IN)]
    checks = [passed("credentials", f"account {account}")]
    if not REGION.match(region):
        checks.append(failed("region", "no region: pulumi config set aws:region us-east-1 "
                                       "(or give --region)"))
    else:
        checks.append(passed("region", region))
        checks += [
            model_check(client, values.get("twin:modelId") or DEFAULT_MODEL, region),
            state_bucket_check(client, values.get("twin:stateBucket")
                               or state_bucket_name(account, region), region),
            secrets_key_check(client, values.get("twin:secretsKeyArn") or KEY_ALIAS, region),
            oidc_check(client, region),
        ]
    checks += [pulumi_check(cli_version),
               python_check(values.get("twin:lambdaRuntime") or DEFAULT_RUNTIME)]
    return checks


@click.command(epilog="""\b
examples:
  twin doctor --stack dev                  the region, model and names of the dev stack
  twin doctor --region eu-west-1 --model-id eu.amazon.nova-micro-v1:0
  twin doctor --stack prod --json""")
@click.option("--stack", help="read aws:region, twin:modelId and the rest from this stack's "
                              "config (pulumi config)")
@click.option("--region", help="the stack's region (default: the stack's, else your profile's)")
@click.option("--model-id", help="the Bedrock model or inference profile (default: the stack's)")
@click.option("--json", "as_json", is_flag=True, help='print {"ok", "checks": [...]} as JSON')
def doctor(stack: str | None, region: str | None, model_id: str | None, as_json: bool) -> int:
    """Before the first deploy: AWS credentials and account, the region, Bedrock access to the
    model and its inference-profile prefix, the bootstrap's state bucket, secrets key and GitHub
    OIDC provider, the Pulumi CLI's version and a Python of the Lambda runtime's version. One
    line per check with the fix; exit 0 when all pass, 1 otherwise."""
    import boto3

    from twin.stack import StackError, config

    values: dict[str, str] = {}
    if stack is not None:
        try:
            values = config(stack)
        except StackError as error:
            print(f"twin doctor: {error}", file=sys.stderr)
            return 1
    values.update({key: value for key, value in
                   (("aws:region", region), ("twin:modelId", model_id)) if value})
    checks = diagnose(boto3.Session(), values, cli_version=pulumi_cli_version())
    return report(checks, as_json)
