"""The owner's SNS topic: notices from the twin and alarms, delivered to twin:alarmEmail."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from infra.arns import Arns
from infra.policies import Statement, document
from infra.settings import Settings


def topic_policy(settings: Settings, arns: Arns, topic_arn: pulumi.Input[str]) -> list[Statement]:
    """Who may publish besides this account's roles: this stack's alarms and budget, over TLS."""
    this_account = {"aws:SourceAccount": arns.account}

    def allow_service(sid: str, service: str, condition: dict) -> Statement:
        return {"Sid": sid, "Effect": "Allow", "Principal": {"Service": service},
                "Action": "sns:Publish", "Resource": topic_arn, "Condition": condition}

    # A topic policy replaces SNS's default one, which is what let AWS services publish.
    statements = [
        allow_service("AllowThisStacksAlarms", "cloudwatch.amazonaws.com", {
            "StringEquals": this_account,
            "ArnLike": {"aws:SourceArn": arns.arn(
                "cloudwatch", f"alarm:{settings.prefix}-*", region=settings.region)},
        }),
        {
            "Sid": "DenyInsecureTransport",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "sns:Publish",
            "Resource": topic_arn,
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        },
    ]
    if settings.guardrails.monthly_budget_usd:
        statements.insert(1, allow_service("AllowThisAccountsBudgets", "budgets.amazonaws.com",
                                           {"StringEquals": this_account}))
    return statements


@dataclass(frozen=True)
class OwnerTopic:
    """The topic, and the policy that lets the stack's alarms and budget publish to it."""

    topic: aws.sns.Topic
    policy: aws.sns.TopicPolicy


def owner_topic(settings: Settings, arns: Arns) -> OwnerTopic | None:
    """The topic and its email subscription when twin:alarmEmail is set, else None."""
    if not settings.alarm_email:
        return None
    # Not encrypted at rest: CloudWatch alarms cannot publish to a topic under the AWS managed
    # key (alias/aws/sns), whose key policy cannot grant them kms:GenerateDataKey, and a
    # customer managed key costs a monthly fee per stack. The notices end as plain email anyway;
    # in transit they are TLS-only (the topic policy below).
    topic = aws.sns.Topic(
        f"{settings.prefix}-owner",
        name=f"{settings.prefix}-owner",
        display_name=f"twin {settings.stack}",
        tags=settings.tags,
    )
    child = pulumi.ResourceOptions(parent=topic)
    policy = aws.sns.TopicPolicy(
        f"{settings.prefix}-owner-policy",
        arn=topic.arn,
        policy=document(*topic_policy(settings, arns, topic.arn)),
        opts=child,
    )
    # AWS emails a confirmation link; nothing is delivered until the owner follows it.
    aws.sns.TopicSubscription(
        f"{settings.prefix}-owner-email",
        topic=topic.arn,
        protocol="email",
        endpoint=settings.alarm_email,
        opts=child,
    )
    return OwnerTopic(topic, policy)
