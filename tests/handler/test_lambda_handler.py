"""The Lambda entry, fed recorded API Gateway payload-1.0 events."""

from __future__ import annotations

import gc
import json
import logging

import pytest

from api import lambda_handler
from tests.support.lambda_events import REQUEST_ID, context, load

SID = "3f2b8a4e-9c1d-4e7a-b6f0-2d5c8e1a9b73"


@pytest.fixture(autouse=True)
def fresh_app(fresh_lambda_app):
    """Each test builds the Lambda's app anew: offline model, files under its tmp_path."""


def call(name: str, request_id: str = REQUEST_ID) -> tuple[dict, dict]:
    response = lambda_handler.handler(load(name), context(request_id))
    assert isinstance(response["statusCode"], int)
    body = json.loads(response["body"]) if response["body"] else None
    return response, body


def test_health():
    response, body = call("health.json")
    assert response["statusCode"] == 200
    assert body == {"status": "ok", "model": "offline", "memory": "file"}
    assert response["headers"]["X-Request-Id"] == REQUEST_ID
    assert response["headers"]["Cache-Control"] == "no-store"
    assert response["isBase64Encoded"] is False


def test_profile():
    response, body = call("profile.json")
    assert response["statusCode"] == 200
    assert body["full_name"] == "Ada Marlowe"


def test_chat_then_history_then_delete():
    response, body = call("chat.json")
    assert response["statusCode"] == 200
    assert body["session_id"] == SID and "Lisbon" in body["response"]

    response, body = call("chat_base64.json")
    assert response["statusCode"] == 200
    assert "Certified" in body["response"]

    response, body = call("conversation_get.json")
    assert response["statusCode"] == 200
    assert len(body["messages"]) == 4

    response, body = call("conversation_delete.json")
    assert response["statusCode"] == 204
    response, body = call("conversation_get.json")
    assert response["statusCode"] == 404


def test_retry_of_the_same_event_is_answered_from_memory():
    first = call("chat.json")[1]
    again = call("chat.json", request_id="other")[1]
    assert again == first
    assert len(call("conversation_get.json")[1]["messages"]) == 2


@pytest.mark.parametrize(
    ("name", "status", "code"),
    [
        ("chat_bad_json.json", 400, "bad_request"),
        ("conversation_traversal.json", 400, "invalid_session"),
        ("unknown_route.json", 404, "not_found"),
    ],
)
def test_errors_keep_the_shape_and_request_id(name, status, code):
    response, body = call(name, request_id="req-123")
    assert response["statusCode"] == status
    assert body["error"]["code"] == code
    assert body["error"]["request_id"] == "req-123"


def test_payload_v2_event_is_a_500_json_error_and_a_clear_log(caplog_twin):
    response, body = call("payload_v2.json", request_id="req-v2")
    assert response["statusCode"] == 500
    assert body["error"]["code"] == "internal"
    assert body["error"]["request_id"] == "req-v2"
    assert "payload_format_version" not in response["body"]
    [line] = [r for r in caplog_twin if r.levelno == logging.ERROR]
    assert "payload_format_version='1.0'" in line.getMessage()


@pytest.mark.parametrize("event", [None, [], "GET /api/health", {"path": "/api/health"}])
def test_garbage_events_do_not_crash(event):
    response = lambda_handler.handler(event, context())
    assert response["statusCode"] == 500
    assert json.loads(response["body"])["error"]["code"] == "internal"


@pytest.fixture
def caplog_twin():
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    handler = Keep()
    logging.getLogger("twin").addHandler(handler)
    yield records
    logging.getLogger("twin").removeHandler(handler)


def test_contact_is_stored_without_the_visitor_address(tmp_path):
    call("chat.json")  # the conversation the contact names
    response, body = call("contact.json")
    assert response["statusCode"] == 201
    assert body == {"status": "received"}
    [entry] = (tmp_path / "memory" / "inbox" / "contacts").glob("*.json")
    stored = entry.read_text()
    assert "sam@acme.example" in stored and SID in stored
    # The event carries an X-Forwarded-For and a user agent; neither is kept.
    assert "203.0.113.7" not in stored and "CloudFront" not in stored


def test_the_built_app_is_set_apart_from_the_garbage_collector():
    # Built once per container and kept: no collection during a request should walk it.
    assert gc.get_freeze_count() == 0  # the fixture of the test before let go of its app
    lambda_handler.get_app()
    assert gc.get_freeze_count() > 0


def test_a_text_body_with_a_lone_surrogate_gets_the_error_shape():
    event = load("chat.json")
    event["body"] = '{"message": "hello \ud800 there"}'  # not base64: aws-wsgi encoded it strictly
    response = lambda_handler.handler(event, context())
    assert response["statusCode"] == 400
    assert json.loads(response["body"])["error"]["code"] == "bad_request"


def test_an_event_without_query_parameters_is_answered():
    event = load("health.json")
    event.pop("queryStringParameters", None)
    event.pop("multiValueQueryStringParameters", None)
    response = lambda_handler.handler(event, context())
    assert response["statusCode"] == 200
    assert json.loads(response["body"])["status"] == "ok"


def test_query_parameters_with_lone_surrogates_are_passed_on_not_raised():
    event = load("health.json")
    event["queryStringParameters"] = {"q\udfff": "\ud800"}
    assert lambda_handler.handler(event, context())["statusCode"] == 200
