"""What every request goes through: its id, its one log line, the headers every response carries.

CORS is not here: API Gateway answers it from `twin:allowedOrigins` and ignores CORS headers from
the function, and the local server serves the page and the API from one origin, which needs none
(docs/architecture.md, "CORS").
"""

from __future__ import annotations

import logging
import uuid

from flask import Flask, Response, request

from .logs import REQUEST_MESSAGE, RequestLog, begin_request, current_request, end_request

log = logging.getLogger("twin")


def register_request_hooks(app: Flask) -> None:
    """Give each request an id and a log record first, and write its line last."""

    @app.before_request
    def _begin() -> None:
        # On Lambda, the invocation's own id, so the function's lines and AWS's match.
        context = request.environ.get("awsgi.context")
        request_id = getattr(context, "aws_request_id", None) or uuid.uuid4().hex
        begin_request(RequestLog(request_id, method=request.method))

    @app.after_request
    def _finish(response: Response) -> Response:
        served = current_request()
        response.headers["X-Request-Id"] = served.request_id if served else ""
        if request.path.startswith("/api/") or response.mimetype == "application/json":
            response.headers["Cache-Control"] = "no-store"
            response.headers["X-Content-Type-Options"] = "nosniff"
        if served is not None:
            route = request.url_rule.rule if request.url_rule else None
            log.info(REQUEST_MESSAGE, extra=served.line(route, response.status_code))
        return response

    @app.teardown_request
    def _end(_error: BaseException | None) -> None:
        end_request()
