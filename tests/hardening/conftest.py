"""Fixtures for the hardening tests: a memory bucket in moto, and a visitor's chat call."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from moto import mock_aws

from tests.support.s3 import memory_bucket


@pytest.fixture
def s3() -> Any:
    """A versioned memory bucket in moto, as deployed."""
    with mock_aws():
        yield memory_bucket()


@pytest.fixture
def send() -> Callable[..., Any]:
    """POST one chat message through a Flask test client."""

    def post(client: Any, message: str, session_id: str, message_id: str) -> Any:
        return client.post("/api/chat", json={"message": message, "session_id": session_id,
                                              "message_id": message_id})

    return post
