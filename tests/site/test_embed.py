"""embed.js on another site: the button, the panel, chatting in it, and who may frame the twin."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import ExitStack

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from api.errors import ApiError
from tests.support.pages import CLIPPED, LONG_SUBTITLE, LocalServer, ask

pytestmark = pytest.mark.browser

# Globals a test adds itself: the CSP recorder and this snapshot.
RECORDED_GLOBALS = """
window.__globalsBefore = Object.getOwnPropertyNames(window);
"""
NEW_GLOBALS = """
Object.getOwnPropertyNames(window)
  .filter((name) => !window.__globalsBefore.includes(name))
  .filter((name) => !["__globalsBefore", "__cspViolations"].includes(name))
"""
FOCUSED = "document.querySelector('twin-embed')?.shadowRoot.activeElement?.className ?? null"


def host_page(twin: str, snippet: str = "") -> str:
    """An owner's page with loud styles of its own and the snippet pasted before </body>."""
    snippet = snippet or f'<script src="{twin}/embed.js" defer></script>'
    return f"""<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Robin Quill</title>
  <link rel="icon" href="data:,">
  <style nonce="host">
    body {{ font: 20px/1.5 Georgia, serif; color: rgb(40, 30, 20); margin: 2rem; }}
    button {{ background: rgb(255, 0, 0); font-size: 30px; }}
    div, span, iframe {{ border: 6px dashed rgb(0, 128, 0); }}
  </style>
</head>
<body>
  <main>
    <h1>Robin Quill</h1>
    <p>Staff engineer in Lisbon. This is my own site.</p>
    <button type="button" id="host-button">Subscribe</button>
  </main>
  {snippet}
</body>
</html>"""


def host_policy(twin: str) -> str:
    """A strict CSP, as a careful owner's site may have: no inline styles for the widget."""
    return (f"default-src 'none'; script-src {twin}; frame-src {twin}; "
            "style-src 'nonce-host'; img-src data:; base-uri 'none'")


class HostSite:
    """A second web server on loopback, at http://localhost:<port>: the owner's site."""

    def __init__(self) -> None:
        self.pages: dict[str, tuple[str, dict[str, str]]] = {}
        self.server = make_server("127.0.0.1", 0, self._app, threaded=True)
        self.origin = f"http://localhost:{self.server.server_port}"

    def _app(self, environ, start_response):
        request = Request(environ)
        if request.path not in self.pages:
            return Response("Not found", status=404)(environ, start_response)
        html, headers = self.pages[request.path]
        return Response(html, mimetype="text/html", headers=headers)(environ, start_response)

    def serve(self, path: str, html: str, headers: dict[str, str] | None = None) -> str:
        self.pages[path] = (html, headers or {})
        return self.origin + path


@pytest.fixture
def start_host() -> Iterator[Callable[[], HostSite]]:
    """Start host sites on their own ports; each is a different origin from the twin's."""
    with ExitStack() as stack:

        def start() -> HostSite:
            site = HostSite()
            thread = threading.Thread(target=site.server.serve_forever, args=(0.05,), daemon=True)
            thread.start()
            stack.callback(thread.join, 5)
            stack.callback(site.server.shutdown)
            return site

        yield start


def open_host(open_page, twin: LocalServer, url: str, **options) -> Page:
    page = open_page(twin, "about:blank", **options)
    page.context.add_init_script(RECORDED_GLOBALS)
    page.goto(url)
    return page


def twin_frame(page: Page, twin: LocalServer):
    return next(f for f in page.frames if f.url.startswith(twin.url))


def test_the_snippet_opens_the_twin_in_a_panel_to_chat_in(open_page, start_server, start_host,
                                                           problems):
    host = start_host()
    twin = start_server(TWIN_EMBED_ORIGINS=host.origin)
    url = host.serve("/", host_page(twin.url), {"Content-Security-Policy": host_policy(twin.url)})
    page = open_host(open_page, twin, url)

    # The name comes from the twin's own page in the (still hidden) panel.
    launcher = page.get_by_role("button", name="Ask Robin's twin")
    expect(launcher).to_be_visible()
    expect(launcher).to_have_attribute("aria-expanded", "false")
    dialog = page.locator("twin-embed .panel")
    expect(dialog).to_be_hidden()
    assert page.evaluate(NEW_GLOBALS) == ["TwinEmbed"]

    # The host's styles stay the host's, and reach nothing of the widget.
    assert page.evaluate("document.styleSheets.length") == 1
    assert page.evaluate("document.adoptedStyleSheets.length") == 0
    host_button = page.locator("#host-button")
    expect(host_button).to_have_css("background-color", "rgb(255, 0, 0)")
    expect(launcher).not_to_have_css("background-color", "rgb(255, 0, 0)")
    expect(launcher).to_have_css("position", "fixed")
    expect(page.locator("twin-embed iframe")).to_have_css("border-top-width", "0px")

    launcher.click()
    expect(page.get_by_role("dialog", name="Chat with Robin's AI twin")).to_be_visible()
    expect(launcher).to_have_attribute("aria-expanded", "true")
    chat = page.frame_locator("twin-embed iframe")
    sessions: set[str] = set()
    page.on("request", lambda r: sessions.add(r.post_data_json["session_id"])
            if r.url == twin.url + "/api/chat" else None)
    ask(chat, "Where is Robin based?")
    expect(chat.locator("#log .message.assistant")).to_contain_text("Lisbon")
    # One conversation, even where the browser refuses storage to a frame from another site.
    ask(chat, "What does Robin work on?")
    [session] = sessions
    assert [m["role"] for m in twin.stored(session)["messages"]] == ["user", "assistant"] * 2

    # Escape while typing in the panel closes it, and focus goes back to the button.
    chat.locator("#message").press("Escape")
    expect(dialog).to_be_hidden()
    expect(launcher).to_have_attribute("aria-expanded", "false")
    assert page.evaluate(FOCUSED) == "launcher"

    # The conversation is still there; the close button shuts the panel too.
    launcher.press("Enter")
    expect(chat.locator("#log .message")).to_have_count(4)
    page.get_by_role("button", name="Close the chat").click()
    expect(dialog).to_be_hidden()
    assert page.evaluate(FOCUSED) == "launcher"

    # So does Escape pressed on the host page's side of the panel.
    launcher.click()
    page.get_by_role("button", name="Close the chat").focus()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    assert page.evaluate(FOCUSED) == "launcher"

    assert problems.console_errors == []
    assert page.evaluate("window.__cspViolations") == []
    assert twin_frame(page, twin).evaluate("window.__cspViolations") == []


def test_the_panel_fills_a_320_px_screen(open_page, start_server, start_host):
    host = start_host()
    twin = start_server(TWIN_EMBED_ORIGINS=host.origin)
    url = host.serve("/", host_page(twin.url))
    page = open_host(open_page, twin, url, viewport={"width": 320, "height": 640})

    launcher = page.get_by_role("button", name="Ask Robin's twin")
    expect(launcher).to_be_visible()
    box = launcher.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 320
    launcher.click()
    panel = page.get_by_role("dialog", name="Chat with Robin's AI twin")
    expect(panel).to_be_visible()
    assert panel.bounding_box() == {"x": 0, "y": 0, "width": 320, "height": 640}
    chat = page.frame_locator("twin-embed iframe")
    expect(chat.locator("#message")).to_be_in_viewport()
    expect(page.get_by_role("button", name="Close the chat")).to_be_in_viewport()
    results = Axe().run(page, options={"resultTypes": ["violations"], "iframes": False})
    assert results.violations_count == 0, results.generate_report()
    page.keyboard.press("Escape")
    expect(panel).to_be_hidden()
    expect(launcher).to_be_visible()


def test_a_name_on_the_tag_shows_at_once_and_loads_the_twin_only_when_opened(
        open_page, start_server, start_host):
    host = start_host()
    twin = start_server(TWIN_EMBED_ORIGINS=host.origin)
    tag = f'<script src="{twin.url}/embed.js" data-name="Robin" defer></script>'
    # Pasted twice by mistake: still one button.
    url = host.serve("/", host_page(twin.url, tag + tag))
    requests: list[str] = []
    page = open_page(twin, "about:blank")
    page.on("request", lambda r: requests.append(r.url))
    page.goto(url)

    launcher = page.get_by_role("button", name="Ask Robin's twin")
    expect(launcher).to_be_visible()
    expect(page.locator("twin-embed")).to_have_count(1)
    expect(page.locator("twin-embed iframe")).to_have_count(0)
    assert not [u for u in requests if u.startswith(twin.url + "/api/")]

    launcher.click()
    expect(page.frame_locator("twin-embed iframe").locator("#message")).to_be_visible()
    page.evaluate("TwinEmbed.close()")
    expect(page.locator("twin-embed .panel")).to_be_hidden()


@pytest.mark.parametrize("listed", [True, False], ids=["other-site-listed", "nothing-listed"])
def test_a_site_not_listed_cannot_frame_the_twin(open_page, start_server, start_host, problems,
                                                 listed):
    allowed, other = start_host(), start_host()
    twin = start_server(**({"TWIN_EMBED_ORIGINS": allowed.origin} if listed else {}))
    url = other.serve("/", host_page(twin.url))
    page = open_page(twin, "about:blank")

    def refused(message) -> bool:
        return "frame-ancestors" in message.text

    with page.expect_console_message(refused) as console, \
            page.expect_response(twin.url + "/") as framed:
        page.goto(url)
    headers = framed.value.headers
    expected = f"frame-ancestors {allowed.origin}" if listed else "frame-ancestors 'none'"
    assert headers["content-security-policy"].endswith(expected)
    assert other.origin not in headers["content-security-policy"]
    # X-Frame-Options has no allow-list: it is sent only when nothing may frame the page.
    assert headers.get("x-frame-options") == (None if listed else "DENY")

    # The browser refused to render the page in the frame, and said why in the console.
    assert console.value.type == "error"
    assert problems.console_errors == [console.value.text]
    frame = next(f for f in page.frames if f != page.main_frame)
    assert frame.locator("#message").count() == 0
    # The twin never said who it is, so no button leads to a refused frame.
    expect(page.locator("twin-embed")).to_have_count(1)
    expect(page.get_by_role("button", name="Ask Robin's twin")).to_have_count(0)


def test_a_name_on_the_tag_of_a_site_not_listed_says_so_instead_of_an_empty_frame(
        open_page, start_server, start_host):
    allowed, other = start_host(), start_host()
    twin = start_server(TWIN_EMBED_ORIGINS=allowed.origin)
    tag = f'<script src="{twin.url}/embed.js" data-name="Robin" defer></script>'
    page = open_host(open_page, twin, other.serve("/", host_page(twin.url, tag)))

    page.get_by_role("button", name="Ask Robin's twin").click()
    panel = page.get_by_role("dialog", name="Chat with Robin's AI twin")
    expect(panel).to_be_visible()
    frame = page.locator("twin-embed iframe")
    # While the twin has not answered, the frame stays invisible: no broken-frame icon.
    expect(frame).to_have_css("visibility", "hidden")
    expect(panel).to_contain_text("Loading the twin…")
    # It never answers from a refused frame: one sentence for the site's owner, and a way on.
    sentence = (f"The twin cannot be shown on this site: {other.origin} is not in its "
                "twin:embedOrigins setting. Open the twin in a new tab.")
    expect(panel.locator(".refused")).to_have_text(sentence, timeout=10_000)
    expect(frame).to_be_hidden()
    link = panel.get_by_role("link", name="Open the twin in a new tab")
    expect(link).to_have_attribute("href", twin.url + "/")
    expect(link).to_have_attribute("target", "_blank")
    assert page.evaluate(FOCUSED) == "refused"


def test_a_name_on_the_tag_of_a_listed_site_shows_the_twin_once_it_answers(
        open_page, start_server, start_host):
    host = start_host()
    twin = start_server(TWIN_EMBED_ORIGINS=host.origin)
    tag = f'<script src="{twin.url}/embed.js" data-name="Robin" defer></script>'
    page = open_host(open_page, twin, host.serve("/", host_page(twin.url, tag)))

    page.get_by_role("button", name="Ask Robin's twin").click()
    chat = page.frame_locator("twin-embed iframe")
    expect(chat.locator("#message")).to_be_visible()
    expect(page.locator("twin-embed iframe")).to_have_css("visibility", "visible")
    expect(page.locator("twin-embed .refused")).to_be_hidden()
    page.wait_for_timeout(5500)  # past the time the twin has to answer: nothing changes
    expect(chat.locator("#message")).to_be_visible()
    expect(page.locator("twin-embed .refused")).to_be_hidden()


def fail_the_profile(page: Page, twin: LocalServer) -> str:
    """The twin's /api/profile answers 500 (its own trouble, not the site's); returns its URL."""
    url = twin.url + "/api/profile"
    error = {"error": {"code": ApiError.code, "message": ApiError.message}}
    page.route(url, lambda route: route.fulfill(status=500, json=error))
    return url


def test_a_listed_site_shows_the_twin_and_its_own_error_when_the_profile_fails(
        open_page, start_server, start_host):
    host = start_host()
    twin = start_server(TWIN_EMBED_ORIGINS=host.origin)
    tag = f'<script src="{twin.url}/embed.js" data-name="Robin" defer></script>'
    page = open_page(twin, "about:blank")
    fail_the_profile(page, twin)
    page.goto(host.serve("/", host_page(twin.url, tag)))

    page.get_by_role("button", name="Ask Robin's twin").click()
    chat = page.frame_locator("twin-embed iframe")
    frame = page.locator("twin-embed iframe")
    # The twin said hello from its frame before its profile failed: the panel shows its page,
    # whose own message and Retry tell the visitor what happened.
    expect(chat.get_by_role("alert")).to_contain_text(ApiError.message)
    expect(frame).to_have_css("visibility", "visible")
    page.wait_for_timeout(5500)  # past the time the twin has to answer: still the twin's page
    expect(frame).to_be_visible()
    expect(page.locator("twin-embed .refused")).to_be_hidden()
    expect(chat.get_by_role("button", name="Retry")).to_be_visible()


def test_without_a_name_the_button_comes_with_the_hello_and_the_name_follows(
        open_page, start_server, start_host):
    host = start_host()
    twin = start_server(TWIN_EMBED_ORIGINS=host.origin)
    page = open_page(twin, "about:blank")
    profile = fail_the_profile(page, twin)
    page.goto(host.serve("/", host_page(twin.url)))

    # The framed page answered, so the site may show it: a button, unnamed while the profile fails.
    launcher = page.get_by_role("button", name="Ask my twin")
    launcher.click()
    chat = page.frame_locator("twin-embed iframe")
    expect(chat.get_by_role("alert")).to_contain_text(ApiError.message)
    expect(page.locator("twin-embed .refused")).to_be_hidden()

    page.unroute(profile)
    chat.get_by_role("button", name="Retry").click()
    expect(chat.locator("h1")).to_have_text("Robin Quill")
    expect(page.get_by_role("button", name="Ask Robin's twin")).to_be_visible()
    expect(page.get_by_role("dialog", name="Chat with Robin's AI twin")).to_be_visible()
    expect(page.locator("twin-embed iframe")).to_have_attribute("title",
                                                               "Chat with Robin's AI twin")


def test_the_header_subtitle_wraps_in_the_panel(open_page, start_server, start_host,
                                                long_title_persona_dir):
    host = start_host()
    twin = start_server(TWIN_EMBED_ORIGINS=host.origin, TWIN_PERSONA=str(long_title_persona_dir))
    page = open_host(open_page, twin, host.serve("/", host_page(twin.url)),
                     viewport={"width": 1280, "height": 800})
    page.get_by_role("button", name="Ask Robin's twin").click()
    subtitle = page.frame_locator("twin-embed iframe").locator("#title")
    expect(subtitle).to_have_text(LONG_SUBTITLE)
    assert subtitle.evaluate(CLIPPED) is False
