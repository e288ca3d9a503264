"""Tool-use turns against botocore's Stubber: the exact Converse requests and what is stored."""

from __future__ import annotations

import json
from datetime import date

import boto3
import pytest
from botocore.stub import ANY, Stubber

from api import create_app, services
from api.models.bedrock import MAX_MODEL_CALLS, tool_config
from api.tools import MAX_TOOL_CALLS, TOOL_SPECS
from tests.support.app import UUID, make_config
from tests.support.converse import MODEL, converse_response

TOOL_CONFIG = tool_config(TOOL_SPECS)  # the tools in the shape Bedrock is sent them

QUESTION = "Do you play the cello?"


def tool_response(*uses: tuple[str, str, dict], text: str = "") -> dict:
    """A Converse response in which the model asks for tools."""
    content: list[dict] = [{"text": text}] if text else []
    content += [{"toolUse": {"toolUseId": i, "name": n, "input": a}} for i, n, a in uses]
    return {
        "output": {"message": {"role": "assistant", "content": content}},
        "stopReason": "tool_use",
        "usage": {"inputTokens": 200, "outputTokens": 20, "totalTokens": 220},
        "metrics": {"latencyMs": 100},
    }


def request(messages: list[dict]) -> dict:
    return {
        "modelId": MODEL,
        "system": ANY,
        "messages": messages,
        "inferenceConfig": ANY,
        "toolConfig": TOOL_CONFIG,
    }


def user(text: str) -> dict:
    return {"role": "user", "content": [{"text": text}]}


def assistant(text: str) -> dict:
    return {"role": "assistant", "content": [{"text": text}]}


def result(tool_id: str, status: str = "success", **content: object) -> dict:
    block = content or {"json": {"status": "recorded"}}
    return {"toolResult": {"toolUseId": tool_id, "status": status, "content": [block]}}


@pytest.fixture
def twin(tmp_path):
    """An app on a stubbed Bedrock client; yields (client, stubber, config)."""
    bedrock = boto3.client(
        "bedrock-runtime",
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    config = make_config(tmp_path, TWIN_MODEL_ID=MODEL, TWIN_HISTORY_MESSAGES="3")
    app = create_app(config, bedrock_client=bedrock, today=lambda: date(2026, 11, 24))
    with Stubber(bedrock) as stubber:
        yield app.test_client(), stubber, config
        stubber.assert_no_pending_responses()


@pytest.fixture
def sent(twin) -> list[dict]:
    """Every Converse request, as the app built it, in order."""
    requests: list[dict] = []
    services(twin[0].application).chat.model.client.meta.events.register(
        "before-parameter-build.bedrock-runtime.Converse",
        lambda params, **_: requests.append(params),
    )
    return requests


def inbox(config, kind: str) -> list[dict]:
    folder = config.memory_dir / "inbox" / kind
    return [json.loads(p.read_text()) for p in sorted(folder.glob("*.json"))]


def stored_messages(client) -> list[dict]:
    return client.get(f"/api/conversation/{UUID}").json["messages"]


def test_one_tool_call_records_the_question_and_stores_only_text(twin):
    client, stubber, config = twin
    use = ("t1", "record_unknown_question", {"question": "Does Ada play the cello?"})
    stubber.add_response(
        "converse",
        tool_response(use, text="<thinking>not in facts</thinking>"),
        request([user(QUESTION)]),
    )
    stubber.add_response(
        "converse",
        converse_response("I don't know; I've told Ada."),
        request(
            [
                user(QUESTION),
                {
                    "role": "assistant",
                    "content": [
                        {"text": "<thinking>not in facts</thinking>"},
                        {
                            "toolUse": {
                                "toolUseId": "t1",
                                "name": "record_unknown_question",
                                "input": use[2],
                            }
                        },
                    ],
                },
                {"role": "user", "content": [result("t1")]},
            ]
        ),
    )
    response = client.post("/api/chat", json={"message": QUESTION, "session_id": UUID})
    assert response.status_code == 200
    assert response.json["response"] == "I don't know; I've told Ada."
    assert [m["content"] for m in stored_messages(client)] == [
        QUESTION,
        "I don't know; I've told Ada.",
    ]
    [entry] = inbox(config, "questions")
    assert entry["question"] == "Does Ada play the cello?"
    assert entry["asked"] == QUESTION and entry["session_id"] == UUID
    assert not {"ip", "user_agent", "remote_addr"} & entry.keys()


def test_two_tool_calls_in_one_turn_and_a_repeat_store_one_entry_each(sent, twin):
    client, stubber, config = twin
    contact = (
        "c1",
        "record_contact",
        {"email": "sam@acme.example", "name": "Sam", "note": "Hiring a platform lead"},
    )
    again = ("c2", "record_contact", dict(contact[2]))
    question = ("q1", "record_unknown_question", {"question": "What is Ada's notice period?"})
    stubber.add_response("converse", tool_response(contact, again, question), request(ANY))
    stubber.add_response(
        "converse", converse_response("Thanks Sam, Ada will be in touch."), request(ANY)
    )

    message = "I'm hiring, sam@acme.example. Notice period?"
    response = client.post("/api/chat", json={"message": message, "session_id": UUID})

    assert response.json["response"] == "Thanks Sam, Ada will be in touch."
    results = sent[1]["messages"][-1]
    assert results["role"] == "user"
    assert [b["toolResult"]["toolUseId"] for b in results["content"]] == ["c1", "c2", "q1"]
    assert all(b["toolResult"]["status"] == "success" for b in results["content"])
    [saved_contact] = inbox(config, "contacts")
    assert saved_contact | {"id": None, "created_at": None} == {
        "id": None,
        "kind": "contact",
        "created_at": None,
        "source": "chat",
        "session_id": UUID,
        "asked": message,
        "email": "sam@acme.example",
        "name": "Sam",
        "message": "Hiring a platform lead",
    }
    assert len(inbox(config, "questions")) == 1
    assert all("toolUse" not in json.dumps(m) for m in stored_messages(client))


@pytest.mark.parametrize(
    ("name", "arguments", "complaint"),
    [
        ("record_contact", {"email": "not-an-email"}, "not a valid email"),
        ("record_contact", {"name": "Sam"}, "'email' is required"),
        ("record_contact", {"email": "a@b.example", "note": "x" * 1001}, "too long"),
        ("record_contact", {"email": "a" * 250 + "@b.example"}, "too long"),
        ("record_unknown_question", {"question": "  "}, "'question' is empty"),
        ("record_unknown_question", {"question": 42}, "must be a string"),
        ("send_email", {"to": "x@y.example"}, "no tool named"),
    ],
)
def test_a_malformed_tool_input_goes_back_to_the_model_as_an_error(
    sent, twin, name, arguments, complaint
):
    client, stubber, config = twin
    stubber.add_response("converse", tool_response(("t1", name, arguments)), request(ANY))
    stubber.add_response(
        "converse", converse_response("Could you check that address?"), request(ANY)
    )

    response = client.post("/api/chat", json={"message": "Contact me", "session_id": UUID})

    assert response.status_code == 200
    assert response.json["response"] == "Could you check that address?"
    [block] = sent[1]["messages"][-1]["content"]
    assert block["toolResult"]["status"] == "error"
    assert complaint in block["toolResult"]["content"][0]["text"]
    assert inbox(config, "contacts") == [] and inbox(config, "questions") == []


def test_the_tool_loop_stops_at_the_round_limit(twin):
    client, stubber, config = twin
    for i in range(MAX_MODEL_CALLS):
        use = (f"t{i}", "record_unknown_question", {"question": f"Question number {i}?"})
        stubber.add_response("converse", tool_response(use), request(ANY))
    # No fourth response is stubbed: a fourth call would fail the test.
    response = client.post("/api/chat", json={"message": QUESTION, "session_id": UUID})
    assert response.status_code == 200
    assert response.json["response"] == "I don't know that, but I've noted your question for Ada."
    # Every round's tool ran (the last call's too), and one turn records one entry per kind.
    [entry] = inbox(config, "questions")
    assert entry["question"] == "Question number 0?"
    assert [m["role"] for m in stored_messages(client)] == ["user", "assistant"]


def test_the_window_never_splits_a_tool_pair(twin):
    """History is stored as text, and each round's toolUse travels with its toolResult."""
    client, stubber, _config = twin
    for i in range(2):
        stubber.add_response("converse", converse_response(f"answer {i}"), request(ANY))
        client.post("/api/chat", json={"message": f"question {i}", "session_id": UUID})
    use = ("t1", "record_unknown_question", {"question": "Cello?"})
    # A window of 3 messages starts with an assistant reply, which is dropped: the request starts
    # with the user, and the tool round is appended whole.
    window = [user("question 1"), assistant("answer 1"), user(QUESTION)]
    stubber.add_response("converse", tool_response(use), request(window))
    stubber.add_response(
        "converse",
        converse_response("I don't know."),
        request(
            [
                *window,
                {
                    "role": "assistant",
                    "content": [
                        {
                            "toolUse": {
                                "toolUseId": "t1",
                                "name": "record_unknown_question",
                                "input": use[2],
                            }
                        }
                    ],
                },
                {"role": "user", "content": [result("t1")]},
            ]
        ),
    )
    client.post("/api/chat", json={"message": QUESTION, "session_id": UUID})
    # The next turn's window is text only, however the previous turn used tools.
    stubber.add_response(
        "converse",
        converse_response("Lisbon."),
        request([user(QUESTION), assistant("I don't know."), user("Where are you?")]),
    )
    client.post("/api/chat", json={"message": "Where are you?", "session_id": UUID})
    assert len(stored_messages(client)) == 8


def test_a_retried_turn_replays_without_recording_again(twin):
    client, stubber, config = twin
    use = ("t1", "record_unknown_question", {"question": "Cello?"})
    stubber.add_response("converse", tool_response(use), request(ANY))
    stubber.add_response("converse", converse_response("I don't know."), request(ANY))
    body = {
        "message": QUESTION,
        "session_id": UUID,
        "message_id": "0b9c7e2a-4d1f-4a8e-9c3b-5f6a7d8e9f01",
    }
    first = client.post("/api/chat", json=body)
    again = client.post("/api/chat", json=body)  # no model call stubbed: it must replay
    assert again.json == first.json
    assert len(inbox(config, "questions")) == 1


def test_the_prompt_tells_the_twin_when_to_use_each_tool(sent, twin):
    client, stubber, _config = twin
    stubber.add_response("converse", converse_response("Hello!"), request(ANY))
    client.post("/api/chat", json={"message": "Hi", "session_id": UUID})
    prompt = " ".join(sent[0]["system"][0]["text"].split())
    assert "offer to pass their contact details on" in prompt
    assert "Ask for their email address first" in prompt
    assert "call record_contact only with an address the visitor wrote" in prompt
    assert "call record_unknown_question with the question first" in prompt


def test_no_text_and_no_tool_done_is_a_model_error_and_saves_nothing(twin):
    client, stubber, config = twin
    for i in range(MAX_MODEL_CALLS):
        stubber.add_response(
            "converse", tool_response((f"t{i}", "record_contact", {"email": "nope"})), request(ANY)
        )
    response = client.post("/api/chat", json={"message": "Contact me", "session_id": UUID})
    assert response.status_code == 502
    assert response.json["error"]["code"] == "model_error"
    assert client.get(f"/api/conversation/{UUID}").status_code == 404
    assert inbox(config, "contacts") == []


def test_an_inbox_failure_is_told_to_the_model_and_the_turn_goes_on(sent, twin, caplog):
    client, stubber, _config = twin
    def broken(_entry):
        raise OSError("disk full")

    services(client.application).notifier.inbox.record = broken
    use = ("t1", "record_unknown_question", {"question": "Cello?"})
    stubber.add_response("converse", tool_response(use), request(ANY))
    stubber.add_response("converse", converse_response("I don't know."), request(ANY))
    response = client.post("/api/chat", json={"message": QUESTION, "session_id": UUID})
    assert response.status_code == 200 and response.json["response"] == "I don't know."
    [block] = sent[1]["messages"][-1]["content"]
    assert block["toolResult"]["status"] == "error"
    assert "disk full" not in json.dumps(sent[1])  # internal details stay in the log
    failure = [r for r in caplog.records if r.getMessage() == "inbox entry not recorded"]
    assert failure and failure[0].request_id == response.headers["X-Request-Id"]


def test_a_retried_turn_whose_model_rewords_the_question_records_it_once(twin):
    """The first attempt records, then fails; the retry's model words the question anew."""
    client, stubber, config = twin
    body = {
        "message": QUESTION,
        "session_id": UUID,
        "message_id": "0b9c7e2a-4d1f-4a8e-9c3b-5f6a7d8e9f01",
    }
    first = ("t1", "record_unknown_question", {"question": "Does Ada play the cello?"})
    stubber.add_response("converse", tool_response(first), request(ANY))
    stubber.add_client_error(
        "converse", service_error_code="ThrottlingException", http_status_code=429
    )
    assert client.post("/api/chat", json=body).status_code == 429
    again = ("t2", "record_unknown_question", {"question": "Does Ada play cello?"})
    stubber.add_response("converse", tool_response(again), request(ANY))
    stubber.add_response("converse", converse_response("I don't know."), request(ANY))
    assert client.post("/api/chat", json=body).status_code == 200
    assert [e["question"] for e in inbox(config, "questions")] == ["Does Ada play the cello?"]


def test_an_email_the_visitor_never_wrote_is_refused(sent, twin):
    client, stubber, config = twin
    guess = ("t1", "record_contact", {"email": "guessed@acme.example"})
    stubber.add_response("converse", tool_response(guess), request(ANY))
    stubber.add_response("converse", converse_response("What is your email?"), request(ANY))
    message = "I'd like to hire Ada, I work at acme.example"
    assert (
        client.post("/api/chat", json={"message": message, "session_id": UUID}).status_code == 200
    )
    [block] = sent[1]["messages"][-1]["content"]
    assert block["toolResult"]["status"] == "error"
    assert "ask them for it first" in block["toolResult"]["content"][0]["text"]
    assert inbox(config, "contacts") == []


def test_an_email_written_earlier_in_the_window_may_be_recorded(twin):
    client, stubber, config = twin
    stubber.add_response("converse", converse_response("Shall I pass it on?"), request(ANY))
    client.post("/api/chat", json={"message": "I'm sam@acme.example", "session_id": UUID})
    use = ("t1", "record_contact", {"email": "SAM@acme.example"})
    stubber.add_response("converse", tool_response(use), request(ANY))
    stubber.add_response("converse", converse_response("Done."), request(ANY))
    client.post("/api/chat", json={"message": "Yes please", "session_id": UUID})
    assert [e["email"] for e in inbox(config, "contacts")] == ["SAM@acme.example"]


def test_tool_calls_beyond_the_turns_limit_are_not_run(sent, twin):
    client, stubber, config = twin
    uses = [(f"t{i}", "record_contact", {"email": f"p{i}@acme.example"}) for i in range(40)]
    message = "Hire us: " + " ".join(f"p{i}@acme.example" for i in range(40))
    stubber.add_response("converse", tool_response(*uses), request(ANY))
    stubber.add_response("converse", converse_response("Noted."), request(ANY))
    assert (
        client.post("/api/chat", json={"message": message, "session_id": UUID}).status_code == 200
    )
    statuses = [b["toolResult"]["status"] for b in sent[1]["messages"][-1]["content"]]
    assert statuses == ["success"] * MAX_TOOL_CALLS + ["error"] * (40 - MAX_TOOL_CALLS)
    assert len(inbox(config, "contacts")) == MAX_TOOL_CALLS


def test_a_slow_turn_starts_no_new_tool_round(twin, monkeypatch):
    client, stubber, config = twin
    # Any time at all is past a deadline below zero: the first round is the last.
    monkeypatch.setattr("api.models.bedrock.TOOL_ROUND_DEADLINE_SECONDS", -1)
    use = ("t1", "record_unknown_question", {"question": "Cello?"})
    stubber.add_response("converse", tool_response(use), request(ANY))  # no second call stubbed
    response = client.post("/api/chat", json={"message": QUESTION, "session_id": UUID})
    assert response.status_code == 200
    assert response.json["response"] == "I don't know that, but I've noted your question for Ada."
    assert len(inbox(config, "questions")) == 1


def test_bedrocks_reason_goes_to_the_log_with_the_request_id(twin, caplog):
    client, stubber, _config = twin
    stubber.add_client_error(
        "converse",
        service_error_code="AccessDeniedException",
        service_message="You don't have access to the model",
        http_status_code=403,
    )
    response = client.post("/api/chat", json={"message": "Hi", "session_id": UUID})
    assert response.status_code == 502
    assert "access" not in response.get_data(as_text=True).lower()
    [line] = [r for r in caplog.records if getattr(r, "event", None) == "model_refused"]
    assert "AccessDeniedException" in line.getMessage()
    assert "You don't have access" in line.getMessage()
    assert line.request_id == response.headers["X-Request-Id"]


def test_a_recorded_contact_without_text_is_acknowledged_as_such(twin, monkeypatch):
    client, stubber, _config = twin
    monkeypatch.setattr("api.models.bedrock.TOOL_ROUND_DEADLINE_SECONDS", -1)
    use = ("t1", "record_contact", {"email": "sam@acme.example"})
    stubber.add_response("converse", tool_response(use), request(ANY))
    message = "Hire Ada? Write to sam@acme.example"
    response = client.post("/api/chat", json={"message": message, "session_id": UUID})
    assert response.json["response"] == (
        "Thank you, I've passed your details on to Ada, who will get back to you."
    )
