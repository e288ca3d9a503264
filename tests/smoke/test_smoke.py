"""`twin smoke` against the real local server: healthy, and with each failure simulated.

Failures are made inside the real app (Flask hooks answering in the API's own error shape, or
dropping headers), so the command meets them over real HTTP as it would on a deployed stack.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
from flask import Flask, Response, request

from api.config import Config
from api.errors import MemoryUnavailable, ModelError, NotFound, error_response
from tests.support.pages import LocalServer, running
from twin.cli import main
from twin.server import create_local_app

SECRET = "origin-secret-for-the-smoke-test-0123456789"


@pytest.fixture(scope="module")
def persona(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("persona")
    (folder / "facts.json").write_text(json.dumps({"full_name": "Robin Quill", "name": "Robin",
                                                   "title": "Staff Engineer"}))
    (folder / "summary.md").write_text("Robin Quill builds distributed systems in Python.\n")
    (folder / "style.md").write_text("Short sentences.\n")
    return folder


Fault = Callable[[Flask], None]


@pytest.fixture
def serve(persona: Path, tmp_path: Path) -> Iterator[Callable[..., LocalServer]]:
    """Start a local server with the given faults (and settings); stopped after the test."""
    with ExitStack() as stack:

        def start(*faults: Fault, **env: str) -> LocalServer:
            memory = tmp_path / f"memory-{len(stack._exit_callbacks)}"
            config = Config.from_env({"TWIN_PERSONA": str(persona),
                                      "TWIN_MEMORY_DIR": str(memory), **env})
            app = create_local_app(config)
            for fault in faults:
                fault(app)
            return stack.enter_context(running(config, app))

        yield start


def answer_on(method: str, path_start: str, error) -> Fault:  # type: ignore[no-untyped-def]
    def install(app: Flask) -> None:
        @app.before_request
        def _fail() -> Response | None:
            if request.method == method and request.path.startswith(path_start):
                return error_response(error)
            return None
    return install


def page_without(*headers: str) -> Fault:
    def install(app: Flask) -> None:
        @app.after_request
        def _strip(response: Response) -> Response:
            if request.path == "/":
                for header in headers:
                    del response.headers[header]
            return response
    return install


def smoke(*args: str) -> tuple[int, list[str]]:
    import io
    from contextlib import redirect_stdout

    out = io.StringIO()
    with redirect_stdout(out):
        status = main(["smoke", *args])
    return status, out.getvalue().splitlines()


def test_a_healthy_twin_passes_every_check(serve, tmp_path) -> None:
    site = serve(TWIN_EMBED_ORIGINS="https://www.example.com")
    api = serve(TWIN_ORIGIN_SECRET=SECRET)
    status, lines = smoke("--url", site.url, "--api-url", api.url, "--embed")
    assert lines == ["ok page", "ok health", lines[2], "ok delete", "ok only-through-cloudfront",
                     "ok embed"]
    assert lines[2].startswith("ok chat: ") and lines[2].endswith("characters from the model")
    assert status == 0
    # The smoke conversation was deleted, not left behind in the memory folder.
    assert not list((site.memory_dir / "conversations").glob("*.json"))


def test_json_prints_the_documented_shape(serve, capsys) -> None:
    site = serve()
    assert main(["smoke", "--url", site.url, "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is True
    assert [c["name"] for c in report["checks"]] == ["page", "health", "chat", "delete"]
    assert all(set(c) == {"name", "ok", "detail"} and c["ok"] for c in report["checks"])


@pytest.mark.parametrize(("fault", "line"), [
    (page_without("Content-Security-Policy", "X-Frame-Options"),
     "FAIL page: answered 200 without Content-Security-Policy, a framing policy (X-Frame-Options "
     "or frame-ancestors): the response headers policy is not on the distribution's behaviour"),
    (page_without("X-Content-Type-Options"),
     "FAIL page: answered 200 without X-Content-Type-Options: the response headers policy is "
     "not on the distribution's behaviour"),
    (answer_on("GET", "/api/health", MemoryUnavailable()),
     "FAIL health: {api}/health answered 503 memory_unavailable: check that the API routes "
     "/api/* to the function, and the function's log"),
])
def test_each_failure_is_one_line_with_what_to_do(serve, fault, line) -> None:
    site = serve(fault)
    status, lines = smoke("--url", site.url)
    assert status == 1
    assert line.format(api=site.url + "/api") in lines
    assert sum(not x.startswith("ok ") for x in lines) == 1, lines


def test_chat_answering_502_names_the_likely_cause(serve) -> None:
    site = serve(answer_on("POST", "/api/chat", ModelError()))
    status, lines = smoke("--url", site.url)
    assert status == 1
    chat = next(x for x in lines if x.startswith("FAIL chat: "))
    assert chat.startswith("FAIL chat: answered 502 model_error: Bedrock refused or answered "
                           "nothing: is model access enabled")
    assert "inference-profile prefix" in chat
    # With no conversation started there is nothing to delete: said, not hidden.
    assert "FAIL delete: no conversation to delete: the chat check did not start one" in lines


def test_a_delete_that_fails_is_reported(serve) -> None:
    site = serve(answer_on("DELETE", "/api/conversation/", MemoryUnavailable()))
    status, lines = smoke("--url", site.url)
    assert status == 1
    assert lines[:3] == ["ok page", "ok health", lines[2]] and lines[2].startswith("ok chat")
    assert lines[3].startswith("FAIL delete: answered 503 memory_unavailable where 204 was due")


def test_embed_js_missing_is_reported(serve) -> None:
    site = serve(answer_on("GET", "/embed.js", NotFound()))
    status, lines = smoke("--url", site.url, "--embed")
    assert status == 1
    assert lines[-1] == (f"FAIL embed: {site.url}/embed.js answered 404 application/json: the "
                         "site's files are incomplete; run pulumi up again")


def test_an_api_url_that_answers_200_where_403_is_due(serve) -> None:
    site = serve()
    unguarded = serve()  # no origin secret: it answers anyone
    status, lines = smoke("--url", site.url, "--api-url", unguarded.url)
    assert status == 1
    assert (f"FAIL only-through-cloudfront: {unguarded.url}/api/health answered 200 where 403 "
            "was due: the function is not checking CloudFront's origin header "
            "(TWIN_ORIGIN_SECRET)") in lines


def test_frame_ancestors_is_read_as_a_whole_directive_name() -> None:
    from twin.smoke import Answer, _csp_directives

    assert "frame-ancestors" in _csp_directives("default-src 'self'; frame-ancestors 'none'")
    assert "frame-ancestors" not in _csp_directives("default-src 'self' frame-ancestors.example")
    assert Answer(200, {}, b"[1]").json() == {}


@pytest.mark.parametrize("url", ["http://twin.example.com", "ftp://127.0.0.1", "twin.example.com",
                                 "http://10.0.0.1:8000", "https://twin.example.com/\x1b[2J",
                                 "http://[::1", "http://127.0.0.1:99999"])
def test_plain_http_is_only_for_loopback(url, capsys) -> None:
    assert main(["smoke", "--url", url]) == 1
    err = capsys.readouterr().err
    assert err.startswith("twin smoke: ") and len(err.strip().splitlines()) == 1
    assert err.strip().isprintable()


def test_no_answer_is_a_failed_check_not_a_traceback(capsys) -> None:
    import socket

    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    assert main(["smoke", "--url", f"http://127.0.0.1:{port}"]) == 1
    out = capsys.readouterr()
    assert "Traceback" not in out.err
    assert out.out.splitlines()[0].startswith(f"FAIL page: no answer from http://127.0.0.1:{port}/")


def test_an_answer_that_is_not_http_is_a_failed_check_not_a_traceback(capsys) -> None:
    import socket
    import threading

    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]

        def answer_garbage() -> None:
            for _ in range(3):  # the page, then whatever else is asked
                try:
                    conn, _ = listener.accept()
                except OSError:
                    return
                with conn:
                    conn.recv(4096)
                    conn.sendall(b"garbage here\r\n\r\n")

        threading.Thread(target=answer_garbage, daemon=True).start()
        assert main(["smoke", "--url", f"http://127.0.0.1:{port}"]) == 1
    out = capsys.readouterr()
    assert "Traceback" not in out.err
    assert out.out.splitlines()[0].startswith(f"FAIL page: no answer from http://127.0.0.1:{port}/")


def test_stack_or_url_is_required(capsys) -> None:
    assert main(["smoke"]) == 2
    assert "give either --stack NAME or --url URL" in capsys.readouterr().err


def test_a_stack_without_the_pulumi_cli_is_one_line(monkeypatch, capsys) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    assert main(["smoke", "--stack", "dev"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["twin smoke: the pulumi CLI is not installed here; give the addresses with "
                   "--url instead"]


def test_a_stack_s_outputs_give_the_addresses(serve, tmp_path, monkeypatch) -> None:
    site = serve(TWIN_EMBED_ORIGINS="https://www.example.com")
    api = serve(TWIN_ORIGIN_SECRET=SECRET)
    outputs = {"siteUrl": site.url, "apiUrl": site.url + "/api", "apiEndpoint": api.url,
               "embedOrigins": ["https://www.example.com"]}
    folder = tmp_path / "bin"
    folder.mkdir()
    pulumi = folder / "pulumi"
    pulumi.write_text(f"#!/bin/sh\necho \"$@\" > '{tmp_path}/args'\ncat <<'EOF'\n"
                      f"{json.dumps(outputs)}\nEOF\n")
    pulumi.chmod(0o755)
    monkeypatch.setenv("PATH", f"{folder}:/usr/bin:/bin")
    status, lines = smoke("--stack", "dev")
    assert (tmp_path / "args").read_text() == "stack output --json --stack dev\n"
    assert [line.split(":")[0] for line in lines] == [
        "ok page", "ok health", "ok chat", "ok delete", "ok only-through-cloudfront", "ok embed"]
    assert status == 0
