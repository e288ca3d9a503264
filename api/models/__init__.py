"""Models that turn a system prompt and a window of history into the twin's reply."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True)
class Reply:
    """A model's answer, what it cost, and how many model calls and tool calls it took."""

    text: str
    input_tokens: int = 0
    output_tokens: int = 0
    latency_ms: float = 0.0
    model_calls: int = 1
    tool_calls: int = 0
    cache_read_tokens: int = 0  # input tokens read from, and written to, the prompt cache
    cache_write_tokens: int = 0


@dataclass(frozen=True)
class ToolSpec:
    """A tool as any model is told of it: a name, when to use it, and its input's JSON Schema."""

    name: str
    description: str
    parameters: dict[str, Any]


class Tools(Protocol):
    """The tools a model may call during one visitor turn."""

    specs: tuple[ToolSpec, ...]

    def call(self, name: str, arguments: Any) -> dict[str, Any]:
        """Run one tool; raises ValueError for input the server refuses."""
        ...


class Model(Protocol):
    """Anything that can answer the last user message of a conversation."""

    name: str
    # Whether the model reads the `reference` passages of the last message. The offline model
    # searches the index itself, so the turn does not search it for the model a second time.
    reads_reference: bool

    def reply(
        self, system: str, messages: list[dict[str, str]], tools: Tools | None = None
    ) -> Reply:
        """Answer `messages` (role/content dicts ending with the user's turn) under `system`.

        The last message may also carry `reference`: passages of what the persona knows that
        match it, as data (api/prompt.py), when the model `reads_reference`.
        """
        ...
