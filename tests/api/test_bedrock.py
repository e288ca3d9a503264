"""BedrockModel against botocore's Stubber, which checks requests against the real service model:
the Converse request, the error mapping, and the bounds of the tool loop."""

from __future__ import annotations

from datetime import date

import pytest
from botocore.exceptions import ReadTimeoutError
from botocore.stub import ANY, Stubber

from api.app import create_app, services
from api.models.bedrock import (
    MAX_MODEL_CALLS,
    BedrockModel,
    strip_thinking,
    to_converse_messages,
)
from tests.support.app import UUID, inbox_entries, make_config, stored_files
from tests.support.converse import (
    MODEL,
    TOOL_CONFIG,
    bedrock_client,
    converse_response,
    request,
    tool_response,
)


@pytest.fixture
def bedrock():
    client = bedrock_client()
    with Stubber(client) as stubber:
        yield client, stubber
        stubber.assert_no_pending_responses()


@pytest.fixture
def bedrock_app(tmp_path, bedrock):
    client, stubber = bedrock
    config = make_config(
        tmp_path, TWIN_MODEL_ID=MODEL, TWIN_HISTORY_MESSAGES="4", TWIN_MAX_TOKENS="400"
    )
    app = create_app(config, bedrock_client=client, today=lambda: date(2026, 11, 24))
    return app, stubber, config


def test_converse_request_shape_system_prompt_and_window(bedrock_app):
    app, stubber, _config = bedrock_app
    client = app.test_client()
    sent: list[dict] = []
    for i in range(4):
        stubber.add_response(
            "converse",
            converse_response(f"answer {i}"),
            {"modelId": MODEL, "system": ANY, "messages": ANY, "inferenceConfig": ANY,
             "toolConfig": TOOL_CONFIG},
        )
    stubber.add_response(
        "converse",
        converse_response("answer 4"),
        {
            "modelId": MODEL,
            "system": ANY,
            "messages": [
                {"role": "user", "content": [{"text": "message 2"}]},
                {"role": "assistant", "content": [{"text": "answer 2"}]},
                {"role": "user", "content": [{"text": "message 3"}]},
                {"role": "assistant", "content": [{"text": "answer 3"}]},
                {"role": "user", "content": [{"text": "message 4"}]},
            ],
            "inferenceConfig": {"maxTokens": 400, "temperature": 0.7, "topP": 0.9},
            "toolConfig": TOOL_CONFIG,
        },
    )
    services(app).chat.model.client.meta.events.register(
        "before-parameter-build.bedrock-runtime.Converse", lambda params, **_: sent.append(params)
    )
    for i in range(5):
        response = client.post("/api/chat", json={"message": f"message {i}", "session_id": UUID})
        assert response.json["response"] == f"answer {i}"

    system = sent[-1]["system"]
    # Nova caches the prompt: a cachePoint follows it, and it is the same bytes every turn.
    assert system[1:] == [{"cachePoint": {"type": "default"}}]
    assert all(request["system"] == system for request in sent)
    prompt = system[0]["text"]
    assert "Ada Marlowe" in prompt and "2026-11-24" in prompt
    assert "Tidewater Logistics" in prompt  # the summary
    assert "Certified Kubernetes Administrator" not in prompt  # the PDF is reference material
    assert "don't know" in prompt and "AI twin" in prompt
    # The system prompt is never smuggled in as a user turn.
    assert all(
        "Rules you always follow" not in m["content"][0]["text"] for m in sent[-1]["messages"]
    )
    assert len(client.get(f"/api/conversation/{UUID}").json["messages"]) == 10


def test_thinking_blocks_are_stripped(bedrock_app):
    app, stubber, _ = bedrock_app
    stubber.add_response(
        "converse",
        converse_response(
            "<thinking>The visitor wants the location.</thinking>I'm based in Lisbon."
        ),
    )
    response = app.test_client().post("/api/chat", json={"message": "Where?"})
    assert response.json["response"] == "I'm based in Lisbon."


@pytest.mark.parametrize(
    ("aws_code", "http_status", "api_code", "retry_after"),
    [
        ("ThrottlingException", 429, "rate_limited", True),
        ("ServiceQuotaExceededException", 429, "rate_limited", True),
        ("ValidationException", 502, "model_error", False),
        ("AccessDeniedException", 502, "model_error", False),
        ("ResourceNotFoundException", 502, "model_error", False),
        ("ModelNotReadyException", 502, "model_error", False),
        ("ModelErrorException", 502, "model_error", False),
        ("ModelTimeoutException", 503, "model_unavailable", True),
        ("ServiceUnavailableException", 503, "model_unavailable", True),
        ("InternalServerException", 503, "model_unavailable", True),
    ],
)
def test_bedrock_errors_map_to_statuses(bedrock_app, aws_code, http_status, api_code, retry_after):
    app, stubber, config = bedrock_app
    stubber.add_client_error(
        "converse",
        service_error_code=aws_code,
        service_message="arn:aws:bedrock:secret detail",
        http_status_code=400,
    )
    response = app.test_client().post("/api/chat", json={"message": "hi", "session_id": UUID})
    assert response.status_code == http_status
    assert response.json["error"]["code"] == api_code
    assert ("Retry-After" in response.headers) is retry_after
    assert "arn:aws" not in response.get_data(as_text=True)
    assert stored_files(config) == []  # a failed turn saves nothing


def test_bedrocks_reason_goes_to_the_log_with_the_request_id(bedrock_app, caplog):
    app, stubber, _config = bedrock_app
    stubber.add_client_error(
        "converse",
        service_error_code="AccessDeniedException",
        service_message="You don't have access to the model",
        http_status_code=403,
    )
    response = app.test_client().post("/api/chat", json={"message": "Hi", "session_id": UUID})
    assert response.status_code == 502
    assert "access" not in response.get_data(as_text=True).lower()
    [line] = [r for r in caplog.records if getattr(r, "event", None) == "model_refused"]
    assert "AccessDeniedException" in line.getMessage()
    assert "You don't have access" in line.getMessage()
    assert line.request_id == response.headers["X-Request-Id"]


def test_the_tool_loop_stops_at_the_round_limit(bedrock_app):
    app, stubber, config = bedrock_app
    client = app.test_client()
    for i in range(MAX_MODEL_CALLS):
        use = (f"t{i}", "record_unknown_question", {"question": f"Question number {i}?"})
        stubber.add_response("converse", tool_response(use), request(ANY))
    # No fourth response is stubbed: a fourth call would fail the test.
    response = client.post("/api/chat", json={"message": "Cello?", "session_id": UUID})
    assert response.status_code == 200
    assert response.json["response"] == "I don't know that, but I've noted your question for Ada."
    # Every round's tool ran (the last call's too), and one turn records one entry per kind.
    [entry] = inbox_entries(config.memory_dir, "questions")
    assert entry["question"] == "Question number 0?"
    messages = client.get(f"/api/conversation/{UUID}").json["messages"]
    assert [m["role"] for m in messages] == ["user", "assistant"]


def test_a_slow_turn_starts_no_new_tool_round(bedrock_app, monkeypatch):
    app, stubber, config = bedrock_app
    # Any time at all is past a deadline below zero: the first round is the last.
    monkeypatch.setattr("api.models.bedrock.TOOL_ROUND_DEADLINE_SECONDS", -1)
    use = ("t1", "record_unknown_question", {"question": "Cello?"})
    stubber.add_response("converse", tool_response(use), request(ANY))  # no second call stubbed
    response = app.test_client().post("/api/chat", json={"message": "Cello?", "session_id": UUID})
    assert response.status_code == 200
    assert response.json["response"] == "I don't know that, but I've noted your question for Ada."
    assert len(inbox_entries(config.memory_dir, "questions")) == 1


def test_timeout_is_503():
    class TimingOut:
        def converse(self, **_kwargs):
            raise ReadTimeoutError(endpoint_url="https://bedrock-runtime")

    model = BedrockModel(TimingOut(), MODEL, 100)
    with pytest.raises(Exception) as caught:
        model.reply("system", [{"role": "user", "content": "hi"}])
    assert caught.value.status == 503


def test_empty_model_output_is_model_error(bedrock_app):
    app, stubber, _ = bedrock_app
    stubber.add_response("converse", converse_response("<thinking>only thoughts</thinking>"))
    assert app.test_client().post("/api/chat", json={"message": "hi"}).status_code == 502


def test_messages_alternate_starting_with_the_user():
    shaped = to_converse_messages(
        [
            {"role": "assistant", "content": "orphan reply cut by the window"},
            {"role": "user", "content": "a"},
            {"role": "user", "content": "b"},
            {"role": "assistant", "content": "c"},
            {"role": "user", "content": "d"},
        ]
    )
    assert [m["role"] for m in shaped] == ["user", "assistant", "user"]
    assert shaped[0]["content"] == [{"text": "a\n\nb"}]


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("<thinking>x</thinking>Hello", "Hello"),
        ("<THINKING>\nmulti\nline\n</THINKING>\n\nHi there", "Hi there"),
        ("Answer <thinking>aside</thinking>continues", "Answer continues"),
        ("<thinking>never closed", ""),
        ("No thinking at all", "No thinking at all"),
    ],
)
def test_strip_thinking(raw, clean):
    assert strip_thinking(raw) == clean
