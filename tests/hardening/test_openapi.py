"""GET /api/openapi.json: the API's own OpenAPI 3.1 description, true to the app and fuzzed."""

from __future__ import annotations

import re

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.app import create_app
from api.config import Config
from api.errors import ApiError
from api.openapi import openapi_spec
from tests.support.app import make_config

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_headers_conformance, response_schema_conformance]


@pytest.fixture
def spec(client) -> dict:
    response = client.get("/api/openapi.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    return response.get_json()


def app_routes(app) -> set[tuple[str, str]]:
    """(method, path) for every /api route, with Flask's <path:x> written as OpenAPI's {x}."""
    return {
        (method.lower(), re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule))
        for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }


def test_the_description_names_exactly_the_apps_routes(app, spec):
    described = {(method, path) for path, item in spec["paths"].items() for method in item}
    assert described == app_routes(app)
    assert spec["openapi"] == "3.1.0"


def test_the_design_table_is_all_there(spec):
    paths = spec["paths"]
    assert set(paths) == {"/api/health", "/api/profile", "/api/chat",
                          "/api/conversation/{session_id}", "/api/contact", "/api/openapi.json"}
    contact = paths["/api/contact"]["post"]
    body = contact["requestBody"]["content"]["application/json"]["schema"]
    assert set(body["properties"]) == {"email", "name", "message", "session_id", "website"}
    assert body["required"] == ["email"]
    created = contact["responses"]["201"]["content"]["application/json"]["schema"]
    assert created["properties"] == {"status": {"const": "received"}}
    profile = paths["/api/profile"]["get"]["responses"]["200"]["content"]["application/json"]
    assert "retention_days" in profile["schema"]["required"]
    busy = paths["/api/chat"]["post"]["responses"]["503"]
    assert busy["headers"]["Retry-After"]["required"] is True
    deleted = paths["/api/chat"]["post"]["responses"]["410"]
    assert deleted["description"].startswith("conversation_deleted:")
    unsaved = contact["responses"]["503"]
    assert unsaved["description"].startswith("contact_unavailable:")
    assert unsaved["headers"]["Retry-After"]["required"] is True


def test_every_error_code_the_app_can_answer_is_described(spec):
    codes = set(spec["components"]["schemas"]["Error"]["properties"]["error"]
                ["properties"]["code"]["enum"])
    kinds, found = [ApiError], set()
    while kinds:
        kind = kinds.pop()
        found.add(kind.code)
        kinds += kind.__subclasses__()
    assert codes == found
    assert {"conversation_busy", "memory_unavailable", "internal"} <= codes


def test_with_an_origin_secret_every_operation_answers_its_documented_403(tmp_path):
    web = create_app(make_config(tmp_path, TWIN_ORIGIN_SECRET="s3cret-from-cloudfront"))
    operations = openapi_spec(Config().max_message_chars)["paths"]
    for path, item in operations.items():
        url = path.replace("{session_id}", "3f2b8a4e-9c1d-4e7a-b6f0-2d5c8e1a9b73")
        for method, operation in item.items():
            response = web.test_client().open(url, method=method.upper(), json={})
            assert response.status_code == 403, (method, path)
            assert response.json["error"]["code"] == "forbidden"
            assert "403" in operation["responses"]


def test_the_served_description_is_the_one_fuzzed_below(spec, config):
    assert spec == openapi_spec(config.max_message_chars)


@pytest.fixture
def fuzzed_app(tmp_path):
    return create_app(make_config(tmp_path))


schema = schemathesis.openapi.from_dict(openapi_spec(Config().max_message_chars))


@schema.parametrize()
@settings(max_examples=30, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
def test_schemathesis_finds_no_server_error_and_no_response_off_the_schema(case, fuzzed_app):
    case.call_and_validate(app=fuzzed_app, checks=CHECKS)
