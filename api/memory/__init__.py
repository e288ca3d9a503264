"""Conversation records and the rules every store applies when adding a turn.

The record's layout is in docs/architecture.md, "Storage".
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any, Protocol

from ..errors import ConversationDeleted, ConversationLimit, MemoryUnavailable

log = logging.getLogger("twin")
RETRY_AFTER_SECONDS = 1  # what a busy or unreachable store tells the client to wait

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


def unavailable(reason: str) -> MemoryUnavailable:
    """The 503 for a store that failed, with the one log line the stack's metrics count."""
    log.warning("memory unavailable: %s", reason, extra={"event": "memory_unavailable"})
    return MemoryUnavailable(retry_after=RETRY_AFTER_SECONDS)


def apply_turn(
    conversation: Conversation | None,
    session_id: str,
    turn: tuple[Message, Message],
    max_turns: int,
    *,
    existed: bool = False,
) -> Conversation | None:
    """Return the conversation with the turn appended, or None when it is already there.

    `existed` says the turn began on a stored conversation: if that is gone now, it was deleted
    while the turn was under way, and the turn must not bring it back (410).
    """
    if stored_reply(conversation, turn[0]["message_id"]) is not None:
        return None
    if conversation is None and existed:
        raise ConversationDeleted()
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
        self, session_id: str, turn: tuple[Message, Message], max_turns: int, *,
        existed: bool = False,
    ) -> Conversation:
        """Save a user message and its reply together, without losing concurrent writes.

        `existed`: the turn began on a stored conversation (see `apply_turn`).
        """
        ...

    def exists(self, session_id: str) -> bool:
        """Whether the conversation is stored (without reading it)."""
        ...

    def delete(self, session_id: str) -> bool:
        """Remove the conversation; False when there was none."""
        ...
