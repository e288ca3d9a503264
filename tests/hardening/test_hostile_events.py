"""Generated hostile requests through the Lambda entry: whatever arrives, never a 500."""

from __future__ import annotations

import base64
import json
import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api import lambda_handler

RUNS = settings(max_examples=150, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])
ERROR_CODES = {"bad_request", "invalid_session", "not_found", "method_not_allowed",
               "conversation_limit", "payload_too_large", "unsupported_media_type"}

text = st.text(st.characters(codec=None), max_size=300)  # any code point, surrogates too
session_ids = st.one_of(
    st.uuids().map(str), st.uuids().map(lambda u: str(u).upper()), st.uuids().map(
        lambda u: u.hex), text, st.integers(), st.none(), st.lists(st.integers(), max_size=3),
    st.just("../../etc/passwd"), st.just("3f2b8a4e-9c1d-4e7a-b6f0-2d5c8e1a9b73\x00"))
header_names = st.one_of(
    st.sampled_from(["Content-Type", "content-type", "X-Forwarded-For", "X-Forwarded-Proto",
                     "X-Forwarded-Port", "Host", "Origin", "Content-Length", "Accept",
                     "X-Request-Id", "Cookie", "Transfer-Encoding"]),
    st.text(st.characters(min_codepoint=33, max_codepoint=126, exclude_characters=":"),
            min_size=1, max_size=20))
header_values = st.one_of(
    st.sampled_from(["application/json", "application/json; charset=utf-16", "text/plain",
                     "application/json;;", "", "-1", "99999999999", "https", "javascript",
                     "203.0.113.7, 198.51.100.20", "null"]), text)
headers = st.dictionaries(header_names, header_values, max_size=6)


def event(method: str, path: str, body: str | None, extra_headers: dict[str, str],
          query: dict[str, str] | None = None, binary: bool = False) -> dict:
    """A payload-1.0 event as API Gateway would pass a client's request on."""
    all_headers = {"content-type": "application/json", **extra_headers}
    if binary and body is not None:
        body = base64.b64encode(body.encode("utf-8", "surrogatepass")).decode()
    return {"version": "1.0", "httpMethod": method, "path": path, "headers": all_headers,
            "multiValueHeaders": {k: [v] for k, v in all_headers.items()},
            "queryStringParameters": query, "requestContext": {"requestId": "fuzz"},
            "body": body, "isBase64Encoded": binary and body is not None}


@pytest.fixture(autouse=True)
def fresh_app(fresh_lambda_app):
    """Each test builds the Lambda's app anew: offline model, files under its tmp_path."""


def answer(ev: dict) -> tuple[int, dict | None]:
    response = lambda_handler.handler(ev, None)
    status = response["statusCode"]
    assert status != 500, response["body"]
    assert response["headers"].get("X-Request-Id")
    body = json.loads(response["body"]) if response["body"] else None
    if status >= 400 and ev["httpMethod"] != "HEAD":  # a HEAD answer has no body
        # The one error shape, with a code the visitor can act on, and nothing internal.
        assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "request_id"}
        assert body["error"]["code"] in ERROR_CODES
        assert "Traceback" not in response["body"] and "Error(" not in response["body"]
    return status, body


@RUNS
@given(message=st.one_of(text, st.integers(), st.none(), st.lists(text, max_size=2),
                         st.dictionaries(text, text, max_size=2)),
       session_id=session_ids, message_id=session_ids, extra=headers, binary=st.booleans())
def test_generated_chat_bodies_and_headers(message, session_id, message_id, extra, binary):
    fields = {"message": message, "session_id": session_id, "message_id": message_id}
    body = json.dumps({k: v for k, v in fields.items() if v is not None})
    status, reply = answer(event("POST", "/api/chat", body, extra, binary=binary))
    if status == 200:
        assert reply["response"] and uuid.UUID(reply["session_id"])


@RUNS
@given(body=st.one_of(text, st.binary(max_size=200).map(lambda b: b.decode("latin-1")),
                      st.just("{" * 5000), st.just('{"message": "' + "x" * 70_000 + '"}')),
       extra=headers, binary=st.booleans())
def test_generated_raw_bodies(body, extra, binary):
    answer(event("POST", "/api/chat", body, extra, binary=binary))


@RUNS
@given(method=st.sampled_from(["GET", "DELETE", "POST", "PUT", "PATCH", "OPTIONS", "HEAD"]),
       tail=st.one_of(session_ids.map(str), text), prefix=st.sampled_from(
           ["/api/conversation/", "/api/", "/api/chat/", "/api/contact/", "/"]),
       query=st.one_of(st.none(), st.dictionaries(text, text, max_size=3)), extra=headers)
def test_generated_paths_methods_and_queries(method, tail, prefix, query, extra):
    answer(event(method, prefix + tail, None, extra, query))


@RUNS
@given(email=st.one_of(text, st.emails().map(str)), name=st.one_of(st.none(), text),
       message=st.one_of(st.none(), text), website=st.one_of(st.none(), text),
       session_id=session_ids)
def test_generated_contact_forms(email, name, message, website, session_id):
    fields = {"email": email, "name": name, "message": message, "website": website,
              "session_id": session_id}
    body = json.dumps({k: v for k, v in fields.items() if v is not None})
    status, _ = answer(event("POST", "/api/contact", body, {}))
    assert status in (201, 400, 413, 415)


@RUNS
@given(before=text, after=text, lone=st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF),
       query=st.one_of(st.none(), st.dictionaries(text, text, max_size=2)),
       drop_query=st.booleans(), path=st.sampled_from(["/api/chat", "/api/contact"]))
def test_text_bodies_with_lone_surrogates_and_events_without_a_query(
        before, after, lone, query, drop_query, path):
    # API Gateway's text body as a string holding a lone surrogate, inside a JSON string or not;
    # and an event that leaves out queryStringParameters rather than setting it to null.
    body = json.dumps({"message": before + lone + after, "email": "ada@example.com"},
                      ensure_ascii=False) if before.isascii() else before + lone + after
    ev = event("POST", path, body, {}, query)
    if drop_query:
        del ev["queryStringParameters"]
    status, _ = answer(ev)
    assert status in (400, 413)
