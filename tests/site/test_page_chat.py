"""The everyday chat: starters, replies, history across reloads, new conversations, the keyboard."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import expect

from tests.support.pages import ask, session_id

pytestmark = pytest.mark.browser


def test_header_and_starters_come_from_the_profile(open_page, server, starters):
    page = open_page(server)
    expect(page.locator("h1")).to_have_text("Robin Quill")
    expect(page.locator("#title")).to_have_text("Staff Engineer · Lisbon, Portugal")
    expect(page.locator("#notice")).to_contain_text("AI twin of Robin Quill")
    expect(page.locator("#notice")).to_contain_text(
        "Conversations are kept for 7 days, and you can delete yours."
    )
    expect(page).to_have_title("Robin Quill · AI twin")
    # The avatar is the persona's image, served by the local server, and it really loaded.
    avatar = page.locator("#avatar img")
    expect(avatar).to_have_attribute("src", "/avatar.png")
    expect(avatar).to_have_js_property("naturalWidth", 8)
    # At most four starters, in the persona's order.
    expect(page.locator("#starter-list button")).to_have_text(starters[:4])


def test_initial_letter_when_the_persona_has_no_avatar(open_page, start_server, bare_persona_dir):
    page = open_page(start_server(TWIN_PERSONA=str(bare_persona_dir)))
    expect(page.locator("h1")).to_have_text("Sam Ortiz")
    expect(page.locator("#avatar-initial")).to_have_text("S")
    expect(page.locator("#avatar img")).to_have_count(0)
    expect(page.locator("#starters")).to_be_hidden()  # this persona has no starters


def test_a_starter_sends_its_question_and_the_reply_is_stored(open_page, server, starters):
    page = open_page(server)
    page.locator("#starter-list button").first.click()

    expect(page.locator("#log .message.user")).to_contain_text(starters[0])
    reply = page.locator("#log .message.assistant")
    expect(reply).to_have_count(1)
    expect(page.locator("#starters")).to_be_hidden()
    expect(page.locator("#message")).to_be_focused()
    expect(page.locator("#status")).to_have_text("")

    record = server.stored(session_id(page))
    user, assistant = record["messages"]
    assert (user["role"], user["content"]) == ("user", starters[0])
    assert assistant["role"] == "assistant"
    # The page shows exactly what the server stored (the offline reply is plain prose), after a
    # speaker label for screen readers.
    shown = " ".join(reply.inner_text().split())
    assert shown == " ".join(f"Robin: {assistant['content']}".split())


def test_history_is_redrawn_after_a_reload(open_page, server):
    page = open_page(server)
    ask(page, "What does Robin work on?")
    ask(page, "Where is Robin based?")
    first_id = session_id(page)

    page.reload()
    expect(page.locator("#log .message")).to_have_count(4)
    expect(page.locator("#log .message.user").nth(1)).to_contain_text("Where is Robin based?")
    expect(page.locator("#starters")).to_be_hidden()
    assert session_id(page) == first_id
    # The next question continues the same stored conversation.
    ask(page, "What did Robin study?")
    assert len(server.stored(first_id)["messages"]) == 6


def test_an_unknown_stored_session_is_dropped(open_page, server):
    page = open_page(server)
    page.evaluate(f"localStorage.setItem('twin.session', '{uuid.uuid4()}')")
    page.reload()
    expect(page.locator("#starter-list button")).to_have_count(4)
    expect(page.locator("#log .message")).to_have_count(0)
    expect(page.locator("#problem")).to_be_hidden()
    assert session_id(page) is None


def test_new_conversation_starts_fresh(open_page, server):
    page = open_page(server)
    ask(page, "What does Robin work on?")
    old_id = session_id(page)

    page.get_by_role("button", name="New conversation").click()
    expect(page.locator("#log .message")).to_have_count(0)
    expect(page.locator("#starter-list button")).to_have_count(4)
    expect(page.locator("#message")).to_be_focused()
    assert session_id(page) is None

    ask(page, "Where is Robin based?")
    new_id = session_id(page)
    assert new_id not in (None, old_id)
    assert len(server.stored(new_id)["messages"]) == 2
    page.reload()
    expect(page.locator("#log .message")).to_have_count(2)


def test_enter_sends_shift_enter_adds_a_line(open_page, server):
    page = open_page(server)
    box = page.locator("#message")
    box.click()
    page.keyboard.type("First line")
    page.keyboard.press("Shift+Enter")
    page.keyboard.type("second line")
    expect(box).to_have_value("First line\nsecond line")
    expect(page.locator("#log .message")).to_have_count(0)

    page.keyboard.press("Enter")
    expect(page.locator("#log .message.assistant")).to_have_count(1)
    expect(page.locator("#log .message.user")).to_have_text("You: First line\nsecond line")
    expect(box).to_have_value("")


def test_enter_while_an_input_method_is_composing_does_not_send(open_page, server):
    page = open_page(server)
    box = page.locator("#message")
    box.click()
    cdp = page.context.new_cdp_session(page)
    # A real composition, as a Japanese input method makes it: Enter confirms the word.
    cdp.send("Input.imeSetComposition", {"text": "にほん", "selectionStart": 3, "selectionEnd": 3})
    enter = {"key": "Enter", "code": "Enter", "windowsVirtualKeyCode": 229}
    cdp.send("Input.dispatchKeyEvent", {"type": "rawKeyDown", **enter})
    cdp.send("Input.dispatchKeyEvent", {"type": "keyUp", **enter})
    cdp.send("Input.insertText", {"text": "日本"})
    # Some browsers end the composition before the keydown, which then only has keyCode 229.
    cdp.send("Input.dispatchKeyEvent", {"type": "rawKeyDown", **enter})
    cdp.send("Input.dispatchKeyEvent", {"type": "keyUp", **enter})
    page.wait_for_timeout(300)
    expect(box).to_have_value("日本")
    expect(page.locator("#log .message")).to_have_count(0)

    page.keyboard.press("Enter")  # once the word is confirmed, Enter sends
    expect(page.locator("#log .message.user")).to_contain_text("日本")
    expect(page.locator("#log .message.assistant")).to_have_count(1)


def test_the_page_works_by_keyboard_alone(open_page, server, starters):
    page = open_page(server)
    expect(page.locator("#starter-list button")).to_have_count(4)
    focused = []
    for _ in range(8):
        page.keyboard.press("Tab")
        focused.append(page.evaluate("document.activeElement.textContent.trim()"))
        if focused[-1] == starters[0]:
            break
    assert focused[-1] == starters[0], f"Tab never reached the first starter: {focused}"
    page.keyboard.press("Enter")
    expect(page.locator("#log .message.assistant")).to_have_count(1)
    expect(page.locator("#message")).to_be_focused()

    page.keyboard.type("Which languages does Robin use?")
    page.keyboard.press("Enter")
    expect(page.locator("#log .message.assistant")).to_have_count(2)

    page.keyboard.press("Shift+Tab")  # back to the conversation log, which scrolls by keyboard
    expect(page.locator("#log")).to_be_focused()
    page.keyboard.press("Shift+Tab")
    expect(page.get_by_role("button", name="Delete this conversation")).to_be_focused()
    page.keyboard.press("Shift+Tab")
    expect(page.get_by_role("button", name="New conversation")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#log .message")).to_have_count(0)


def test_the_example_persona_fills_the_page(open_page, start_server, example_persona):
    page = open_page(start_server(TWIN_PERSONA=str(example_persona)))
    profile = page.request.get("/api/profile").json()
    expect(page.locator("h1")).to_have_text(profile["full_name"])
    expect(page.locator("#starter-list button")).to_have_text(profile["starters"][:4])
    page.locator("#starter-list button").first.click()
    expect(page.locator("#log .message.assistant")).to_have_count(1)
