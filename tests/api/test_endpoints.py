"""The HTTP API as docs/architecture.md describes it, through Flask's test client."""

from __future__ import annotations

import json
import uuid

import pytest

from api.app import create_app
from tests.support.app import UUID, make_config, stored_files

HERE = {"role": "user", "content": "Where are you based?"}
LISBON = {"role": "assistant", "content": "I'm based in Lisbon."}


@pytest.fixture
def twin(config, model):
    """The app answering with the scripted `model`."""
    return create_app(config, model=model).test_client()


def say(client, message: str = "Where are you based?", **fields):
    return client.post("/api/chat", json={"message": message, **fields})


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


def test_chat_issues_a_session_and_stores_the_turn(twin, model, config):
    model.queue("I'm based in Lisbon.")
    response = say(twin)
    assert response.status_code == 200
    body = response.json
    assert set(body) == {"response", "session_id", "message_id"}
    assert str(uuid.UUID(body["session_id"])) == body["session_id"]
    assert body["response"] == "I'm based in Lisbon."

    history = twin.get(f"/api/conversation/{body['session_id']}").json
    assert history["session_id"] == body["session_id"]
    assert [m["role"] for m in history["messages"]] == ["user", "assistant"]
    assert history["messages"][0]["content"] == "Where are you based?"
    assert history["messages"][1]["content"] == body["response"]
    assert {m["message_id"] for m in history["messages"]} == {body["message_id"]}
    assert all(m["timestamp"].endswith("Z") for m in history["messages"])
    assert len(stored_files(config)) == 1


def test_chat_continues_a_supplied_session(twin, model):
    model.queue("I'm based in Lisbon.").queue("None yet.")
    first = say(twin).json
    second = say(twin, "Do you keep bees?", session_id=first["session_id"]).json
    assert second["session_id"] == first["session_id"]
    messages = twin.get(f"/api/conversation/{first['session_id']}").json["messages"]
    assert len(messages) == 4
    # The model answers the second question with the first exchange before it.
    question = {"role": "user", "content": "Do you keep bees?"}
    assert model.turns[1].messages == [HERE, LISBON, question]


def test_the_model_sees_the_window_of_history_as_roles_and_texts(tmp_path, model):
    client = create_app(make_config(tmp_path, TWIN_HISTORY_MESSAGES="4"), model=model).test_client()
    for i in range(5):
        model.queue(f"answer {i}")
        assert say(client, f"message {i}", session_id=UUID).json["response"] == f"answer {i}"
    # The last four stored messages and the question, without ids or timestamps.
    assert model.turns[-1].messages == [
        {"role": "user", "content": "message 2"}, {"role": "assistant", "content": "answer 2"},
        {"role": "user", "content": "message 3"}, {"role": "assistant", "content": "answer 3"},
        {"role": "user", "content": "message 4"},
    ]
    assert len(client.get(f"/api/conversation/{UUID}").json["messages"]) == 10  # all kept


def test_unknown_well_formed_session_starts_a_conversation_with_that_id(twin, model):
    model.queue("I'm based in Lisbon.")
    assert say(twin, session_id=UUID).json["session_id"] == UUID
    assert model.turns[0].messages == [HERE]  # a new conversation: no history


def test_repeated_message_id_returns_the_stored_reply_once(twin, model):
    model.queue("I'm based in Lisbon.")  # one reply: the repeat must not ask the model
    first = say(twin, session_id=UUID, message_id=UUID).json
    again = say(twin, session_id=UUID, message_id=UUID).json
    assert again == first and len(model.turns) == 1
    assert len(twin.get(f"/api/conversation/{UUID}").json["messages"]) == 2


def test_message_is_stripped_before_storing(twin, model):
    model.queue("I'm based in Lisbon.")
    say(twin, "   Where are you based?  \n", session_id=UUID)
    assert twin.get(f"/api/conversation/{UUID}").json["messages"][0]["content"] == (
        "Where are you based?"
    )
    assert model.turns[0].messages == [HERE]  # the model too is sent the stripped text


def test_conversation_limit_is_409_and_keeps_what_was_saved(tmp_path, model):
    client = create_app(make_config(tmp_path, TWIN_MAX_TURNS="2"), model=model).test_client()
    model.queue("Hello.").queue("Hello again.")  # the third turn must not reach the model
    for _ in range(2):
        assert say(client, "hi", session_id=UUID).status_code == 200
    response = say(client, "one more", session_id=UUID)
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


def test_unexpected_error_is_500_without_details(twin, model):
    model.queue(RuntimeError("secret internal detail /var/task/x.py"))  # fails as nothing expects
    response = say(twin, "hi")
    assert response.status_code == 500
    assert response.json["error"]["code"] == "internal"
    assert "secret" not in response.get_data(as_text=True)
