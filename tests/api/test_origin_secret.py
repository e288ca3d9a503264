"""Only through CloudFront: with TWIN_ORIGIN_SECRET set, a request without the header is refused."""

from __future__ import annotations

import json

import pytest

from api.app import create_app, services
from api.config import Config
from api.origin import HEADER
from tests.support.app import make_config, stored_files

SECRET = "s3cr3t-Value-From-Pulumi-0123456789abcdef"
SID = "3f2b8a4e-9c1d-4e7a-b6f0-2d5c8e1a9b73"
REQUESTS = [
    ("get", "/api/health", None),
    ("get", "/api/profile", None),
    ("post", "/api/chat", {"message": "Where are you based?", "session_id": SID}),
    ("get", f"/api/conversation/{SID}", None),
    ("delete", f"/api/conversation/{SID}", None),
    ("get", "/api/no-such-route", None),
]


class Touched:
    """Wraps the store and the model, counting every call that reaches them."""

    def __init__(self, app) -> None:
        self.calls: list[str] = []
        chat = services(app).chat
        for target, names in ((chat.store, ("get", "append_turn", "delete")),
                              (chat.model, ("reply",))):
            for name in names:
                setattr(target, name, self._counted(name, getattr(target, name)))

    def _counted(self, name, method):
        def counted(*args, **kwargs):
            self.calls.append(name)
            return method(*args, **kwargs)

        return counted


@pytest.fixture
def guarded(tmp_path):
    config = make_config(tmp_path, TWIN_ORIGIN_SECRET=SECRET)
    app = create_app(config)
    return app, config, Touched(app)


def send(client, method: str, path: str, body: dict | None, headers: dict):
    return getattr(client, method)(path, json=body, headers=headers)


@pytest.mark.parametrize(("method", "path", "body"), REQUESTS)
@pytest.mark.parametrize("headers", [{}, {HEADER: "wrong"}, {HEADER: SECRET[:-1]},
                                     {HEADER: SECRET + "x"}, {HEADER: ""},
                                     {HEADER: "sécret-ünicode"}, {"X-Origin-Verified": SECRET}])
def test_a_request_without_the_right_header_is_refused_before_anything_runs(
        guarded, method, path, body, headers):
    app, config, touched = guarded
    response = send(app.test_client(), method, path, body, headers)
    assert response.status_code == 403
    assert response.get_json() == {"error": {
        "code": "forbidden",
        "message": "This address answers only requests that come through the twin's own page.",
        "request_id": response.headers["X-Request-Id"]}}
    assert response.headers["Cache-Control"] == "no-store"
    assert touched.calls == [] and stored_files(config) == []
    assert SECRET not in response.get_data(as_text=True)


def test_the_right_header_behaves_as_without_a_secret(guarded):
    app, config, touched = guarded
    client = app.test_client()
    right = {HEADER: SECRET}
    assert client.get("/api/health", headers=right).get_json()["status"] == "ok"
    chat = client.post("/api/chat", json={"message": "Where are you based?", "session_id": SID},
                       headers=right)
    assert chat.status_code == 200 and chat.get_json()["session_id"] == SID
    assert len(stored_files(config)) == 1 and "reply" in touched.calls
    assert client.get(f"/api/conversation/{SID}", headers=right).status_code == 200
    assert client.get("/api/no-such-route", headers=right).status_code == 404
    assert client.delete(f"/api/conversation/{SID}", headers=right).status_code == 204


def test_without_a_secret_no_header_is_needed(tmp_path):
    client = create_app(make_config(tmp_path)).test_client()
    assert client.get("/api/health").status_code == 200


def test_the_refusal_is_logged_like_any_request_without_the_secret(guarded, log_lines):
    app, _config, _touched = guarded
    lines = log_lines
    response = app.test_client().get("/api/health", headers={HEADER: "guess"})
    [line] = [json.loads(line) for line in lines]
    assert line["status"] == 403 and line["error"] == "forbidden"
    assert line["route"] == "/api/health" and line["method"] == "GET"
    assert line["request_id"] == response.headers["X-Request-Id"]
    assert "guess" not in lines[0] and SECRET not in lines[0]


def test_the_secret_is_read_from_the_environment_and_never_shown():
    config = Config.from_env({"TWIN_ORIGIN_SECRET": f"  {SECRET} "})
    assert config.origin_secret == SECRET
    assert SECRET not in repr(config)
    assert Config.from_env({"TWIN_ORIGIN_SECRET": " "}).origin_secret is None
