"""Metrics drawn from the app's JSON log lines, and the saved query for bad requests."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi_aws as aws

from api.errors import ModelError, ModelUnavailable, RateLimited
from api.logs import REQUEST_MESSAGE
from api.notify import RECORDED_EVENTS
from infra.settings import Settings

# Error codes the app puts in a request's `error` field when Bedrock failed.
MODEL_ERROR_CODES = (ModelError.code, ModelUnavailable.code, RateLimited.code)


@dataclass(frozen=True)
class LogMetric:
    """A metric filter: which lines count, and what each one adds."""

    name: str
    pattern: str
    value: str
    unit: str


def _any_error(codes: tuple[str, ...]) -> str:
    return "{ " + " || ".join(f'($.error = "{code}")' for code in codes) + " }"


MODEL_ERRORS = LogMetric("ModelErrors", _any_error(MODEL_ERROR_CODES), "1", "Count")
MODEL_LATENCY = LogMetric("ModelLatency", "{ $.model_latency_ms > 0 }", "$.model_latency_ms",
                          "Milliseconds")
INPUT_TOKENS = LogMetric("InputTokens", "{ $.input_tokens > 0 }", "$.input_tokens", "Count")
OUTPUT_TOKENS = LogMetric("OutputTokens", "{ $.output_tokens > 0 }", "$.output_tokens", "Count")
# The inbox's lines: the request line of a turn that began a conversation, and one line per
# stored contact or unanswered question.
CONVERSATIONS_STARTED = LogMetric("ConversationsStarted", "{ $.new_conversation IS TRUE }", "1",
                                  "Count")
CONTACTS = LogMetric("ContactsRecorded", f'{{ $.event = "{RECORDED_EVENTS["contact"]}" }}', "1",
                     "Count")
UNKNOWN_QUESTIONS = LogMetric("UnknownQuestions",
                              f'{{ $.event = "{RECORDED_EVENTS["question"]}" }}', "1", "Count")
LOG_METRICS = (MODEL_ERRORS, MODEL_LATENCY, INPUT_TOKENS, OUTPUT_TOKENS, CONVERSATIONS_STARTED,
               CONTACTS, UNKNOWN_QUESTIONS)

# The request-line fields the saved query reads.
QUERY_FIELDS = ("request_id", "method", "route", "status", "error", "duration_ms",
                "model_latency_ms")


def namespace(settings: Settings) -> str:
    """The CloudWatch namespace of this stack's log metrics."""
    return f"Twin/{settings.prefix}"


def slow_and_failed_query(settings: Settings) -> str:
    """Logs Insights: failed requests, and those slower than half the latency alarm's bound."""
    slow_ms = settings.guardrails.alarm_latency_ms // 2
    codes = ", ".join(f'"{code}"' for code in MODEL_ERROR_CODES)
    return "\n".join([
        "fields @timestamp, " + ", ".join(QUERY_FIELDS),
        f'| filter message = "{REQUEST_MESSAGE}"',
        f"| filter status >= 500 or error in [{codes}] or duration_ms >= {slow_ms}",
        "| sort duration_ms desc",
        "| limit 100",
    ])


def log_metrics(settings: Settings, log_group: aws.cloudwatch.LogGroup) -> str:
    """Create the metric filters and the saved query on the function's log group."""
    for metric in LOG_METRICS:
        aws.cloudwatch.LogMetricFilter(
            f"{settings.prefix}-{metric.name}",
            name=f"{settings.prefix}-{metric.name}",
            log_group_name=log_group.name,
            pattern=metric.pattern,
            # No default value: an idle twin publishes nothing, costs nothing, alarms on nothing.
            metric_transformation={"name": metric.name, "namespace": namespace(settings),
                                   "value": metric.value, "unit": metric.unit},
        )
    aws.cloudwatch.QueryDefinition(
        f"{settings.prefix}-slow-and-failed",
        name=f"twin/{settings.stack}/slowest and failed requests",
        log_group_names=[log_group.name],
        query_string=slow_and_failed_query(settings),
    )
    return namespace(settings)
