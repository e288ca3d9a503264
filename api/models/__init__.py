"""Models that turn a system prompt and a window of history into the twin's reply."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Reply:
    """A model's answer and what it cost."""

    text: str
    input_tokens: int = 0
    output_tokens: int = 0
    latency_ms: float = 0.0


class Model(Protocol):
    """Anything that can answer the last user message of a conversation."""

    name: str

    def reply(self, system: str, messages: list[dict[str, str]]) -> Reply:
        """Answer `messages` (role/content dicts ending with the user's turn) under `system`."""
        ...
