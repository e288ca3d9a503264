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
from . import Reply

log = logging.getLogger("twin")

# Two attempts of at most 10 s each stay inside API Gateway's 30 s integration limit.
CLIENT_CONFIG = BotoConfig(
    connect_timeout=3,
    read_timeout=10,
    retries={"mode": "adaptive", "total_max_attempts": 2},
)
INFERENCE = {"temperature": 0.7, "topP": 0.9}
RETRY_AFTER_SECONDS = 5

_THROTTLED = {"ThrottlingException", "ServiceQuotaExceededException", "TooManyRequestsException"}
_UNAVAILABLE = {
    "ServiceUnavailableException",
    "ModelTimeoutException",
    "InternalServerException",
    "RequestTimeout",
}
_THINKING = re.compile(r"<thinking>.*?(</thinking>|$)", re.DOTALL | re.IGNORECASE)


def strip_thinking(text: str) -> str:
    """Remove the <thinking> blocks some Nova versions emit before the answer."""
    return _THINKING.sub("", text).strip()


def to_converse_messages(messages: list[dict[str, str]]) -> list[dict[str, Any]]:
    """Shape history for Converse: starts with the user, roles alternate, same-role turns merge."""
    shaped: list[dict[str, Any]] = []
    for message in messages:
        role, text = message["role"], message["content"]
        if not shaped and role != "user":
            continue  # a window cut mid-turn may start with the assistant
        if shaped and shaped[-1]["role"] == role:
            shaped[-1]["content"][0]["text"] += "\n\n" + text
        else:
            shaped.append({"role": role, "content": [{"text": text}]})
    return shaped


class BedrockModel:
    """Answers with a Bedrock model or inference profile through `converse`."""

    def __init__(self, client: Any, model_id: str, max_tokens: int) -> None:
        self.client = client
        self.name = model_id
        self.max_tokens = max_tokens

    def reply(self, system: str, messages: list[dict[str, str]]) -> Reply:
        started = time.perf_counter()
        try:
            response = self.client.converse(
                modelId=self.name,
                system=[{"text": system}],
                messages=to_converse_messages(messages),
                inferenceConfig={"maxTokens": self.max_tokens, **INFERENCE},
            )
        except ClientError as exc:
            raise self._map(exc) from exc
        except (HTTPClientError, BotoConnectionError) as exc:  # timed out, reset, unreachable
            raise ModelUnavailable(retry_after=RETRY_AFTER_SECONDS) from exc
        except (ResponseParserError, AttributeError, TypeError, ValueError) as exc:
            # botocore could not read the answer: the model's output was malformed.
            log.warning("malformed model response (%s)", exc.__class__.__name__,
                        extra={"event": "model_malformed"})
            raise ModelError() from exc
        latency = (time.perf_counter() - started) * 1000
        blocks = response.get("output", {}).get("message", {}).get("content", [])
        text = strip_thinking("".join(b.get("text", "") for b in blocks))
        if not text:
            raise ModelError()
        usage = response.get("usage", {})
        return Reply(text, usage.get("inputTokens", 0), usage.get("outputTokens", 0), latency)

    @staticmethod
    def _map(exc: ClientError) -> Exception:
        code = exc.response.get("Error", {}).get("Code", "")
        if code in _THROTTLED:
            return RateLimited(retry_after=RETRY_AFTER_SECONDS)
        if code in _UNAVAILABLE:
            return ModelUnavailable(retry_after=RETRY_AFTER_SECONDS)
        # Validation, access denied, unknown model, model not ready, anything else AWS refuses.
        return ModelError()
