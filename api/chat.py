"""One visitor turn: reuse a saved reply, enforce limits, ask the model, save both messages."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from .errors import ConversationLimit, ModelError
from .memory import ConversationStore, Message, stored_reply, utc_now, visitor_turns
from .models import Model, Reply
from .notify import Notifier
from .persona import Persona
from .prompt import build_system_prompt, reference_block, reference_hits
from .text import strip_controls
from .tools import TurnTools


def _today() -> date:
    return datetime.now(UTC).date()


@dataclass(frozen=True)
class TurnResult:
    """The reply a visitor gets, and the model call behind it (None when it was replayed)."""

    text: str
    reply: Reply | None
    started: bool = False  # this turn began the conversation


class ChatService:
    """Answers visitors as the persona, keeping every conversation in the store."""

    def __init__(
        self,
        persona: Persona,
        model: Model,
        store: ConversationStore,
        notifier: Notifier,
        *,
        history_messages: int,
        max_turns: int,
        today: Callable[[], date] | None = None,
    ) -> None:
        self.persona = persona
        self.model = model
        self.store = store
        self.notifier = notifier  # what the turn's tools record through
        self.history_messages = history_messages
        self.max_turns = max_turns
        self.today = today or _today  # the date the prompt states
        self._prompt: tuple[date, str] | None = None

    def system_prompt(self) -> str:
        """The persona's prompt, rebuilt only when the date in it changes."""
        today = self.today()
        if self._prompt is None or self._prompt[0] != today:
            self._prompt = (today, build_system_prompt(self.persona, today))
        return self._prompt[1]

    def window(self, messages: list[Message]) -> list[dict[str, str]]:
        """The last messages the model sees, so the cost of a turn stays flat."""
        recent = messages[-self.history_messages :] if self.history_messages else []
        return [{"role": m["role"], "content": m["content"]} for m in recent]

    def fallback(self, tools: TurnTools) -> str:
        """What to say when the model recorded something but wrote nothing for the visitor."""
        name = self.persona.name
        if "contact" in tools.done:
            return f"Thank you, I've passed your details on to {name}, who will get back to you."
        return f"I don't know that, but I've noted your question for {name}."

    def turn(self, session_id: str, message_id: str, text: str) -> TurnResult:
        """Answer `text`; a repeated `message_id` returns the saved reply without a model call."""
        conversation = self.store.get(session_id)
        saved = stored_reply(conversation, message_id)
        if saved is not None:
            return TurnResult(saved["content"], None)
        history = conversation["messages"] if conversation else []
        if conversation and visitor_turns(conversation) >= self.max_turns:
            raise ConversationLimit()
        system = self.system_prompt()
        question = {"role": "user", "content": text}
        window = [*self.window(history), question]
        written = "\n".join(m["content"] for m in window if m["role"] == "user")
        tools = TurnTools(self.notifier, session_id, asked=text,
                          message_id=message_id, visitor_text=written)
        # The passages that match this message go with it as data; the system prompt stays as is.
        reference = reference_block(reference_hits(self.persona, text)) if (
            self.model.reads_reference) else ""
        sent = [*window[:-1], {**question, "reference": reference}] if reference else window
        reply = self.model.reply(system, sent, tools)
        # Only text is kept: tool calls and their results never reach the record or the visitor.
        # What the model wrote is shown later in the owner's terminal too: controls (an escape
        # sequence, a bell), bidi and zero-width characters are removed before it is stored.
        written_reply = strip_controls(reply.text or "").strip()
        if not written_reply and not tools.done:
            raise ModelError()  # nothing to show and nothing done: the visitor may retry
        reply_text = written_reply or self.fallback(tools)
        user: Message = {**question, "timestamp": utc_now(), "message_id": message_id}
        answer: Message = {
            "role": "assistant",
            "content": reply_text,
            "timestamp": utc_now(),
            "message_id": message_id,
        }
        saved_conversation = self.store.append_turn(session_id, (user, answer), self.max_turns,
                                                    existed=conversation is not None)
        # A concurrent retry of the same turn may have been saved first: answer with what is stored.
        stored = stored_reply(saved_conversation, message_id)
        return TurnResult(stored["content"] if stored else reply_text, reply, conversation is None)
