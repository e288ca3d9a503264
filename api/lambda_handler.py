"""The Lambda entry: API Gateway payload-1.0 events through aws-wsgi into the Flask app."""

from __future__ import annotations

import gc
import json
import logging
import os
from functools import cache
from typing import Any

import awsgi
from flask import Flask

from .app import create_app
from .errors import ApiError, error_body
from .logs import configure_logging

log = logging.getLogger("twin")


@cache
def get_app() -> Flask:
    """The app, built once per container."""
    app = create_app()
    # What the build made lives as long as the container: set it apart from the cyclic garbage
    # collector (gc.freeze, which costs nothing), so that no collection during a request walks
    # it again. Otherwise the first full collection, about 15 ms, lands in the first request.
    gc.freeze()
    return app


def _unusable_event(context: Any, reason: str) -> dict[str, Any]:
    request_id = getattr(context, "aws_request_id", None)
    log.error("unusable event: %s", reason, extra={"request_id": request_id, "event": "bad_event"})
    body = error_body(ApiError(), request_id)
    return {
        "statusCode": 500,
        "headers": {"Content-Type": "application/json", "Cache-Control": "no-store"},
        "body": json.dumps(body),
        "isBase64Encoded": False,
    }


def _utf8(text: Any) -> bytes:
    # "surrogatepass": a lone surrogate becomes bytes that are not UTF-8, which the app then
    # refuses as it would any such body (400), instead of aws-wsgi failing to encode it.
    return str(text).encode("utf-8", "surrogatepass")


def as_wsgi_event(event: dict[str, Any]) -> dict[str, Any]:
    """The event as aws-wsgi can pass any of it on: what a client sent reaches the app as bytes.

    aws-wsgi encodes the body and the query as strict UTF-8 and reads `queryStringParameters`
    as a key, so a lone surrogate or an event without that key would raise before the app ran.
    """
    body = event.get("body")
    if isinstance(body, str) and not event.get("isBase64Encoded"):
        body = _utf8(body)
    query = event.get("queryStringParameters")
    query = ({_utf8(k): _utf8(v) for k, v in query.items()} if isinstance(query, dict)
             else None)
    # WSGI carries the path as UTF-8 bytes spelled in latin-1, as a real server would pass it;
    # aws-wsgi hands API Gateway's text on as is, and a path such as /api/conversation/Ā
    # would then fail inside Werkzeug instead of getting its 404 or 400.
    path = _utf8(event["path"]).decode("latin-1")
    return {**event, "path": path, "body": body, "queryStringParameters": query}


def handler(event: Any, context: Any) -> dict[str, Any]:
    """Answer one API Gateway (payload format 1.0) request."""
    if not isinstance(event, dict) or "httpMethod" not in event or "path" not in event:
        version = event.get("version") if isinstance(event, dict) else None
        return _unusable_event(
            context,
            f"expected an API Gateway payload format 1.0 event (got version {version!r}); "
            "set payload_format_version='1.0' on the integration",
        )
    response = awsgi.response(get_app(), as_wsgi_event(event), context)
    response["statusCode"] = int(response["statusCode"])
    return response


configure_logging()
if os.environ.get("AWS_LAMBDA_FUNCTION_NAME"):
    get_app()  # build during the init phase, which runs at full CPU before the first request
