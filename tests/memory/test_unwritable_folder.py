"""A local memory folder that fails at run time: 503 to the visitor, the trace in the log."""

from __future__ import annotations

import logging
import shutil

import pytest

from api.app import create_app
from tests.support.app import UUID, make_config


@pytest.fixture
def broken(tmp_path):
    """An app whose memory folder was fine at start-up and is a plain file now."""
    config = make_config(tmp_path)
    client = create_app(config).test_client()
    assert client.post("/api/chat", json={"message": "Hello", "session_id": UUID}).status_code \
        == 200
    shutil.rmtree(config.memory_dir)
    config.memory_dir.write_text("not a folder")
    return client


@pytest.mark.parametrize(("method", "path", "body"), [
    ("post", "/api/chat", {"message": "Where are you based?", "session_id": UUID}),
    ("post", "/api/chat", {"message": "Where are you based?"}),
    ("get", f"/api/conversation/{UUID}", None),
    ("delete", f"/api/conversation/{UUID}", None),
])
def test_conversations_answer_503_memory_unavailable(broken, caplog, method, path, body):
    with caplog.at_level(logging.INFO, logger="twin"):
        response = getattr(broken, method)(path, json=body)
    assert response.status_code == 503
    assert response.json["error"]["code"] == "memory_unavailable"
    assert response.headers["Retry-After"].isdigit()
    assert "Traceback" not in response.get_data(as_text=True)
    # The trace is in the log, with the request's id.
    [failure] = [r for r in caplog.records if r.getMessage() == "memory folder failed"]
    assert failure.exc_info and failure.request_id == response.headers["X-Request-Id"]


def test_a_contact_answers_503_contact_unavailable(broken):
    response = broken.post("/api/contact", json={"email": "sam@acme.example"})
    assert response.status_code == 503
    assert response.json["error"]["code"] == "contact_unavailable"
    assert response.headers["Retry-After"].isdigit()
