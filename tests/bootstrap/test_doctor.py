"""`twin doctor` against moto (credentials, bootstrap) and botocore's Stubber (Bedrock)."""

from __future__ import annotations

import importlib.metadata
import json

import boto3
import pytest
from botocore.stub import Stubber

from infra.bootstrap import run as bootstrap
from twin.checks import Check
from twin.cli import main
from twin.doctor import diagnose, pulumi_check

REGION = "eu-west-1"
MODEL = "eu.amazon.nova-micro-v1:0"
SDK = importlib.metadata.version("pulumi")
CONVERSE_ANSWER = {
    "output": {"message": {"role": "assistant", "content": [{"text": "Hi"}]}},
    "stopReason": "max_tokens",
    "usage": {"inputTokens": 1, "outputTokens": 1, "totalTokens": 2},
    "metrics": {"latencyMs": 10},
}


def bedrock(session: boto3.Session, answer: dict | None = None, error: str | None = None):
    """A Bedrock runtime client that answers one Converse call as told."""
    client = session.client("bedrock-runtime", region_name=REGION)
    stubber = Stubber(client)
    expected = {"modelId": MODEL, "messages": [{"role": "user", "content": [{"text": "Hi"}]}],
                "inferenceConfig": {"maxTokens": 1}}
    if error:
        stubber.add_client_error("converse", service_error_code=error, http_status_code=403,
                                 service_message="You don't have access to the model.",
                                 expected_params=expected)
    else:
        stubber.add_response("converse", answer or CONVERSE_ANSWER, expected)
    stubber.activate()
    return client, stubber


def doctor(values: dict[str, str], bedrock_client=None) -> list[Check]:
    session = boto3.Session(region_name=REGION)

    def client(service: str, region: str):
        if service == "bedrock-runtime" and bedrock_client is not None:
            return bedrock_client
        return session.client(service, region_name=region)

    return diagnose(session, values, client, cli_version=SDK)


def by_name(checks: list[Check]) -> dict[str, Check]:
    return {check.name: check for check in checks}


@pytest.fixture
def bootstrapped(aws_env) -> None:
    bootstrap(boto3.Session(), REGION, "octo-org/twin", None)


STACK = {"aws:region": REGION, "twin:modelId": MODEL}


def test_a_bootstrapped_account_passes(bootstrapped) -> None:
    client, stubber = bedrock(boto3.Session())
    checks = doctor(STACK, client)
    stubber.assert_no_pending_responses()
    found = by_name(checks)
    assert [c.name for c in checks] == ["credentials", "region", "model", "state-bucket",
                                        "secrets-key", "github-oidc", "pulumi-cli", "python"]
    failures = {c.name: c.detail for c in checks if not c.ok}
    # This machine may lack the stack runtime's Python; everything AWS-side must pass.
    assert set(failures) <= {"python"}, failures
    assert found["credentials"].detail == "account 123456789012"
    assert found["state-bucket"].detail == f"twin-pulumi-state-123456789012-{REGION}"


def test_without_credentials_it_says_so_in_one_line(isolated_env, capsys) -> None:
    assert main(["doctor", "--region", REGION]) == 1
    out = capsys.readouterr()
    assert out.out.splitlines() == [
        "FAIL credentials: no AWS credentials found: sign in (aws sso login, aws configure or "
        "AWS_PROFILE) and run twin doctor again"]
    assert "Traceback" not in out.err


def test_a_missing_state_bucket_says_to_bootstrap(bootstrapped) -> None:
    boto3.client("s3", region_name=REGION).delete_bucket(
        Bucket=f"twin-pulumi-state-123456789012-{REGION}")
    client, _ = bedrock(boto3.Session())
    check = by_name(doctor(STACK, client))["state-bucket"]
    assert not check.ok
    assert check.detail.endswith("does not exist: run twin bootstrap --region eu-west-1 "
                                 "--github-repo OWNER/NAME")


def test_a_named_state_bucket_is_the_one_checked(bootstrapped) -> None:
    client, _ = bedrock(boto3.Session())
    check = by_name(doctor({**STACK, "twin:stateBucket": "acme-state"}, client))["state-bucket"]
    assert not check.ok and check.detail.startswith("acme-state does not exist")


def test_model_access_denied_names_the_fix(bootstrapped) -> None:
    client, stubber = bedrock(boto3.Session(), error="AccessDeniedException")
    check = by_name(doctor(STACK, client))["model"]
    stubber.assert_no_pending_responses()
    assert not check.ok
    assert check.detail.startswith(f"no access to {MODEL} in {REGION}: enable it on the Amazon "
                                   "Bedrock console's Model access page")


def test_a_wrong_prefix_fails_before_asking_bedrock(bootstrapped) -> None:
    client, stubber = bedrock(boto3.Session())  # its one answer must stay unused
    check = by_name(doctor({**STACK, "twin:modelId": "us.amazon.nova-micro-v1:0"}, client))
    assert not check["model"].ok
    assert "'us.' inference profile, which does not serve eu-west-1" in check["model"].detail
    with pytest.raises(AssertionError):
        stubber.assert_no_pending_responses()


def test_a_missing_key_and_oidc_provider_say_to_bootstrap(aws_env) -> None:
    client, _ = bedrock(boto3.Session())
    found = by_name(doctor(STACK, client))
    assert not found["secrets-key"].ok and "run twin bootstrap" in found["secrets-key"].detail
    assert not found["github-oidc"].ok and "no GitHub OIDC provider" in found["github-oidc"].detail


def test_no_region_is_one_failure(aws_env, monkeypatch) -> None:
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    monkeypatch.delenv("AWS_REGION", raising=False)
    session = boto3.Session()
    checks = diagnose(session, {}, lambda s, r: session.client(s, region_name=r), SDK)
    assert by_name(checks)["region"].ok is False
    assert "model" not in by_name(checks)


@pytest.mark.parametrize(("version", "ok"), [(None, False), ("1.0.0", False), (SDK, True),
                                             ("99.0.0", True)])
def test_the_pulumi_cli_is_checked_against_the_sdk(version, ok) -> None:
    check = pulumi_check(version)
    assert check.ok is ok
    if version is None:
        assert check.detail.startswith("the Pulumi CLI is not on PATH")


def test_json_output_has_the_documented_shape(bootstrapped, capsys, monkeypatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")  # no pulumi CLI: its check fails, on one line
    assert main(["doctor", "--region", REGION, "--model-id", "offline", "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert set(report) == {"ok", "checks"} and report["ok"] is False
    assert all(set(c) == {"name", "ok", "detail"} for c in report["checks"])
    found = {c["name"]: c for c in report["checks"]}
    assert found["model"]["ok"] and found["state-bucket"]["ok"]
    assert found["pulumi-cli"]["ok"] is False
    assert found["pulumi-cli"]["detail"].startswith("the Pulumi CLI is not on PATH")


def test_a_stack_s_config_gives_the_region_and_model(bootstrapped, tmp_path, monkeypatch,
                                                      capsys) -> None:
    # `pulumi config --json` prints {"key": {"value", "secret"}}; the model here is the wrong
    # geography for the region, which the doctor finds without calling Bedrock.
    config = {"aws:region": {"value": REGION, "secret": False},
              "twin:modelId": {"value": "apac.amazon.nova-micro-v1:0", "secret": False},
              "twin:originSecret": {"value": "[secret]", "secret": True}}
    folder = tmp_path / "bin"
    folder.mkdir()
    pulumi = folder / "pulumi"
    pulumi.write_text(f"#!/bin/sh\necho \"$@\" >> '{tmp_path}/args'\n"
                      f"[ \"$1\" = version ] && echo v{SDK} && exit 0\n"
                      f"echo '{json.dumps(config)}'\n")
    pulumi.chmod(0o755)
    monkeypatch.setenv("PATH", f"{folder}:/usr/bin:/bin")
    assert main(["doctor", "--stack", "prod"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert "ok region: eu-west-1" in lines
    assert any(x.startswith("FAIL model: twin:modelId uses the 'apac.' inference profile, which "
                            "does not serve eu-west-1") for x in lines), lines
    assert f"ok pulumi-cli: CLI {SDK}, SDK {SDK}" in lines
    assert "config --json --stack prod" in (tmp_path / "args").read_text()


def test_a_service_that_cannot_be_reached_is_a_failed_check_not_a_traceback(bootstrapped) -> None:
    import socket

    from botocore.config import Config as BotoConfig

    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        nowhere = f"http://127.0.0.1:{closed.getsockname()[1]}"
    session = boto3.Session(region_name=REGION)
    quick = BotoConfig(retries={"max_attempts": 1}, connect_timeout=1, read_timeout=1)
    model, _ = bedrock(session)

    def client(service: str, region: str):
        if service == "bedrock-runtime":
            return model
        if service in ("s3", "kms", "iam"):  # STS still answers: the credentials are fine
            return session.client(service, region_name=region, endpoint_url=nowhere, config=quick)
        return session.client(service, region_name=region)

    found = by_name(diagnose(session, STACK, client, cli_version=SDK))
    for name in ("state-bucket", "secrets-key", "github-oidc"):
        assert not found[name].ok, name
        assert "EndpointConnectionError" in found[name].detail, found[name].detail
