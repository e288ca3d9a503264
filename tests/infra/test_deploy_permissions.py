"""Every resource type the program creates is one the deploy role can create, read, change, delete.

The map below names, per Pulumi type, the IAM actions its create, read, update and delete call,
and the ARN they act on. A new type fails `test_every_type_is_mapped` until it is added here, so
a CI deploy never meets AccessDenied on something new.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.support.infra.policy_check import allows, statements
from tests.support.infra.stack_runs import (
    ACCOUNT,
    ALL_FEATURES,
    AREA_ORDER,
    Program,
    program_for,
)

REGION = "us-east-1"
# The deploy role's managed policies, one per area of infra/deploy_permissions.py.
DEPLOY_AREAS = AREA_ORDER
Arn = Callable[[dict], str]


def state_arn(resource: dict) -> str:
    return resource["state"]["arn"]


def bucket(resource: dict) -> str:
    return f"arn:aws:s3:::{resource['state']['bucket']}"


def cloudfront(kind: str) -> Arn:
    return lambda r: f"arn:aws:cloudfront::{ACCOUNT}:{kind}/{r['id']}"


def http_api(part: str = "") -> Arn:
    def arn(r: dict) -> str:
        api = r["state"].get("apiId", r["id"])
        return f"arn:aws:apigateway:{REGION}::/apis/{api}" + (f"/{part}/{r['id']}" if part else "")
    return arn


def function(r: dict) -> str:
    name = r["state"].get("function") or r["state"].get("functionName") or r["state"]["name"]
    return f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}"


def log_group(r: dict) -> str:
    name = r["state"].get("logGroupName") or r["state"]["name"]
    return f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{name}"


def role(r: dict) -> str:
    return f"arn:aws:iam::{ACCOUNT}:role/{r['state']['role']}"


S3 = "aws:s3/"
CRUD: dict[str, tuple[list[str], Arn]] = {
    f"{S3}bucket:Bucket": (["s3:CreateBucket", "s3:ListBucket", "s3:GetBucketTagging",
                            "s3:PutBucketTagging", "s3:DeleteBucket"], state_arn),
    f"{S3}bucketPublicAccessBlock:BucketPublicAccessBlock": (
        ["s3:PutBucketPublicAccessBlock", "s3:GetBucketPublicAccessBlock"], bucket),
    f"{S3}bucketOwnershipControls:BucketOwnershipControls": (
        ["s3:PutBucketOwnershipControls", "s3:GetBucketOwnershipControls"], bucket),
    f"{S3}bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": (
        ["s3:PutEncryptionConfiguration", "s3:GetEncryptionConfiguration"], bucket),
    f"{S3}bucketVersioning:BucketVersioning": (
        ["s3:PutBucketVersioning", "s3:GetBucketVersioning"], bucket),
    f"{S3}bucketLifecycleConfiguration:BucketLifecycleConfiguration": (
        ["s3:PutLifecycleConfiguration", "s3:GetLifecycleConfiguration"], bucket),
    f"{S3}bucketPolicy:BucketPolicy": (
        ["s3:PutBucketPolicy", "s3:GetBucketPolicy", "s3:DeleteBucketPolicy"], bucket),
    f"{S3}bucketObjectv2:BucketObjectv2": (
        ["s3:PutObject", "s3:GetObject", "s3:GetObjectTagging", "s3:DeleteObject"],
        lambda r: f"{bucket(r)}/{r['state']['key']}"),
    "aws:cloudfront/distribution:Distribution": (
        ["cloudfront:CreateDistribution", "cloudfront:GetDistribution",
         "cloudfront:UpdateDistribution", "cloudfront:DeleteDistribution",
         "cloudfront:TagResource", "cloudfront:ListTagsForResource"], state_arn),
    "aws:cloudfront/originAccessControl:OriginAccessControl": (
        ["cloudfront:CreateOriginAccessControl", "cloudfront:GetOriginAccessControl",
         "cloudfront:UpdateOriginAccessControl", "cloudfront:DeleteOriginAccessControl"],
        cloudfront("origin-access-control")),
    "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy": (
        ["cloudfront:CreateResponseHeadersPolicy", "cloudfront:GetResponseHeadersPolicy",
         "cloudfront:UpdateResponseHeadersPolicy", "cloudfront:DeleteResponseHeadersPolicy"],
        cloudfront("response-headers-policy")),
    "aws:apigatewayv2/api:Api": (["apigateway:POST", "apigateway:GET", "apigateway:PATCH",
                                  "apigateway:DELETE"], http_api()),
    "aws:apigatewayv2/integration:Integration": (
        ["apigateway:POST", "apigateway:GET", "apigateway:PATCH", "apigateway:DELETE"],
        http_api("integrations")),
    "aws:apigatewayv2/route:Route": (
        ["apigateway:POST", "apigateway:GET", "apigateway:PATCH", "apigateway:DELETE"],
        http_api("routes")),
    "aws:apigatewayv2/stage:Stage": (
        ["apigateway:POST", "apigateway:GET", "apigateway:PATCH", "apigateway:DELETE"],
        http_api("stages")),
    "aws:lambda/function:Function": (
        ["lambda:CreateFunction", "lambda:GetFunction", "lambda:UpdateFunctionCode",
         "lambda:UpdateFunctionConfiguration", "lambda:PublishVersion",
         "lambda:ListVersionsByFunction", "lambda:TagResource", "lambda:ListTags",
         "lambda:DeleteFunction"], state_arn),
    "aws:lambda/alias:Alias": (["lambda:CreateAlias", "lambda:GetAlias", "lambda:UpdateAlias",
                                "lambda:DeleteAlias"], state_arn),
    "aws:lambda/permission:Permission": (
        ["lambda:AddPermission", "lambda:GetPolicy", "lambda:RemovePermission"],
        lambda r: function(r) + (f":{r['state']['qualifier']}" if "qualifier" in r["state"]
                                 else "")),
    "aws:cloudwatch/logGroup:LogGroup": (
        ["logs:CreateLogGroup", "logs:PutRetentionPolicy", "logs:TagResource",
         "logs:ListTagsForResource", "logs:DeleteLogGroup"], state_arn),
    "aws:cloudwatch/logMetricFilter:LogMetricFilter": (
        ["logs:PutMetricFilter", "logs:DescribeMetricFilters", "logs:DeleteMetricFilter"],
        log_group),
    "aws:cloudwatch/queryDefinition:QueryDefinition": (
        ["logs:PutQueryDefinition", "logs:DescribeQueryDefinitions",
         "logs:DeleteQueryDefinition"], lambda r: "*"),
    "aws:cloudwatch/metricAlarm:MetricAlarm": (
        ["cloudwatch:PutMetricAlarm", "cloudwatch:DescribeAlarms", "cloudwatch:TagResource",
         "cloudwatch:ListTagsForResource", "cloudwatch:DeleteAlarms"], state_arn),
    "aws:cloudwatch/dashboard:Dashboard": (
        ["cloudwatch:PutDashboard", "cloudwatch:GetDashboard", "cloudwatch:DeleteDashboards"],
        lambda r: r["state"]["dashboardArn"]),
    "aws:iam/role:Role": (["iam:CreateRole", "iam:GetRole", "iam:TagRole",
                           "iam:UpdateRoleDescription", "iam:DeleteRole"], state_arn),
    "aws:iam/rolePolicy:RolePolicy": (
        ["iam:PutRolePolicy", "iam:GetRolePolicy", "iam:DeleteRolePolicy"], role),
    # Only the deploy role's own: reading them back is all the role may do.
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": (["iam:ListAttachedRolePolicies"], role),
    "aws:iam/policy:Policy": (["iam:GetPolicy", "iam:GetPolicyVersion",
                               "iam:ListPolicyVersions", "iam:DeletePolicy"], state_arn),
    "aws:acm/certificate:Certificate": (
        ["acm:RequestCertificate", "acm:DescribeCertificate", "acm:AddTagsToCertificate",
         "acm:ListTagsForCertificate", "acm:DeleteCertificate"], state_arn),
    "aws:acm/certificateValidation:CertificateValidation": (
        ["acm:DescribeCertificate"], lambda r: r["state"]["certificateArn"]),
    "aws:route53/record:Record": (
        ["route53:ChangeResourceRecordSets", "route53:ListResourceRecordSets",
         "route53:GetHostedZone"],
        lambda r: f"arn:aws:route53:::hostedzone/{r['state']['zoneId']}"),
    "aws:sns/topic:Topic": (
        ["sns:CreateTopic", "sns:GetTopicAttributes", "sns:SetTopicAttributes",
         "sns:TagResource", "sns:ListTagsForResource", "sns:DeleteTopic"], state_arn),
    "aws:sns/topicPolicy:TopicPolicy": (["sns:SetTopicAttributes", "sns:GetTopicAttributes"],
                                        state_arn),
    "aws:sns/topicSubscription:TopicSubscription": (
        ["sns:Subscribe", "sns:ListSubscriptionsByTopic"], lambda r: r["state"]["topic"]),
    "aws:wafv2/webAcl:WebAcl": (
        ["wafv2:CreateWebACL", "wafv2:GetWebACL", "wafv2:UpdateWebACL", "wafv2:TagResource",
         "wafv2:ListTagsForResource", "wafv2:DeleteWebACL"], state_arn),
    "aws:budgets/budget:Budget": (["budgets:ModifyBudget", "budgets:ViewBudget",
                                   "budgets:TagResource", "budgets:ListTagsForResource"],
                                  state_arn),
    # Generated inside the Pulumi engine: no AWS call at all.
    "random:index/randomPassword:RandomPassword": ([], lambda r: ""),
}
# Actions on no particular resource, for the types whose create or read calls them.
UNNAMED: dict[str, list[tuple[str, str]]] = {
    "aws:sns/topicSubscription:TopicSubscription": [
        ("sns:GetSubscriptionAttributes", "*"), ("sns:SetSubscriptionAttributes", "*"),
        ("sns:Unsubscribe", "*")],
    "aws:cloudwatch/logGroup:LogGroup": [
        ("logs:DescribeLogGroups", f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:*")],
    "aws:route53/record:Record": [("route53:GetChange", "arn:aws:route53:::change/C0MOCK")],
    "aws:lambda/function:Function": [("iam:PassRole", f"arn:aws:iam::{ACCOUNT}:role/twin-prod-x")],
}


OWN = {"twin-prod-boundary", "twin-prod-deploy", "twin-prod-deploy-policy",
       *(f"twin-prod-deploy-{area}{part}" for area in DEPLOY_AREAS for part in ("", "-attachment"))}


def is_own_permissions(resource: dict) -> bool:
    """The boundary and the deploy role with its policies: only an administrator changes them."""
    return resource["name"] in OWN


@pytest.fixture(scope="module")
def everything() -> Program:
    return program_for("prod", **ALL_FEATURES)


@pytest.fixture(scope="module")
def deploy_policy(everything: Program) -> str:
    return everything.deploy_policy()


def test_every_type_is_mapped(everything: Program) -> None:
    types = {r["type"] for r in everything.resources} - {"pulumi:pulumi:Stack"}
    assert types - set(CRUD) == set(), "map the new types' IAM actions in CRUD"
    # Each optional feature is on in this run, so every type the program can create is here.
    assert set(CRUD) - types == set()


def test_the_deploy_role_can_create_read_update_and_delete_each_resource(
        everything: Program, deploy_policy: str) -> None:
    checked = 0
    for resource in everything.resources:
        if resource["type"] == "pulumi:pulumi:Stack" or is_own_permissions(resource):
            continue
        actions, arn = CRUD[resource["type"]]
        for action in actions:
            assert allows(deploy_policy, action, arn(resource)), (resource["name"], action)
            checked += 1
        for action, target in UNNAMED.get(resource["type"], []):
            assert allows(deploy_policy, action, target), (resource["name"], action)
    assert checked > 150


def test_the_deploy_role_cannot_change_its_own_permissions(everything: Program,
                                                           deploy_policy: str) -> None:
    own = [r for r in everything.resources if is_own_permissions(r)]
    assert len(own) == len(OWN)
    boundary = everything.one("aws:iam/policy:Policy", "-boundary")["state"]["arn"]
    deploy = everything.one("aws:iam/role:Role", "-deploy")["state"]["arn"]
    assert not allows(deploy_policy, "iam:CreatePolicyVersion", boundary)
    assert not allows(deploy_policy, "iam:PutRolePolicy", deploy)


def test_new_resources_are_named_by_the_stack_prefix(deploy_policy: str) -> None:
    # Another stack's resources of the new kinds are out of reach.
    for action, arn in [
        ("sns:DeleteTopic", f"arn:aws:sns:{REGION}:{ACCOUNT}:twin-dev-owner"),
        ("cloudwatch:DeleteAlarms", f"arn:aws:cloudwatch:{REGION}:{ACCOUNT}:alarm:twin-dev-x"),
        ("cloudwatch:PutDashboard", f"arn:aws:cloudwatch::{ACCOUNT}:dashboard/twin-dev"),
        ("cloudwatch:PutDashboard", f"arn:aws:cloudwatch::{ACCOUNT}:dashboard/twin-prod2"),
        ("logs:PutMetricFilter", f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/twin-dev/function"),
        ("wafv2:DeleteWebACL",
         f"arn:aws:wafv2:us-east-1:{ACCOUNT}:global/webacl/twin-dev-web-acl/abc"),
        ("budgets:ModifyBudget", f"arn:aws:budgets::{ACCOUNT}:budget/twin-dev-monthly"),
        ("lambda:UpdateAlias", f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:twin-dev-chat:live"),
    ]:
        assert not allows(deploy_policy, action, arn), (action, arn)


def test_the_feature_grants_are_there_with_every_feature_off(deploy_policy: str) -> None:
    # Turning a feature on from CI therefore never needs an administrator.
    plain = program_for("prod").deploy_policy()
    features = {"OwnerTopics", "OwnerSubscriptions", "Alarms", "Dashboard", "LogMetricFilters",
                "DescribeMetricFilters", "QueryDefinitions", "WebAcl", "Budget", "Function"}

    def granted(policy: str) -> list[dict]:
        return [s for s in statements(policy) if s["Sid"] in features]

    assert len(granted(deploy_policy)) == len(features)
    assert granted(plain) == granted(deploy_policy)
