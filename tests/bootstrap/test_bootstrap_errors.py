"""Everything that can go wrong ends as one sentence and a non-zero exit, never a traceback."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import boto3
import pytest
from botocore.exceptions import ClientError
from botocore.stub import Stubber

from infra.bootstrap.bucket import ensure_state_bucket
from infra.bootstrap.errors import describe_error
from infra.bootstrap.kms import ensure_secrets_key
from infra.bootstrap.oidc import ensure_github_provider
from twin.cli import main as twin_main


def main(argv: list[str]) -> int:
    """`twin bootstrap ...` in this process."""
    return twin_main(["bootstrap", *argv])

ROOT = Path(__file__).resolve().parents[2]
REGION = "eu-west-1"
BUCKET = f"twin-pulumi-state-123456789012-{REGION}"
ARGS = ["--region", REGION, "--github-repo", "octo-org/twin"]


def one_error_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("error: ")
    assert "Traceback" not in err
    return lines[0]


def test_a_bucket_name_taken_by_another_account_is_one_clear_sentence(
    aws_env, isolated_env, capsys
):
    isolated_env.setenv("MOTO_ACCOUNT_ID", "111111111111")  # someone else takes "our" name
    boto3.client("s3", region_name=REGION).create_bucket(
        Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION}
    )
    isolated_env.delenv("MOTO_ACCOUNT_ID")

    assert main(ARGS) == 1
    line = one_error_line(capsys.readouterr().err)
    assert f"The bucket name {BUCKET} is taken by another AWS account" in line
    assert "--state-bucket" in line


def test_no_credentials_is_one_clear_sentence(isolated_env, capsys):
    assert main(ARGS) == 1
    line = one_error_line(capsys.readouterr().err)
    assert "No AWS credentials were found" in line


def test_the_endpoint_override_is_honoured_and_an_unreachable_one_is_reported(isolated_env):
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        **os.environ,
        "AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
    }
    result = subprocess.run(
        [sys.executable, "-m", "twin", "bootstrap", *ARGS],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1
    line = one_error_line(result.stderr)
    assert f"Could not reach AWS at http://127.0.0.1:{port}/" in line


def test_a_missing_permission_names_the_call(isolated_env):
    s3 = boto3.client("s3", region_name=REGION)
    with Stubber(s3) as stub:
        stub.add_response("list_buckets", {"Buckets": []}, {"Prefix": BUCKET})
        stub.add_client_error(
            "create_bucket",
            service_error_code="AccessDenied",
            service_message="Access Denied",
            http_status_code=403,
        )
        with pytest.raises(ClientError) as raised:
            ensure_state_bucket(s3, BUCKET, REGION)
    assert describe_error(raised.value) == (
        "AWS denied the CreateBucket call to these credentials; run the bootstrap as an "
        "account administrator, or grant that permission and run it again."
    )


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("ExpiredToken", "The AWS session has expired; sign in again"),
        ("InvalidClientTokenId", "AWS rejected the credentials in use (InvalidClientTokenId)"),
        ("Throttling", "AWS refused the GetCallerIdentity call (Throttling: Rate exceeded)."),
    ],
)
def test_other_aws_errors_are_one_sentence(code, expected):
    error = ClientError({"Error": {"Code": code, "Message": "Rate exceeded"}}, "GetCallerIdentity")
    message = describe_error(error)
    assert message.startswith(expected)
    assert "\n" not in message


def test_a_secrets_key_pending_deletion_is_refused_with_the_fix(aws_env, capsys):
    kms = boto3.client("kms", region_name=REGION)
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    kms.create_alias(AliasName="alias/twin-pulumi-secrets", TargetKeyId=key_id)
    kms.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=7)

    assert main(ARGS) == 1
    line = one_error_line(capsys.readouterr().err)
    assert "is PendingDeletion" in line
    assert f"aws kms cancel-key-deletion --key-id {key_id}" in line


def test_a_key_without_rotation_gets_rotation(aws_env):
    kms = boto3.client("kms", region_name=REGION)
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    kms.create_alias(AliasName="alias/twin-pulumi-secrets", TargetKeyId=key_id)

    step = ensure_secrets_key(kms)

    assert step.status == "updated"
    assert kms.get_key_rotation_status(KeyId=key_id)["KeyRotationEnabled"] is True


def test_a_provider_made_for_another_audience_gets_sts_added(isolated_env):
    iam = boto3.client("iam", region_name=REGION)
    arn = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
    with Stubber(iam) as stub:
        stub.add_response(
            "list_open_id_connect_providers", {"OpenIDConnectProviderList": [{"Arn": arn}]}
        )
        stub.add_response(
            "get_open_id_connect_provider",
            {
                "Url": "token.actions.githubusercontent.com",
                "ClientIDList": ["https://github.com/octo-org"],
            },
            {"OpenIDConnectProviderArn": arn},
        )
        stub.add_response(
            "add_client_id_to_open_id_connect_provider",
            {},
            {"OpenIDConnectProviderArn": arn, "ClientID": "sts.amazonaws.com"},
        )
        step = ensure_github_provider(iam)
        stub.assert_no_pending_responses()
    assert (step.status, step.name) == ("updated", arn)
