"""Errors a visitor can see, as a small hierarchy rendered by one handler in one JSON shape."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from .logs import current_request, current_request_id

if TYPE_CHECKING:  # Flask is imported where a response is made: the classes need none of it
    from flask import Flask, Response

log = logging.getLogger("twin")


class ApiError(Exception):
    """An error with an HTTP status, a stable code and a sentence a visitor can act on."""

    status = 500
    code = "internal"
    message = "Something went wrong on our side. Please try again in a moment."

    def __init__(self, message: str | None = None, *, retry_after: int | None = None) -> None:
        super().__init__(message or self.message)
        self.message = message or self.message
        self.retry_after = retry_after


class BadRequest(ApiError):
    status, code, message = 400, "bad_request", "The request could not be understood."


class InvalidSession(ApiError):
    status, code = 400, "invalid_session"
    message = "That conversation id is not valid. Start a new conversation."


class Forbidden(ApiError):
    status, code = 403, "forbidden"
    message = "This address answers only requests that come through the twin's own page."


class NotFound(ApiError):
    status, code, message = 404, "not_found", "Nothing was found at this address."


class MethodNotAllowed(ApiError):
    status, code = 405, "method_not_allowed"
    message = "This address does not accept that method."


class ConversationLimit(ApiError):
    status, code = 409, "conversation_limit"
    message = "This conversation has reached its length limit. Start a new conversation."


class ConversationDeleted(ApiError):
    """A turn was under way when its conversation was deleted: nothing of it was saved."""

    status, code = 410, "conversation_deleted"
    message = "This conversation was deleted. Start a new conversation."


class PayloadTooLarge(ApiError):
    status, code, message = 413, "payload_too_large", "The request body is too large."


class UnsupportedMediaType(ApiError):
    status, code = 415, "unsupported_media_type"
    message = "Send the request body as JSON (Content-Type: application/json)."


class RateLimited(ApiError):
    status, code = 429, "rate_limited"
    message = "The twin is getting a lot of questions right now. Please try again shortly."


class ModelError(ApiError):
    status, code = 502, "model_error"
    message = "The twin could not answer that just now. Please try again later."


class ModelUnavailable(ApiError):
    status, code = 503, "model_unavailable"
    message = "The twin is not reachable right now. Please try again in a moment."


class MemoryUnavailable(ApiError):
    """The conversation store failed or timed out; nothing of this turn was saved."""

    status, code = 503, "memory_unavailable"
    message = "Conversations cannot be reached right now. Please try again in a moment."


class ContactUnavailable(ApiError):
    """The inbox store failed or timed out; the visitor's details were not saved."""

    status, code = 503, "contact_unavailable"
    message = "Your details could not be saved just now. Please try again in a moment."


class InboxFull(ApiError):
    """The day's cap on inbox entries of this kind is reached; nothing was kept."""

    status, code = 503, "inbox_full"
    message = "The twin cannot take more messages today. Please try again tomorrow."


class ConversationBusy(ApiError):
    """Too many concurrent writes to one conversation; nothing of this turn was saved."""

    status, code = 503, "conversation_busy"
    message = "This conversation is busy with another message. Please try again in a moment."


# Werkzeug raises these itself (routing, body size); they are answered in the same shape.
_HTTP_ERRORS: dict[int, type[ApiError]] = {
    400: BadRequest,
    403: Forbidden,
    404: NotFound,
    405: MethodNotAllowed,
    413: PayloadTooLarge,
    415: UnsupportedMediaType,
}


def error_body(error: ApiError, request_id: str | None) -> dict[str, Any]:
    """The one error shape, as every error response (and the WAF's 429) carries it."""
    return {"error": {"code": error.code, "message": error.message, "request_id": request_id}}


def error_response(error: ApiError) -> Response:
    """Render an ApiError in the one error shape."""
    from flask import jsonify

    served = current_request()
    if served is not None:
        served.error = error.code  # for the request's log line, which the metric filters read
    response = jsonify(error_body(error, current_request_id()))
    response.status_code = error.status
    if error.retry_after is not None:
        response.headers["Retry-After"] = str(error.retry_after)
    return response


def register_error_handlers(app: Flask) -> None:
    """Route every failure, Flask's own included, through error_response."""
    from werkzeug.exceptions import HTTPException

    @app.errorhandler(ApiError)
    def _api_error(error: ApiError) -> Response:
        return error_response(error)

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException) -> Response:
        kind = _HTTP_ERRORS.get(error.code or 500)
        if kind is None:
            kind = BadRequest if (error.code or 500) < 500 else ApiError
        response = error_response(kind())
        if error.code == 405:  # keep werkzeug's Allow header on method errors
            allow = error.get_headers()
            response.headers.extend([(k, v) for k, v in allow if k == "Allow"])
        return response

    @app.errorhandler(Exception)
    def _unhandled(error: Exception) -> Response:
        # The full trace goes to the log with the request id; the visitor gets a generic sentence.
        log.exception("unhandled error")
        return error_response(ApiError())
