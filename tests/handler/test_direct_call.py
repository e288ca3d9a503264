"""A direct call to the execute-api address lacks CloudFront's header and is refused."""

from __future__ import annotations

import copy
import gc
import json

import pytest

from api import lambda_handler
from api.origin import HEADER
from tests.support.lambda_events import context, load

SECRET = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKL"


@pytest.fixture(autouse=True)
def deployed_app(monkeypatch, tmp_path):
    monkeypatch.setenv("TWIN_MEMORY_DIR", str(tmp_path / "memory"))
    monkeypatch.setenv("TWIN_ORIGIN_SECRET", SECRET)
    monkeypatch.delenv("TWIN_MODEL_ID", raising=False)
    monkeypatch.delenv("TWIN_MEMORY_BUCKET", raising=False)
    lambda_handler.get_app.cache_clear()
    yield tmp_path / "memory"
    lambda_handler.get_app.cache_clear()
    gc.unfreeze()  # get_app froze what the test process held; let the collector see it again


def through_cloudfront(event: dict) -> dict:
    """The event as API Gateway builds it when CloudFront added its origin header."""
    event = copy.deepcopy(event)
    event["headers"][HEADER] = SECRET
    event["multiValueHeaders"][HEADER] = [SECRET]
    return event


@pytest.mark.parametrize("name", ["health.json", "chat.json", "conversation_get.json"])
def test_a_direct_call_is_refused(name, deployed_app):
    response = lambda_handler.handler(load(name), context())
    assert response["statusCode"] == 403
    assert json.loads(response["body"])["error"]["code"] == "forbidden"
    assert not deployed_app.exists() or not any(deployed_app.rglob("*.json"))


def test_the_same_call_through_cloudfront_is_answered(deployed_app):
    health = lambda_handler.handler(through_cloudfront(load("health.json")), context())
    assert health["statusCode"] == 200
    chat = lambda_handler.handler(through_cloudfront(load("chat.json")), context())
    assert chat["statusCode"] == 200
    assert any(deployed_app.rglob("*.json"))
