"""The HTTP API: one Lambda proxy integration (payload 1.0), the throttled `$default` stage."""

from __future__ import annotations

import json

import pulumi
import pulumi_aws as aws

from infra.settings import Settings

# Fields of the JSON access log. No path: it would carry session ids, which grant access.
ACCESS_LOG_FORMAT = json.dumps(
    {
        "requestId": "$context.requestId",
        "requestTime": "$context.requestTime",
        "httpMethod": "$context.httpMethod",
        "status": "$context.status",
        "responseLength": "$context.responseLength",
        "integrationLatency": "$context.integrationLatency",
        "integrationError": "$context.integrationErrorMessage",
        "protocol": "$context.protocol",
    }
)


def http_api(settings: Settings, function: aws.lambda_.Function,
             alias: aws.lambda_.Alias | None = None) -> aws.apigatewayv2.Api:
    """Create the API, route `/api/*` to the function (or its alias), let API Gateway invoke it."""
    cors = None
    if settings.allowed_origins:
        cors = {
            "allow_origins": list(settings.allowed_origins),
            "allow_methods": ["GET", "POST", "DELETE", "OPTIONS"],
            "allow_headers": ["content-type"],
            "expose_headers": ["x-request-id", "retry-after"],
            "max_age": 600,
        }
    api = aws.apigatewayv2.Api(
        f"{settings.prefix}-api",
        protocol_type="HTTP",
        description=f"twin {settings.stack} chat API",
        cors_configuration=cors,
        tags=settings.tags,
    )
    child = pulumi.ResourceOptions(parent=api)
    integration = aws.apigatewayv2.Integration(
        f"{settings.prefix}-api-lambda",
        api_id=api.id,
        integration_type="AWS_PROXY",
        integration_method="POST",
        # With SnapStart, the alias: only published versions start from a snapshot.
        integration_uri=(alias or function).invoke_arn,
        # aws-wsgi understands only the 1.0 event shape (httpMethod, path).
        payload_format_version="1.0",
        timeout_milliseconds=min(30000, settings.lambda_timeout_seconds * 1000 + 1000),
        opts=child,
    )
    aws.apigatewayv2.Route(
        f"{settings.prefix}-api-route",
        api_id=api.id,
        route_key="ANY /api/{proxy+}",
        target=pulumi.Output.concat("integrations/", integration.id),
        opts=child,
    )
    access_log = aws.cloudwatch.LogGroup(
        f"{settings.prefix}-api-access-log",
        name=f"/{settings.prefix}/api-access",
        retention_in_days=settings.log_retention_days,
        tags=settings.tags,
        opts=child,
    )
    aws.apigatewayv2.Stage(
        f"{settings.prefix}-api-stage",
        api_id=api.id,
        # A named stage would prefix every path and the Flask routes would not match.
        name="$default",
        auto_deploy=True,
        default_route_settings={
            "throttling_burst_limit": settings.throttle_burst,
            "throttling_rate_limit": settings.throttle_rate,
        },
        access_log_settings={"destination_arn": access_log.arn, "format": ACCESS_LOG_FORMAT},
        tags=settings.tags,
        opts=child,
    )
    aws.lambda_.Permission(
        f"{settings.prefix}-api-invoke",
        action="lambda:InvokeFunction",
        function=function.name,
        qualifier=alias.name if alias else None,
        principal="apigateway.amazonaws.com",
        source_arn=pulumi.Output.concat(api.execution_arn, "/*/*"),
        opts=child,
    )
    return api
