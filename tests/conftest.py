"""Fixtures shared by the API, memory, persona and handler tests."""

from __future__ import annotations

import gc
import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from api.app import create_app
from api.config import Config
from api.logs import JsonFormatter
from tests.support.app import EXAMPLE_PERSONA, copy_example_persona, folder_digest, make_config
from tests.support.scripted import ScriptedModel


@pytest.fixture(scope="session", autouse=True)
def _example_persona_untouched() -> Iterator[None]:
    """The suite never writes into personas/example: an owner edits it, tests use copies."""
    before = folder_digest(EXAMPLE_PERSONA)
    yield
    if folder_digest(EXAMPLE_PERSONA) != before:
        pytest.fail(f"a test changed {EXAMPLE_PERSONA}; tests must use their own copy "
                    "(the example_persona fixture)")


@pytest.fixture
def example_persona(tmp_path: Path) -> Path:
    """This test's own copy of the example persona, to read or change freely."""
    return copy_example_persona(tmp_path / "example-persona")


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return make_config(tmp_path)


@pytest.fixture
def app(config: Config):
    app = create_app(config)
    app.config["TESTING"] = True
    return app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def chat(client):
    """POST a chat message and return the response."""

    def send(message: str = "Where are you based?", **fields: Any):
        return client.post(
            "/api/chat",
            data=json.dumps({"message": message, **fields}),
            content_type="application/json",
        )

    return send


@pytest.fixture
def model() -> Iterator[ScriptedModel]:
    """A scripted model to queue replies on; after the test, each must have been asked for once.

    The check at the end catches a reply asked for beyond the script, which the app itself
    answers as a 500, and a queued reply the app never asked for.
    """
    scripted = ScriptedModel()
    yield scripted
    scripted.assert_done()


@pytest.fixture
def log_lines() -> Iterator[list[str]]:
    """The twin's log lines, formatted exactly as the app writes them."""
    lines: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(self.format(record))

    handler = Keep()
    handler.setFormatter(JsonFormatter())
    twin = logging.getLogger("twin")
    level = twin.level
    twin.addHandler(handler)
    twin.setLevel(logging.INFO)  # as configure_logging sets it, whichever runs first
    yield lines
    twin.removeHandler(handler)
    twin.setLevel(level)


@pytest.fixture
def fresh_lambda_app(monkeypatch, tmp_path):
    """The Lambda entry's app, built anew from a clean environment for one test."""
    from api import lambda_handler

    monkeypatch.setenv("TWIN_MEMORY_DIR", str(tmp_path / "memory"))
    monkeypatch.delenv("TWIN_MODEL_ID", raising=False)
    monkeypatch.delenv("TWIN_MEMORY_BUCKET", raising=False)
    lambda_handler.get_app.cache_clear()
    yield
    lambda_handler.get_app.cache_clear()
    gc.unfreeze()  # get_app froze what the test process held; let the collector see it again


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_terminal_summary(terminalreporter) -> Iterator[None]:
    """One line when the page tests did not run, after the short summary, so it is seen."""
    yield  # the wrapper around pytest's own summary: what follows comes after its last line
    skipped = [report for report in terminalreporter.stats.get("skipped", [])
               if "browser" in report.keywords]
    if not skipped:
        return
    reasons = {str(report.longrepr[-1]).removeprefix("Skipped: ") for report in skipped
               if isinstance(report.longrepr, tuple)}
    why = "; ".join(sorted(reasons)) or "see the skip reasons above"
    terminalreporter.write_line(f"{len(skipped)} page tests skipped: {why}", yellow=True, bold=True)
