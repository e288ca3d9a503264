"""POST /api/contact: what is stored, what is refused, the honeypot and safe retries."""

from __future__ import annotations

import json
import uuid

import pytest

UUID = "3f2b8a4e-9c1d-4e7a-b6f0-2d5c8e1a9b73"
JSON = "application/json"
GOOD = {"email": "sam@acme.example", "name": "Sam Reyes", "message": "Hiring a platform lead."}


def body(**fields) -> str:
    return json.dumps({**GOOD, **fields})


def contacts(config) -> list[dict]:
    folder = config.memory_dir / "inbox" / "contacts"
    return [json.loads(p.read_text()) for p in sorted(folder.glob("*.json"))]


def inbox_files(config) -> list:
    folder = config.memory_dir / "inbox"
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


# (id, raw body, content type, status, code)
BAD_CONTACTS = [
    ("not-json", "hello", JSON, 400, "bad_request"),
    ("json-array", "[]", JSON, 400, "bad_request"),
    ("wrong-content-type", body(), "text/plain", 415, "unsupported_media_type"),
    (
        "form-encoded",
        "email=a%40b.example",
        "application/x-www-form-urlencoded",
        415,
        "unsupported_media_type",
    ),
    ("too-large", body(message="x" * 70000), JSON, 413, "payload_too_large"),
    ("missing-email", json.dumps({"name": "Sam"}), JSON, 400, "bad_request"),
    ("email-null", body(email=None), JSON, 400, "bad_request"),
    ("email-number", body(email=42), JSON, 400, "bad_request"),
    ("email-blank", body(email="   "), JSON, 400, "bad_request"),
    ("email-no-at", body(email="sam.acme.example"), JSON, 400, "bad_request"),
    ("email-no-domain-dot", body(email="sam@localhost"), JSON, 400, "bad_request"),
    ("email-two-ats", body(email="sam@@acme.example"), JSON, 400, "bad_request"),
    ("email-spaces", body(email="sam reyes@acme.example"), JSON, 400, "bad_request"),
    (
        "email-header-injection",
        body(email="sam@acme.example\nBcc: x@y.example"),
        JSON,
        400,
        "bad_request",
    ),
    (
        "email-too-long",
        body(email="s" * 64 + "@" + "a" * 190 + ".example"),
        JSON,
        400,
        "bad_request",
    ),
    ("local-part-too-long", body(email="s" * 65 + "@acme.example"), JSON, 400, "bad_request"),
    ("name-list", body(name=["Sam"]), JSON, 400, "bad_request"),
    ("name-too-long", body(name="S" * 101), JSON, 400, "bad_request"),
    ("name-two-lines", body(name="Sam\nReyes"), JSON, 400, "bad_request"),
    ("message-object", body(message={"text": "hi"}), JSON, 400, "bad_request"),
    ("message-too-long", body(message="x" * 2001), JSON, 400, "bad_request"),
    ("message-control-chars", body(message="hi\x00there"), JSON, 400, "bad_request"),
    (
        "lone-surrogate",
        '{"email": "sam@acme.example", "name": "\\ud800"}',
        JSON,
        400,
        "bad_request",
    ),
    ("session-number", body(session_id=7), JSON, 400, "bad_request"),
    ("session-not-uuid", body(session_id="../../etc/passwd"), JSON, 400, "invalid_session"),
    ("session-upper-case", body(session_id=UUID.upper()), JSON, 400, "invalid_session"),
    ("website-not-string", body(website=1), JSON, 400, "bad_request"),
]


@pytest.mark.parametrize(
    ("raw", "content_type", "status", "code"),
    [case[1:] for case in BAD_CONTACTS],
    ids=[case[0] for case in BAD_CONTACTS],
)
def test_bad_contact_requests_are_refused_and_store_nothing(
    client, config, raw, content_type, status, code
):
    response = client.post("/api/contact", data=raw, content_type=content_type)
    assert response.status_code == status
    error = response.json["error"]
    assert error["code"] == code and error["message"] and error["request_id"]
    assert set(response.json) == {"error"}
    assert inbox_files(config) == []


def test_a_contact_is_stored_with_only_what_was_given(client, config):
    client.post("/api/chat", json={"message": "Where are you based?", "session_id": UUID})
    response = client.post(
        "/api/contact",
        json={**GOOD, "session_id": UUID},
        headers={"User-Agent": "Mozilla/5.0 secret-agent", "X-Forwarded-For": "203.0.113.9"},
    )
    assert response.status_code == 201
    assert response.json == {"status": "received"}
    [entry] = contacts(config)
    assert entry.pop("id") and entry.pop("created_at")
    assert entry == {
        "kind": "contact",
        "source": "form",
        "session_id": UUID,
        "asked": None,
        "email": GOOD["email"],
        "name": GOOD["name"],
        "message": GOOD["message"],
        "persona": "Ada Marlowe",  # which persona's inbox: the owner's answer goes there
    }
    raw = json.dumps(entry)
    assert "203.0.113.9" not in raw and "secret-agent" not in raw


def test_only_an_email_is_required(client, config):
    assert client.post("/api/contact", json={"email": "a@b.example"}).status_code == 201
    [entry] = contacts(config)
    assert entry["name"] is None and entry["message"] is None and entry["session_id"] is None


def test_the_honeypot_answers_201_and_stores_nothing(client, config):
    response = client.post("/api/contact", json={**GOOD, "website": "http://spam.example"})
    assert response.status_code == 201
    assert response.json == {"status": "received"}
    assert inbox_files(config) == []


def test_a_retried_contact_is_stored_once_and_notified_once(client, config, caplog):
    for _ in range(3):
        assert client.post("/api/contact", json={**GOOD, "session_id": UUID}).status_code == 201
    assert len(contacts(config)) == 1
    notices = [r for r in caplog.records if getattr(r, "event", None) == "contact_notice"]
    assert len(notices) == 1


def test_contacts_list_newest_first(client, config):
    for name in ("First", "Second", "Third"):
        client.post("/api/contact", json={**GOOD, "name": name})
    assert [e["name"] for e in contacts(config)] == ["Third", "Second", "First"]


def test_get_is_not_allowed(client):
    response = client.get("/api/contact")
    assert response.status_code == 405
    assert response.json["error"]["code"] == "method_not_allowed"


def test_an_invented_session_id_is_not_kept_and_opens_no_new_notice(client, config, caplog):
    """A bot sending a fresh session id with each request still gets one notice per address."""
    for _ in range(5):
        session = str(uuid.uuid4())
        assert client.post("/api/contact", json={**GOOD, "session_id": session}).status_code == 201
    [entry] = contacts(config)  # the same content without a conversation: one entry
    assert entry["session_id"] is None
    notices = [r for r in caplog.records if getattr(r, "event", None) == "contact_notice"]
    assert len(notices) == 1
