"""The page under its real CSP: no console errors or violations, axe-clean, usable at 320 px."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, Route, expect

from api.csp import CONTENT_SECURITY_POLICY
from tests.support.pages import CLIPPED, LONG_SUBTITLE, ask, session_id

pytestmark = pytest.mark.browser


def assert_axe_clean(page: Page) -> None:
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def test_no_console_error_and_no_csp_violation(open_page, server, problems):
    requests = []
    page = open_page(server, "about:blank")
    page.on("request", lambda r: requests.append(r.url))
    with page.expect_response(server.url + "/") as document:
        page.goto("/")
    assert document.value.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    expect(page.locator("#starter-list button")).to_have_count(4)
    page.locator("#starter-list button").first.click()
    expect(page.locator("#log .message.assistant")).to_have_count(1)
    page.reload()
    expect(page.locator("#log .message")).to_have_count(2)

    assert problems.console_errors == []
    assert page.evaluate("window.__cspViolations") == []
    # Nothing is loaded from another origin.
    assert requests
    assert all(url.startswith(server.url + "/") for url in requests), requests

    # The policy is really enforced: injected inline script is refused and reported.
    page.evaluate(
        "document.body.append(Object.assign(document.createElement('script'),"
        " {textContent: 'window.injected = true'}))"
    )
    assert page.evaluate("window.injected") is None
    page.wait_for_function("window.__cspViolations.length > 0")
    assert page.evaluate("window.__cspViolations")[0].startswith("script-src")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_violations(open_page, server, scheme):
    page = open_page(server, color_scheme=scheme)
    expect(page.locator("#starter-list button")).to_have_count(4)
    assert_axe_clean(page)  # the empty conversation with its starters

    ask(page, "What does Robin work on?")
    page.route(
        "**/api/chat",
        lambda route: route.fulfill(
            json={
                "response": "**Python** and *Go*, see [my notes](https://example.com/notes).\n"
                "- `one`\n- two",
                "session_id": session_id(page),
                "message_id": "00000000-0000-4000-8000-000000000000",
            }
        ),
    )
    ask(page, "Which languages does Robin use?")
    assert_axe_clean(page)  # a conversation, Markdown and a link included

    page.unroute("**/api/chat")
    page.route(
        "**/api/chat",
        lambda route: route.fulfill(
            status=503,
            headers={"Retry-After": "0"},
            json={
                "error": {
                    "code": "model_unavailable",
                    "message": "Not reachable.",
                    "request_id": "x",
                }
            },
        ),
    )
    page.locator("#message").fill("Something else")
    page.locator("#message").press("Enter")
    expect(page.get_by_role("alert")).to_contain_text("Not reachable.")
    expect(page.get_by_role("button", name="Retry")).to_be_visible()
    assert_axe_clean(page)  # the error message and its Retry button


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_320_pixel_screen(open_page, server, scheme):
    page = open_page(
        server,
        viewport={"width": 320, "height": 568},
        color_scheme=scheme,
        is_mobile=True,
        has_touch=True,
    )
    expect(page.locator("#starter-list button")).to_have_count(4)
    box = page.locator("#message")
    assert box.evaluate("el => getComputedStyle(el).fontSize") == "16px"

    page.locator("#starter-list button").nth(1).tap()
    expect(page.locator("#log .message.assistant")).to_have_count(1)
    ask(page, "What does Robin work on, and what did Robin build before that, in detail?")

    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    selectors = ("h1", "#contact-open", "#new-conversation", "#delete-open", "#message", "#send",
                 "#log .message.user")
    for selector in selectors:
        for handle in page.locator(selector).all():
            rect = handle.bounding_box()
            assert rect is not None and rect["x"] >= 0, selector
            assert rect["x"] + rect["width"] <= 320, selector
    # The composer stays on screen below the conversation.
    send = page.locator("#send").bounding_box()
    assert send["y"] + send["height"] <= 568
    expect(page.get_by_role("button", name="New conversation")).to_be_visible()


def test_a_long_word_in_a_reply_wraps_at_320_pixels(open_page, server):
    page = open_page(server, viewport={"width": 320, "height": 568})
    expect(page.locator("h1")).to_have_text("Robin Quill")

    def reply(route: Route) -> None:
        route.fulfill(
            json={
                "response": "https://example.com/" + "a" * 200 + " " + "b" * 120,
                "session_id": "00000000-0000-4000-8000-000000000001",
                "message_id": "00000000-0000-4000-8000-000000000002",
            }
        )

    page.route("**/api/chat", reply)
    ask(page, "x" * 150)
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert page.locator("#log").evaluate("el => el.scrollWidth <= el.clientWidth")


@pytest.mark.parametrize("width", [320, 375, 1280])
def test_the_header_subtitle_is_never_cut_short(open_page, start_server, long_title_persona_dir,
                                                width):
    server = start_server(TWIN_PERSONA=str(long_title_persona_dir))
    page = open_page(server, viewport={"width": width, "height": 700})
    subtitle = page.locator("#title")
    expect(subtitle).to_have_text(LONG_SUBTITLE)
    assert subtitle.evaluate(CLIPPED) is False
    assert page.evaluate("document.documentElement.scrollWidth") <= width
