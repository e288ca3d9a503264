"""Serving the local twin over HTTP with waitress, a small pure-Python WSGI server.

Not Werkzeug's development server: that one warns it is not for real use, and it hands the app
a body sent without Content-Length (chunked) cut at the app's limit instead of letting the app
answer 413. Waitress reads a chunked body whole and states its length, so Flask's
MAX_CONTENT_LENGTH refuses an oversized body in the API's own error shape.

Waitress is a dependency of the `app` group only: the Lambda archive never holds it.
"""

from __future__ import annotations

import errno
import threading
from typing import Any

from waitress.server import create_server

# Enough for a handful of visitors at once on a laptop (waitress's own default is 4).
THREADS = 8
# What waitress reads of a body before the app sees it (its own default is 1 GiB, which it would
# spool to disk first). Bodies up to this reach the app, whose limit (64 KiB) answers the JSON
# 413; beyond it waitress answers 413 itself without reading the rest.
MAX_BUFFERED_BODY = 1 << 20


class ListenError(OSError):
    """The address cannot be listened on; the message is one sentence for the owner."""


def listen(app: Any, host: str, port: int, sockets: dict | None = None) -> Any:
    """Bind `host:port` for `app` now, before anything is printed; serve with `.run()`.

    Binding is the check that the port is free: asking first and binding afterwards would
    leave a moment for another program to take it. `sockets` is the map of open sockets
    the server's loop runs on, for a caller that stops it.
    """
    try:
        return create_server(app, map={} if sockets is None else sockets,
                             host=host, port=port, threads=THREADS,
                             max_request_body_size=MAX_BUFFERED_BODY)
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            other = port + 1 if port < 65535 else 8001
            raise ListenError(f"port {port} on {host} is in use by another program; try "
                              f"another: make run PORT={other}, or twin run --port {other}"
                              ) from None
        raise ListenError(f"cannot listen on {host}:{port}: "
                          f"{error.strerror or error}") from None
    except ValueError:  # waitress's answer to a host name that does not resolve
        raise ListenError(f"cannot listen on {host}:{port}: no such address on this machine; "
                          "try --host 127.0.0.1") from None


def port_of(server: Any) -> int:
    """The port a server listens on (the one the OS chose when asked for port 0)."""
    return int(server.effective_port)


class Background:
    """A server answering from a thread until `stop()`, for tests and measurements."""

    def __init__(self, app: Any, host: str = "127.0.0.1", port: int = 0) -> None:
        self._sockets: dict = {}
        self.server = listen(app, host, port, self._sockets)
        self.url = f"http://{host}:{port_of(self.server)}"
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._stopping = False
        self._thread.start()

    def _run(self) -> None:
        try:
            self.server.run()
        except (OSError, ValueError):  # the sockets closed under the loop by stop()
            if not self._stopping:
                raise

    def stop(self) -> None:
        # The loop ends once its map of sockets is empty; the workers end with the dispatcher.
        self._stopping = True
        self.server.task_dispatcher.shutdown()
        for channel in list(self._sockets.values()):
            channel.close()
        self._thread.join(timeout=5)
