"""What the routes use, built once per process by create_app, and the typed way to reach it."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app

from .chat import ChatService
from .config import Config

EXTENSION = "twin"  # the key in app.extensions


@dataclass(frozen=True)
class Services:
    """The settings, and the chat service, which holds the rest: the persona, the model, the
    conversation store and the notifier (the one way into the inbox)."""

    config: Config
    chat: ChatService


def services(app: Flask | None = None) -> Services:
    """The services of `app`, or of the app serving the current request."""
    found = (app if app is not None else current_app).extensions[EXTENSION]
    assert isinstance(found, Services)
    return found
