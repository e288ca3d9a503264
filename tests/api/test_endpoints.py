"""The HTTP API as docs/architecture.md describes it, through Flask's test client."""

from __future__ import annotations

import json
import uuid

import pytest

from api import create_app
from tests.support.app import make_config, stored_files

UUID = "3f2b8a4e-9c1d-4e7a-b6f0-2d5c8e1a9b73"


def test_health_reports_model_and_memory(client):
    response = client.get("/api/health")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "model": "offline", "memory": "file"}


def test_profile_shows_only_public_facts(client):
    profile = client.get("/api/profile").json
    assert profile["name"] == "Ada"
    assert profile["full_name"] == "Ada Marlowe"
    assert profile["title"] == "Staff Platform Engineer"
    assert profile["location"].startswith("Lisbon")
    assert profile["avatar_url"] is None
    assert 1 <= len(profile["starters"]) <= 4
    assert "email" not in json.dumps(profile)  # email is a fact, but not a public one


def test_chat_issues_a_session_and_stores_the_turn(client, chat, config):
    response = chat("Where are you based?")
    assert response.status_code == 200
    body = response.json
    assert set(body) == {"response", "session_id", "message_id"}
    assert str(uuid.UUID(body["session_id"])) == body["session_id"]
    assert "Lisbon" in body["response"]

    history = client.get(f"/api/conversation/{body['session_id']}").json
    assert history["session_id"] == body["session_id"]
    assert [m["role"] for m in history["messages"]] == ["user", "assistant"]
    assert history["messages"][0]["content"] == "Where are you based?"
    assert history["messages"][1]["content"] == body["response"]
    assert {m["message_id"] for m in history["messages"]} == {body["message_id"]}
    assert all(m["timestamp"].endswith("Z") for m in history["messages"])
    assert len(stored_files(config)) == 1


def test_chat_continues_a_supplied_session(client, chat):
    first = chat("Where are you based?").json
    second = chat("Which certifications do you hold?", session_id=first["session_id"]).json
    assert second["session_id"] == first["session_id"]
    messages = client.get(f"/api/conversation/{first['session_id']}").json["messages"]
    assert len(messages) == 4


def test_unknown_well_formed_session_starts_a_conversation_with_that_id(chat):
    assert chat(session_id=UUID).json["session_id"] == UUID


def test_repeated_message_id_returns_the_stored_reply_once(client, chat):
    first = chat("Where are you based?", session_id=UUID, message_id=UUID).json
    again = chat("Where are you based?", session_id=UUID, message_id=UUID).json
    assert again == first
    assert len(client.get(f"/api/conversation/{UUID}").json["messages"]) == 2


def test_message_is_stripped_before_storing(client, chat):
    chat("   Where are you based?  \n", session_id=UUID)
    assert client.get(f"/api/conversation/{UUID}").json["messages"][0]["content"] == (
        "Where are you based?"
    )


def test_conversation_limit_is_409_and_keeps_what_was_saved(tmp_path):
    config = make_config(tmp_path, TWIN_MAX_TURNS="2")
    client = create_app(config).test_client()
    for _ in range(2):
        assert (
            client.post("/api/chat", json={"message": "hi", "session_id": UUID}).status_code == 200
        )
    response = client.post("/api/chat", json={"message": "one more", "session_id": UUID})
    assert response.status_code == 409
    assert response.json["error"]["code"] == "conversation_limit"
    assert len(client.get(f"/api/conversation/{UUID}").json["messages"]) == 4


def test_delete_removes_the_conversation(client, chat, config):
    session_id = chat().json["session_id"]
    assert client.delete(f"/api/conversation/{session_id}").status_code == 204
    assert client.get(f"/api/conversation/{session_id}").status_code == 404
    assert client.delete(f"/api/conversation/{session_id}").status_code == 404
    assert stored_files(config) == []


@pytest.mark.parametrize("method", ["get", "delete"])
def test_unknown_conversation_is_404(client, method):
    response = getattr(client, method)(f"/api/conversation/{UUID}")
    assert response.status_code == 404
    assert response.json["error"]["code"] == "not_found"


@pytest.mark.parametrize(
    "path", ["/api/health", "/api/profile", "/api/nope", f"/api/conversation/{UUID}"]
)
def test_every_response_has_request_id_and_no_store(client, path):
    response = client.get(path)
    assert len(response.headers["X-Request-Id"]) >= 16
    assert response.headers["Cache-Control"] == "no-store"
    if response.status_code >= 400:
        assert response.json["error"]["request_id"] == response.headers["X-Request-Id"]


def test_method_not_allowed_keeps_allow_header(client):
    response = client.get("/api/chat")
    assert response.status_code == 405
    assert response.json["error"]["code"] == "method_not_allowed"
    assert "POST" in response.headers["Allow"]


def test_the_app_sends_no_cors_headers(client):
    # API Gateway answers CORS from twin:allowedOrigins and ignores the function's CORS headers;
    # locally the page and the API share one origin.
    response = client.get("/api/health", headers={"Origin": "https://ada.example.com"})
    assert not [k for k, _ in response.headers.items() if k.lower().startswith("access-control-")]


class Exploding:
    """A model that fails in a way nothing expects."""

    name = "exploding"

    def reply(self, *_args):
        raise RuntimeError("secret internal detail /var/task/x.py")


def test_unexpected_error_is_500_without_details(config, caplog):
    client = create_app(config, model=Exploding()).test_client()
    response = client.post("/api/chat", json={"message": "hi"})
    assert response.status_code == 500
    assert response.json["error"]["code"] == "internal"
    assert "secret" not in response.get_data(as_text=True)
