"""Every malformed request gets its documented 4xx in the one error shape and stores nothing."""

from __future__ import annotations

import json
import random
import uuid

import pytest

from tests.support.app import stored_files

UUID = "3f2b8a4e-9c1d-4e7a-b6f0-2d5c8e1a9b73"
JSON = "application/json"


def body(**fields) -> str:
    return json.dumps(fields)


# (id, method, path, raw body, content type, status, code)
BAD_REQUESTS = [
    ("not-json", "post", "/api/chat", "hello", JSON, 400, "bad_request"),
    ("truncated-json", "post", "/api/chat", '{"message": "hi"', JSON, 400, "bad_request"),
    ("empty-body", "post", "/api/chat", "", JSON, 400, "bad_request"),
    ("json-array", "post", "/api/chat", '["hi"]', JSON, 400, "bad_request"),
    ("json-string", "post", "/api/chat", '"hi"', JSON, 400, "bad_request"),
    ("json-null", "post", "/api/chat", "null", JSON, 400, "bad_request"),
    ("json-number", "post", "/api/chat", "42", JSON, 400, "bad_request"),
    ("deeply-nested", "post", "/api/chat", "[" * 30000 + "]" * 30000, JSON, 400, "bad_request"),
    ("invalid-utf8", "post", "/api/chat", b'{"message": "\xff\xfe"}', JSON, 400, "bad_request"),
    ("missing-message", "post", "/api/chat", body(text="hi"), JSON, 400, "bad_request"),
    ("message-null", "post", "/api/chat", body(message=None), JSON, 400, "bad_request"),
    ("message-number", "post", "/api/chat", body(message=5), JSON, 400, "bad_request"),
    ("message-list", "post", "/api/chat", body(message=["hi"]), JSON, 400, "bad_request"),
    ("message-object", "post", "/api/chat", body(message={"a": 1}), JSON, 400, "bad_request"),
    ("message-empty", "post", "/api/chat", body(message=""), JSON, 400, "bad_request"),
    ("message-blank", "post", "/api/chat", body(message=" \n\t "), JSON, 400, "bad_request"),
    ("message-too-long", "post", "/api/chat", body(message="x" * 2001), JSON, 400, "bad_request"),
    ("lone-surrogate", "post", "/api/chat", '{"message": "hi \\ud800"}', JSON, 400, "bad_request"),
    ("control-char", "post", "/api/chat", body(message="\x00hi"), JSON, 400, "bad_request"),
    ("escape-sequence", "post", "/api/chat", body(message="hi \x1b[2J"), JSON, 400,
     "bad_request"),
    (
        "session-number",
        "post",
        "/api/chat",
        body(message="hi", session_id=7),
        JSON,
        400,
        "bad_request",
    ),
    (
        "session-not-uuid",
        "post",
        "/api/chat",
        body(message="hi", session_id="abc"),
        JSON,
        400,
        "invalid_session",
    ),
    (
        "session-traversal",
        "post",
        "/api/chat",
        body(message="hi", session_id="../../etc/passwd"),
        JSON,
        400,
        "invalid_session",
    ),
    (
        "session-uppercase",
        "post",
        "/api/chat",
        body(message="hi", session_id=UUID.upper()),
        JSON,
        400,
        "invalid_session",
    ),
    (
        "session-braces",
        "post",
        "/api/chat",
        body(message="hi", session_id="{" + UUID + "}"),
        JSON,
        400,
        "invalid_session",
    ),
    (
        "session-very-long",
        "post",
        "/api/chat",
        body(message="hi", session_id=UUID * 50),
        JSON,
        400,
        "invalid_session",
    ),
    (
        "message-id-not-uuid",
        "post",
        "/api/chat",
        body(message="hi", message_id="1"),
        JSON,
        400,
        "bad_request",
    ),
    (
        "message-id-number",
        "post",
        "/api/chat",
        body(message="hi", message_id=1),
        JSON,
        400,
        "bad_request",
    ),
    (
        "text-plain",
        "post",
        "/api/chat",
        body(message="hi"),
        "text/plain",
        415,
        "unsupported_media_type",
    ),
    (
        "form-encoded",
        "post",
        "/api/chat",
        "message=hi",
        "application/x-www-form-urlencoded",
        415,
        "unsupported_media_type",
    ),
    (
        "no-content-type",
        "post",
        "/api/chat",
        body(message="hi"),
        None,
        415,
        "unsupported_media_type",
    ),
    (
        "body-over-64k",
        "post",
        "/api/chat",
        body(message="x" * 70_000),
        JSON,
        413,
        "payload_too_large",
    ),
    ("get-chat", "get", "/api/chat", None, None, 405, "method_not_allowed"),
    ("put-conversation", "put", f"/api/conversation/{UUID}", None, None, 405, "method_not_allowed"),
    ("post-health", "post", "/api/health", body(message="hi"), JSON, 405, "method_not_allowed"),
    ("unknown-route", "get", "/api/secrets", None, None, 404, "not_found"),
    ("outside-api", "get", "/etc/passwd", None, None, 404, "not_found"),
    ("get-path-traversal", "get", "/api/conversation/../../x", None, None, 400, "invalid_session"),
    ("get-encoded-dots", "get", "/api/conversation/%2e%2e", None, None, 400, "invalid_session"),
    (
        "get-encoded-slash",
        "get",
        "/api/conversation/..%2F..%2Fx",
        None,
        None,
        400,
        "invalid_session",
    ),
    ("get-not-uuid", "get", "/api/conversation/hello", None, None, 400, "invalid_session"),
    ("get-very-long", "get", "/api/conversation/" + "a" * 5000, None, None, 400, "invalid_session"),
    ("delete-not-uuid", "delete", "/api/conversation/1234", None, None, 400, "invalid_session"),
    ("delete-null-byte", "delete", "/api/conversation/%00", None, None, 400, "invalid_session"),
]


@pytest.mark.parametrize(
    ("method", "path", "raw", "content_type", "status", "code"),
    [case[1:] for case in BAD_REQUESTS],
    ids=[case[0] for case in BAD_REQUESTS],
)
def test_bad_request_is_rejected_cleanly(
    client, config, method, path, raw, content_type, status, code
):
    kwargs = {} if raw is None else {"data": raw}
    if content_type:
        kwargs["content_type"] = content_type
    response = getattr(client, method)(path, **kwargs)

    assert response.status_code == status
    assert response.is_json
    error = response.json["error"]
    assert set(error) == {"code", "message", "request_id"}
    assert error["code"] == code
    assert error["request_id"] == response.headers["X-Request-Id"]
    assert error["message"] and "Traceback" not in error["message"]
    assert stored_files(config) == []


def test_bad_input_never_touches_a_saved_conversation(client, chat, config):
    first = chat("Where are you based?").json
    saved = stored_files(config)[0].read_bytes()
    for raw in ['{"message": ""}', "[]", '{"message": "x", "session_id": "nope"}']:
        client.post("/api/chat", data=raw.replace("SID", first["session_id"]), content_type=JSON)
    client.post("/api/chat", json={"message": "", "session_id": first["session_id"]})
    client.post("/api/chat", json={"message": "y" * 5000, "session_id": first["session_id"]})
    assert stored_files(config)[0].read_bytes() == saved


def _random_value(rng, depth: int = 0):
    kinds = ["str", "int", "float", "bool", "null", "uuid", "list", "dict", "unicode"]
    kind = rng.choice(kinds if depth < 3 else kinds[:7])
    if kind == "str":
        return "".join(rng.choice("ab ./%\\\n\t\"'<>{}") for _ in range(rng.randint(0, 40)))
    if kind == "unicode":
        return "".join(chr(rng.randint(1, 0x2FFFF)) for _ in range(rng.randint(1, 20)))
    if kind == "uuid":
        return str(uuid.UUID(int=rng.getrandbits(128), version=4))
    if kind == "list":
        return [_random_value(rng, depth + 1) for _ in range(rng.randint(0, 3))]
    if kind == "dict":
        return {"message": _random_value(rng, depth + 1)}
    return {"int": rng.randint(-(2**70), 2**70), "float": rng.random() * 1e308, "bool": True,
            "null": None}[kind]


def test_no_random_request_gets_a_500(client):
    # A seeded sweep over field types and values: every answer is a 2xx or a 4xx, never a 500.
    rng = random.Random(20261124)
    statuses = set()
    for _ in range(300):
        fields = {name: _random_value(rng) for name in ("message", "session_id", "message_id")
                  if rng.random() < 0.8}
        response = client.post("/api/chat", data=json.dumps(fields), content_type=JSON)
        statuses.add(response.status_code)
        assert response.status_code < 500, (fields, response.json)
    assert 200 in statuses and 400 in statuses
