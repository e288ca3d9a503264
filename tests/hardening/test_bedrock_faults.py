"""Bedrock throttled, timing out or answering garbage: the documented status, nothing saved,
and the next request answered. The model is a real botocore client talking to a fake Converse
endpoint on loopback, so botocore's own parsing and timeouts are what is tested."""

from __future__ import annotations

import json
import uuid

import boto3
import pytest
from botocore.config import Config as BotoConfig

from api.app import create_app
from bench.servers import converse_server, url_of
from tests.support.app import make_config
from tests.support.s3 import BUCKET

MODEL = "us.amazon.nova-micro-v1:0"
REPLY = "I'm based in Lisbon."


@pytest.fixture
def bedrock():
    with converse_server(REPLY) as server:
        yield server


@pytest.fixture
def twin(bedrock, s3, tmp_path):
    client = boto3.client(
        "bedrock-runtime", region_name="us-east-1", endpoint_url=url_of(bedrock),
        aws_access_key_id="testing", aws_secret_access_key="testing",
        # As deployed, but short: a test waits half a second for a timeout, not ten.
        config=BotoConfig(read_timeout=0.5, connect_timeout=1,
                          retries={"mode": "standard", "total_max_attempts": 1}))
    config = make_config(tmp_path, TWIN_MODEL_ID=MODEL, TWIN_MEMORY_BUCKET=BUCKET)
    return create_app(config, bedrock_client=client, s3_client=s3).test_client()


def saved(s3, session_id: str) -> bool:
    found = s3.list_objects_v2(Bucket=BUCKET, Prefix=f"conversations/{session_id}")
    return found.get("KeyCount", 0) > 0


THROTTLED = json.dumps({"message": "Too many requests, arn:aws:bedrock:secret"}).encode()


@pytest.mark.parametrize(("fault", "status", "code"), [
    ({"raw": b"this is not JSON"}, 502, "model_error"),
    ({"raw": json.dumps({"output": 5}).encode()}, 502, "model_error"),
    ({"raw": json.dumps({"output": {"message": {"role": "assistant", "content": "text"}}})
      .encode()}, 502, "model_error"),
    ({"raw": json.dumps({"output": {"message": {"role": "assistant", "content": [
        {"text": "<thinking>only thoughts</thinking>"}]}}}).encode()}, 502, "model_error"),
    ({"delay": 1.5}, 503, "model_unavailable"),
])
def test_a_model_fault_has_its_status_saves_nothing_and_the_next_turn_works(
        twin, bedrock, s3, send, fault, status, code):
    session, message = str(uuid.uuid4()), str(uuid.uuid4())
    bedrock.raw, bedrock.delay = fault.get("raw"), fault.get("delay", 0.0)
    response = send(twin, "Where are you based?", session, message)
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.json["error"]["code"] == code
    assert ("Retry-After" in response.headers) is (status == 503)
    assert not saved(s3, session)
    bedrock.raw, bedrock.delay = None, 0.0
    retry = send(twin, "Where are you based?", session, message)
    assert retry.status_code == 200 and retry.json["response"] == REPLY
    assert saved(s3, session)


def test_throttling_is_429_with_retry_after_and_saves_nothing(monkeypatch, twin, bedrock, s3,
                                                               send):
    # Bedrock's throttling answer: HTTP 429 with the error type in a header.
    def throttled(handler) -> None:
        handler.send_response(429)
        handler.send_header("x-amzn-ErrorType", "ThrottlingException")
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(THROTTLED)))
        handler.end_headers()
        handler.wfile.write(THROTTLED)

    handler_class = bedrock.RequestHandlerClass
    real = handler_class.do_POST
    monkeypatch.setattr(handler_class, "do_POST", lambda h: (
        h.rfile.read(int(h.headers["Content-Length"])), throttled(h)))
    session = str(uuid.uuid4())
    response = send(twin, "Where are you based?", session, str(uuid.uuid4()))
    assert response.status_code == 429 and response.json["error"]["code"] == "rate_limited"
    assert response.headers["Retry-After"].isdigit()
    assert "arn:aws" not in response.get_data(as_text=True)
    assert not saved(s3, session)
    monkeypatch.setattr(handler_class, "do_POST", real)
    assert send(twin, "Where are you based?", session, str(uuid.uuid4())).status_code == 200
