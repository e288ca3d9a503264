"""The owner's command fails with one clear line: credentials, buckets, pulumi, bad options."""

from __future__ import annotations

import json
import stat
import subprocess

import boto3
import pytest
from botocore.stub import Stubber

from tests.support.inbox_samples import BUCKET, fill_bucket, sample_entries, twin_inbox
from twin import stack as twin_stack


def one_line(err: str) -> str:
    assert err.count("\n") == 1 and "Traceback" not in err, err
    return err.strip()


@pytest.fixture
def no_credentials(monkeypatch, tmp_path):
    """An environment where boto3's default chain finds nothing and asks no server."""
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE",
                 "AWS_DEFAULT_PROFILE", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
                 "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_WEB_IDENTITY_TOKEN_FILE",
                 "AWS_ROLE_ARN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


def test_no_credentials(no_credentials, inbox_cli, tmp_path):
    persona = ["--persona", str(tmp_path)]
    (tmp_path / "facts.json").write_text('{"full_name": "Ada Marlowe"}')
    for argv in ([], ["stats"], ["answer", "abc", "An answer.", *persona]):
        code, out, err = inbox_cli("--bucket", BUCKET, "--region", "eu-west-1", *argv)
        assert (code, out) == (1, "")
        assert one_line(err) == ("inbox: no AWS credentials found: sign in (e.g. `aws sso "
                                 "login`, or set AWS_PROFILE) and try again")


def test_no_such_bucket(s3, inbox_cli):
    code, out, err = inbox_cli("--bucket", "twin-dev-memory-gone")
    assert (code, out) == (1, "")
    assert one_line(err).startswith("inbox: no such bucket: twin-dev-memory-gone (check the name")


def test_access_denied(monkeypatch, inbox_cli):
    client = boto3.client("s3", region_name="eu-west-1", aws_access_key_id="x",
                          aws_secret_access_key="x")
    stubber = Stubber(client)
    stubber.add_client_error("list_objects_v2", service_error_code="AccessDenied",
                             http_status_code=403)
    monkeypatch.setattr(boto3, "client", lambda *args, **kwargs: client)
    with stubber:
        code, _, err = inbox_cli("--bucket", "someone-elses-bucket", "--kind", "contacts")
    assert code == 1
    assert one_line(err).startswith("inbox: access denied to bucket someone-elses-bucket: ")


def test_expired_credentials(monkeypatch, inbox_cli):
    client = boto3.client("s3", region_name="eu-west-1", aws_access_key_id="x",
                          aws_secret_access_key="x")
    stubber = Stubber(client)
    stubber.add_client_error("list_objects_v2", service_error_code="ExpiredToken",
                             http_status_code=400)
    monkeypatch.setattr(boto3, "client", lambda *args, **kwargs: client)
    with stubber:
        code, _, err = inbox_cli("--bucket", BUCKET, "--kind", "questions")
    assert code == 1
    assert "AWS refused your credentials (ExpiredToken)" in one_line(err)


def fake_pulumi(folder, script: str):
    folder.mkdir()
    path = folder / "pulumi"
    path.write_text("#!/bin/sh\n" + script)
    path.chmod(path.stat().st_mode | stat.S_IEXEC)


def test_stack_reads_the_bucket_from_pulumi(tmp_path, monkeypatch, s3, inbox_cli):
    fill_bucket(s3)
    fake_pulumi(tmp_path / "bin", f'echo "$@" > "{tmp_path}/args"\necho {BUCKET}\n')
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    code, out, _ = inbox_cli("--stack", "dev", "--kind", "contacts", "--json")
    assert code == 0
    assert [e["id"] for e in json.loads(out)] == [sample_entries()[1]["id"]]
    assert (tmp_path / "args").read_text() == "stack output memoryBucket --stack dev\n"


def test_stack_without_pulumi(tmp_path, monkeypatch, inbox_cli):
    (tmp_path / "empty").mkdir()
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    code, _, err = inbox_cli("--stack", "dev")
    assert code == 1
    assert one_line(err) == ("inbox: the pulumi CLI is not installed here; pass --bucket NAME "
                             "instead (the stack's memoryBucket output)")


def test_stack_pulumi_does_not_know(tmp_path, monkeypatch, inbox_cli):
    fake_pulumi(tmp_path / "bin", "echo 'warning: ignore me' >&2\n"
                                  "echo \"error: no stack named 'nope' found\" >&2\nexit 255\n")
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    code, _, err = inbox_cli("--stack", "nope")
    assert code == 1
    assert one_line(err) == ("inbox: pulumi could not read memoryBucket of stack 'nope': "
                             "error: no stack named 'nope' found")


def test_stack_pulumi_takes_too_long(monkeypatch, inbox_cli):
    def slow(*args, **kwargs):
        raise subprocess.TimeoutExpired(args[0], kwargs["timeout"])

    monkeypatch.setattr(twin_stack.subprocess, "run", slow)
    code, _, err = inbox_cli("--stack", "dev")
    assert code == 1 and "pulumi did not answer" in one_line(err)


@pytest.mark.parametrize("argv", [
    ["--bucket", "a-bucket", "--dir", "x"],
    ["--stack", "dev", "stats", "--bucket", "a-bucket"],
])
def test_one_place_at_a_time(argv, capsys):
    assert twin_inbox(argv) == 2
    assert "Error: choose one of --" in capsys.readouterr().err


@pytest.mark.parametrize("argv", [
    ["--since", "7"], ["--since", "0d"], ["stats", "--since", "tomorrow"], ["--kind", "spam"],
    ["--json", "--csv"], ["answer", "abc"],
])
def test_bad_options_are_usage_errors(argv, capsys):
    assert twin_inbox(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("Usage: twin inbox") and "Error: " in err and "Traceback" not in err


def test_empty_bucket_name(inbox_cli):
    code, _, err = inbox_cli("--bucket", " ")
    assert (code, one_line(err)) == (1, "inbox: the bucket name is empty")
