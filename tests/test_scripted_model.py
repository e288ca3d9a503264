"""The scripted model itself: it plays its script, records what it was sent, and fails loudly."""

from __future__ import annotations

import pytest

from api.errors import RateLimited
from api.models import Reply
from api.tools import TOOL_SPECS, ToolInputError
from tests.support.scripted import ScriptedModel, ToolCall, ToolRun

HELLO = [{"role": "user", "content": "Hello"}]


class Tools:
    """The app's two tool specs; record_contact succeeds, anything else is refused."""

    specs = TOOL_SPECS

    def __init__(self) -> None:
        self.called: list[tuple[str, object]] = []

    def call(self, name: str, arguments: object) -> dict:
        self.called.append((name, arguments))
        if name != "record_contact":
            raise ToolInputError(f"There is no tool named {name!r}.")
        return {"status": "recorded"}


def test_it_answers_in_order_and_records_what_it_was_sent() -> None:
    model = ScriptedModel("Hi!", "Lisbon.")
    messages = [*HELLO]
    assert model.reply("be brief", messages, Tools()) == Reply("Hi!")
    messages.append({"role": "assistant", "content": "changed after the call"})
    assert model.reply("be kind", [{"role": "user", "content": "Where?"}]).text == "Lisbon."
    first, second = model.turns
    assert (first.system, first.messages, first.text) == ("be brief", HELLO, "Hi!")  # a copy
    assert first.tools_offered == ("record_contact", "record_unknown_question")
    assert second.system == "be kind" and second.tools_offered == ()
    model.assert_done()


def test_tool_calls_run_through_the_tools_and_a_refusal_does_not_stop_the_turn() -> None:
    tools = Tools()
    model = ScriptedModel().queue(ToolCall("send_email", {"to": "x@y.example"}),
                                  ToolCall("record_contact", {"email": "sam@acme.example"}),
                                  "Noted.")
    reply = model.reply("system", HELLO, tools)
    assert (reply.text, reply.model_calls, reply.tool_calls) == ("Noted.", 2, 2)
    assert tools.called == [("send_email", {"to": "x@y.example"}),
                            ("record_contact", {"email": "sam@acme.example"})]
    assert model.turns[0].tool_runs == [
        ToolRun("send_email", {"to": "x@y.example"}, error="There is no tool named 'send_email'."),
        ToolRun("record_contact", {"email": "sam@acme.example"}, result={"status": "recorded"}),
    ]


def test_a_turn_without_text_answers_empty_and_a_queued_exception_is_raised() -> None:
    tools = Tools()
    model = ScriptedModel().queue(ToolCall("record_contact", {"email": "a@b.example"}))
    model.queue(ToolCall("record_contact", {"email": "c@d.example"}), RateLimited(retry_after=5))
    assert model.reply("system", HELLO, tools).text == ""
    with pytest.raises(RateLimited):
        model.reply("system", HELLO, tools)
    assert len(tools.called) == 2  # the failing turn's tool ran before it failed
    assert model.turns[1].text is None


def test_a_reply_beyond_the_script_fails_loudly_and_again_at_the_end() -> None:
    model = ScriptedModel("Hi!")
    model.reply("system", HELLO)
    with pytest.raises(AssertionError, match=r"ran out of script: reply 2 .*'Hello'.* held 1"):
        model.reply("system", HELLO)
    # The app answers that AssertionError as a 500; assert_done raises it where a test sees it.
    with pytest.raises(AssertionError, match="ran out of script"):
        model.assert_done()


def test_a_turn_never_asked_for_fails_at_the_end() -> None:
    model = ScriptedModel("Hi!", "Unused.")
    model.reply("system", HELLO)
    assert model.pending == 1
    with pytest.raises(AssertionError, match="1 queued turn"):
        model.assert_done()


def test_a_tool_call_needs_tools_and_comes_before_the_text() -> None:
    with pytest.raises(TypeError):
        ScriptedModel().queue("text", ToolCall("record_contact"))
    with pytest.raises(TypeError):
        ScriptedModel().queue("one text", "and another")
    model = ScriptedModel().queue(ToolCall("record_contact", {"email": "a@b.example"}), "Hi")
    with pytest.raises(AssertionError, match="no tools were offered"):
        model.reply("system", HELLO)
