"""Fixtures for the owner's command: the sample inbox in a folder and in moto S3, a runner."""

from __future__ import annotations

import boto3
import pytest
from moto import mock_aws

from tests.support.inbox_samples import BUCKET, fill_bucket, fill_folder, twin_inbox


@pytest.fixture(autouse=True)
def _wide_terminal(monkeypatch):
    # The table cuts its last column to the terminal; tests read it whole.
    monkeypatch.setenv("COLUMNS", "200")


@pytest.fixture
def s3():
    with mock_aws():
        yield boto3.client("s3", region_name="us-east-1")


@pytest.fixture(params=["folder", "bucket"])
def where(request, tmp_path):
    """The command-line options that point at the sample inbox, in a folder or in moto S3."""
    if request.param == "folder":
        yield ["--dir", str(fill_folder(tmp_path / "memory"))]
        return
    with mock_aws():
        fill_bucket(boto3.client("s3", region_name="us-east-1"))
        yield ["--bucket", BUCKET]


@pytest.fixture
def inbox_cli(capsys):
    """Run `twin inbox` in this process: (exit status, stdout, stderr)."""

    def run(*argv: str) -> tuple[int, str, str]:
        code = twin_inbox(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    return run
