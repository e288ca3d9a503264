"""The tool rules: what a turn's tool calls may record, and what the visitor gets back.

The rules are tested with the scripted model (tests/support/scripted.py). The last two tests
show the tool round trip in Converse's own shape against botocore's Stubber; the Bedrock tool
loop's own bounds (rounds, deadline) are in test_bedrock.py.
"""

from __future__ import annotations

from datetime import date

import pytest
from botocore.stub import ANY, Stubber

from api.app import create_app
from api.errors import RateLimited
from api.inbox.files import FileInbox
from api.tools import MAX_TOOL_CALLS
from tests.support.app import UUID, inbox_entries, make_config
from tests.support.converse import (
    MODEL,
    assistant,
    bedrock_client,
    converse_response,
    request,
    tool_response,
    tool_result,
    tool_use,
    user,
)
from tests.support.scripted import ToolCall

QUESTION = "Do you play the cello?"
CELLO = ToolCall("record_unknown_question", {"question": "Cello?"})
# The same visitor turn, sent again by a page that never saw the answer.
RETRIED = {"message": QUESTION, "session_id": UUID,
           "message_id": "0b9c7e2a-4d1f-4a8e-9c3b-5f6a7d8e9f01"}


@pytest.fixture
def client(config, model):
    """The app answering with the scripted `model`; the `chat` fixture posts to it."""
    return create_app(config, model=model).test_client()


def stored(client) -> list[str]:
    """The texts the conversation UUID keeps, in order."""
    return [m["content"] for m in client.get(f"/api/conversation/{UUID}").json["messages"]]


def test_calls_in_one_turn_and_a_repeat_store_one_entry_each(model, chat, client, config):
    contact = {"email": "sam@acme.example", "name": "Sam", "note": "Hiring a platform lead"}
    model.queue(ToolCall("record_contact", contact), ToolCall("record_contact", dict(contact)),
                ToolCall("record_unknown_question", {"question": "What is Ada's notice period?"}),
                "Thanks Sam, Ada will be in touch.")
    message = "I'm hiring, sam@acme.example. Notice period?"

    assert chat(message, session_id=UUID).json["response"] == "Thanks Sam, Ada will be in touch."

    # Each call, the repeat too, is told it succeeded; the repeat stores nothing new.
    runs = model.turns[0].tool_runs
    assert [(run.result, run.error) for run in runs] == [({"status": "recorded"}, None)] * 3
    [saved] = inbox_entries(config.memory_dir, "contacts")
    assert saved | {"id": None, "created_at": None} == {
        "id": None, "kind": "contact", "created_at": None, "source": "chat", "session_id": UUID,
        "asked": message, "email": "sam@acme.example", "name": "Sam",
        "message": "Hiring a platform lead", "persona": "Ada Marlowe",
    }
    assert len(inbox_entries(config.memory_dir, "questions")) == 1
    assert stored(client) == [message, "Thanks Sam, Ada will be in touch."]  # only text is kept


@pytest.mark.parametrize(
    ("name", "arguments", "complaint"),
    [
        ("record_contact", {"email": "not-an-email"}, "not a valid email"),
        ("record_contact", {"name": "Sam"}, "'email' is required"),
        ("record_contact", {"email": "a@b.example", "note": "x" * 1001}, "too long"),
        ("record_contact", {"email": "a" * 250 + "@b.example"}, "too long"),
        ("record_contact", "sam@acme.example", "must be a JSON object"),
        ("record_unknown_question", {"question": "  "}, "'question' is empty"),
        ("record_unknown_question", {"question": 42}, "must be a string"),
        ("send_email", {"to": "x@y.example"}, "no tool named"),
    ],
)
def test_a_malformed_tool_input_goes_back_to_the_model_as_an_error(
    model, chat, config, name, arguments, complaint
):
    model.queue(ToolCall(name, arguments), "Could you check that address?")
    response = chat("Contact me", session_id=UUID)
    assert response.status_code == 200
    assert response.json["response"] == "Could you check that address?"
    [run] = model.turns[0].tool_runs
    assert run.result is None and complaint in run.error
    assert inbox_entries(config.memory_dir, "contacts") == []
    assert inbox_entries(config.memory_dir, "questions") == []


def test_a_retried_turn_replays_without_recording_again(model, client, config):
    model.queue(CELLO, "I don't know.")  # one turn: the retry must not reach the model
    first = client.post("/api/chat", json=RETRIED)
    again = client.post("/api/chat", json=RETRIED)
    assert again.json == first.json and len(model.turns) == 1
    assert len(inbox_entries(config.memory_dir, "questions")) == 1


def test_a_retried_turn_whose_model_rewords_the_question_records_it_once(model, client, config):
    """The first attempt records, then fails; the retry's model words the question anew."""
    model.queue(ToolCall("record_unknown_question", {"question": "Does Ada play the cello?"}),
                RateLimited(retry_after=5))
    model.queue(ToolCall("record_unknown_question", {"question": "Does Ada play cello?"}),
                "I don't know.")
    assert client.post("/api/chat", json=RETRIED).status_code == 429
    assert client.post("/api/chat", json=RETRIED).status_code == 200
    questions = inbox_entries(config.memory_dir, "questions")
    assert [e["question"] for e in questions] == ["Does Ada play the cello?"]


def test_the_twin_is_offered_both_tools_and_told_when_to_use_each(model, chat):
    model.queue("Hello!")
    chat("Hi")
    [turn] = model.turns
    assert turn.tools_offered == ("record_contact", "record_unknown_question")
    prompt = " ".join(turn.system.split())
    assert "offer to pass their contact details on" in prompt
    assert "Ask for their email address first" in prompt
    assert "call record_contact only with an address the visitor wrote" in prompt
    assert "call record_unknown_question with the question first" in prompt


def test_no_text_and_no_tool_done_is_a_model_error_and_saves_nothing(model, chat, client, config):
    model.queue(ToolCall("record_contact", {"email": "nope"}))  # refused, and no text
    response = chat("Contact me", session_id=UUID)
    assert response.status_code == 502
    assert response.json["error"]["code"] == "model_error"
    assert client.get(f"/api/conversation/{UUID}").status_code == 404
    assert inbox_entries(config.memory_dir, "contacts") == []


@pytest.mark.parametrize(
    ("call", "message", "fallback"),
    [
        (ToolCall("record_contact", {"email": "sam@acme.example"}),
         "Hire Ada? Write to sam@acme.example",
         "Thank you, I've passed your details on to Ada, who will get back to you."),
        (CELLO, QUESTION, "I don't know that, but I've noted your question for Ada."),
    ],
)
def test_a_turn_that_records_but_writes_nothing_gets_the_fallback_sentence(
    model, chat, client, call, message, fallback
):
    model.queue(call)  # a tool call, and no text
    assert chat(message, session_id=UUID).json["response"] == fallback
    assert stored(client) == [message, fallback]


class BrokenInbox(FileInbox):
    def record(self, entry):
        raise OSError("disk full")


def test_an_inbox_failure_is_told_to_the_model_and_the_turn_goes_on(model, config, caplog):
    inbox = BrokenInbox(config.memory_dir)
    client = create_app(config, model=model, inbox=inbox).test_client()
    model.queue(CELLO, "I don't know.")
    response = client.post("/api/chat", json={"message": QUESTION, "session_id": UUID})
    assert response.status_code == 200 and response.json["response"] == "I don't know."
    [run] = model.turns[0].tool_runs
    # The model hears that it failed, never why: internal details stay in the log.
    assert run.result is None and run.error == "This could not be recorded just now."
    failure = [r for r in caplog.records if r.getMessage() == "inbox entry not recorded"]
    assert failure and failure[0].request_id == response.headers["X-Request-Id"]


def test_an_email_the_visitor_never_wrote_is_refused(model, chat, config):
    model.queue(ToolCall("record_contact", {"email": "guessed@acme.example"}),
                "What is your email?")
    assert chat("I'd like to hire Ada, I work at acme.example", session_id=UUID).status_code == 200
    [run] = model.turns[0].tool_runs
    assert "ask them for it first" in run.error
    assert inbox_entries(config.memory_dir, "contacts") == []


def test_an_email_written_earlier_in_the_window_may_be_recorded(model, chat, config):
    model.queue("Shall I pass it on?")
    model.queue(ToolCall("record_contact", {"email": "sam@ACME.example"}), "Done.")
    chat("I'm sam@acme.example", session_id=UUID)
    chat("Yes please", session_id=UUID)
    # The domain's case does not matter; the local part is compared exactly (below).
    assert [e["email"] for e in inbox_entries(config.memory_dir, "contacts")] == [
        "sam@ACME.example"]


@pytest.mark.parametrize(("written", "recorded"), [
    ("jsmith@example.com.au", "smith@example.com"),  # inside a longer address
    ("anna.lee@gmail.com", "a.lee@gmail.com"),
    ("straße@example.de", "strasse@example.de"),  # what case-folding makes of ß
    ("sam@acme.example", "SAM@acme.example"),  # a local part may be case-sensitive
    ("sam@acme.example.org", "sam@acme.example"),
    ("xsam@acme.example", "sam@acme.example"),
])
def test_only_a_whole_address_the_visitor_wrote_is_recorded(model, chat, config, written,
                                                               recorded):
    model.queue(ToolCall("record_contact", {"email": recorded}), "What is your email?")
    assert chat(f"Please ask Ada to write to {written} about a job", session_id=UUID)
    [run] = model.turns[0].tool_runs
    assert "ask them for it first" in run.error
    assert inbox_entries(config.memory_dir, "contacts") == []


def test_an_email_that_has_left_the_window_is_refused(model, tmp_path):
    config = make_config(tmp_path, TWIN_HISTORY_MESSAGES="2")
    client = create_app(config, model=model).test_client()
    model.queue("Hello Sam.").queue("Shall I pass it on?")
    model.queue(ToolCall("record_contact", {"email": "sam@acme.example"}), "Your email again?")
    for message in ("I'm sam@acme.example", "Do you know Lisbon?", "Yes please"):
        client.post("/api/chat", json={"message": message, "session_id": UUID})
    assert "ask them for it first" in model.turns[-1].tool_runs[0].error
    assert inbox_entries(config.memory_dir, "contacts") == []


def test_tool_calls_beyond_the_turns_limit_are_not_run(model, chat, config):
    emails = [f"p{i}@acme.example" for i in range(40)]
    model.queue(*(ToolCall("record_contact", {"email": email}) for email in emails), "Noted.")
    assert chat("Hire us: " + " ".join(emails), session_id=UUID).status_code == 200
    runs = model.turns[0].tool_runs
    assert [run.error is None for run in runs] == [True] * MAX_TOOL_CALLS + [False] * (
        40 - MAX_TOOL_CALLS)
    assert all("Too many tool calls" in run.error for run in runs[MAX_TOOL_CALLS:])
    assert len(inbox_entries(config.memory_dir, "contacts")) == MAX_TOOL_CALLS


# In Converse's shape: the requests Bedrock is sent, checked by botocore's Stubber.


@pytest.fixture
def stubbed(tmp_path):
    """The app on a stubbed Bedrock client, a window of 3; yields (client, stubber, config)."""
    bedrock = bedrock_client()
    config = make_config(tmp_path, TWIN_MODEL_ID=MODEL, TWIN_HISTORY_MESSAGES="3")
    app = create_app(config, bedrock_client=bedrock, today=lambda: date(2026, 11, 24))
    with Stubber(bedrock) as stubber:
        yield app.test_client(), stubber, config
        stubber.assert_no_pending_responses()


def test_one_tool_call_records_the_question_and_stores_only_text(stubbed):
    client, stubber, config = stubbed
    question = {"question": "Does Ada play the cello?"}
    thinking = "<thinking>not in facts</thinking>"
    stubber.add_response(
        "converse",
        tool_response(("t1", "record_unknown_question", question), text=thinking),
        request([user(QUESTION)]),
    )
    # The next request carries the model's turn whole and the tool's result as the user's turn.
    stubber.add_response(
        "converse",
        converse_response("I don't know; I've told Ada."),
        request([
            user(QUESTION),
            {"role": "assistant",
             "content": [{"text": thinking}, tool_use("t1", "record_unknown_question", question)]},
            {"role": "user", "content": [tool_result("t1")]},
        ]),
    )
    response = client.post("/api/chat", json={"message": QUESTION, "session_id": UUID})
    assert response.status_code == 200
    assert response.json["response"] == "I don't know; I've told Ada."
    assert stored(client) == [QUESTION, "I don't know; I've told Ada."]
    [entry] = inbox_entries(config.memory_dir, "questions")
    assert entry["question"] == "Does Ada play the cello?"
    assert entry["asked"] == QUESTION and entry["session_id"] == UUID
    assert not {"ip", "user_agent", "remote_addr"} & entry.keys()


def test_the_window_never_splits_a_tool_pair(stubbed):
    """History is stored as text, and each round's toolUse travels with its toolResult."""
    client, stubber, _config = stubbed
    for i in range(2):
        stubber.add_response("converse", converse_response(f"answer {i}"), request(ANY))
        client.post("/api/chat", json={"message": f"question {i}", "session_id": UUID})
    cello = {"question": "Cello?"}
    # A window of 3 messages starts with an assistant reply, which is dropped: the request starts
    # with the user, and the tool round is appended whole.
    window = [user("question 1"), assistant("answer 1"), user(QUESTION)]
    stubber.add_response("converse", tool_response(("t1", "record_unknown_question", cello)),
                         request(window))
    stubber.add_response(
        "converse",
        converse_response("I don't know."),
        request([
            *window,
            {"role": "assistant", "content": [tool_use("t1", "record_unknown_question", cello)]},
            {"role": "user", "content": [tool_result("t1")]},
        ]),
    )
    client.post("/api/chat", json={"message": QUESTION, "session_id": UUID})
    # The next turn's window is text only, however the previous turn used tools.
    stubber.add_response(
        "converse",
        converse_response("Lisbon."),
        request([user(QUESTION), assistant("I don't know."), user("Where are you?")]),
    )
    client.post("/api/chat", json={"message": "Where are you?", "session_id": UUID})
    assert len(stored(client)) == 8


def test_a_model_reply_is_stored_and_shown_without_controls(model, chat, client):
    model.queue("Hello\x1b[2J\x07 from \u202eAda\u200b\x9b.")
    assert chat("Hi", session_id=UUID).json["response"] == "Hello[2J from Ada."
    assert stored(client) == ["Hi", "Hello[2J from Ada."]


def test_a_reply_of_controls_alone_is_no_reply(model, chat, client):
    model.queue("\x1b\x07\u200b")
    assert chat("Hi", session_id=UUID).json["error"]["code"] == "model_error"


@pytest.mark.parametrize("note", ["Hiring \u202egnirih", "Hiring\x85 a lead", "Bell\x07"])
def test_tool_input_with_controls_is_refused_to_the_model(model, chat, config, note):
    model.queue(ToolCall("record_contact", {"email": "sam@acme.example", "note": note}), "Ok.")
    chat("Hire Ada? Write to sam@acme.example", session_id=UUID)
    [run] = model.turns[0].tool_runs
    assert "control characters" in run.error
    assert inbox_entries(config.memory_dir, "contacts") == []
