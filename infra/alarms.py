"""Alarms to the owner's topic: the function failing, the API erring or slow, Bedrock refusing."""

from __future__ import annotations

import pulumi_aws as aws

from infra.log_metrics import MODEL_ERRORS
from infra.settings import Settings

PERIOD_SECONDS = 300
AT_LEAST, ABOVE = "GreaterThanOrEqualToThreshold", "GreaterThanThreshold"


def _alarm(settings: Settings, topic: aws.sns.Topic, name: str, description: str,
           comparison: str, threshold: float, **metric: object) -> aws.cloudwatch.MetricAlarm:
    return aws.cloudwatch.MetricAlarm(
        f"{settings.prefix}-{name}",
        # The owner topic's policy lets alarms named with this stack's prefix publish.
        name=f"{settings.prefix}-{name}",
        alarm_description=f"twin {settings.stack}: {description}",
        comparison_operator=comparison,
        threshold=threshold,
        period=PERIOD_SECONDS,
        evaluation_periods=metric.pop("evaluation_periods", 1),
        # No requests means no data points: an idle twin is healthy, not alarming.
        treat_missing_data="notBreaching",
        alarm_actions=[topic.arn],
        ok_actions=[topic.arn],
        tags=settings.tags,
        **metric,  # type: ignore[arg-type]
    )


def alarms(settings: Settings, topic: aws.sns.Topic | None, function: aws.lambda_.Function,
           api: aws.apigatewayv2.Api, namespace: str) -> list[aws.cloudwatch.MetricAlarm]:
    """The stack's alarms, when there is an owner topic to send them to."""
    if topic is None:
        return []
    limits = settings.guardrails
    function_metric = {"namespace": "AWS/Lambda", "statistic": "Sum",
                       "dimensions": {"FunctionName": function.name}}
    api_metric: dict = {"namespace": "AWS/ApiGateway", "dimensions": {"ApiId": api.id}}
    return [
        _alarm(settings, topic, "function-errors", "the function failed (crash or timeout)",
               AT_LEAST, 1, metric_name="Errors", **function_metric),
        _alarm(settings, topic, "function-throttles", "Lambda refused to run the function",
               AT_LEAST, 1, metric_name="Throttles", **function_metric),
        _alarm(settings, topic, "api-5xx", f"{limits.alarm_server_errors}+ server errors in "
               "5 minutes", AT_LEAST, limits.alarm_server_errors, metric_name="5xx",
               statistic="Sum", **api_metric),
        _alarm(settings, topic, "api-4xx", f"more than {limits.alarm_client_errors} client "
               "errors in 5 minutes (probing or a broken page?)", ABOVE,
               limits.alarm_client_errors, metric_name="4xx", statistic="Sum", **api_metric),
        # Two slow periods out of three, so one long model answer does not wake anyone.
        _alarm(settings, topic, "api-latency-p95", f"p95 latency above "
               f"{limits.alarm_latency_ms} ms", ABOVE, limits.alarm_latency_ms,
               metric_name="Latency", extended_statistic="p95", evaluation_periods=3,
               datapoints_to_alarm=2, **api_metric),
        _alarm(settings, topic, "model-errors", f"Bedrock refused, timed out or throttled "
               f"{limits.alarm_model_errors}+ times in 5 minutes", AT_LEAST,
               limits.alarm_model_errors, namespace=namespace, metric_name=MODEL_ERRORS.name,
               statistic="Sum"),
    ]

