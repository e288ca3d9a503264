"""One structured log line per request, without message text or session ids in clear."""

from __future__ import annotations

import json
import logging

from api.app import create_app
from api.logs import configure_logging
from api.models import Reply
from tests.support.scripted import ToolCall

SID = "3f2b8a4e-9c1d-4e7a-b6f0-2d5c8e1a9b73"


def test_one_json_line_per_request_without_secrets(client, log_lines):
    # A question the twin answers, so the request writes no inbox line.
    client.post("/api/chat", json={"message": "Where are you based in Lisbon, secretly?",
                                   "session_id": SID})
    client.get(f"/api/conversation/{SID}")
    client.get("/api/nope")
    assert len(log_lines) == 3
    records = [json.loads(line) for line in log_lines]
    chat = records[0]
    assert chat["route"] == "/api/chat" and chat["status"] == 200 and chat["method"] == "POST"
    assert chat["model"] == "offline"
    assert {
        "request_id",
        "duration_ms",
        "input_tokens",
        "output_tokens",
        "model_latency_ms",
    } <= chat.keys()
    assert chat["session"] and chat["session"] != SID
    assert records[2]["status"] == 404
    for line in log_lines:
        assert "secretly" not in line
        assert SID not in line


def test_the_request_line_counts_model_and_tool_calls_and_marks_a_new_conversation(
    config, model, log_lines
):
    client = create_app(config, model=model).test_client()
    model.queue(ToolCall("record_unknown_question", {"question": "Bees?"}), "I don't know.")
    model.queue("Lisbon.")
    body = {"message": "Do you keep bees?", "session_id": SID, "message_id": SID}
    client.post("/api/chat", json=body)
    client.post("/api/chat", json={"message": "Where are you?", "session_id": SID})
    client.post("/api/chat", json=body)  # a replay: no model call to count
    first, second, replay = (json.loads(line) for line in log_lines
                             if json.loads(line)["message"] == "request")
    assert first["model"] == "scripted" and first["new_conversation"] is True
    assert (first["model_calls"], first["tool_calls"]) == (2, 1)
    assert "new_conversation" not in second
    assert (second["model_calls"], second["tool_calls"]) == (1, 0)
    assert not {"new_conversation", "model_calls", "tool_calls"} & replay.keys()


def test_unhandled_error_is_logged_with_trace_and_request_id(config, model, log_lines):
    client = create_app(config, model=model.queue(RuntimeError("boom"))).test_client()
    response = client.post("/api/chat", json={"message": "hi"})
    error = json.loads(log_lines[0])
    assert error["level"] == "ERROR"
    assert "RuntimeError: boom" in error["exception"]
    assert error["request_id"] == response.headers["X-Request-Id"]


class Chatty:
    """A model that writes a line of its own, as the storage and model layers do."""

    name = "chatty"
    reads_reference = True

    def reply(self, _system, messages, _tools=None):
        logging.getLogger("twin").info("model line")
        return Reply(f"ok {messages[-1]['content']}")


def test_a_lower_layers_line_carries_its_own_requests_id_and_none_outside(config, log_lines):
    client = create_app(config, model=Chatty()).test_client()
    twin = logging.getLogger("twin")
    twin.info("before")
    first = client.post("/api/chat", json={"message": "one"})
    second = client.post("/api/chat", json={"message": "two"})
    twin.info("after")
    lines = [json.loads(line) for line in log_lines]
    ids = [line.get("request_id") for line in lines if line["message"] == "model line"]
    assert ids == [first.headers["X-Request-Id"], second.headers["X-Request-Id"]]
    assert ids[0] != ids[1]
    outside = [line for line in lines if line["message"] in ("before", "after")]
    assert len(outside) == 2 and not any("request_id" in line for line in outside)


class ChildLogger:
    """A model whose module logs under a child of the `twin` logger."""

    name = "child"
    reads_reference = True

    def reply(self, _system, _messages, _tools=None):
        logging.getLogger("twin.child").info("child line")
        return Reply("ok")


def test_a_child_loggers_line_gets_the_request_id_at_the_handler(config, log_lines):
    configure_logging()  # stamps every JSON handler of the `twin` logger, log_lines' included
    client = create_app(config, model=ChildLogger()).test_client()
    response = client.post("/api/chat", json={"message": "hello"})
    [line] = [json.loads(line) for line in log_lines if '"child line"' in line]
    assert line["request_id"] == response.headers["X-Request-Id"]
