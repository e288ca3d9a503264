"""The chat function: its least-privilege role, its log group and the Lambda itself."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from infra.arns import Arns
from infra.package import PERSONA_FILE, TASK_ROOT
from infra.policies import allow, assume_role, document
from infra.settings import OFFLINE_MODEL, PROFILE_REGIONS, Settings

HANDLER = "api.lambda_handler.handler"
LIVE_ALIAS = "live"


def bedrock_statements(settings: Settings, arns: Arns) -> list[dict]:
    """`bedrock:InvokeModel` on the configured model, and through its inference profile only."""
    geography, _, base_model = settings.model_id.partition(".")
    # Converse is authorised by InvokeModel; there is no bedrock:Converse action.
    if geography not in PROFILE_REGIONS:
        return [allow("InvokeConfiguredModel", ["bedrock:InvokeModel"], [
            arns.arn("bedrock", f"foundation-model/{settings.model_id}",
                     region=settings.region, account=False)])]
    profile = arns.arn("bedrock", f"inference-profile/{settings.model_id}", region=settings.region)
    # The profile routes each request to the model in one of its destination regions, a list
    # AWS extends over time; the condition keeps the model usable only through the profile.
    models = [arns.arn("bedrock", f"foundation-model/{base_model}", region="*", account=False)]
    if geography == "global":
        # Global profiles also name the model with no region at all.
        models.append(arns.arn("bedrock", f"foundation-model/{base_model}", account=False))
    return [
        allow("InvokeConfiguredModel", ["bedrock:InvokeModel"], [profile]),
        allow("InvokeModelThroughProfile", ["bedrock:InvokeModel"], models,
              {"StringEquals": {"bedrock:InferenceProfileArn": profile}}),
    ]


def function_policy(settings: Settings, arns: Arns, memory_bucket: aws.s3.Bucket,
                    log_group: aws.cloudwatch.LogGroup,
                    topic: aws.sns.Topic | None = None) -> list[dict]:
    """The function's statements: the model, its conversations and inbox, logs, the owner."""
    statements = [
        allow("ReadAndWriteConversations", ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
              [pulumi.Output.concat(memory_bucket.arn, "/conversations/*")]),
        # Contacts, unanswered questions and their markers: written once, never deleted here...
        allow("ReadAndWriteInbox", ["s3:GetObject", "s3:PutObject"],
              [pulumi.Output.concat(memory_bucket.arn, "/inbox/*")]),
        # ...but a notice marker, given back when the notice could not be sent.
        allow("ReleaseNoticeMarkers", ["s3:DeleteObject"],
              [pulumi.Output.concat(memory_bucket.arn, "/inbox/notices/*")]),
        # Without ListBucket a missing conversation reads as 403 instead of 404.
        allow("ListConversations", ["s3:ListBucket"], [memory_bucket.arn]),
        allow("WriteOwnLogs", ["logs:CreateLogStream", "logs:PutLogEvents"],
              [pulumi.Output.concat(log_group.arn, ":*")]),
    ]
    if topic is not None:
        statements.append(allow("NotifyOwner", ["sns:Publish"], [topic.arn]))
    if settings.model_id == OFFLINE_MODEL:
        return statements
    return bedrock_statements(settings, arns) + statements


@dataclass(frozen=True)
class ChatFunction:
    """The function, the log group it writes to, and with SnapStart the alias the API calls."""

    function: aws.lambda_.Function
    log_group: aws.cloudwatch.LogGroup
    alias: aws.lambda_.Alias | None = None


def chat_function(
    settings: Settings,
    arns: Arns,
    code: pulumi.Archive,
    memory_bucket: aws.s3.Bucket,
    boundary: aws.iam.Policy,
    topic: aws.sns.Topic | None = None,
    origin_secret: pulumi.Input[str] | None = None,
) -> ChatFunction:
    """Create the function with its role, log group and TWIN_* environment."""
    log_group = aws.cloudwatch.LogGroup(
        f"{settings.prefix}-function-log",
        name=f"/{settings.prefix}/function",
        retention_in_days=settings.log_retention_days,
        tags=settings.tags,
    )
    role = aws.iam.Role(
        # Pulumi names the role after this plus "-" and 7 random characters; IAM allows 64,
        # so a 40-character stack name still fits. The alias keeps the role of earlier versions.
        f"{settings.prefix}-fn-role",
        description=f"twin {settings.stack} chat function",
        assume_role_policy=assume_role({"Service": "lambda.amazonaws.com"}, "sts:AssumeRole"),
        permissions_boundary=boundary.arn,
        tags=settings.tags,
        opts=pulumi.ResourceOptions(aliases=[pulumi.Alias(name=f"{settings.prefix}-function-role")]),
    )
    policy = aws.iam.RolePolicy(
        f"{settings.prefix}-function-policy",
        role=role.id,
        policy=document(*function_policy(settings, arns, memory_bucket, log_group, topic)),
        opts=pulumi.ResourceOptions(parent=role),
    )
    variables = {
        "TWIN_MODEL_ID": settings.model_id,
        "TWIN_BEDROCK_REGION": settings.region,
        "TWIN_MEMORY_BUCKET": memory_bucket.bucket,
        "TWIN_PERSONA": f"{TASK_ROOT}/{PERSONA_FILE}",
        # Shown to visitors; the memory bucket's lifecycle rule is what enforces it.
        "TWIN_RETENTION_DAYS": str(settings.memory_retention_days),
        "TWIN_INBOX_DAILY_CAP": str(settings.inbox_daily_cap),
    }
    if topic is not None:
        variables["TWIN_NOTIFY_TOPIC_ARN"] = topic.arn
    if origin_secret is not None:
        # A secret Output: Pulumi keeps the whole environment encrypted in the state.
        variables["TWIN_ORIGIN_SECRET"] = origin_secret
    snap_start = settings.guardrails.snap_start
    function = aws.lambda_.Function(
        f"{settings.prefix}-chat",
        description=f"twin {settings.stack} chat API",
        runtime=settings.lambda_runtime,
        architectures=["arm64"],
        handler=HANDLER,
        code=code,
        role=role.arn,
        memory_size=settings.lambda_memory_mb,
        timeout=settings.lambda_timeout_seconds,
        environment={"variables": variables},
        logging_config={
            "log_format": "JSON",
            "log_group": log_group.name,
            "application_log_level": "INFO",
            "system_log_level": "WARN",
        },
        tags=settings.tags,
        # SnapStart snapshots published versions only: each deploy publishes one.
        publish=True if snap_start else None,
        snap_start={"apply_on": "PublishedVersions"} if snap_start else None,
        # The role's policy must exist before the first cold start reads the model or bucket.
        opts=pulumi.ResourceOptions(depends_on=[policy, log_group]),
    )
    if not snap_start:
        return ChatFunction(function, log_group)
    alias = aws.lambda_.Alias(
        f"{settings.prefix}-live",
        name=LIVE_ALIAS,
        description="The published version the API calls (SnapStart)",
        function_name=function.name,
        function_version=function.version,
        opts=pulumi.ResourceOptions(parent=function),
    )
    return ChatFunction(function, log_group, alias)
