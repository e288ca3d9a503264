"""Checks on what a visitor sends, before anything is stored or the model is called."""

from __future__ import annotations

import json
import uuid
from typing import Any

from flask import Request

from .errors import BadRequest, InvalidSession, PayloadTooLarge, UnsupportedMediaType


def is_canonical_uuid(value: str) -> bool:
    """True for a lower-case, hyphenated UUID such as the server issues."""
    if len(value) != 36:
        return False
    try:
        return str(uuid.UUID(value)) == value
    except ValueError:
        return False


def check_session_id(value: Any) -> str:
    """Return a valid session id or raise invalid_session."""
    if not isinstance(value, str) or not is_canonical_uuid(value):
        raise InvalidSession()
    return value


def read_json_object(request: Request, max_bytes: int) -> dict[str, Any]:
    """The request body as a JSON object, or the matching 4xx."""
    if request.content_length is not None and request.content_length > max_bytes:
        raise PayloadTooLarge()
    if not request.is_json:
        raise UnsupportedMediaType()
    raw = request.get_data(cache=True)  # Flask's MAX_CONTENT_LENGTH also guards unsized bodies
    try:
        body = json.loads(raw)
    except (ValueError, RecursionError):  # RecursionError: absurdly nested JSON
        raise BadRequest("The request body is not valid JSON.") from None
    if not isinstance(body, dict):
        raise BadRequest("The request body must be a JSON object.")
    return body


def parse_chat(body: dict[str, Any], max_chars: int) -> tuple[str, str | None, str | None]:
    """Validate a chat request into (message, session_id or None, message_id or None)."""
    message = body.get("message")
    if not isinstance(message, str):
        raise BadRequest("'message' is required and must be a string.")
    message = message.strip()
    if not message:
        raise BadRequest("The message is empty.")
    if len(message) > max_chars:
        raise BadRequest(f"The message is too long (at most {max_chars} characters).")
    try:
        message.encode("utf-8")
    except UnicodeEncodeError:
        raise BadRequest("The message contains invalid characters.") from None
    session_id = body.get("session_id")
    if session_id is not None and not isinstance(session_id, str):
        raise BadRequest("'session_id' must be a string.")
    message_id = body.get("message_id")
    if message_id is not None and (
        not isinstance(message_id, str) or not is_canonical_uuid(message_id)
    ):
        raise BadRequest("'message_id' must be a UUID string.")
    return message, (check_session_id(session_id) if session_id is not None else None), message_id
