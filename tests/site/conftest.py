"""A real Chromium driving the real local server (offline model, conversations in a temp folder)."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
from flask import Flask

from api.config import Config
from tests.support.pages import LONG_SUBTITLE, LocalServer, PageProblems, running, tiny_png
from twin.server import create_local_app

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

STARTERS = [
    "What does Robin work on?",
    "Where is Robin based?",
    "Which languages does Robin use?",
    "What did Robin study?",
    "A fifth question the page must not show",
]

# Records CSP violations; init scripts run outside the page's policy, the page's own code does not.
CSP_RECORDER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`);
});
"""


@pytest.fixture(scope="session")
def persona_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small fictional persona with starters and an avatar."""
    folder = tmp_path_factory.mktemp("persona")
    facts = {
        "full_name": "Robin Quill",
        "name": "Robin",
        "title": "Staff Engineer",
        "location": "Lisbon, Portugal",
        "specialties": ["distributed systems", "Python"],
        "public": ["title", "location"],
    }
    (folder / "facts.json").write_text(json.dumps(facts))
    (folder / "summary.md").write_text(
        "Robin Quill is a staff engineer who builds distributed systems in Python.\n"
        "Robin led the payments platform team for five years.\n"
    )
    (folder / "style.md").write_text("Friendly, direct, short sentences.\n")
    (folder / "starters.txt").write_text("\n".join(STARTERS) + "\n")
    (folder / "avatar.png").write_bytes(tiny_png())
    return folder


@pytest.fixture(scope="session")
def starters() -> list[str]:
    """The test persona's starter questions, in order."""
    return list(STARTERS)


@pytest.fixture(scope="session")
def long_title_persona_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A persona whose header subtitle (title · location) is longer than a phone is wide."""
    folder = tmp_path_factory.mktemp("long-title-persona")
    title, location = LONG_SUBTITLE.split(" · ")
    facts = {"full_name": "Robin Quill", "name": "Robin", "title": title, "location": location}
    (folder / "facts.json").write_text(json.dumps(facts))
    (folder / "summary.md").write_text("Robin Quill builds data pipelines.\n")
    (folder / "style.md").write_text("Plain and brief.\n")
    return folder


@pytest.fixture(scope="session")
def bare_persona_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A persona with only the required files: no avatar, no starters."""
    folder = tmp_path_factory.mktemp("bare-persona")
    (folder / "facts.json").write_text(json.dumps({"full_name": "Sam Ortiz", "name": "Sam"}))
    (folder / "summary.md").write_text("Sam Ortiz is a data analyst.\n")
    (folder / "style.md").write_text("Plain and brief.\n")
    return folder


@pytest.fixture
def start_server(persona_dir: Path, tmp_path: Path) -> Iterator[Callable[..., LocalServer]]:
    """Start a server with extra TWIN_* settings; each test gets its own memory folder.
    `prepare`, when given, is called with the app before it serves (to hold a turn, say)."""
    with ExitStack() as stack:

        def start(prepare: Callable[[Flask], None] | None = None, **env: str) -> LocalServer:
            settings = {
                "TWIN_PERSONA": str(persona_dir),
                "TWIN_MEMORY_DIR": str(tmp_path / "memory"),
            }
            config = Config.from_env({**settings, **env})
            app = create_local_app(config)
            if prepare is not None:
                prepare(app)
            return stack.enter_context(running(config, app))

        yield start


@pytest.fixture
def server(start_server: Callable[..., LocalServer]) -> LocalServer:
    return start_server()


@pytest.fixture(scope="session")
def chromium():
    """One Chromium for the whole session; skipped (or failed under CI) when it is not installed."""
    path = os.environ.get("TWIN_CHROMIUM", "/usr/bin/chromium")
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        message = (
            f"Chromium not found at {path}: install it with `apt-get install chromium` "
            "or set TWIN_CHROMIUM to a Chromium or Chrome binary"
        )
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def problems() -> PageProblems:
    return PageProblems()


@pytest.fixture
def open_page(chromium, problems: PageProblems):
    """Open the chat page of a server in a fresh browser context (its own storage)."""
    contexts = []

    def open_(server: LocalServer, path: str = "/", **options):
        context = chromium.new_context(base_url=server.url, **options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        context.add_init_script(CSP_RECORDER)
        page = context.new_page()
        page.on(
            "console",
            lambda m: problems.console_errors.append(m.text) if m.type == "error" else None,
        )
        page.on("pageerror", lambda e: problems.page_errors.append(str(e)))
        page.goto(path)
        return page

    yield open_
    for context in contexts:
        context.close()
    # An uncaught exception in the page fails any test, whatever it was checking.
    assert problems.page_errors == []
