"""The local server a browser test drives, and small actions on its chat page."""

from __future__ import annotations

import json
import struct
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from flask import Flask
from playwright.sync_api import Page, expect

from api.config import Config
from tests.support.app import inbox_entries
from twin.listen import Background
from twin.server import create_local_app

# A header subtitle (title · location) longer than a phone is wide.
LONG_SUBTITLE = "Senior Data Engineer at Northwind Freight Analytics · Berlin, Berlin, Germany"
# True when an element's text is cut: a line clamp, an ellipsis, or more text than its box holds.
CLIPPED = """el => {
  const style = getComputedStyle(el);
  return el.scrollHeight > el.clientHeight || el.scrollWidth > el.clientWidth
    || style.textOverflow === "ellipsis" || style.webkitLineClamp !== "none";
}"""


@dataclass
class LocalServer:
    """The local app on a free port, and where it keeps conversations."""

    url: str
    memory_dir: Path
    config: Config

    def stored(self, session_id: str) -> dict:
        """The conversation record as written to disk."""
        path = self.memory_dir / "conversations" / f"{session_id}.json"
        return json.loads(path.read_text())


@contextmanager
def running(config: Config, app: Flask | None = None) -> Iterator[LocalServer]:
    """Serve create_local_app(config) (or `app`, built from it) as `twin run` does, on
    127.0.0.1, port chosen by the OS."""
    server = Background(app or create_local_app(config))
    try:
        yield LocalServer(server.url, config.memory_dir, config)
    finally:
        server.stop()


def tiny_png(width: int = 8, height: int = 8) -> bytes:
    """A valid solid-colour PNG, so the avatar route has a real image to serve."""
    raw = b"".join(b"\x00" + b"\xc8\x78\x28" * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


@dataclass
class PageProblems:
    """What went wrong inside the page while a test ran."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)


def session_id(page: Page) -> str | None:
    """The conversation id the page keeps in localStorage."""
    return page.evaluate("localStorage.getItem('twin.session')")


def type_and_send(page: Page, text: str) -> None:
    """Type a question and press Enter, without waiting for the reply."""
    page.locator("#message").fill(text)
    page.locator("#message").press("Enter")


def ask(page: Page, text: str) -> None:
    """Type a question, press Enter and wait for the reply."""
    replies = page.locator("#log .message.assistant")
    before = replies.count()
    type_and_send(page, text)
    expect(replies).to_have_count(before + 1)


def stored_contacts(server: LocalServer) -> list[dict]:
    """The contact entries the server wrote to its inbox folder."""
    return inbox_entries(server.memory_dir, "contacts")


def open_contact(page: Page) -> None:
    """Open the "Get in touch" panel from the header and wait for its email field."""
    page.locator("#contact-open").click()
    expect(page.locator("#contact-email")).to_be_focused()


def refused_requests_only(console_errors: list[str]) -> list[str]:
    """Console errors other than the browser's own note of a 4xx a test caused on purpose."""
    note = "Failed to load resource: the server responded with a status of 4"
    return [m for m in console_errors if not m.startswith(note)]
