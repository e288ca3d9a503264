"""Stand-ins on loopback for what the function talks to: moto's S3 server and a fake Converse."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

# moto's own server app, in its own process, with one change: each request runs alone. moto checks
# a conditional write's precondition and stores the object in two steps that threads can
# interleave, where real S3 evaluates IfMatch/IfNoneMatch atomically. The app's read and its
# conditional write are still separate requests, so writers race exactly as they do against S3.
S3_SERVER = """
import sys, threading
from werkzeug.serving import make_server
from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication, MotoRequestHandler, create_backend_app)

app, lock = DomainDispatcherApplication(create_backend_app), threading.Lock()

def one_at_a_time(environ, start_response):
    with lock:
        return list(app(environ, start_response))

server = make_server("127.0.0.1", 0, one_at_a_time, threaded=True,
                     request_handler=MotoRequestHandler)
threading.Thread(target=server.serve_forever, daemon=True).start()
print(server.server_port, flush=True)
sys.stdin.read()  # serve until the parent closes stdin
"""


@contextmanager
def s3_server() -> Iterator[str]:
    """moto's S3 API on a free loopback port, for as long as the block runs; yields its URL."""
    process = subprocess.Popen(  # noqa: S603 - this interpreter, fixed script
        [sys.executable, "-c", S3_SERVER],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )
    try:
        port = int(process.stdout.readline())  # type: ignore[union-attr]
        yield f"http://127.0.0.1:{port}"
    finally:
        process.stdin.close()  # type: ignore[union-attr]
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class _Converse(BaseHTTPRequestHandler):
    """Answers Bedrock's `POST /model/<id>/converse` with a fixed reply, shaped as the service's."""

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        request = json.loads(self.rfile.read(length) or b"{}")
        self.server.requests.append({"path": self.path, "body": request})  # type: ignore[attr-defined]
        time.sleep(self.server.delay)  # type: ignore[attr-defined]
        body = self.server.raw or json.dumps({  # type: ignore[attr-defined]
            "output": {"message": {"role": "assistant",
                                   "content": [{"text": self.server.reply}]}},  # type: ignore[attr-defined]
            "stopReason": "end_turn",
            "usage": {"inputTokens": 1200, "outputTokens": 40, "totalTokens": 1240},
            "metrics": {"latencyMs": 1},
        }).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Keep the benchmark's output to its figures."""


@contextmanager
def converse_server(reply: str = "I'm based in Lisbon.") -> Iterator[ThreadingHTTPServer]:
    """A fake Bedrock runtime endpoint on a free loopback port; `.requests` records each call.

    For tests, `.raw` (bytes) replaces the answer and `.delay` (seconds) holds it back.
    """
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Converse)
    server.reply, server.requests, server.raw = reply, [], None  # type: ignore[attr-defined]
    server.delay = 0.0  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        thread.join(timeout=5)
        server.server_close()


def url_of(server: ThreadingHTTPServer) -> str:
    """The server's base URL."""
    return f"http://127.0.0.1:{server.server_port}"


@contextmanager
def serving(app: Any) -> Iterator[str]:
    """A WSGI app on a free loopback port, served as `twin run` serves it, until the block ends."""
    from twin.listen import Background

    server = Background(app)
    try:
        yield server.url
    finally:
        server.stop()
