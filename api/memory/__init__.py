"""Conversation records and the rules every store applies when adding a turn.

The record's layout is in docs/architecture.md, "Storage".
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Protocol

from ..errors import ConversationLimit

Conversation = dict[str, Any]
Message = dict[str, str]


def utc_now() -> str:
    """The current time as an ISO 8601 UTC string with a Z suffix."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def conversation_key(session_id: str) -> str:
    """Where a conversation lives, relative to the store's root."""
    return f"conversations/{session_id}.json"


def new_conversation(session_id: str) -> Conversation:
    now = utc_now()
    return {"session_id": session_id, "created_at": now, "updated_at": now, "messages": []}


def visitor_turns(conversation: Conversation) -> int:
    return sum(1 for m in conversation["messages"] if m["role"] == "user")


def stored_reply(conversation: Conversation | None, message_id: str) -> Message | None:
    """The assistant message saved for the turn `message_id`, if that turn was already saved."""
    if conversation is None:
        return None
    for message in conversation["messages"]:
        if message["role"] == "assistant" and message.get("message_id") == message_id:
            return message
    return None


def apply_turn(
    conversation: Conversation | None,
    session_id: str,
    turn: tuple[Message, Message],
    max_turns: int,
) -> Conversation | None:
    """Return the conversation with the turn appended, or None when it is already there."""
    if stored_reply(conversation, turn[0]["message_id"]) is not None:
        return None
    # A new record and a new list; the stored messages themselves are never changed.
    updated = ({**conversation, "messages": list(conversation["messages"])} if conversation
               else new_conversation(session_id))
    if visitor_turns(updated) >= max_turns:
        raise ConversationLimit()
    updated["messages"].extend(turn)
    updated["updated_at"] = turn[1]["timestamp"]
    return updated


class ConversationStore(Protocol):
    """Where conversations are kept: S3 when deployed, a folder on disk locally."""

    kind: str

    def get(self, session_id: str) -> Conversation | None:
        """The conversation, or None when there is none."""
        ...

    def append_turn(
        self, session_id: str, turn: tuple[Message, Message], max_turns: int
    ) -> Conversation:
        """Save a user message and its reply together, without losing concurrent writes."""
        ...

    def exists(self, session_id: str) -> bool:
        """Whether the conversation is stored (without reading it)."""
        ...

    def delete(self, session_id: str) -> bool:
        """Remove the conversation; False when there was none."""
        ...
