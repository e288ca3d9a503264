"""IAM headroom: every policy and name fits AWS's limits with every feature on and long names.

The run is `prod` with every optional feature, a 40-character stack name, state bucket and
domain. Limits (IAM and AWS STS quotas; Lambda and S3 naming rules): a role's inline policies
together 10,240 characters and a managed policy 6,144, whitespace not counted; 10 managed
policies per role by default; role and function names 64 characters, bucket names 63, managed
policy names 128. A policy past 80 % of its limit fails here, before an owner's first deploy.
"""

from __future__ import annotations

import json
import re

import pytest

from tests.support.infra.policy_check import allows
from tests.support.infra.stack_runs import (
    ALL_FEATURES,
    LONG_NAMES,
    LONG_STACK,
    Program,
    program_for,
)

INLINE_LIMIT, MANAGED_LIMIT, ATTACHED_LIMIT = 10_240, 6_144, 10
HEADROOM = 0.8
# AWS's longest name for each kind of resource whose name the program chooses or Pulumi
# generates (the logical name, "-" and 7 random characters).
NAME_LIMITS = {
    "aws:iam/role:Role": ("name", 64),
    "aws:iam/policy:Policy": ("name", 128),
    "aws:lambda/function:Function": ("name", 64),
    "aws:s3/bucket:Bucket": ("bucket", 63),
}


def size(policy: str) -> int:
    """Characters as IAM counts them: whitespace is not counted."""
    return len(re.sub(r"\s", "", policy))


@pytest.fixture(scope="module")
def long_names() -> Program:
    return program_for(LONG_STACK, "prod", **{**ALL_FEATURES, **LONG_NAMES})


def test_the_run_uses_the_long_names(long_names: Program) -> None:
    assert len(LONG_STACK) == 40
    assert long_names.config["twin:stateBucket"] == LONG_NAMES["twin:stateBucket"]
    assert len(LONG_NAMES["twin:stateBucket"]) == len(LONG_NAMES["twin:domain"]) == 40
    assert long_names.outputs["siteUrl"] == f"https://{LONG_NAMES['twin:domain']}"
    assert long_names.one("aws:iam/role:Role", "-deploy")["name"].startswith(f"twin-{LONG_STACK}")


@pytest.mark.parametrize("role", ["-deploy", "-fn-role"])
def test_every_policy_stays_under_80_percent_of_its_limit(long_names: Program, role: str) -> None:
    inline, managed = long_names.role_policies(role)
    assert inline
    inline_total = sum(size(r["state"]["policy"]) for r in inline)
    assert inline_total < HEADROOM * INLINE_LIMIT, (role, inline_total)
    for policy in managed:
        assert size(policy["state"]["policy"]) < HEADROOM * MANAGED_LIMIT, policy["name"]
    assert len(managed) <= HEADROOM * ATTACHED_LIMIT


def test_the_deploy_role_holds_its_grants_in_managed_policies(long_names: Program) -> None:
    inline, managed = long_names.role_policies("-deploy")
    assert len(managed) >= 2
    # The inline policy is the Deny alone; every Allow is in a managed policy.
    assert [s["Effect"] for r in inline for s in json.loads(r["state"]["policy"])["Statement"]] \
        == ["Deny"]


def test_every_generated_name_is_within_aws_limits(long_names: Program) -> None:
    checked = 0
    for typ, (field, limit) in NAME_LIMITS.items():
        for resource in long_names.of_type(typ):
            name = resource["state"][field]
            assert len(name) <= limit, (typ, name, len(name))
            checked += 1
    assert checked >= 10


def test_the_deploy_role_cannot_change_its_managed_policies(long_names: Program) -> None:
    policy = long_names.deploy_policy()
    _, managed = long_names.role_policies("-deploy")
    assert managed
    for own in managed:
        arn = own["state"]["arn"]
        for action in ("iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion",
                       "iam:DeletePolicyVersion", "iam:DeletePolicy"):
            assert not allows(policy, action, arn), (action, arn)
    role = long_names.one("aws:iam/role:Role", "-deploy")["state"]["arn"]
    for action in ("iam:DetachRolePolicy", "iam:AttachRolePolicy", "iam:PutRolePolicy"):
        assert not allows(policy, action, role), action
    # The boundary's old versions may still be removed on destroy, as before.
    boundary = long_names.one("aws:iam/policy:Policy", "-boundary")["state"]["arn"]
    assert allows(policy, "iam:DeletePolicyVersion", boundary)


def test_the_deploy_role_s_policies_outlive_a_destroy(long_names: Program) -> None:
    for typ in ("aws:iam/policy:Policy", "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
                "aws:iam/rolePolicy:RolePolicy"):
        for resource in long_names.of_type(typ):
            if "-deploy" in resource["name"]:
                assert resource["retainOnDelete"] is True, resource["name"]


def test_the_budget_waits_for_the_topic_policy(long_names: Program) -> None:
    # AWS Budgets must be allowed to publish to the topic when the budget is saved.
    budget = long_names.one("aws:budgets/budget:Budget")
    topic_policy = long_names.one("aws:sns/topicPolicy:TopicPolicy")
    assert topic_policy["urn"] in budget["dependencies"]


def test_the_deploy_role_can_attach_the_web_acl(long_names: Program) -> None:
    # CloudFront checks on UpdateDistribution that the caller may read the web ACL it names.
    acl = long_names.one("aws:wafv2/webAcl:WebAcl")["state"]["arn"]
    distribution = long_names.one("aws:cloudfront/distribution:Distribution")["state"]
    assert distribution["webAclId"] == acl
    policy = long_names.deploy_policy()
    assert allows(policy, "wafv2:GetWebACL", acl)
    assert allows(policy, "cloudfront:UpdateDistribution", distribution["arn"])
