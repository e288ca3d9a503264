"""Amazon Bedrock through the Converse API, with its errors mapped to the API's errors."""

from __future__ import annotations

import logging
import re
import time
from typing import Any

from botocore.config import Config as BotoConfig
from botocore.exceptions import (
    ClientError,
    HTTPClientError,
)
from botocore.exceptions import (
    ConnectionError as BotoConnectionError,
)
from botocore.parsers import ResponseParserError

from ..errors import ModelError, ModelUnavailable, RateLimited
from ..retrieval import neutralise
from . import Reply, Tools, ToolSpec

log = logging.getLogger("twin")

# Two attempts of at most 10 s each stay inside API Gateway's 30 s integration limit.
CLIENT_CONFIG = BotoConfig(
    connect_timeout=3,
    read_timeout=10,
    retries={"mode": "adaptive", "total_max_attempts": 2},
)
INFERENCE = {"temperature": 0.7, "topP": 0.9}
RETRY_AFTER_SECONDS = 5
MAX_MODEL_CALLS = 3  # per visitor turn, tool rounds included
TOOL_ROUND_DEADLINE_SECONDS = 12  # a slow turn answers with what it has rather than time out

_THROTTLED = {"ThrottlingException", "ServiceQuotaExceededException", "TooManyRequestsException"}
_UNAVAILABLE = {
    "ServiceUnavailableException",
    "ModelTimeoutException",
    "InternalServerException",
    "RequestTimeout",
}
_THINKING = re.compile(r"<thinking>.*?(</thinking>|$)", re.DOTALL | re.IGNORECASE)
# Models whose Converse requests may carry a cachePoint: those AWS lists as generally available
# for prompt caching (https://docs.aws.amazon.com/bedrock/latest/userguide/prompt-caching.html):
# Amazon Nova Micro, Lite, Pro and Premier, Claude 3.7 Sonnet and Claude 3.5 Haiku. Older Claude
# models (Instant, 2, 3 Haiku/Sonnet/Opus, 3.5 Sonnet v1 and v2) refuse a request with one, and
# a model missing here is only sent no cachePoint, so a new family is added once that page
# lists it. A prompt shorter than a model's minimum for a checkpoint is simply not cached.
_CACHING = re.compile(r"(^|[.:/])(amazon\.nova-(micro|lite|pro|premier)-v"
                      r"|anthropic\.claude-(3-7-sonnet|3-5-haiku)-)", re.IGNORECASE)


def tool_config(specs: tuple[ToolSpec, ...]) -> dict[str, Any]:
    """The tools in Converse's shape (its `toolConfig`), the model choosing when to call them."""
    return {"tools": [{"toolSpec": {"name": spec.name, "description": spec.description,
                                    "inputSchema": {"json": spec.parameters}}}
                      for spec in specs],
            "toolChoice": {"auto": {}}}


def strip_thinking(text: str) -> str:
    """Remove the <thinking> blocks some Nova versions emit before the answer."""
    return _THINKING.sub("", text).strip()


def supports_prompt_cache(model_id: str) -> bool:
    """Whether requests to this model or inference profile may carry a cachePoint."""
    return bool(_CACHING.search(model_id))


def to_converse_messages(messages: list[dict[str, str]]) -> list[dict[str, Any]]:
    """Shape history for Converse: starts with the user, roles alternate, same-role turns merge.

    A message's `reference` becomes a content block of its own before the message's text, and no
    text of the conversation can open or close the reference tag.
    """
    shaped: list[dict[str, Any]] = []
    for message in messages:
        role, text = message["role"], neutralise(message["content"])
        if not shaped and role != "user":
            continue  # a window cut mid-turn may start with the assistant
        if shaped and shaped[-1]["role"] == role:
            shaped[-1]["content"][-1]["text"] += "\n\n" + text
        else:
            shaped.append({"role": role, "content": [{"text": text}]})
        if message.get("reference"):
            shaped[-1]["content"].insert(-1, {"text": message["reference"]})
    return shaped


def _tool_result(use: dict[str, Any], tools: Tools) -> dict[str, Any]:
    """Run one toolUse block; a refused input goes back to the model as an error result."""
    try:
        output = tools.call(use.get("name", ""), use.get("input"))
    except ValueError as exc:
        return {"toolResult": {"toolUseId": use["toolUseId"], "status": "error",
                               "content": [{"text": str(exc)}]}}
    return {"toolResult": {"toolUseId": use["toolUseId"], "status": "success",
                           "content": [{"json": output}]}}


class BedrockModel:
    """Answers with a Bedrock model or inference profile through `converse`."""

    reads_reference = True

    def __init__(self, client: Any, model_id: str, max_tokens: int) -> None:
        self.client = client
        self.name = model_id
        self.max_tokens = max_tokens
        self.caching = supports_prompt_cache(model_id)

    def _converse(self, system: str, messages: list[dict[str, Any]],
                  tools: Tools | None) -> dict[str, Any]:
        # The cachePoint marks the system prompt, the same all day, as the prefix to cache.
        cache = [{"cachePoint": {"type": "default"}}] if self.caching else []
        request: dict[str, Any] = {
            "modelId": self.name,
            "system": [{"text": system}, *cache],
            "messages": messages,
            "inferenceConfig": {"maxTokens": self.max_tokens, **INFERENCE},
        }
        if tools is not None:
            request["toolConfig"] = tool_config(tools.specs)
        try:
            return self.client.converse(**request)
        except ClientError as exc:
            # The owner needs AWS's reason (no model access, a wrong id); the visitor never sees it.
            error = exc.response.get("Error", {})
            log.warning("bedrock refused the call: %s: %s", error.get("Code"),
                        error.get("Message"), extra={"event": "model_refused"})
            raise self._map(exc) from exc
        except (HTTPClientError, BotoConnectionError) as exc:  # timed out, reset, unreachable
            log.warning("bedrock unreachable (%s)", exc.__class__.__name__,
                        extra={"event": "model_unreachable"})
            raise ModelUnavailable(retry_after=RETRY_AFTER_SECONDS) from exc
        except (ResponseParserError, AttributeError, TypeError, ValueError) as exc:
            # botocore could not read the answer: the model's output was malformed.
            log.warning("malformed model response (%s)", exc.__class__.__name__,
                        extra={"event": "model_malformed"})
            raise ModelError() from exc

    def reply(
        self, system: str, messages: list[dict[str, str]], tools: Tools | None = None
    ) -> Reply:
        started = time.perf_counter()
        conversation = to_converse_messages(messages)
        tokens_in = tokens_out = tool_calls = calls = cache_read = cache_write = 0
        while True:
            response = self._converse(system, conversation, tools)
            calls += 1
            usage = response.get("usage", {})
            tokens_in += usage.get("inputTokens", 0)
            tokens_out += usage.get("outputTokens", 0)
            cache_read += usage.get("cacheReadInputTokens", 0)
            cache_write += usage.get("cacheWriteInputTokens", 0)
            message = response.get("output", {}).get("message", {})
            blocks = message.get("content", [])
            uses = [b["toolUse"] for b in blocks if "toolUse" in b] if tools else []
            if uses:
                # The tool-use turn and its results travel together, never split.
                results = [_tool_result(use, tools) for use in uses]  # type: ignore[arg-type]
                tool_calls += len(uses)
                conversation += [{"role": "assistant", "content": blocks},
                                 {"role": "user", "content": results}]
            text = strip_thinking("".join(b.get("text", "") for b in blocks))
            # Bounded: at most MAX_MODEL_CALLS per visitor turn, whatever the model asks for, and
            # no new round once the turn has run long enough to risk API Gateway's 30 s.
            late = time.perf_counter() - started > TOOL_ROUND_DEADLINE_SECONDS
            if not uses or calls >= MAX_MODEL_CALLS or late:
                break
        if not text and not tool_calls:
            raise ModelError()
        latency = (time.perf_counter() - started) * 1000
        return Reply(text, tokens_in, tokens_out, latency, calls, tool_calls,
                     cache_read, cache_write)

    @staticmethod
    def _map(exc: ClientError) -> Exception:
        code = exc.response.get("Error", {}).get("Code", "")
        if code in _THROTTLED:
            return RateLimited(retry_after=RETRY_AFTER_SECONDS)
        if code in _UNAVAILABLE:
            return ModelUnavailable(retry_after=RETRY_AFTER_SECONDS)
        # Validation, access denied, unknown model, model not ready, anything else AWS refuses.
        return ModelError()
