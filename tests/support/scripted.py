"""A model that answers from a script and records what it was sent.

The twin's own rules (which tool calls are kept, the history window, replays, limits) need "a
model that says X" and a record of what the app asked of it, not Converse's wire format; that
format has its own tests against botocore's Stubber (tests/api/test_bedrock.py). Queue one turn
for each reply the test expects the app to ask for:

    model = ScriptedModel("I'm based in Lisbon.")  # a plain reply
    model.queue(ToolCall("record_unknown_question", {"question": "Cello?"}), "I don't know.")
    client = create_app(config, model=model).test_client()
    ...
    first, second = model.turns  # what the app sent, one Turn per reply
    assert second.tool_runs[0].result == {"status": "recorded"}

A turn runs its tool calls through the app's tools in order, as BedrockModel runs a round of
toolUse blocks: input the tools refuse (ValueError) becomes that call's error and the turn goes
on. Then it answers with its text, "" when none was queued, or raises the exception queued in its
place. Unlike BedrockModel it makes all of a turn's calls in one round, with no round limit and
no deadline: those are Bedrock's and are tested there. A reply beyond the script raises
AssertionError; the app turns that into a 500, so `assert_done` (which the `model` fixture calls
after each test) raises it again where the test sees it.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Any

from api.models import Reply, Tools


@dataclass(frozen=True)
class ToolCall:
    """A tool call to make: the tool's name and the input a model would send (any JSON value)."""

    name: str
    arguments: Any = field(default_factory=dict)


@dataclass
class ToolRun:
    """A tool call as made, and what the tools answered: a result, or the refusal's message."""

    name: str
    arguments: Any
    result: dict[str, Any] | None = None
    error: str | None = None


@dataclass
class Turn:
    """One reply the app asked for: what it sent, and what the script did with it."""

    system: str
    messages: list[dict[str, str]]
    tools_offered: tuple[str, ...]  # the names of the tool specs the model was told of
    tool_runs: list[ToolRun] = field(default_factory=list)
    text: str | None = None  # the reply's text; None when the turn raised


@dataclass(frozen=True)
class _Step:
    calls: tuple[ToolCall, ...]
    text: str
    error: BaseException | None


class ScriptedModel:
    """Satisfies api.models.Model: each reply() plays the next queued turn and records it."""

    name = "scripted"
    reads_reference = True

    def __init__(self, *replies: str) -> None:
        self._script: deque[_Step] = deque()
        self.turns: list[Turn] = []
        self.unexpected: list[str] = []  # replies asked for beyond the script
        for text in replies:
            self.queue(text)

    def queue(self, *parts: ToolCall | str | BaseException) -> ScriptedModel:
        """Queue one turn: tool calls in order, then at most one text or exception to end it."""
        calls = tuple(p for p in parts if isinstance(p, ToolCall))
        endings = parts[len(calls):]
        ending = endings[0] if endings else ""
        if parts[: len(calls)] != calls or len(endings) > 1 or not isinstance(
                ending, str | BaseException):
            raise TypeError("queue(*tool_calls, text_or_exception): tool calls first, one ending")
        if isinstance(ending, BaseException):
            self._script.append(_Step(calls, "", ending))
        else:
            self._script.append(_Step(calls, ending, None))
        return self

    @property
    def pending(self) -> int:
        """How many queued turns have not been asked for yet."""
        return len(self._script)

    def reply(self, system: str, messages: list[dict[str, str]],
              tools: Tools | None = None) -> Reply:
        if not self._script:
            asked = messages[-1]["content"] if messages else None
            problem = (f"ScriptedModel ran out of script: reply {len(self.turns) + 1} was asked "
                       f"for (to {asked!r}) but the script held {len(self.turns)}")
            self.unexpected.append(problem)
            raise AssertionError(problem)
        step = self._script.popleft()
        offered = tuple(spec.name for spec in tools.specs) if tools is not None else ()
        turn = Turn(system, [dict(m) for m in messages], offered)
        self.turns.append(turn)
        for call in step.calls:
            assert tools is not None, f"the script calls {call.name} but no tools were offered"
            run = ToolRun(call.name, call.arguments)
            try:
                run.result = tools.call(call.name, call.arguments)
            except ValueError as exc:  # api.tools.ToolInputError: the model is told, and goes on
                run.error = str(exc)
            turn.tool_runs.append(run)
        if step.error is not None:
            raise step.error
        turn.text = step.text
        # As BedrockModel counts them: a round that called tools, then the one that answered.
        return Reply(step.text, model_calls=2 if step.calls else 1, tool_calls=len(step.calls))

    def assert_done(self) -> None:
        """Fail unless every queued turn was asked for, and no reply beyond them."""
        assert not self.unexpected, self.unexpected[0]
        assert not self._script, f"{len(self._script)} queued turn(s) were never asked for"
