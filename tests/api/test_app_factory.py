"""create_app builds each part once, and takes the parts a test or the bench brings instead."""

from __future__ import annotations

import boto3
import pytest
from moto import mock_aws

from api.app import create_app
from api.inbox.files import FileInbox
from api.memory.files import FileConversationStore
from api.services import services
from tests.support.app import make_config
from tests.support.s3 import BUCKET, memory_bucket


@pytest.fixture
def s3_clients(monkeypatch):
    """Every boto3 S3 client made while the test runs, in moto."""
    made: list = []
    real = boto3.client

    def client(name, *args, **kwargs):
        result = real(name, *args, **kwargs)
        if name == "s3":
            made.append(result)
        return result

    with mock_aws():
        memory_bucket()
        monkeypatch.setattr(boto3, "client", client)
        yield made


def test_conversations_and_inbox_share_one_s3_client(s3_clients, tmp_path, monkeypatch):
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    chat = services(create_app(make_config(tmp_path, TWIN_MEMORY_BUCKET=BUCKET))).chat
    assert len(s3_clients) == 1
    assert chat.store.client is chat.notifier.inbox.client is s3_clients[0]


def test_no_s3_client_is_made_when_both_stores_are_given(s3_clients, tmp_path):
    config = make_config(tmp_path, TWIN_MEMORY_BUCKET=BUCKET)
    app = create_app(config, store=FileConversationStore(tmp_path / "c"),
                     inbox=FileInbox(tmp_path / "i"))
    assert s3_clients == []
    assert services(app).chat.store.kind == "file"
