"""The OpenAPI 3.1 description of /api, served at GET /api/openapi.json.

docs/architecture.md, "The HTTP API", says the same in prose.
"""

from __future__ import annotations

from typing import Any

from .errors import ApiError
from .validation import MAX_EMAIL_CHARS, MAX_NAME_CHARS

UUID = {"type": "string", "format": "uuid",
        "pattern": "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"}
REQUEST_ID = {"X-Request-Id": {"description": "The request's id, also in the logs.",
                               "required": True, "schema": {"type": "string"}}}
RETRY_AFTER = {"Retry-After": {"description": "Seconds to wait before trying again.",
                               "required": True, "schema": {"type": "string",
                                                            "pattern": "^[0-9]+$"}}}
# When each documented error happens; every operation may also answer 500 internal.
ERRORS = {
    "400": "The body is not a JSON object, a field is wrong, or the session id is not a UUID.",
    "403": "TWIN_ORIGIN_SECRET is set and the request did not come through CloudFront.",
    "404": "No such conversation.",
    "409": "The conversation reached its length limit.",
    "410": "conversation_deleted: the conversation was deleted while this turn was under way; "
           "nothing was saved. A later turn with the same session_id starts a new conversation.",
    "413": "The body is over 64 KiB.",
    "415": "The body is not sent as application/json.",
    "429": "The model is throttled; try again after Retry-After.",
    "502": "The model refused the request.",
    "503": "The model or the conversation store is unreachable or failing, or the conversation "
           "is busy; nothing was saved; try again after Retry-After.",
}


def _codes() -> list[str]:
    found, pending = set(), [ApiError]
    while pending:
        kind = pending.pop()
        found.add(kind.code)
        pending += kind.__subclasses__()
    return sorted(found)


def _json(schema: dict[str, Any], description: str, headers: dict | None = None) -> dict:
    return {"description": description, "headers": {**REQUEST_ID, **(headers or {})},
            "content": {"application/json": {"schema": schema}}}


def _object(properties: dict[str, Any], required: list[str] | None = None) -> dict[str, Any]:
    """An object with these properties, all required unless `required` says otherwise.

    A response has no other property; a request may carry others, which the app ignores.
    """
    closed = required is None
    return {"type": "object", "properties": properties, "additionalProperties": not closed,
            "required": list(properties) if closed else required}


def _operation(summary: str, ok: tuple[str, dict[str, Any]], errors: list[str],
               body: dict[str, Any] | None = None, parameters: list | None = None,
               notes: dict[str, str] | None = None) -> dict:
    """One operation; `notes` says when an error happens where the common sentence does not fit."""
    status, response = ok
    described = {**ERRORS, **(notes or {})}
    errors = ["403", *errors]  # any request, when only CloudFront may call the API
    error = {"$ref": "#/components/schemas/Error"}
    responses = {status: response, **{
        code: _json(error, described[code], RETRY_AFTER if code in ("429", "503") else None)
        for code in errors}, "500": _json(error, "internal: anything else (logged).")}
    operation: dict[str, Any] = {"summary": summary, "responses": responses}
    if body is not None:
        operation["requestBody"] = {"required": True,
                                    "content": {"application/json": {"schema": body}}}
    if parameters:
        operation["parameters"] = parameters
    return operation


def openapi_spec(max_message_chars: int) -> dict[str, Any]:
    """The API's description, with the limits this app enforces."""
    text = lambda limit: {"type": "string", "minLength": 1, "maxLength": limit}  # noqa: E731
    message = {**text(max_message_chars), "description": "Stripped of surrounding whitespace."}
    session = {"name": "session_id", "in": "path", "required": True, "schema": UUID}
    chat_message = _object({"role": {"enum": ["user", "assistant"]}, "content": {"type": "string"},
                            "timestamp": {"type": "string"}, "message_id": {"type": "string"}})
    profile = _object({
        "name": {"type": "string"}, "full_name": {"type": "string"},
        "title": {"type": ["string", "null"]}, "location": {"type": ["string", "null"]},
        "avatar_url": {"type": ["string", "null"]},
        "starters": {"type": "array", "items": {"type": "string"}, "maxItems": 4},
        "retention_days": {"type": "integer", "minimum": 1}})
    no_content = {"description": "Deleted.", "headers": REQUEST_ID}
    return {
        "openapi": "3.1.0",
        "info": {"title": "Twin API", "version": "1",
                 "description": "A person's AI twin: its public card, chat, conversations."},
        "paths": {
            "/api/health": {"get": _operation("Liveness and configuration.", ("200", _json(
                _object({"status": {"const": "ok"}, "model": {"type": "string"},
                         "memory": {"enum": ["s3", "file"]}}), "Up.")), [])},
            "/api/profile": {"get": _operation("The persona's public card.",
                                               ("200", _json(profile, "The card.")), [])},
            "/api/chat": {"post": _operation(
                "Ask the twin; a repeated message_id returns the saved reply.",
                ("200", _json(_object({"response": {"type": "string"}, "session_id": UUID,
                                       "message_id": UUID}), "The twin's reply.")),
                ["400", "409", "410", "413", "415", "429", "502", "503"],
                body=_object({"message": message, "session_id": UUID, "message_id": UUID},
                             required=["message"]))},
            "/api/conversation/{session_id}": {
                "get": _operation("A conversation's messages.", ("200", _json(_object({
                    "session_id": UUID, "messages": {"type": "array", "items": chat_message}}),
                    "The conversation.")), ["400", "404", "503"], parameters=[session]),
                "delete": _operation("Delete a conversation.", ("204", no_content),
                                     ["400", "404", "503"], parameters=[session]),
            },
            "/api/contact": {"post": _operation(
                "Leave contact details for the person.",
                ("201", _json(_object({"status": {"const": "received"}}), "Received.")),
                ["400", "413", "415", "503"],
                notes={"503": "contact_unavailable: the details could not be saved just now; "
                              "nothing was kept; try again after Retry-After. inbox_full: the "
                              "day's cap on contacts (TWIN_INBOX_DAILY_CAP) is reached; nothing "
                              "was kept; Retry-After counts the seconds to midnight UTC."},
                body=_object({"email": {**text(MAX_EMAIL_CHARS), "format": "email"},
                              "name": text(MAX_NAME_CHARS), "message": message,
                              "session_id": UUID,
                              "website": {"type": "string", "description": "Leave empty."}},
                             required=["email"]))},
            "/api/openapi.json": {"get": _operation("This description.", (
                "200", _json({"type": "object"}, "OpenAPI 3.1.")), [])},
        },
        "components": {"schemas": {"Error": _object({"error": _object({
            "code": {"enum": _codes()}, "message": {"type": "string"},
            "request_id": {"type": ["string", "null"]}})})}},
    }
