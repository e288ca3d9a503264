"""The HTTP API, all under /api (docs/architecture.md, "The HTTP API")."""

from __future__ import annotations

import uuid

from flask import Blueprint, Response, jsonify, request

from .errors import ContactUnavailable, MemoryUnavailable, NotFound
from .inbox import new_entry
from .logs import RequestLog, current_request
from .services import services
from .validation import check_session_id, parse_chat, parse_contact, read_json_object

bp = Blueprint("api", __name__, url_prefix="/api")


def _served() -> RequestLog:
    served = current_request()
    assert served is not None  # the request hooks begin one before any route runs
    return served


@bp.get("/health")
def health() -> Response:
    twin = services()
    return jsonify(status="ok", model=twin.config.model_id, memory=twin.chat.store.kind)


@bp.get("/profile")
def profile() -> Response:
    twin = services()
    return jsonify({**twin.chat.persona.profile(), "retention_days": twin.config.retention_days})


@bp.post("/chat")
def chat() -> Response:
    twin = services()
    body = read_json_object(request, twin.config.max_body_bytes)
    message, session_id, message_id = parse_chat(body, twin.config.max_message_chars)
    session_id = session_id or str(uuid.uuid4())
    message_id = message_id or str(uuid.uuid4())
    served = _served()
    served.session_id, served.model = session_id, twin.chat.model.name
    result = twin.chat.turn(session_id, message_id, message)
    served.usage, served.new_conversation = result.reply, result.started or None
    return jsonify(response=result.text, session_id=session_id, message_id=message_id)


@bp.get("/conversation/<path:session_id>")
def get_conversation(session_id: str) -> Response:
    _served().session_id = check_session_id(session_id)
    conversation = services().chat.store.get(session_id)
    if conversation is None:
        raise NotFound("There is no conversation with that id.")
    return jsonify(session_id=session_id, messages=conversation["messages"])


@bp.delete("/conversation/<path:session_id>")
def delete_conversation(session_id: str) -> Response:
    _served().session_id = check_session_id(session_id)
    if not services().chat.store.delete(session_id):
        raise NotFound("There is no conversation with that id.")
    return Response(status=204)


@bp.post("/contact")
def contact() -> tuple[Response, int]:
    twin = services()
    body = read_json_object(request, twin.config.max_body_bytes)
    form = parse_contact(body, twin.config.max_message_chars)
    served = _served()
    if form.honeypot:  # a bot filled the hidden field: it is told nothing, and nothing is kept
        served.event = "contact_honeypot"
        return jsonify(status="received"), 201
    try:
        # A session counts only when its conversation exists: an invented id must not open a
        # fresh notice slot for each request.
        exists = form.session_id and twin.chat.store.exists(form.session_id)
        served.session_id = session_id = form.session_id if exists else None
        fields = {"email": form.email, "name": form.name, "message": form.message}
        twin.chat.notifier.record(
            new_entry("contact", fields, session_id=session_id, asked=None, source="form"))
    except MemoryUnavailable as exc:  # a contact form's own words, not the conversations'
        raise ContactUnavailable(retry_after=exc.retry_after) from exc
    return jsonify(status="received"), 201


@bp.get("/openapi.json")
def openapi() -> Response:
    from .openapi import openapi_spec  # only for readers of the description, never at cold start

    return jsonify(openapi_spec(services().config.max_message_chars))
