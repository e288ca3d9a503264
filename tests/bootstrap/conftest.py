"""A clean, fake AWS for the bootstrap: moto in-process, no real credentials, no network."""

from __future__ import annotations

import pytest
from moto import mock_aws

AWS_VARIABLES = (
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_ENDPOINT_URL",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "MOTO_ACCOUNT_ID",
)


@pytest.fixture
def isolated_env(monkeypatch, tmp_path):
    """An environment where boto3 finds no credentials, profiles or metadata service."""
    for name in AWS_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    empty = tmp_path / "aws-empty"
    empty.write_text("")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(empty))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(empty))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.delenv("AWS_ACCESS_KEY_ID", raising=False)
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY", raising=False)
    return monkeypatch


@pytest.fixture
def aws_env(isolated_env):
    """moto's S3, KMS, IAM and STS, reached with fake keys."""
    isolated_env.setenv("AWS_ACCESS_KEY_ID", "testing")
    isolated_env.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with mock_aws():
        yield
