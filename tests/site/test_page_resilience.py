"""Trouble on the way: hostile replies, lost replies, retries, limits and the scroll position."""

from __future__ import annotations

import json
import re
import uuid

import pytest
from playwright.sync_api import Page, Route, expect

from api.errors import BadRequest, ConversationLimit, ModelUnavailable
from api.validation import clean_text
from tests.support.pages import session_id, type_and_send

pytestmark = pytest.mark.browser

UNAVAILABLE = {"error": {"code": "model_unavailable", "message": ModelUnavailable.message}}


def ready(page: Page) -> None:
    """Wait until the profile has loaded, so the page is fully wired."""
    expect(page.locator("h1")).to_have_text("Robin Quill")


def stored_conversations(server) -> list[dict]:
    folder = server.memory_dir / "conversations"
    return [json.loads(p.read_text()) for p in sorted(folder.glob("*.json"))]


def fake_reply(text: str) -> dict:
    return {"response": text, "session_id": str(uuid.uuid4()), "message_id": str(uuid.uuid4())}


def test_html_in_a_reply_is_shown_as_text_and_markdown_is_safe(open_page, server):
    page = open_page(server)
    ready(page)
    reply = (
        '<img src=x onerror="window.pwned=1"> and <script>window.pwned=2</script>\n\n'
        "**Bold** and *italic* and `<b>code</b>`\nsecond line\n\n"
        "- one\n- two\n\n"
        "[the docs](https://example.com/docs) [bad](javascript:alert(1)) "
        "http://insecure.example.com ![pic](https://example.com/a.png)"
    )
    page.route("**/api/chat", lambda route: route.fulfill(json=fake_reply(reply)))
    type_and_send(page, "Show me something")

    bubble = page.locator("#log .message.assistant")
    expect(bubble).to_have_count(1)
    text = bubble.inner_text()
    assert '<img src=x onerror="window.pwned=1">' in text
    assert "<script>window.pwned=2</script>" in text
    assert page.evaluate("window.pwned") is None
    expect(page.locator("#log img, #log script, #log b")).to_have_count(0)
    # The small Markdown subset, built as elements.
    expect(bubble.locator("strong")).to_have_text("Bold")
    expect(bubble.locator("em")).to_have_text("italic")
    expect(bubble.locator("code")).to_have_text("<b>code</b>")
    expect(bubble.locator("p").nth(1).locator("br")).to_have_count(1)
    expect(bubble.locator("ul > li")).to_have_text(["one", "two"])
    # Only https links become links, and they open in a new tab without access to this page.
    links = bubble.locator("a")
    expect(links).to_have_count(2)
    expect(links.first).to_have_attribute("href", "https://example.com/docs")
    expect(links.first).to_have_attribute("target", "_blank")
    expect(links.first).to_have_attribute("rel", "noopener noreferrer")
    expect(links.first).to_contain_text("the docs")
    expect(links.nth(1)).to_have_attribute("href", "https://example.com/a.png")
    assert "[bad](javascript:alert(1))" in text
    assert "http://insecure.example.com" in text


def test_a_lost_reply_is_retried_and_the_turn_is_stored_once(open_page, server):
    page = open_page(server)
    ready(page)
    bodies = []

    def lose_the_first_reply(route: Route) -> None:
        bodies.append(route.request.post_data_json)
        if len(bodies) == 1:
            route.fetch()  # the server answers and stores the turn, but the answer is lost
            route.fulfill(status=503, headers={"Retry-After": "0"}, json=UNAVAILABLE)
        else:
            route.continue_()

    page.route("**/api/chat", lose_the_first_reply)
    type_and_send(page, "What does Robin work on?")

    expect(page.locator("#log .message.assistant")).to_have_count(1)
    expect(page.locator("#problem")).to_be_hidden()
    assert len(bodies) == 2
    assert bodies[0] == bodies[1]  # same text, same session_id, same message_id
    conversations = stored_conversations(server)
    assert len(conversations) == 1
    assert [m["role"] for m in conversations[0]["messages"]] == ["user", "assistant"]
    # The API agrees: one stored turn in the conversation the page now remembers.
    session = session_id(page)
    assert session == bodies[0]["session_id"]
    stored = page.request.get(f"/api/conversation/{session}").json()
    assert len(stored["messages"]) == 2


def test_after_the_last_failure_the_text_is_kept_with_a_retry_button(open_page, server, starters):
    page = open_page(server)
    ready(page)
    bodies = []

    def unavailable(route: Route) -> None:
        bodies.append(route.request.post_data_json)
        route.fulfill(status=503, headers={"Retry-After": "0"}, json=UNAVAILABLE)

    page.route("**/api/chat", unavailable)
    type_and_send(page, "Where is Robin based?")

    expect(page.locator("#problem")).to_be_visible()
    expect(page.locator("#problem-text")).to_have_text(ModelUnavailable.message)
    assert len(bodies) == 4  # the first try and three retries
    expect(page.locator("#message")).to_have_value("Where is Robin based?")
    expect(page.locator("#log .message")).to_have_count(0)
    expect(page.locator("#starter-list button")).to_have_text(starters[:4])
    assert stored_conversations(server) == []

    page.unroute("**/api/chat", unavailable)
    page.route(
        "**/api/chat",
        lambda route: (bodies.append(route.request.post_data_json), route.continue_()),
    )
    page.get_by_role("button", name="Retry").click()
    expect(page.locator("#log .message.assistant")).to_have_count(1)
    expect(page.locator("#problem")).to_be_hidden()
    expect(page.locator("#message")).to_have_value("")
    assert len({json.dumps(b, sort_keys=True) for b in bodies}) == 1
    assert len(stored_conversations(server)) == 1


def test_a_network_error_is_retried(open_page, server):
    page = open_page(server)
    ready(page)
    calls = []

    def drop_the_first(route: Route) -> None:
        calls.append(route.request.post_data_json)
        if len(calls) == 1:
            route.abort("connectionreset")
        else:
            route.continue_()

    page.route("**/api/chat", drop_the_first)
    type_and_send(page, "What does Robin work on?")
    expect(page.locator("#log .message.assistant")).to_have_count(1)
    assert len(calls) == 2
    assert calls[0]["message_id"] == calls[1]["message_id"]


def test_the_conversation_limit_shows_the_server_message(open_page, start_server):
    server = start_server(TWIN_MAX_TURNS="1")
    page = open_page(server)
    ready(page)
    type_and_send(page, "What does Robin work on?")
    expect(page.locator("#log .message.assistant")).to_have_count(1)

    with page.expect_response("**/api/chat") as answer:
        type_and_send(page, "Where is Robin based?")
    assert answer.value.status == 409
    server_message = answer.value.json()["error"]["message"]
    assert server_message == ConversationLimit.message

    expect(page.locator("#problem-text")).to_have_text(server_message)
    expect(page.get_by_role("button", name="Retry")).to_be_hidden()
    expect(page.locator("#message")).to_have_value("Where is Robin based?")
    expect(page.locator("#log .message")).to_have_count(2)
    page.wait_for_timeout(500)  # a retry would have gone out by now
    assert len(stored_conversations(server)[0]["messages"]) == 2

    page.get_by_role("button", name="New conversation").click()
    type_and_send(page, "Where is Robin based?")
    expect(page.locator("#log .message.assistant")).to_have_count(1)


def test_a_bad_request_is_not_retried(open_page, start_server):
    server = start_server(TWIN_MAX_MESSAGE_CHARS="10")
    page = open_page(server)
    ready(page)
    calls = []
    page.route("**/api/chat", lambda route: (calls.append(1), route.continue_()))
    type_and_send(page, "A question that is far too long")
    expect(page.locator("#problem")).to_be_visible()
    page.wait_for_timeout(500)
    assert len(calls) == 1
    expect(page.get_by_role("button", name="Retry")).to_be_hidden()
    expect(page.locator("#message")).to_have_value("A question that is far too long")


@pytest.mark.parametrize("motion", ["no-preference", "reduce"])
def test_typing_status_while_waiting(open_page, server, motion):
    page = open_page(server, reduced_motion=motion)
    ready(page)
    held: list[Route] = []
    page.route("**/api/chat", lambda route: held.append(route))
    type_and_send(page, "What does Robin work on?")

    status = page.get_by_role("status")
    expect(status).to_have_text("Robin is typing")
    expect(page.get_by_role("button", name="Send")).to_be_disabled()
    expect(page.locator("#message")).to_be_focused()
    animation = page.evaluate(
        "getComputedStyle(document.getElementById('status'), '::after').animationName"
    )
    assert animation == ("none" if motion == "reduce" else "dots")

    release(page, held)
    expect(page.locator("#log .message.assistant")).to_have_count(1)
    expect(status).to_have_text("")
    expect(page.get_by_role("button", name="Send")).to_be_enabled()


def release(page: Page, held: list[Route]) -> None:
    """Let the one held chat request through to the server."""
    for _ in range(100):
        if held:
            break
        page.wait_for_timeout(20)  # gives Playwright the turn to run the route handler
    assert len(held) == 1
    held[0].continue_()


def long_history(page: Page, turns: int = 8) -> None:
    """Fill the log with enough turns to scroll, through the real API."""
    for n in range(turns):
        type_and_send(page, f"Question {n}: what does Robin work on?")
        expect(page.locator("#log .message.assistant")).to_have_count(n + 1)


def test_a_reply_does_not_yank_a_reader_who_scrolled_up(open_page, server):
    page = open_page(server, viewport={"width": 800, "height": 600})
    ready(page)
    long_history(page)
    log = page.locator("#log")
    assert log.evaluate("el => el.scrollHeight > el.clientHeight")

    held: list[Route] = []
    page.route("**/api/chat", lambda route: held.append(route))
    type_and_send(page, "One more question")
    expect(page.get_by_role("status")).to_have_text("Robin is typing")
    log.evaluate("el => { el.scrollTop = 0; }")  # the visitor scrolls up to reread
    release(page, held)
    expect(page.locator("#log .message.assistant")).to_have_count(9)
    assert log.evaluate("el => el.scrollTop") == 0


def test_a_reply_follows_a_reader_at_the_bottom(open_page, server):
    page = open_page(server, viewport={"width": 800, "height": 600})
    ready(page)
    long_history(page)
    log = page.locator("#log")
    at_bottom = "el => el.scrollHeight - el.scrollTop - el.clientHeight < 2"
    assert log.evaluate(at_bottom)
    type_and_send(page, "One more question")
    expect(page.locator("#log .message.assistant")).to_have_count(9)
    assert log.evaluate(at_bottom)


def test_the_profile_is_retried_and_then_offered_to_the_visitor(chromium, server, starters):
    context = chromium.new_context(base_url=server.url)
    calls = []

    def unavailable(route: Route) -> None:
        calls.append(1)
        route.fulfill(status=503, headers={"Retry-After": "0"}, json=UNAVAILABLE)

    context.route("**/api/profile", unavailable)
    page = context.new_page()
    page.goto("/")
    expect(page.get_by_role("alert")).to_contain_text(ModelUnavailable.message)
    assert len(calls) == 4
    expect(page.locator("#starters")).to_be_hidden()

    context.unroute("**/api/profile", unavailable)
    page.get_by_role("button", name="Retry").click()
    expect(page.locator("h1")).to_have_text("Robin Quill")
    expect(page.locator("#starter-list button")).to_have_text(starters[:4])
    expect(page.locator("#problem")).to_be_hidden()
    context.close()


AT_BOTTOM = "() => { const el = document.getElementById('log');" \
            " return el.scrollHeight - el.scrollTop - el.clientHeight < 2; }"


def test_a_reload_draws_the_conversation_after_the_profile_and_shows_its_end(open_page, server):
    page = open_page(server, viewport={"width": 375, "height": 667}, is_mobile=True,
                     has_touch=True)
    ready(page)
    long_history(page, turns=6)

    # The profile answers after the conversation, as it sometimes did on a reload.
    held: list[Route] = []
    page.route("**/api/profile", lambda route: held.append(route))
    with page.expect_response(lambda r: "/api/conversation/" in r.url):
        page.reload()
    page.wait_for_timeout(200)  # time to draw, had the page meant to draw before the profile
    assert page.locator("#log .message").count() == 0
    for _ in range(100):
        if held:
            break
        page.wait_for_timeout(20)
    held.pop().continue_()

    ready(page)
    replies = page.locator("#log .message.assistant")
    expect(replies).to_have_count(6)
    # Each reply is announced with the twin's name, not "the twin".
    labels = page.locator("#log .message.assistant .visually-hidden").all_text_contents()
    assert labels == ["Robin: "] * 6
    # And the log ends at the last reply, whole, once the header has its final height.
    page.wait_for_function(AT_BOTTOM, timeout=3000)
    expect(replies.last).to_be_in_viewport(ratio=1)



@pytest.mark.parametrize("new", [True, False], ids=["new-conversation", "same-conversation"])
def test_history_is_not_drawn_over_what_the_visitor_did_before_the_profile(open_page, server,
                                                                           new):
    page = open_page(server)
    ready(page)
    type_and_send(page, "Where is Robin based?")
    expect(page.locator("#log .message.assistant")).to_have_count(1)

    held: list[Route] = []
    page.route("**/api/profile", lambda route: held.append(route))
    with page.expect_response(lambda r: "/api/conversation/" in r.url):
        page.reload()
    # Before the profile answers: a new conversation, or one more message in the stored one.
    if new:
        page.get_by_role("button", name="New conversation").click()
    type_and_send(page, "What does Robin work on?")
    expect(page.locator("#log .message.assistant")).to_have_count(1)
    for _ in range(100):
        if held:
            break
        page.wait_for_timeout(20)
    held.pop().continue_()

    ready(page)  # the history is drawn, or not, in the same task as the header
    page.wait_for_timeout(100)
    # The log is what the visitor did since: the earlier turn is neither added nor put after it.
    expect(page.locator("#log .message")).to_have_count(2)
    expect(page.locator("#log .message.user")).to_have_text("You: What does Robin work on?")


# A bidi override (it makes "deppihs" read as "shipped") and a C1 control (NEL), as a paste may
# carry them: the API refuses both with 400, and a visitor cannot see either.
PASTED = "When was it \u202edeppihs\u202c?\u0085 Thanks"


def test_pasted_characters_the_api_refuses_are_removed_from_the_box(open_page, server, problems):
    page = open_page(server)
    ready(page)
    box = page.locator("#message")
    box.focus()
    page.keyboard.insert_text(PASTED)  # an input event, as a paste makes
    expect(box).to_have_value("When was it deppihs? Thanks")  # what it holds, now visible

    with page.expect_response("**/api/chat") as answer:
        box.press("Enter")
    assert answer.value.status == 200
    expect(page.locator("#log .message.assistant")).to_have_count(1)
    expect(page.locator("#problem")).to_be_hidden()
    [stored] = stored_conversations(server)
    assert stored["messages"][0]["content"] == "When was it deppihs? Thanks"
    # Tabs and line breaks are typed: they stay.
    page.keyboard.insert_text("a\tb\nc")
    expect(box).to_have_value("a\tb\nc")
    assert problems.console_errors == []


def refused_by_the_api(characters: set[str], one_line: bool) -> set[str]:
    """The characters the API answers 400 for in a field (between two letters, so none is an
    edge that stripping would drop before the check)."""
    def refused(c: str) -> bool:
        try:
            clean_text(f"a{c}b", "field", one_line=one_line)
        except BadRequest:
            return True
        return False

    return {c for c in characters if refused(c)}


# The chat box and the contact message hold several lines; the contact name and email one.
BOXES = {"#message": False, "#contact-message": False, "#contact-name": True,
         "#contact-email": True}


def test_the_page_removes_exactly_what_the_api_refuses(open_page, server):
    # Every character of the Basic Multilingual Plane (less lone surrogates, which no box holds),
    # against the API's own rule for each field: the page's copy of it must not drift. Between
    # two letters, as an email box trims spaces at its ends.
    every = "a" + "".join(chr(c) for c in range(0x10000) if not 0xD800 <= c <= 0xDFFF) + "b"
    page = open_page(server)
    ready(page)
    for box, one_line in BOXES.items():
        kept = page.locator(box).evaluate(
            "(box, text) => { box.value = text;"
            " box.dispatchEvent(new Event('input', {bubbles: true})); return box.value; }", every)
        # A text area makes CR a line feed, as the API does first; a one-line box drops both.
        shown = re.sub("[\r\n]", "", every) if one_line else every.replace("\r", "\n")
        refused = refused_by_the_api(set(shown), one_line)
        removed = set(shown) - set(kept)
        assert {f"U+{ord(c):04X}" for c in removed} == {f"U+{ord(c):04X}" for c in refused}, box
        assert kept == "".join(c for c in shown if c not in refused), box  # nothing else changed


@pytest.mark.parametrize(("box", "before", "pasted", "after"), [
    ("#message", "Hello world", ", \u202edear\u202c", "Hello, dear world"),
    ("#contact-name", "Ana Lima", "\u2066Sofia\u2069\u2028 ", "Ana Sofia Lima"),
], ids=["message", "one-line-name"])
def test_the_caret_stays_where_a_paste_left_it(open_page, server, box, before, pasted, after):
    page = open_page(server)
    ready(page)
    if box.startswith("#contact"):
        page.locator("#contact-open").click()
    field = page.locator(box)
    field.fill(before)
    at = len(before.split(" ")[0]) + (0 if box == "#message" else 1)
    field.evaluate("(box, at) => box.setSelectionRange(at, at)", at)
    page.keyboard.insert_text(pasted)  # an input event, as a paste makes
    expect(field).to_have_value(after)
    caret = at + len(after) - len(before)  # just after what the paste left
    assert field.evaluate("box => [box.selectionStart, box.selectionEnd]") == [caret, caret]
    page.keyboard.type("!")  # typing goes on where the visitor was, not at the end
    expect(field).to_have_value(after[:caret] + "!" + after[caret:])
