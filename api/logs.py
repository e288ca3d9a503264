"""JSON log lines, the request they belong to, and the one line each request writes.

Message text and session ids never appear in clear. The request being served is held in a
context variable, so any layer can log without knowing about Flask: one filter stamps its id on
every line (the standard library's version of Powertools' `append_keys`), and the request's own
line is kept in one typed record that the routes fill in (docs/architecture.md, "Logs").
"""

from __future__ import annotations

import hashlib
import json
import logging
import sys
import time
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, Protocol

log = logging.getLogger("twin")
REQUEST_MESSAGE = "request"  # the message of each request's own line, which queries filter on
# Fields a line may carry; everything else a call attaches stays out of the line.
FIELDS = (
    "request_id", "method", "route", "status", "duration_ms", "model", "model_latency_ms",
    "input_tokens", "output_tokens", "session", "event", "new_conversation", "model_calls",
    "tool_calls", "cache_read_tokens", "cache_write_tokens", "error",
)  # fmt: skip


class Usage(Protocol):
    """What a model call cost, as the request line reports it (models.Reply has these)."""

    latency_ms: float
    input_tokens: int
    output_tokens: int
    model_calls: int
    tool_calls: int
    cache_read_tokens: int
    cache_write_tokens: int


def session_tag(session_id: str) -> str:
    """A short one-way tag that lets log lines of one conversation be grouped."""
    return hashlib.sha256(session_id.encode()).hexdigest()[:12]


@dataclass
class RequestLog:
    """The fields of one request's log line, filled in as the request is served."""

    request_id: str
    method: str | None = None
    started: float = field(default_factory=time.perf_counter)
    session_id: str | None = None
    model: str | None = None
    usage: Usage | None = None
    new_conversation: bool | None = None
    event: str | None = None
    error: str | None = None  # the error code answered, which the metric filters read

    def line(self, route: str | None, status: int) -> dict[str, Any]:
        """The `extra` of the request's line: no message text, the session only as a tag."""
        usage = self.usage
        return {
            "request_id": self.request_id,
            "method": self.method,
            "route": route,
            "status": status,
            "duration_ms": round((time.perf_counter() - self.started) * 1000, 1),
            "model": self.model,
            "model_latency_ms": round(usage.latency_ms, 1) if usage else None,
            "input_tokens": usage.input_tokens if usage else None,
            "output_tokens": usage.output_tokens if usage else None,
            "session": session_tag(self.session_id) if self.session_id else None,
            "new_conversation": self.new_conversation,
            "model_calls": usage.model_calls if usage else None,
            "tool_calls": usage.tool_calls if usage else None,
            # Bedrock's prompt cache: tokens read from it (cheaper) and written to it.
            "cache_read_tokens": usage.cache_read_tokens if usage else None,
            "cache_write_tokens": usage.cache_write_tokens if usage else None,
            "event": self.event,
            "error": self.error,
        }


_current: ContextVar[RequestLog | None] = ContextVar("twin_request", default=None)


def begin_request(entry: RequestLog) -> None:
    """Make `entry` the request being served (in this thread) until end_request."""
    _current.set(entry)


def end_request() -> None:
    """No request is being served: later lines carry no request id."""
    _current.set(None)


def current_request() -> RequestLog | None:
    """The request being served, or None outside a request."""
    return _current.get()


def current_request_id() -> str | None:
    """The id of the request being served, or None outside a request."""
    entry = _current.get()
    return entry.request_id if entry else None


class RequestIdFilter(logging.Filter):
    """Stamps the id of the request being served on every line that does not carry one."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:
            record.request_id = current_request_id()
        return True


class JsonFormatter(logging.Formatter):
    """Formats a record as one JSON object."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {"level": record.levelname, "message": record.getMessage()}
        line.update({k: getattr(record, k) for k in FIELDS if getattr(record, k, None) is not None})
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str)


def configure_logging(level: int = logging.INFO) -> None:
    """Send the twin's logs to stderr as JSON (Lambda forwards stderr to CloudWatch)."""
    # On the logger for its own records (whatever handler a test adds), and on the handler for
    # records that reach it from child loggers (`twin.*`), which a logger's filters never see.
    if not any(isinstance(f, RequestIdFilter) for f in log.filters):
        log.addFilter(RequestIdFilter())
    if not any(isinstance(h.formatter, JsonFormatter) for h in log.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(JsonFormatter())
        log.addHandler(handler)
        log.setLevel(level)
        log.propagate = False
    for handler in log.handlers:
        if isinstance(handler.formatter, JsonFormatter) and not any(
                isinstance(f, RequestIdFilter) for f in handler.filters):
            handler.addFilter(RequestIdFilter())
