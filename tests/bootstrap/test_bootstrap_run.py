"""The bootstrap against moto: first run, second run, drift, and what already exists."""

from __future__ import annotations

import json

import boto3
import pytest

from infra.bootstrap.bucket_settings import OLD_STATE_VERSION_DAYS
from twin.cli import main as twin_main


def main(argv: list[str]) -> int:
    """`twin bootstrap ...` in this process."""
    return twin_main(["bootstrap", *argv])

REGION = "eu-west-1"
ACCOUNT = "123456789012"  # moto's default account
REPO = "octo-org/twin"
BUCKET = f"twin-pulumi-state-{ACCOUNT}-{REGION}"
PROVIDER_ARN = f"arn:aws:iam::{ACCOUNT}:oidc-provider/token.actions.githubusercontent.com"
ARGS = ["--region", REGION, "--github-repo", REPO]


def aws(service: str, region: str = REGION):
    return boto3.client(service, region_name=region)


def statuses(output: str) -> list[str]:
    """The status word of each resource line in the report, in order."""
    words = [
        line.split()[0] for line in output.splitlines() if line.startswith("  ") and line.split()
    ]
    return [word for word in words if word in {"created", "updated", "found"}]


def test_first_run_creates_a_private_versioned_tls_only_state_bucket(aws_env, capsys):
    assert main(ARGS) == 0

    s3 = aws("s3")
    assert s3.get_bucket_location(Bucket=BUCKET)["LocationConstraint"] == REGION
    assert s3.get_bucket_versioning(Bucket=BUCKET)["Status"] == "Enabled"
    rules = s3.get_bucket_encryption(Bucket=BUCKET)["ServerSideEncryptionConfiguration"]["Rules"]
    assert rules[0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    block = s3.get_public_access_block(Bucket=BUCKET)["PublicAccessBlockConfiguration"]
    assert block == dict.fromkeys(
        ["BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"], True
    )
    ownership = s3.get_bucket_ownership_controls(Bucket=BUCKET)["OwnershipControls"]["Rules"]
    assert ownership == [{"ObjectOwnership": "BucketOwnerEnforced"}]

    policy = json.loads(s3.get_bucket_policy(Bucket=BUCKET)["Policy"])
    [deny] = policy["Statement"]
    assert deny["Effect"] == "Deny"
    assert deny["Action"] == "s3:*"
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert set(deny["Resource"]) == {f"arn:aws:s3:::{BUCKET}", f"arn:aws:s3:::{BUCKET}/*"}

    [rule] = s3.get_bucket_lifecycle_configuration(Bucket=BUCKET)["Rules"]
    assert rule["Status"] == "Enabled"
    assert rule["NoncurrentVersionExpiration"]["NoncurrentDays"] == OLD_STATE_VERSION_DAYS

    out = capsys.readouterr().out
    assert statuses(out) == ["created", "created", "created"]
    assert "3 of 3 resources were created or updated." in out


def test_first_run_creates_a_rotating_secrets_key_and_the_github_provider(aws_env):
    assert main(ARGS) == 0

    kms = aws("kms")
    key = kms.describe_key(KeyId="alias/twin-pulumi-secrets")["KeyMetadata"]
    assert key["KeyState"] == "Enabled"
    assert key["KeyUsage"] == "ENCRYPT_DECRYPT"
    assert kms.get_key_rotation_status(KeyId=key["KeyId"])["KeyRotationEnabled"] is True

    iam = aws("iam")
    [provider] = iam.list_open_id_connect_providers()["OpenIDConnectProviderList"]
    assert provider["Arn"] == PROVIDER_ARN
    details = iam.get_open_id_connect_provider(OpenIDConnectProviderArn=PROVIDER_ARN)
    assert details["ClientIDList"] == ["sts.amazonaws.com"]


def test_the_report_gives_the_exact_next_commands(aws_env, capsys):
    assert main(ARGS) == 0
    out = capsys.readouterr().out

    assert f"pulumi login 's3://{BUCKET}?region={REGION}'" in out
    assert (
        'pulumi stack init "organization/twin/$stack" '
        f"--secrets-provider 'awskms://alias/twin-pulumi-secrets?region={REGION}'"
    ) in out
    key_arn = aws("kms").describe_key(KeyId="alias/twin-pulumi-secrets")["KeyMetadata"]["Arn"]
    stack_config = 'pulumi config set --stack "organization/twin/$stack"'
    assert f"{stack_config} twin:oidcProviderArn {PROVIDER_ARN}" in out
    assert f"{stack_config} twin:githubRepo {REPO}" in out
    assert f"{stack_config} twin:stateBucket {BUCKET}" in out
    assert f"{stack_config} twin:secretsKeyArn {key_arn}" in out
    assert f"{stack_config} aws:region {REGION}" in out
    assert f"{stack_config} twin:modelId eu.amazon.nova-micro-v1:0" in out
    assert "for stack in dev test prod; do" in out
    for variable in ("AWS_REGION", "PULUMI_BACKEND_URL", "AWS_DEPLOY_ROLE_ARN"):
        assert f'gh variable set {variable} --env "$stack"' in out
    assert f'gh api --method PUT "repos/{REPO}/environments/$stack"' in out


def test_second_run_changes_nothing_and_says_so(aws_env, capsys):
    assert main(ARGS) == 0
    capsys.readouterr()

    assert main(ARGS) == 0
    out = capsys.readouterr().out

    assert "Nothing changed: everything was already in place." in out
    assert statuses(out) == ["found", "found", "found"]
    assert [b["Name"] for b in aws("s3").list_buckets()["Buckets"]] == [BUCKET]
    assert len(aws("kms").list_keys()["Keys"]) == 1
    assert len(aws("iam").list_open_id_connect_providers()["OpenIDConnectProviderList"]) == 1


def test_an_existing_github_provider_is_reused_not_duplicated(aws_env, capsys):
    iam = aws("iam")
    arn = iam.create_open_id_connect_provider(
        Url="https://token.actions.githubusercontent.com",
        ClientIDList=["sts.amazonaws.com"],
        ThumbprintList=["6938fd4d98bab03faadb97b34396831e3780aea1"],
    )["OpenIDConnectProviderArn"]

    assert main(ARGS) == 0
    out = capsys.readouterr().out

    assert f"found    GitHub OIDC provider  {arn}" in out
    assert f"twin:oidcProviderArn {arn}" in out
    assert len(iam.list_open_id_connect_providers()["OpenIDConnectProviderList"]) == 1


def test_other_oidc_providers_are_left_alone(aws_env):
    iam = aws("iam")
    iam.create_open_id_connect_provider(
        Url="https://gitlab.example.com", ClientIDList=["sts.amazonaws.com"]
    )
    assert main(ARGS) == 0
    arns = {p["Arn"] for p in iam.list_open_id_connect_providers()["OpenIDConnectProviderList"]}
    assert arns == {PROVIDER_ARN, f"arn:aws:iam::{ACCOUNT}:oidc-provider/gitlab.example.com"}


def test_a_bucket_with_drifted_settings_is_repaired_and_keeps_its_own_policy(aws_env, capsys):
    s3 = aws("s3")
    s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
    own = {
        "Sid": "OwnersOwnRule",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:DeleteBucket",
        "Resource": f"arn:aws:s3:::{BUCKET}",
    }
    s3.put_bucket_policy(
        Bucket=BUCKET, Policy=json.dumps({"Version": "2012-10-17", "Statement": [own]})
    )

    assert main(ARGS) == 0
    out = capsys.readouterr().out

    assert f"updated  state bucket          {BUCKET}" in out
    assert "versioning" in out
    assert "TLS-only policy" in out
    assert s3.get_bucket_versioning(Bucket=BUCKET)["Status"] == "Enabled"
    sids = [
        s["Sid"] for s in json.loads(s3.get_bucket_policy(Bucket=BUCKET)["Policy"])["Statement"]
    ]
    assert sids == ["OwnersOwnRule", "DenyInsecureTransport"]


def test_us_east_1_is_created_without_a_location_and_found_on_the_second_run(aws_env, capsys):
    args = ["--region", "us-east-1", "--github-repo", REPO]
    bucket = f"twin-pulumi-state-{ACCOUNT}-us-east-1"

    assert main(args) == 0
    assert main(args) == 0
    second = capsys.readouterr().out.split("Bootstrapping")[-1]

    assert aws("s3", "us-east-1").get_bucket_location(Bucket=bucket)["LocationConstraint"] is None
    assert f"found    state bucket          {bucket}" in second


def test_a_region_without_a_known_profile_prefix_gets_a_hint_not_a_guess(aws_env, capsys):
    assert main(["--region", "ca-central-1", "--github-repo", REPO]) == 0
    out = capsys.readouterr().out
    assert "twin:modelId to a Bedrock inference profile offered in ca-central-1" in out
    assert 'pulumi config set --stack "organization/twin/$stack" twin:modelId' not in out


def test_a_chosen_bucket_name_replaces_the_default(aws_env, capsys):
    assert main([*ARGS, "--state-bucket", "my-twin-state"]) == 0
    assert "pulumi login 's3://my-twin-state?region=eu-west-1'" in capsys.readouterr().out
    assert [b["Name"] for b in aws("s3").list_buckets()["Buckets"]] == ["my-twin-state"]


@pytest.mark.parametrize(
    ("option", "value"),
    [("--region", "Europe"), ("--github-repo", "just-a-name"), ("--state-bucket", "Bad_Name")],
)
def test_malformed_arguments_are_refused_before_any_call(aws_env, capsys, option, value):
    args = dict(zip(ARGS[::2], ARGS[1::2], strict=True)) | {option: value}
    assert main([word for pair in args.items() for word in pair]) == 2
    assert f"{value!r} is not valid" in capsys.readouterr().err
    assert aws("s3").list_buckets()["Buckets"] == []
