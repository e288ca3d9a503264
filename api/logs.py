"""One JSON log line per request; message text and session ids never appear in clear."""

from __future__ import annotations

import hashlib
import json
import logging
import sys
import time
from typing import Any

from flask import Flask, Response, g, has_request_context, request

log = logging.getLogger("twin")
# Fields a log call may attach with `extra=`; everything else stays out of the line.
FIELDS = (
    "request_id", "method", "route", "status", "duration_ms", "model", "model_latency_ms",
    "input_tokens", "output_tokens", "session", "event", "new_conversation", "model_calls",
    "tool_calls", "error",
)  # fmt: skip


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
    if any(isinstance(h.formatter, JsonFormatter) for h in log.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    log.addHandler(handler)
    log.setLevel(level)
    log.propagate = False


def current_request_id() -> str | None:
    """The request id of the request being served, for log lines written outside a view."""
    return g.get("request_id") if has_request_context() else None


def session_tag(session_id: str) -> str:
    """A short one-way tag that lets log lines of one conversation be grouped."""
    return hashlib.sha256(session_id.encode()).hexdigest()[:12]


def register_request_log(app: Flask) -> None:
    """Log every request once, after its response is built."""

    @app.before_request
    def _start_timer() -> None:
        g.started = time.perf_counter()

    @app.after_request
    def _log_request(response: Response) -> Response:
        started = g.get("started", time.perf_counter())
        reply = g.get("reply")
        log.info(
            "request",
            extra={
                "request_id": g.get("request_id"),
                "method": request.method,
                "route": request.url_rule.rule if request.url_rule else None,
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                "model": g.get("model_name"),
                "model_latency_ms": round(reply.latency_ms, 1) if reply else None,
                "input_tokens": reply.input_tokens if reply else None,
                "output_tokens": reply.output_tokens if reply else None,
                "session": session_tag(g.session_id) if g.get("session_id") else None,
                "new_conversation": g.get("new_conversation"),
                "model_calls": reply.model_calls if reply else None,
                "tool_calls": reply.tool_calls if reply else None,
                "event": g.get("event"),
                "error": g.get("error_code"),
            },
        )
        return response
