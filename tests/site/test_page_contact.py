"""The "Get in touch" panel: what it stores, its messages, the keyboard, small screens, axe."""

from __future__ import annotations

import time

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, Route, expect

from api.errors import InboxFull
from tests.support.pages import (
    ask,
    open_contact,
    refused_requests_only,
    session_id,
    stored_contacts,
)

pytestmark = pytest.mark.browser


def ready(page: Page) -> None:
    expect(page.locator("h1")).to_have_text("Robin Quill")


def panel(page: Page):
    """The contact dialog, where its fields are looked up by their labels."""
    return page.locator("#contact")


def error_of(page: Page, name: str):
    """The message tied to a field through aria-describedby."""
    field = page.locator(f"#contact-{name}")
    return page.locator("#" + field.get_attribute("aria-describedby"))


def test_the_form_stores_what_was_typed_with_the_conversation(open_page, server, problems):
    page = open_page(server)
    ask(page, "What does Robin work on?")
    dialog = page.get_by_role("dialog", name="Get in touch")
    expect(dialog).to_be_hidden()

    page.get_by_role("button", name="Get in touch").click()
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Robin can get back to you")
    expect(panel(page).get_by_label("Email")).to_be_focused()
    panel(page).get_by_label("Email").fill("  ana@example.com ")
    panel(page).get_by_label("Name").fill("Ana Lima")
    panel(page).get_by_label("Message").fill("We are hiring a staff engineer.\nCan we talk?")
    dialog.get_by_role("button", name="Send").click()

    status = dialog.get_by_role("status")
    expect(status).to_have_text(
        "Thank you, your message was sent. Robin can reply to ana@example.com."
    )
    expect(page.locator("#contact-form")).to_be_hidden()
    close = dialog.get_by_role("button", name="Close")
    expect(close).to_be_focused()
    [entry] = stored_contacts(server)
    assert entry["kind"] == "contact" and entry["source"] == "form"
    assert (entry["email"], entry["name"]) == ("ana@example.com", "Ana Lima")
    assert entry["message"] == "We are hiring a staff engineer.\nCan we talk?"
    assert entry["session_id"] == session_id(page)

    close.click()
    expect(dialog).to_be_hidden()
    expect(page.get_by_role("button", name="Get in touch")).to_be_focused()
    open_contact(page)  # a sent form starts empty the next time
    expect(panel(page).get_by_label("Email")).to_have_value("")
    expect(page.locator("#contact-status")).to_have_text("")
    assert problems.console_errors == []
    assert page.evaluate("window.__cspViolations") == []


def test_without_a_conversation_no_session_is_sent(open_page, server):
    page = open_page(server)
    ready(page)
    open_contact(page)
    panel(page).get_by_label("Email").fill("ana@example.com")
    with page.expect_request("**/api/contact") as sent:
        panel(page).get_by_label("Email").press("Enter")  # Enter in a field submits the form
    assert sent.value.post_data_json == {"email": "ana@example.com"}
    expect(page.locator("#contact-status")).to_contain_text("Thank you")
    [entry] = stored_contacts(server)
    assert entry["session_id"] is None and entry["name"] is None and entry["message"] is None


def test_a_bad_email_gets_a_message_tied_to_the_field_and_nothing_is_stored(
    open_page, server, problems
):
    page = open_page(server)
    ready(page)
    requests = []
    page.on("request", lambda r: requests.append(r) if r.url.endswith("/api/contact") else None)
    open_contact(page)
    email = panel(page).get_by_label("Email")
    panel(page).get_by_label("Name").fill("Ana")
    send = page.locator("#contact-send")

    send.click()  # empty
    expect(error_of(page, "email")).to_have_text(
        "Enter your email address, so you can get a reply."
    )
    expect(email).to_have_attribute("aria-invalid", "true")
    expect(email).to_have_accessible_description(
        "Enter your email address, so you can get a reply."
    )
    expect(email).to_be_focused()

    for typed in ("ana", "ana@example"):  # the browser's check, then the missing dot
        email.fill(typed)
        send.click()
        expect(error_of(page, "email")).to_have_text(
            "Enter an email address like name@example.com."
        )
    assert requests == []  # caught on the page, nothing sent

    email.fill("ana@example.c")  # passes the page, refused by the server
    send.click()
    expect(error_of(page, "email")).to_have_text("Email is not a valid email address.")
    expect(email).to_be_focused()
    assert len(requests) == 1
    assert stored_contacts(server) == []
    expect(page.locator("#contact-status")).to_have_text("")

    email.fill("ana@example.com")  # fixing the address clears the message
    expect(email).not_to_have_attribute("aria-invalid", "true")
    expect(error_of(page, "email")).to_be_hidden()
    send.click()
    expect(page.locator("#contact-status")).to_contain_text("Thank you")
    assert [e["email"] for e in stored_contacts(server)] == ["ana@example.com"]
    assert refused_requests_only(problems.console_errors) == []


def test_a_server_failure_is_shown_in_the_panel_and_keeps_the_text(open_page, server, problems):
    page = open_page(server)
    ready(page)
    failure = {"error": {"code": "internal", "message": "Something broke here.", "request_id": "x"}}
    page.route("**/api/contact", lambda route: route.fulfill(status=500, json=failure))
    open_contact(page)
    panel(page).get_by_label("Email").fill("ana@example.com")
    panel(page).get_by_label("Message").fill("Hello")
    page.locator("#contact-send").click()

    expect(page.get_by_role("dialog").get_by_role("alert")).to_have_text("Something broke here.")
    expect(panel(page).get_by_label("Message")).to_have_value("Hello")
    expect(page.locator("#contact-send")).to_be_focused()  # where it was
    expect(page.locator("#contact-status")).to_have_text("")

    page.unroute("**/api/contact")
    page.locator("#contact-send").click()
    expect(page.locator("#contact-status")).to_contain_text("Thank you")
    expect(page.get_by_role("dialog").get_by_role("alert")).to_be_hidden()
    assert len(stored_contacts(server)) == 1
    assert [m for m in problems.console_errors if "status of 500" not in m] == []


def test_the_honeypot_is_out_of_reach_and_a_bot_filling_it_stores_nothing(open_page, server):
    page = open_page(server)
    ready(page)
    open_contact(page)
    trap = page.locator("#contact-website")
    assert trap.get_attribute("tabindex") == "-1"
    assert trap.get_attribute("autocomplete") == "off"
    assert page.locator(".trap").get_attribute("aria-hidden") == "true"
    # Laid out, as bots expect a real field, but off screen rather than display: none.
    assert trap.evaluate("el => getComputedStyle(el).display") != "none"
    box = trap.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 0
    expect(page.get_by_role("textbox", name="Website")).to_have_count(0)

    panel(page).get_by_label("Email").fill("bot@example.com")
    trap.fill("https://spam.example.com")
    with page.expect_request("**/api/contact") as sent:
        page.locator("#contact-send").click()
    assert sent.value.post_data_json["website"] == "https://spam.example.com"
    expect(page.locator("#contact-status")).to_contain_text("Thank you")  # the bot learns nothing
    assert stored_contacts(server) == []


def test_the_panel_works_by_keyboard_alone(open_page, server):
    page = open_page(server)
    ready(page)
    opener = page.get_by_role("button", name="Get in touch")
    for _ in range(4):
        page.keyboard.press("Tab")
        if opener.evaluate("el => el === document.activeElement"):
            break
    expect(opener).to_be_focused()
    page.keyboard.press("Enter")
    expect(panel(page).get_by_label("Email")).to_be_focused()
    page.keyboard.type("ana@example.com")
    page.keyboard.press("Escape")  # closing keeps what was typed
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(opener).to_be_focused()

    page.keyboard.press("Enter")
    expect(panel(page).get_by_label("Email")).to_have_value("ana@example.com")
    page.keyboard.press("Tab")
    expect(panel(page).get_by_label("Name")).to_be_focused()
    page.keyboard.type("Ana")
    page.keyboard.press("Tab")
    expect(panel(page).get_by_label("Message")).to_be_focused()
    page.keyboard.type("First line")
    page.keyboard.press("Enter")  # a new line in the message, not a send
    page.keyboard.type("second line")
    page.keyboard.press("Tab")  # the honeypot is skipped
    expect(page.locator("#contact-send")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Close")).to_be_focused()
    expect(page.locator("#contact-status")).to_contain_text("Thank you")
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(opener).to_be_focused()
    [entry] = stored_contacts(server)
    assert (entry["name"], entry["message"]) == ("Ana", "First line\nsecond line")

    # While the panel is open the page behind it is out of reach: Tab goes round the panel's
    # controls, through the browser's own toolbar (the body, to the page) and back.
    page.keyboard.press("Enter")
    seen = []
    for _ in range(12):
        page.keyboard.press("Tab")
        seen.append(page.evaluate(
            "document.activeElement.closest('#contact') ? document.activeElement.id || "
            "document.activeElement.textContent : document.activeElement.localName"
        ))
    assert set(seen) == {"contact-name", "contact-message", "contact-send", "Cancel", "body",
                         "contact-email"}, seen


def test_the_panel_at_320_pixels_in_dark_mode(open_page, server):
    page = open_page(
        server,
        viewport={"width": 320, "height": 568},
        color_scheme="dark",
        is_mobile=True,
        has_touch=True,
    )
    ready(page)
    opener = page.get_by_role("button", name="Contact")  # the short label on a phone
    expect(opener).to_be_visible()
    opener.tap()
    dialog = page.get_by_role("dialog", name="Get in touch")
    expect(dialog).to_be_visible()
    surface = dialog.evaluate("el => getComputedStyle(el).backgroundColor")
    assert surface == "rgb(23, 27, 33)"  # the dark scheme's --surface
    for selector in ("#contact", "#contact-email", "#contact-message", "#contact-send"):
        rect = page.locator(selector).bounding_box()
        assert rect is not None and rect["x"] >= 0 and rect["x"] + rect["width"] <= 320, selector
    for selector in ("#contact-email", "#contact-name", "#contact-message"):
        assert page.locator(selector).evaluate("el => getComputedStyle(el).fontSize") == "16px"

    page.locator("#contact-send").tap()
    expect(page.locator("#contact-email-error")).to_be_visible()
    panel(page).get_by_label("Email").fill("ana@example.com")
    panel(page).get_by_label("Message").fill("A long message " * 30)
    page.locator("#contact-send").tap()
    expect(page.locator("#contact-status")).to_contain_text("Thank you")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert dialog.evaluate("el => el.scrollWidth <= el.clientWidth")
    assert len(stored_contacts(server)) == 1


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_violations_with_the_panel_open(open_page, server, scheme):
    page = open_page(server, color_scheme=scheme)
    ready(page)
    open_contact(page)
    axe = Axe()
    page.locator("#contact-send").click()
    expect(page.locator("#contact-email-error")).to_be_visible()
    page.route(
        "**/api/contact",
        lambda route: route.fulfill(status=500, json={"error": {"message": "Not now."}}),
    )
    panel(page).get_by_label("Email").fill("ana@example.com")
    page.locator("#contact-send").click()
    expect(page.locator("#contact-problem")).to_have_text("Not now.")
    results = axe.run(page)  # field message, panel message
    assert results.violations_count == 0, results.generate_report()

    page.unroute("**/api/contact")
    page.locator("#contact-send").click()
    expect(page.locator("#contact-status")).to_contain_text("Thank you")
    results = axe.run(page)  # the confirmation
    assert results.violations_count == 0, results.generate_report()


def test_a_retried_send_stores_one_entry(open_page, server):
    page = open_page(server)
    ready(page)
    calls = []

    def lose_the_first_answer(route: Route) -> None:
        calls.append(route.request.post_data_json)
        if len(calls) == 1:
            route.fetch()  # stored on the server, but the answer is lost on the way back
            route.fulfill(status=503, headers={"Retry-After": "0"}, json={"error": {}})
        else:
            route.continue_()

    page.route("**/api/contact", lose_the_first_answer)
    open_contact(page)
    panel(page).get_by_label("Email").fill("ana@example.com")
    page.locator("#contact-send").click()
    expect(page.locator("#contact-status")).to_contain_text("Thank you")
    assert len(calls) == 2 and calls[0] == calls[1]
    assert len(stored_contacts(server)) == 1


def test_past_the_days_cap_the_panel_says_so_and_keeps_the_text(open_page, start_server, problems):
    if 86400 - time.time() % 86400 < 60:  # a Retry-After under 20 s is waited out by the page
        pytest.skip("too close to midnight UTC, when the day's cap starts again")
    server = start_server(TWIN_INBOX_DAILY_CAP="1")
    page = open_page(server)
    ready(page)
    assert page.request.post("/api/contact", data={"email": "first@example.com"}).status == 201

    calls = []
    page.on("request", lambda r: calls.append(1) if r.url.endswith("/api/contact") else None)
    open_contact(page)
    panel(page).get_by_label("Email").fill("ana@example.com")
    panel(page).get_by_label("Name").fill("Ana Lima")
    panel(page).get_by_label("Message").fill("Can we talk?")
    with page.expect_response("**/api/contact") as answer:
        page.locator("#contact-send").click()
    assert answer.value.status == 503
    assert answer.value.json()["error"]["code"] == "inbox_full"
    assert int(answer.value.headers["retry-after"]) > 0  # until midnight UTC

    # The API's sentence is written for visitors: shown as it is, and nothing typed is lost.
    expect(page.get_by_role("dialog").get_by_role("alert")).to_have_text(InboxFull.message)
    expect(page.locator("#contact-status")).to_have_text("")
    expect(page.locator("#contact-form")).to_be_visible()
    for label, typed in (("Email", "ana@example.com"), ("Name", "Ana Lima"),
                         ("Message", "Can we talk?")):
        expect(panel(page).get_by_label(label)).to_have_value(typed)
    page.keyboard.press("Escape")  # closing and opening again still keeps it
    open_contact(page)
    expect(panel(page).get_by_label("Message")).to_have_value("Can we talk?")
    page.wait_for_timeout(300)
    assert len(calls) == 1  # no retry today; the visitor decides when to come back
    assert [e["email"] for e in stored_contacts(server)] == ["first@example.com"]
    assert [m for m in problems.console_errors if "status of 503" not in m] == []



def test_pasted_characters_the_api_refuses_are_removed_from_each_field(open_page, server, problems):
    page = open_page(server)
    ready(page)
    open_contact(page)
    typed = {"Email": ("ana@example.com\u2066", "ana@example.com"),
             "Name": ("Ana \u202eamiL\u202c", "Ana amiL"),  # read as "Ana Lima" before
             "Message": ("Hello\u009b31m\nthere", "Hello31m\nthere")}
    for label, (pasted, _) in typed.items():
        panel(page).get_by_label(label).focus()
        page.keyboard.insert_text(pasted)
    for label, (_, kept) in typed.items():
        expect(panel(page).get_by_label(label)).to_have_value(kept)

    with page.expect_response("**/api/contact") as answer:
        page.locator("#contact-send").click()
    assert answer.value.status == 201
    expect(page.locator("#contact-status")).to_contain_text("Thank you")
    [entry] = stored_contacts(server)
    assert (entry["email"], entry["name"], entry["message"]) == (
        "ana@example.com", "Ana amiL", "Hello31m\nthere")
    assert problems.console_errors == []
