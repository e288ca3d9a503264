"""Small actions on the chat page that several browser tests share."""

from __future__ import annotations

import json

from playwright.sync_api import Page, expect


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


def stored_contacts(server) -> list[dict]:
    """The contact entries the server wrote to its inbox folder."""
    folder = server.memory_dir / "inbox" / "contacts"
    return [json.loads(p.read_text()) for p in sorted(folder.glob("*.json"))]


def open_contact(page: Page) -> None:
    """Open the "Get in touch" panel from the header and wait for its email field."""
    page.locator("#contact-open").click()
    expect(page.locator("#contact-email")).to_be_focused()


def refused_requests_only(console_errors: list[str]) -> list[str]:
    """Console errors other than the browser's own note of a 4xx a test caused on purpose."""
    note = "Failed to load resource: the server responded with a status of 4"
    return [m for m in console_errors if not m.startswith(note)]
