"""Checks on what a visitor sends, before anything is stored or the model is called.

The same checks hold for what the model passes to a tool, so this module needs no web layer.
Visitor text is hostile wherever it is shown later (the owner's terminal, a notice, a CSV), so
one rule holds for every field (docs/architecture.md, "Visitor text"): line ends become "\n";
characters nobody types (C0 controls but tab and line feed, DEL, C1 controls, bidi overrides and
isolates) are refused with 400; invisible ones a keyboard or a paste may add (the zero-width
space, the LTR/RTL marks, the byte-order mark) are removed; the zero-width joiner and non-joiner
stay, since emoji and Persian or Indic spelling need them.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass
from typing import Any, Protocol

from .errors import BadRequest, InvalidSession, PayloadTooLarge, UnsupportedMediaType
from .text import EMAIL, strip_controls

MAX_EMAIL_CHARS = 254  # RFC 5321's limit on a forward path
MAX_NAME_CHARS = 100
# Refused: what no keyboard types. Tab and line feed pass; CR is made a line feed first.
_REFUSED = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def clean_text(value: str, name: str, *, one_line: bool = False) -> str:
    """Visitor text as stored: CRLF and CR made LF, invisible characters removed, stripped.

    Raises BadRequest for a lone surrogate, a control, bidi override or isolate character, and
    for a line end in a one-line field.
    """
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise BadRequest(f"'{name}' contains invalid characters.") from None
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    if _REFUSED.search(value):
        raise BadRequest(f"'{name}' contains control characters.")
    # strip_controls makes every other line break (U+2028, U+2029) a line feed: check after it.
    value = strip_controls(value).strip()
    if one_line and "\n" in value:
        raise BadRequest(f"'{name}' contains control characters.")
    return value


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


class JsonRequest(Protocol):
    """What read_json_object needs of a request (Flask's has it)."""

    content_length: int | None
    is_json: bool

    def get_data(self, cache: bool = True) -> bytes: ...


def read_json_object(request: JsonRequest, max_bytes: int) -> dict[str, Any]:
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


def check_text(
    value: Any, name: str, max_chars: int, *, required: bool = False, one_line: bool = False
) -> str | None:
    """A stripped string field within its length, or None when absent and optional."""
    if value is None or (isinstance(value, str) and not value.strip() and not required):
        if required:
            raise BadRequest(f"'{name}' is required.")
        return None
    if not isinstance(value, str):
        raise BadRequest(f"'{name}' must be a string.")
    value = clean_text(value, name, one_line=one_line)
    if not value:
        raise BadRequest(f"'{name}' is empty.")
    if len(value) > max_chars:
        raise BadRequest(f"'{name}' is too long (at most {max_chars} characters).")
    return value


def check_email(value: Any) -> str:
    """A syntactically valid email address of sensible length."""
    email = check_text(value, "email", MAX_EMAIL_CHARS, required=True, one_line=True)
    assert email is not None
    if not EMAIL.match(email):
        raise BadRequest("'email' is not a valid email address.")
    return email


@dataclass(frozen=True)
class ContactForm:
    """What POST /api/contact carries, checked."""

    email: str
    name: str | None
    message: str | None
    session_id: str | None
    honeypot: bool


def parse_contact(body: dict[str, Any], max_chars: int) -> ContactForm:
    """Validate a contact request; a filled `website` field marks a bot."""
    website = body.get("website")
    if website is not None and not isinstance(website, str):
        raise BadRequest("'website' must be a string.")
    session_id = body.get("session_id")
    if session_id is not None and not isinstance(session_id, str):
        raise BadRequest("'session_id' must be a string.")
    return ContactForm(
        email=check_email(body.get("email")),
        name=check_text(body.get("name"), "name", MAX_NAME_CHARS, one_line=True),
        message=check_text(body.get("message"), "message", max_chars),
        session_id=check_session_id(session_id) if session_id is not None else None,
        honeypot=bool(website and website.strip()),
    )


def parse_chat(body: dict[str, Any], max_chars: int) -> tuple[str, str | None, str | None]:
    """Validate a chat request into (message, session_id or None, message_id or None)."""
    message = body.get("message")
    if not isinstance(message, str):
        raise BadRequest("'message' is required and must be a string.")
    message = clean_text(message, "message")
    if not message:
        raise BadRequest("The message is empty.")
    if len(message) > max_chars:
        raise BadRequest(f"The message is too long (at most {max_chars} characters).")
    session_id = body.get("session_id")
    if session_id is not None and not isinstance(session_id, str):
        raise BadRequest("'session_id' must be a string.")
    message_id = body.get("message_id")
    if message_id is not None and (
        not isinstance(message_id, str) or not is_canonical_uuid(message_id)
    ):
        raise BadRequest("'message_id' must be a UUID string.")
    return message, (check_session_id(session_id) if session_id is not None else None), message_id
