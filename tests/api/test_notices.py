"""Owner notices through SNS (moto): one per conversation and kind, and never a failed request."""

from __future__ import annotations

import json
import logging

import boto3
import pytest
from moto import mock_aws

from api.app import create_app, services
from tests.support.app import make_config
from tests.support.s3 import BUCKET, memory_bucket

UUID = "3f2b8a4e-9c1d-4e7a-b6f0-2d5c8e1a9b73"
OTHER = "0b9c7e2a-4d1f-4a8e-9c3b-5f6a7d8e9f01"
UNKNOWN = "What is your favourite opera?"


@pytest.fixture
def aws():
    with mock_aws():
        yield


@pytest.fixture
def owner(aws):
    """An SNS topic with an SQS queue subscribed, standing in for the owner's mailbox."""
    sns = boto3.client("sns", region_name="us-east-1")
    sqs = boto3.client("sqs", region_name="us-east-1")
    topic = sns.create_topic(Name="twin-test-owner")["TopicArn"]
    queue = sqs.create_queue(QueueName="owner-mailbox")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn["Attributes"]["QueueArn"])

    def received() -> list[dict]:
        messages = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10)
        return [json.loads(m["Body"]) for m in messages.get("Messages", [])]

    return topic, sns, received


def make_app(tmp_path, topic: str, sns):
    config = make_config(
        tmp_path, TWIN_MEMORY_BUCKET=BUCKET, TWIN_NOTIFY_TOPIC_ARN=topic, AWS_REGION="us-east-1"
    )
    return create_app(config, s3_client=memory_bucket(), sns_client=sns).test_client()


def test_each_new_entry_notifies_once_per_conversation_and_kind(tmp_path, owner):
    topic, sns, received = owner
    client = make_app(tmp_path, topic, sns)
    for session, text in ((UUID, UNKNOWN), (UUID, "Do you keep bees?"), (OTHER, UNKNOWN)):
        assert (
            client.post("/api/chat", json={"message": text, "session_id": session}).status_code
            == 200
        )
    for _ in range(2):
        contact = {"email": "sam@acme.example", "name": "Sam", "session_id": UUID}
        assert client.post("/api/contact", json=contact).status_code == 201

    notices = received()
    assert sorted(n["Subject"] for n in notices) == [
        "Twin: a question to answer",
        "Twin: a question to answer",
        "Twin: a visitor left a contact",
    ]
    [question] = [n["Message"] for n in notices if "question" in n["Subject"]][:1]
    assert f"Question:\n> {UNKNOWN}\n" in question
    assert f".venv/bin/twin inbox --bucket {BUCKET}" in question
    [contact_notice] = [n["Message"] for n in notices if "contact" in n["Subject"]]
    assert "Email:\n> sam@acme.example\n" in contact_notice and "Name:\n> Sam\n" in contact_notice
    # The inbox keeps every entry, whatever the notice cap.
    listed = boto3.client("s3", region_name="us-east-1").list_objects_v2(
        Bucket=BUCKET, Prefix="inbox/questions/"
    )
    assert listed["KeyCount"] == 3


def test_a_failed_notice_is_logged_and_the_visitor_still_gets_an_answer(tmp_path, aws, caplog):
    sns = boto3.client("sns", region_name="us-east-1")
    missing = "arn:aws:sns:us-east-1:123456789012:twin-test-gone"
    client = make_app(tmp_path, missing, sns)
    with caplog.at_level(logging.INFO, logger="twin"):
        chat = client.post("/api/chat", json={"message": UNKNOWN, "session_id": UUID})
        contact = client.post("/api/contact", json={"email": "sam@acme.example"})
    assert chat.status_code == 200 and "don't know" in chat.json["response"]
    assert contact.status_code == 201
    failures = [r for r in caplog.records if r.getMessage() == "owner notice failed"]
    assert len(failures) == 2
    assert {r.request_id for r in failures} == {
        chat.headers["X-Request-Id"],
        contact.headers["X-Request-Id"],
    }
    assert "twin-test-gone" not in chat.get_data(as_text=True)
    stored = boto3.client("s3", region_name="us-east-1").list_objects_v2(
        Bucket=BUCKET, Prefix="inbox/"
    )
    assert any(o["Key"].startswith("inbox/contacts/") for o in stored["Contents"])


def test_without_a_topic_notices_go_to_the_log(client, caplog):
    with caplog.at_level(logging.INFO, logger="twin"):
        client.post("/api/contact", json={"email": "sam@acme.example"})
    [notice] = [r for r in caplog.records if getattr(r, "event", None) == "contact_notice"]
    assert "owner notice: new contact" in notice.getMessage()
    assert "sam@acme.example" not in notice.getMessage()  # no visitor data in the log


class FailingInboxWrites:
    """A moto S3 client whose writes under inbox/ fail as S3 does when it is briefly down."""

    def __init__(self, client) -> None:
        self._client = client

    def __getattr__(self, name):
        return getattr(self._client, name)

    def put_object(self, **kwargs):
        if kwargs["Key"].startswith("inbox/"):
            from botocore.exceptions import ClientError

            error = {"Error": {"Code": "ServiceUnavailable", "Message": "arn:aws:s3 detail"}}
            raise ClientError(error, "PutObject")
        return self._client.put_object(**kwargs)


def test_a_contact_s3_cannot_store_is_a_503_to_retry(tmp_path, aws):
    config = make_config(tmp_path, TWIN_MEMORY_BUCKET=BUCKET, AWS_REGION="us-east-1")
    client = create_app(config, s3_client=FailingInboxWrites(memory_bucket())).test_client()
    response = client.post("/api/contact", json={"email": "sam@acme.example"})
    assert response.status_code == 503
    assert response.json["error"] == {
        "code": "contact_unavailable",
        "message": "Your details could not be saved just now. Please try again in a moment.",
        "request_id": response.headers["X-Request-Id"],
    }
    assert response.headers["Retry-After"]
    assert "arn:aws" not in response.get_data(as_text=True)


def test_notices_stop_at_the_hourly_ceiling_while_the_inbox_keeps_everything(
    client, config, caplog
):
    from api.notify import NOTICES_PER_HOUR

    total = NOTICES_PER_HOUR + 3
    for i in range(total):
        assert (
            client.post("/api/contact", json={"email": f"bot{i}@spam.example"}).status_code == 201
        )
    notices = [r for r in caplog.records if getattr(r, "event", None) == "contact_notice"]
    sent = [r for r in notices if r.getMessage().startswith("owner notice: new contact")]
    assert len(sent) == NOTICES_PER_HOUR
    assert len([r for r in notices if "held back" in r.getMessage()]) == 3
    assert len(list((config.memory_dir / "inbox" / "contacts").glob("*.json"))) == total


class FlakySns:
    """Fails the first publish, then passes them to the real (moto) client."""

    def __init__(self, sns) -> None:
        self.sns, self.failed = sns, False

    def publish(self, **kwargs):
        if not self.failed:
            self.failed = True
            from botocore.exceptions import EndpointConnectionError

            raise EndpointConnectionError(endpoint_url="https://sns.us-east-1.amazonaws.com")
        return self.sns.publish(**kwargs)


def test_a_failed_notice_gives_its_slot_back_for_the_next_entry(tmp_path, owner):
    topic, sns, received = owner
    client = make_app(tmp_path, topic, FlakySns(sns))
    first = client.post("/api/chat", json={"message": UNKNOWN, "session_id": UUID})
    assert first.status_code == 200 and received() == []
    client.post("/api/chat", json={"message": "Do you keep bees?", "session_id": UUID})
    [notice] = received()
    assert "Do you keep bees?" in notice["Message"]


def test_the_sns_client_cannot_hold_a_request_for_long(tmp_path, aws):
    config = make_config(tmp_path, TWIN_NOTIFY_TOPIC_ARN="arn:aws:sns:eu-west-1:123456789012:t")
    notifier = services(create_app(config)).chat.notifier
    client = notifier._client()
    assert client.meta.region_name == "eu-west-1"  # the topic's region, from its ARN
    assert client.meta.config.connect_timeout <= 2 and client.meta.config.read_timeout <= 3
    assert client.meta.config.retries["total_max_attempts"] <= 2
