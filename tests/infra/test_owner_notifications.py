"""The owner's topic: only with twin:alarmEmail, published to by the function and nothing else."""

from __future__ import annotations

import pytest

from tests.support.infra.policy_check import allows, listed, statements
from tests.support.infra.stack_runs import OWNER_EMAIL as EMAIL
from tests.support.infra.stack_runs import program_for

FUNCTION_POLICY = ("aws:iam/rolePolicy:RolePolicy", "-function-policy")
SNS_TYPES = {"aws:sns/topic:Topic", "aws:sns/topicSubscription:TopicSubscription",
             "aws:sns/topicPolicy:TopicPolicy"}


def test_without_an_email_there_is_no_topic_and_no_sns_access() -> None:
    program = program_for("dev")
    assert not {r["type"] for r in program.resources} & SNS_TYPES
    variables = program.one("aws:lambda/function:Function")["state"]["environment"]["variables"]
    assert "TWIN_NOTIFY_TOPIC_ARN" not in variables
    policy = program.one(*FUNCTION_POLICY)["state"]["policy"]
    assert not [a for s in statements(policy) for a in listed(s["Action"])
                if a.startswith("sns:")]


def test_an_email_gets_one_topic_with_that_email_subscription() -> None:
    program = program_for("dev", **EMAIL)
    topic = program.one("aws:sns/topic:Topic")
    assert topic["state"]["name"] == "twin-dev-owner"
    assert topic["state"]["tags"] == {"Project": "twin", "Stack": "dev", "ManagedBy": "pulumi"}
    subscription = program.one("aws:sns/topicSubscription:TopicSubscription")["state"]
    assert subscription == {**subscription, "topic": topic["state"]["arn"], "protocol": "email",
                            "endpoint": "owner@example.com"}
    policy = program.one("aws:sns/topicPolicy:TopicPolicy")["state"]
    assert policy["arn"] == topic["state"]["arn"]
    by_sid = {s["Sid"]: s for s in statements(policy["policy"])}
    assert by_sid["DenyInsecureTransport"] == {
        "Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*",
        "Action": "sns:Publish", "Resource": topic["state"]["arn"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
    # CloudWatch may publish, for this stack's alarms in this account only.
    alarms = by_sid["AllowThisStacksAlarms"]
    assert alarms["Principal"] == {"Service": "cloudwatch.amazonaws.com"}
    assert alarms["Condition"] == {
        "StringEquals": {"aws:SourceAccount": "123456789012"},
        "ArnLike": {"aws:SourceArn": "arn:aws:cloudwatch:us-east-1:123456789012:alarm:twin-dev-*"}}
    assert all(s["Principal"] != "*" for s in by_sid.values() if s["Effect"] == "Allow")
    assert "kmsMasterKeyId" not in topic["state"]  # why: see infra/notify.py


def test_the_function_may_publish_to_that_topic_only() -> None:
    program = program_for("dev", **EMAIL)
    topic_arn = program.one("aws:sns/topic:Topic")["state"]["arn"]
    function = program.one("aws:lambda/function:Function")["state"]
    assert function["environment"]["variables"]["TWIN_NOTIFY_TOPIC_ARN"] == topic_arn
    granted = statements(program.one(*FUNCTION_POLICY)["state"]["policy"])
    sns = [s for s in granted if any(a.startswith("sns:") for a in listed(s["Action"]))]
    assert sns == [{"Sid": "NotifyOwner", "Effect": "Allow", "Action": ["sns:Publish"],
                    "Resource": [topic_arn]}]
    assert not allows(granted, "sns:Publish", "arn:aws:sns:us-east-1:123456789012:other")
    # The permissions boundary leaves room for it, or the publish would be denied at run time.
    boundary = program.one("aws:iam/policy:Policy", "-boundary")["state"]["policy"]
    assert allows(boundary, "sns:Publish", topic_arn)
    assert not allows(boundary, "sns:Publish", "arn:aws:sns:us-east-1:123456789012:twin-prod-x")


@pytest.mark.parametrize("extra", [{}, EMAIL])
def test_the_function_touches_only_conversations_and_the_inbox(extra: dict) -> None:
    program = program_for("dev", **extra)
    memory = program.one("aws:s3/bucket:Bucket", "-memory")["state"]["arn"]
    granted = statements(program.one(*FUNCTION_POLICY)["state"]["policy"])
    objects = {(a, r) for s in granted for a in listed(s["Action"]) for r in listed(s["Resource"])
               if a.startswith("s3:") and a != "s3:ListBucket"}
    conversations, inbox = f"{memory}/conversations/*", f"{memory}/inbox/*"
    assert objects == {
        ("s3:GetObject", conversations), ("s3:PutObject", conversations),
        ("s3:DeleteObject", conversations), ("s3:GetObject", inbox), ("s3:PutObject", inbox),
        ("s3:DeleteObject", f"{memory}/inbox/notices/*"),
    }
    for key in ("inbox/contacts/x.json", "inbox/questions/y.json", "inbox/keys/z",
                "inbox/notices/n", "conversations/c.json"):
        assert allows(granted, "s3:PutObject", f"{memory}/{key}")
    assert not allows(granted, "s3:GetObject", f"{memory}/other/file.json")
    assert not allows(granted, "s3:DeleteObject", f"{memory}/inbox/contacts/x.json")
    variables = program.one("aws:lambda/function:Function")["state"]["environment"]["variables"]
    assert variables["TWIN_RETENTION_DAYS"] == "7"


def test_the_deploy_role_can_manage_the_topic_and_its_subscription() -> None:
    program = program_for("dev", **EMAIL)
    policy = program.deploy_policy()
    topic = program.one("aws:sns/topic:Topic")["state"]["arn"]
    subscription = program.one("aws:sns/topicSubscription:TopicSubscription")["state"]["arn"]
    for action in ("sns:CreateTopic", "sns:GetTopicAttributes", "sns:SetTopicAttributes",
                   "sns:DeleteTopic", "sns:TagResource", "sns:UntagResource",
                   "sns:ListTagsForResource", "sns:Subscribe", "sns:ListSubscriptionsByTopic"):
        assert allows(policy, action, topic), action
        # Named by the stack's prefix: another stack's topic is out of reach.
        assert not allows(policy, action, "arn:aws:sns:us-east-1:123456789012:twin-prod-owner")
    for action in ("sns:GetSubscriptionAttributes", "sns:SetSubscriptionAttributes",
                   "sns:Unsubscribe"):
        assert allows(policy, action, subscription), action
    # The role is the same whether or not the email is set, so turning it on needs no admin.
    assert policy == program_for("dev").deploy_policy()



def test_the_stack_passes_its_inbox_cap_to_the_function() -> None:
    program = program_for("dev", **{"twin:inboxDailyCap": "35"})
    variables = program.one("aws:lambda/function:Function")["state"]["environment"]["variables"]
    assert variables["TWIN_INBOX_DAILY_CAP"] == "35"
