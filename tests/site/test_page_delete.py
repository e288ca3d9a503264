"""A visitor deletes their conversation; the notice says how long conversations are kept."""

from __future__ import annotations

import threading

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, Route, expect

from api.services import services
from tests.support.pages import ask, refused_requests_only, session_id, type_and_send

pytestmark = pytest.mark.browser


def record_path(server, session: str):
    return server.memory_dir / "conversations" / f"{session}.json"


def delete_button(page: Page):
    return page.get_by_role("button", name="Delete this conversation")


def release(page: Page, held: list[Route]) -> None:
    """Let the one held chat request through to the server."""
    for _ in range(100):
        if held:
            break
        page.wait_for_timeout(20)  # gives Playwright the turn to run the route handler
    held.pop().continue_()


def test_deleting_removes_the_record_and_starts_afresh(open_page, server, problems):
    page = open_page(server)
    ask(page, "What does Robin work on?")
    ask(page, "Where is Robin based?")
    old_id = session_id(page)
    assert record_path(server, old_id).is_file()

    delete_button(page).click()
    dialog = page.get_by_role("dialog", name="Delete this conversation?")
    expect(dialog).to_be_visible()
    expect(dialog).to_have_accessible_description(
        "The conversation is removed from the server now, and a new one starts. This cannot be "
        "undone. A contact or question you left for the person stays with them until it expires."
    )
    cancel = dialog.get_by_role("button", name="Cancel")
    expect(cancel).to_be_focused()  # the safe choice has focus
    cancel.click()
    expect(dialog).to_be_hidden()
    expect(delete_button(page)).to_be_focused()
    assert record_path(server, old_id).is_file()
    expect(page.locator("#log .message")).to_have_count(4)

    delete_button(page).click()
    with page.expect_response("**/api/conversation/*") as deleted:
        dialog.get_by_role("button", name="Delete", exact=True).click()
    assert (deleted.value.request.method, deleted.value.status) == ("DELETE", 204)
    expect(dialog).to_be_hidden()
    expect(page.locator("#log .message")).to_have_count(0)
    expect(page.locator("#status")).to_have_text("Conversation deleted. You can start a new one.")
    expect(page.locator("#starter-list button")).to_have_count(4)
    expect(page.locator("#message")).to_be_focused()
    expect(delete_button(page)).to_be_hidden()
    assert not record_path(server, old_id).exists()
    assert session_id(page) is None

    ask(page, "What did Robin study?")
    new_id = session_id(page)
    assert new_id not in (None, old_id)
    assert len(server.stored(new_id)["messages"]) == 2
    page.reload()
    expect(page.locator("#log .message")).to_have_count(2)
    assert problems.console_errors == []
    assert page.evaluate("window.__cspViolations") == []


def test_the_action_follows_the_stored_conversation(open_page, server):
    page = open_page(server)
    expect(page.locator("#starter-list button")).to_have_count(4)
    expect(delete_button(page)).to_be_hidden()  # nothing stored yet

    held: list[Route] = []
    page.route("**/api/chat", lambda route: held.append(route))
    type_and_send(page, "What does Robin work on?")
    expect(page.locator("#log .message.user")).to_have_count(1)
    expect(delete_button(page)).to_be_hidden()  # the first reply makes the conversation
    release(page, held)
    expect(page.locator("#log .message.assistant")).to_have_count(1)
    expect(delete_button(page)).to_be_visible()

    type_and_send(page, "Where is Robin based?")  # a reply in flight would write it again
    expect(delete_button(page)).to_be_disabled()
    release(page, held)
    expect(page.locator("#log .message.assistant")).to_have_count(2)
    expect(delete_button(page)).to_be_enabled()

    page.reload()  # a stored conversation brings the action back with it
    expect(page.locator("#log .message")).to_have_count(4)
    expect(delete_button(page)).to_be_visible()
    page.get_by_role("button", name="New conversation").click()
    expect(delete_button(page)).to_be_hidden()


def test_a_conversation_already_gone_counts_as_deleted(open_page, server, problems):
    page = open_page(server)
    ask(page, "What does Robin work on?")
    record_path(server, session_id(page)).unlink()  # expired, or deleted in another tab

    held: list[Route] = []
    page.route("**/api/conversation/*", lambda route: held.append(route))
    delete_button(page).click()
    page.get_by_role("button", name="Delete", exact=True).click()
    expect(page.get_by_role("button", name="Cancel")).to_be_disabled()
    page.keyboard.press("Escape")  # the dialog waits for the server's answer
    expect(page.get_by_role("dialog")).to_be_visible()
    with page.expect_response("**/api/conversation/*") as deleted:
        release(page, held)
    assert deleted.value.status == 404
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(page.locator("#log .message")).to_have_count(0)
    expect(page.locator("#status")).to_contain_text("Conversation deleted")
    expect(page.locator("#problem")).to_be_hidden()
    assert session_id(page) is None
    assert refused_requests_only(problems.console_errors) == []


def test_a_failed_delete_says_so_and_keeps_the_conversation(open_page, server, problems):
    page = open_page(server)
    ask(page, "What does Robin work on?")
    kept = session_id(page)
    failure = {"error": {"code": "internal", "message": "Could not delete now.", "request_id": "x"}}
    page.route(
        "**/api/conversation/*",
        lambda route: route.fulfill(status=500, json=failure)
        if route.request.method == "DELETE" else route.continue_(),
    )

    delete_button(page).focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Shift+Tab")  # from Cancel back to Delete, by keyboard
    expect(page.get_by_role("button", name="Delete", exact=True)).to_be_focused()
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_role("alert")).to_have_text("Could not delete now.")
    expect(page.get_by_role("button", name="Delete", exact=True)).to_be_focused()  # to try again
    assert record_path(server, kept).is_file() and session_id(page) == kept
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()

    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)
    expect(delete_button(page)).to_be_focused()
    expect(page.locator("#log .message")).to_have_count(2)
    assert [m for m in problems.console_errors if "status of 500" not in m] == []


def test_the_notice_says_how_long_conversations_are_kept(open_page, start_server):
    # The default, "7 days", is checked with the rest of the header in test_page_chat.
    page = open_page(start_server(TWIN_RETENTION_DAYS="1"))
    expect(page.locator("#notice-text")).to_have_text(
        "An AI twin of Robin Quill, not the person: answers come from facts they wrote and can be "
        "wrong. Conversations are kept for 1 day, and you can delete yours."
    )


class HeldTurns:
    """The app's own model, made to wait before it answers a turn that has history, until the
    test releases it: the turn is then under way on the server, past its read of the record."""

    def __init__(self, app) -> None:
        chat = services(app).chat
        self.model, chat.model = chat.model, self
        self.started = threading.Event()
        self.go = threading.Event()

    def __getattr__(self, name):
        return getattr(self.model, name)

    def reply(self, system, messages, tools=None):
        if len(messages) > 1:
            self.started.set()
            self.go.wait(10)
        return self.model.reply(system, messages, tools)


def delete_in_another_tab(page: Page, server) -> None:
    """The visitor opens the page again beside this one and deletes the conversation there."""
    other = page.context.new_page()
    other.goto("/")
    delete_button(other).click()
    with other.expect_response("**/api/conversation/*") as deleted:
        other.get_by_role("button", name="Delete", exact=True).click()
    assert deleted.value.status == 204
    other.close()


def delete_on_disk(page: Page, server) -> None:
    """The record goes without this browser knowing (another device, or expiry)."""
    record_path(server, session_id(page)).unlink()


@pytest.mark.parametrize("delete", [delete_in_another_tab, delete_on_disk])
def test_a_turn_whose_conversation_was_deleted_starts_afresh_and_keeps_the_text(
        open_page, start_server, problems, delete):
    turns: list[HeldTurns] = []
    server = start_server(prepare=lambda app: turns.append(HeldTurns(app)))
    page = open_page(server)
    ask(page, "What does Robin work on?")
    old_id = session_id(page)

    with page.expect_response("**/api/chat") as answer:
        type_and_send(page, "Where is Robin based?")
        assert turns[0].started.wait(10)  # the server is answering it now
        page.locator("#message").fill("And since when?")  # the next question, typed meanwhile
        delete(page, server)
        turns[0].go.set()
    assert answer.value.status == 410

    expect(page.locator("#status")).to_have_text(
        "This conversation was deleted, so a new one started: send your message again.")
    expect(page.locator("#log .message")).to_have_count(0)  # what was deleted is not shown
    # Both the message sent and the one typed meanwhile, one per line, none lost.
    sent_and_draft = "Where is Robin based?\nAnd since when?"
    expect(page.locator("#message")).to_have_value(sent_and_draft)
    expect(page.locator("#message")).to_be_focused()
    expect(page.locator("#problem")).to_be_hidden()
    expect(delete_button(page)).to_be_hidden()
    assert session_id(page) is None
    assert not record_path(server, old_id).exists()  # the turn did not bring it back

    with page.expect_request("**/api/chat") as sent:
        page.locator("#message").press("Enter")
    expect(page.locator("#log .message.assistant")).to_have_count(1)
    new_id = sent.value.post_data_json["session_id"]
    assert new_id != old_id and session_id(page) == new_id
    assert [m["content"] for m in server.stored(new_id)["messages"]][:1] == [sent_and_draft]
    assert not record_path(server, old_id).exists()
    assert [m for m in problems.console_errors if "status of 410" not in m] == []
