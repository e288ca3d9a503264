"""Small actions on the chat page that several browser tests share."""

from __future__ import annotations

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
