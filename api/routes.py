"""The HTTP API of DESIGN 3, all under /api."""

from __future__ import annotations

import uuid

from flask import Blueprint, Response, current_app, g, jsonify, request

from .errors import NotFound
from .inbox import new_entry
from .tools import record_entry
from .validation import check_session_id, parse_chat, parse_contact, read_json_object

bp = Blueprint("api", __name__, url_prefix="/api")


def _twin():
    return current_app.extensions["twin"]


@bp.get("/health")
def health() -> Response:
    twin = _twin()
    return jsonify(status="ok", model=twin.config.model_id, memory=twin.store.kind)


@bp.get("/profile")
def profile() -> Response:
    twin = _twin()
    return jsonify({**twin.persona.profile(), "retention_days": twin.config.retention_days})


@bp.post("/chat")
def chat() -> Response:
    twin = _twin()
    body = read_json_object(request, twin.config.max_body_bytes)
    message, session_id, message_id = parse_chat(body, twin.config.max_message_chars)
    session_id = session_id or str(uuid.uuid4())
    message_id = message_id or str(uuid.uuid4())
    g.session_id, g.model_name = session_id, twin.model.name
    result = twin.chat.turn(session_id, message_id, message)
    g.reply, g.new_conversation = result.reply, result.started or None
    return jsonify(response=result.text, session_id=session_id, message_id=message_id)


@bp.get("/conversation/<path:session_id>")
def get_conversation(session_id: str) -> Response:
    g.session_id = check_session_id(session_id)
    conversation = _twin().store.get(session_id)
    if conversation is None:
        raise NotFound("There is no conversation with that id.")
    return jsonify(session_id=session_id, messages=conversation["messages"])


@bp.delete("/conversation/<path:session_id>")
def delete_conversation(session_id: str) -> Response:
    g.session_id = check_session_id(session_id)
    if not _twin().store.delete(session_id):
        raise NotFound("There is no conversation with that id.")
    return Response(status=204)


@bp.post("/contact")
def contact() -> tuple[Response, int]:
    twin = _twin()
    body = read_json_object(request, twin.config.max_body_bytes)
    form = parse_contact(body, twin.config.max_message_chars)
    if form.honeypot:  # a bot filled the hidden field: it is told nothing, and nothing is kept
        g.event = "contact_honeypot"
        return jsonify(status="received"), 201
    # A session counts only when its conversation exists: an invented id must not open a fresh
    # notice slot for each request.
    exists = form.session_id and twin.store.exists(form.session_id)
    g.session_id = session_id = form.session_id if exists else None
    fields = {"email": form.email, "name": form.name, "message": form.message}
    record_entry(twin.inbox, twin.notifier,
                 new_entry("contact", fields, session_id=session_id, asked=None, source="form"))
    return jsonify(status="received"), 201


@bp.get("/openapi.json")
def openapi() -> Response:
    from .openapi import openapi_spec  # only for readers of the description, never at cold start

    return jsonify(openapi_spec(_twin().config.max_message_chars))
