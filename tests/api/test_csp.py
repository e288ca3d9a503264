"""Who may frame the page: frame-ancestors from TWIN_EMBED_ORIGINS, 'none' unless the owner says."""

from __future__ import annotations

from pathlib import Path

import pytest

from api.config import Config, ConfigError
from api.csp import (
    CONTENT_SECURITY_POLICY,
    PAGE_SECURITY_HEADERS,
    content_security_policy,
    page_security_headers,
    parse_embed_origins,
)
from twin.server import SITE_DIR, create_local_app


def test_nobody_may_frame_the_page_by_default():
    assert CONTENT_SECURITY_POLICY.endswith("; frame-ancestors 'none'")
    assert PAGE_SECURITY_HEADERS["X-Frame-Options"] == "DENY"
    assert content_security_policy(()) == CONTENT_SECURITY_POLICY


def test_listed_sites_become_frame_ancestors_and_x_frame_options_goes():
    headers = page_security_headers(["https://www.example.com", "https://*.example.org:8443"])
    policy = headers["Content-Security-Policy"]
    assert policy.endswith("; frame-ancestors https://www.example.com https://*.example.org:8443")
    # Everything but frame-ancestors stays as strict as the default policy.
    assert policy.rsplit(";", 1)[0] == CONTENT_SECURITY_POLICY.rsplit(";", 1)[0]
    assert "X-Frame-Options" not in headers
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_origins_are_trimmed_lower_cased_and_deduplicated():
    assert parse_embed_origins([" https://WWW.Example.com", "", "https://www.example.com"]) == (
        "https://www.example.com",)


@pytest.mark.parametrize(
    "entry",
    [
        "www.example.com",
        "https://www.example.com/",
        "https://www.example.com/blog",
        "*",
        "'self'",
        "https://*",
        "https://a.example.com; script-src *",
        "https://a.example.com 'unsafe-inline'",
        "javascript://x",
        "https://exa_mple.com",
    ],
)
def test_anything_but_an_origin_is_refused(entry):
    with pytest.raises(ValueError, match="must look like"):
        content_security_policy([entry])


def test_at_most_ten_sites():
    origins = [f"https://site{n}.example.com" for n in range(11)]
    with pytest.raises(ValueError, match="at most 10"):
        parse_embed_origins(origins)


def test_config_reads_twin_embed_origins():
    assert Config.from_env({}).embed_origins == ()
    config = Config.from_env({"TWIN_EMBED_ORIGINS": "http://localhost:8080, https://a.example"})
    assert config.embed_origins == ("http://localhost:8080", "https://a.example")


def test_a_bad_embed_origin_stops_start_up_naming_the_variable():
    with pytest.raises(ConfigError, match="TWIN_EMBED_ORIGINS entries must look like"):
        Config.from_env({"TWIN_EMBED_ORIGINS": "https://a.example/"})


@pytest.mark.parametrize("path", ["/", "/app.js", "/embed.js", "/nothing-here"])
def test_the_local_server_sends_the_configured_policy(tmp_path: Path, example_persona, path):
    env = {"TWIN_PERSONA": str(example_persona), "TWIN_MEMORY_DIR": str(tmp_path)}
    closed = create_local_app(Config.from_env(env)).test_client().get(path)
    assert closed.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert closed.headers["X-Frame-Options"] == "DENY"
    env["TWIN_EMBED_ORIGINS"] = "http://localhost:8080"
    embeddable = create_local_app(Config.from_env(env)).test_client().get(path)
    policy = embeddable.headers["Content-Security-Policy"]
    assert policy.endswith("; frame-ancestors http://localhost:8080")
    assert "X-Frame-Options" not in embeddable.headers


def test_embed_js_is_served_as_a_script_that_is_revalidated(tmp_path: Path, example_persona):
    env = {"TWIN_PERSONA": str(example_persona), "TWIN_MEMORY_DIR": str(tmp_path)}
    response = create_local_app(Config.from_env(env)).test_client().get("/embed.js")
    assert response.status_code == 200 and response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "no-cache"
    assert response.data == (SITE_DIR / "embed.js").read_bytes()
