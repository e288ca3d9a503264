"""The chat page in a real Chromium against the local server: its weight and how soon it works."""

from __future__ import annotations

import gzip
import logging
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from api.config import Config
from bench.servers import serving
from twin.server import create_local_app

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
KINDS = {"document": "html", "stylesheet": "css", "script": "js"}

# Installed before the page's own code runs: note (on the page's clock, from navigation start)
# when the composer is ready for a visitor, when they press Enter, and when the reply shows.
PROBE = """
window.__twin = {};
const DEFAULT = "Ask a question";  // the page's placeholder until the profile has loaded
new MutationObserver(() => {
  const input = document.getElementById("message");
  const t = window.__twin, now = performance.now();
  const named = input && input.placeholder.startsWith("Ask ") && input.placeholder !== DEFAULT;
  if (!t.ready && named) t.ready = now;
  if (!t.reply && document.querySelector("#log .message.assistant")) t.reply = now;
}).observe(document, {subtree: true, childList: true, attributes: true});
document.addEventListener("keydown", (e) => {
  if (e.key === "Enter" && !window.__twin.sent) window.__twin.sent = performance.now();
}, true);
"""


@contextmanager
def local_server() -> Iterator[str]:
    """`make run`'s app (offline model, example persona) on a free loopback port."""
    with tempfile.TemporaryDirectory(prefix="twin-page-") as scratch:
        app = create_local_app(Config(memory_dir=Path(scratch)))
        for name in ("werkzeug", "twin"):  # no line per request among the figures
            logging.getLogger(name).setLevel(logging.WARNING)
        with serving(app) as url:
            yield url


def chromium_path() -> str:
    """The browser the site tests use: TWIN_CHROMIUM, else the system Chromium."""
    return os.environ.get("TWIN_CHROMIUM", "/usr/bin/chromium")


def page_runs(runs: int) -> list[dict]:
    """Load the page `runs` times in fresh browser contexts; ask one question each time."""
    from playwright.sync_api import expect, sync_playwright

    results = []
    with local_server() as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            for _ in range(runs):
                context = browser.new_context(base_url=url)
                context.add_init_script(PROBE)
                page = context.new_page()
                bodies: dict[str, bytes] = {}
                page.on("requestfinished", lambda r, bodies=bodies: bodies.setdefault(
                    r.url, r.response().body()) if r.resource_type in KINDS else None)
                kinds: dict[str, str] = {}
                page.on("request", lambda r, kinds=kinds: kinds.setdefault(r.url, r.resource_type))
                page.goto("/")
                # Locator waits: the page's CSP forbids the eval a wait_for_function would need.
                box = page.locator("#message")
                expect(box).not_to_have_attribute("placeholder", "Ask a question")
                box.fill("Where are you based?")
                box.press("Enter")
                expect(page.locator("#log .message.assistant")).to_have_count(1)
                times = page.evaluate("window.__twin")
                weight = {kind: 0 for kind in KINDS.values()}
                for request_url, body in bodies.items():
                    weight[KINDS[kinds[request_url]]] += len(body)
                results.append({
                    **{f"{kind}_bytes": size for kind, size in weight.items()},
                    "total_bytes": sum(weight.values()),
                    "gzipped_bytes": sum(len(gzip.compress(b, mtime=0)) for b in bodies.values()),
                    "chromium": browser.version,
                    "time_to_type_ms": times["ready"],
                    "first_reply_ms": times["reply"] - times["sent"],
                })
                context.close()
        finally:
            browser.close()
    return results
