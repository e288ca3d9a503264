"""The metric filters and the saved query, checked against log lines the app really writes."""

from __future__ import annotations

import json
import re

import boto3
import pytest
from botocore.stub import Stubber

from api.app import create_app
from infra.log_metrics import (
    CONTACTS,
    CONVERSATIONS_STARTED,
    INPUT_TOKENS,
    LOG_METRICS,
    MODEL_ERRORS,
    MODEL_LATENCY,
    OUTPUT_TOKENS,
    QUERY_FIELDS,
    UNKNOWN_QUESTIONS,
    slow_and_failed_query,
)
from infra.settings import parse_settings
from tests.support.app import make_config
from tests.support.infra.filter_pattern import UnsupportedPattern, matches, metric_value
from tests.support.infra.settings import GOOD

MODEL = "us.amazon.nova-micro-v1:0"
SID = "3f2b8a4e-9c1d-4e7a-b6f0-2d5c8e1a9b73"


def bedrock_lines(tmp_path, log_lines: list[str]) -> dict[str, str]:
    """One request line per outcome: an answer, each kind of model error, a visitor's mistake."""
    client = boto3.client("bedrock-runtime", region_name="us-east-1",
                          aws_access_key_id="testing", aws_secret_access_key="testing")
    app = create_app(make_config(tmp_path, TWIN_MODEL_ID=MODEL), bedrock_client=client)
    outcomes = {}
    with Stubber(client) as stubber:
        stubber.add_response("converse", {
            "output": {"message": {"role": "assistant", "content": [{"text": "Lisbon."}]}},
            "stopReason": "end_turn", "metrics": {"latencyMs": 321},
            "usage": {"inputTokens": 120, "outputTokens": 30, "totalTokens": 150}})
        outcomes["answer"] = {"message": "Where are you based?", "session_id": SID}
        for code in ("ValidationException", "ServiceUnavailableException",
                     "ThrottlingException"):
            stubber.add_client_error("converse", service_error_code=code, http_status_code=400)
            outcomes[code] = {"message": "Hello?"}
        outcomes["bad_request"] = {"message": ""}
        lines = {}
        for name, body in outcomes.items():
            before = len(log_lines)
            app.test_client().post("/api/chat", json=body)
            [lines[name]] = [line for line in log_lines[before:]
                             if json.loads(line)["message"] == "request"]
        stubber.assert_no_pending_responses()
    return lines


def test_the_model_error_filter_counts_exactly_bedrocks_failures(tmp_path, log_lines) -> None:
    lines = bedrock_lines(tmp_path, log_lines)
    assert {name: json.loads(line).get("error") for name, line in lines.items()} == {
        "answer": None, "ValidationException": "model_error",
        "ServiceUnavailableException": "model_unavailable",
        "ThrottlingException": "rate_limited", "bad_request": "bad_request"}
    counted = {name for name, line in lines.items() if matches(MODEL_ERRORS.pattern, line)}
    assert counted == {"ValidationException", "ServiceUnavailableException",
                       "ThrottlingException"}
    assert all(metric_value(MODEL_ERRORS.value, lines[name]) == 1 for name in counted)


def test_latency_and_token_filters_read_the_answers_line(tmp_path, log_lines) -> None:
    lines = bedrock_lines(tmp_path, log_lines)
    for metric in (MODEL_LATENCY, INPUT_TOKENS, OUTPUT_TOKENS):
        counted = {name for name, line in lines.items() if matches(metric.pattern, line)}
        assert counted == {"answer"}, metric.name
    answer = lines["answer"]
    assert metric_value(INPUT_TOKENS.value, answer) == 120
    assert metric_value(OUTPUT_TOKENS.value, answer) == 30
    assert metric_value(MODEL_LATENCY.value, answer) == json.loads(answer)["model_latency_ms"] > 0


def test_the_saved_query_names_only_fields_of_real_lines(tmp_path, log_lines) -> None:
    lines = bedrock_lines(tmp_path, log_lines)
    fields = set().union(*(json.loads(line) for line in lines.values()))
    assert set(QUERY_FIELDS) <= fields
    query = slow_and_failed_query(parse_settings(GOOD, "dev", "us-east-1"))
    unquoted = re.sub(r'"[^"]*"', "", query)
    words = set(re.findall(r"(?<![@\w])[a-z_]+(?![\w(])", unquoted))
    keywords = {"fields", "filter", "sort", "desc", "limit", "or", "and", "in"}
    assert words - keywords <= fields, words - keywords - fields
    assert "duration_ms >= 5000" in query  # half the default latency alarm


def test_every_pattern_is_one_the_evaluator_reads() -> None:
    line = json.dumps({"message": "request", "status": 200})
    for metric in LOG_METRICS:
        assert matches(metric.pattern, line) is False, metric.name
    with pytest.raises(UnsupportedPattern):
        matches('{ $.error = "x" }} ', line)
    with pytest.raises(UnsupportedPattern):
        matches('[ip, user]', line)


# The inbox work writes these lines: run against the real app once it is merged.
def test_conversation_contact_and_question_filters_match_the_inbox_lines(tmp_path,
                                                                         log_lines) -> None:
    app = create_app(make_config(tmp_path))
    if "/api/contact" not in {rule.rule for rule in app.url_map.iter_rules()}:
        pytest.skip("needs the inbox work: POST /api/contact and its log lines")
    client = app.test_client()
    client.post("/api/chat", json={"message": "zqxj vrbl wmpf kkzt?", "session_id": SID})
    client.post("/api/chat", json={"message": "And qqzv plox?", "session_id": SID})
    client.post("/api/contact", json={"email": "visitor@example.com", "name": "Vi",
                                      "message": "Let us talk.", "session_id": SID})

    def counted(pattern: str) -> int:
        return sum(matches(pattern, line) for line in log_lines)

    assert counted(CONVERSATIONS_STARTED.pattern) == 1  # the first turn only
    assert counted(CONTACTS.pattern) == 1
    assert counted(UNKNOWN_QUESTIONS.pattern) >= 1
