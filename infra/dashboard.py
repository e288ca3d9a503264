"""The stack's CloudWatch dashboard: traffic, errors, latency, the model and the visitors."""

from __future__ import annotations

import json

import pulumi
import pulumi_aws as aws

from infra.log_metrics import (
    CONTACTS,
    CONVERSATIONS_STARTED,
    INPUT_TOKENS,
    MODEL_ERRORS,
    MODEL_LATENCY,
    OUTPUT_TOKENS,
    UNKNOWN_QUESTIONS,
)
from infra.settings import Settings

PERIOD_SECONDS = 300


def _widget(settings: Settings, title: str, metrics: list[list], stat: str, x: int, y: int,
            width: int = 12) -> dict:
    return {
        "type": "metric", "x": x, "y": y, "width": width, "height": 6,
        "properties": {"title": title, "region": settings.region, "view": "timeSeries",
                       "stat": stat, "period": PERIOD_SECONDS, "metrics": metrics},
    }


def dashboard_body(settings: Settings, api_id: str, function_name: str, namespace: str,
                   alarm_arns: list[str]) -> str:
    """The dashboard's JSON, naming this stack's API, function and log metrics."""
    api = ["AWS/ApiGateway"]
    function = ["AWS/Lambda"]
    own = [namespace]
    widgets = [
        _widget(settings, "Requests", [[*api, "Count", "ApiId", api_id]], "Sum", 0, 0),
        _widget(settings, "Errors", [
            [*api, "4xx", "ApiId", api_id], [*api, "5xx", "ApiId", api_id],
            [*function, "Errors", "FunctionName", function_name],
            [*function, "Throttles", "FunctionName", function_name],
            [*own, MODEL_ERRORS.name]], "Sum", 12, 0),
        _widget(settings, "API latency (ms)", [
            [*api, "Latency", "ApiId", api_id, {"stat": stat, "label": stat}]
            for stat in ("p50", "p95", "p99")], "p95", 0, 6),
        _widget(settings, "Model latency (ms)", [
            [*own, MODEL_LATENCY.name, {"stat": stat, "label": stat}]
            for stat in ("p50", "p95", "p99")], "p95", 12, 6),
        _widget(settings, "Model tokens", [[*own, INPUT_TOKENS.name], [*own, OUTPUT_TOKENS.name]],
                "Sum", 0, 12),
        _widget(settings, "Visitors", [[*own, CONVERSATIONS_STARTED.name], [*own, CONTACTS.name],
                                       [*own, UNKNOWN_QUESTIONS.name]], "Sum", 12, 12),
    ]
    if alarm_arns:
        widgets.append({"type": "alarm", "x": 0, "y": 18, "width": 24, "height": 3,
                        "properties": {"title": "Alarms", "alarms": alarm_arns}})
    return json.dumps({"widgets": widgets})


def dashboard(settings: Settings, api: aws.apigatewayv2.Api, function: aws.lambda_.Function,
              namespace: str, alarms: list[aws.cloudwatch.MetricAlarm]) -> aws.cloudwatch.Dashboard:
    """Create the dashboard, named like the stack's other resources."""
    body = pulumi.Output.all(api.id, function.name, *[a.arn for a in alarms]).apply(
        lambda values: dashboard_body(settings, values[0], values[1], namespace, values[2:]))
    return aws.cloudwatch.Dashboard(
        f"{settings.prefix}-dashboard",
        dashboard_name=settings.prefix,
        dashboard_body=body,
    )
