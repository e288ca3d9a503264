"""Recorded API Gateway (payload 1.0) events from tests/events, and a Lambda context."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

EVENTS = Path(__file__).resolve().parents[1] / "events"
REQUEST_ID = "c0ffee00-1111-4222-8333-444455556666"


def load(name: str) -> dict:
    """A fresh copy of a recorded event, e.g. load("chat.json")."""
    return json.loads((EVENTS / name).read_text())


def context(request_id: str = REQUEST_ID) -> SimpleNamespace:
    """The parts of a Lambda context the handler reads."""
    return SimpleNamespace(
        aws_request_id=request_id,
        function_name="twin-api",
        get_remaining_time_in_millis=lambda: 29_000,
    )
