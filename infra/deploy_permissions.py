"""What the deploy role may do: manage this stack's resources, found by their name prefix."""

from __future__ import annotations

import pulumi

from infra import safety_permissions
from infra.arns import Arns
from infra.domain import CERTIFICATE_REGION
from infra.policies import Statement, allow
from infra.settings import Settings

BUCKET_ACTIONS = [
    "s3:CreateBucket", "s3:DeleteBucket", "s3:ListBucket", "s3:ListBucketVersions",
    "s3:GetBucketLocation", "s3:GetBucketPolicy", "s3:PutBucketPolicy", "s3:DeleteBucketPolicy",
    "s3:GetBucketPolicyStatus", "s3:GetBucketPublicAccessBlock", "s3:PutBucketPublicAccessBlock",
    "s3:GetBucketOwnershipControls", "s3:PutBucketOwnershipControls",
    "s3:GetEncryptionConfiguration", "s3:PutEncryptionConfiguration", "s3:GetBucketVersioning",
    "s3:PutBucketVersioning", "s3:GetLifecycleConfiguration", "s3:PutLifecycleConfiguration",
    "s3:GetBucketTagging", "s3:PutBucketTagging", "s3:GetBucketAcl", "s3:GetBucketCORS",
    "s3:GetBucketWebsite", "s3:GetBucketLogging", "s3:GetAccelerateConfiguration",
    "s3:GetBucketRequestPayment", "s3:GetReplicationConfiguration",
    "s3:GetBucketObjectLockConfiguration", "s3:GetBucketNotification",
]
SITE_OBJECT_ACTIONS = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:GetObjectTagging",
                       "s3:PutObjectTagging"]
CLOUDFRONT_ACTIONS = [
    "cloudfront:CreateDistribution", "cloudfront:GetDistribution",
    "cloudfront:GetDistributionConfig", "cloudfront:UpdateDistribution",
    "cloudfront:DeleteDistribution", "cloudfront:CreateInvalidation", "cloudfront:GetInvalidation",
    "cloudfront:TagResource", "cloudfront:UntagResource", "cloudfront:ListTagsForResource",
    "cloudfront:CreateOriginAccessControl", "cloudfront:GetOriginAccessControl",
    "cloudfront:UpdateOriginAccessControl", "cloudfront:DeleteOriginAccessControl",
    "cloudfront:CreateResponseHeadersPolicy", "cloudfront:GetResponseHeadersPolicy",
    "cloudfront:UpdateResponseHeadersPolicy", "cloudfront:DeleteResponseHeadersPolicy",
    "cloudfront:GetCachePolicy", "cloudfront:GetOriginRequestPolicy",
]
LAMBDA_ACTIONS = [
    "lambda:CreateFunction", "lambda:DeleteFunction", "lambda:GetFunction",
    "lambda:GetFunctionConfiguration", "lambda:UpdateFunctionCode",
    "lambda:UpdateFunctionConfiguration", "lambda:ListVersionsByFunction",
    "lambda:GetFunctionCodeSigningConfig", "lambda:GetFunctionConcurrency",
    "lambda:GetRuntimeManagementConfig", "lambda:GetPolicy", "lambda:AddPermission",
    "lambda:RemovePermission", "lambda:TagResource", "lambda:UntagResource", "lambda:ListTags",
    # SnapStart: a version per deploy, and the alias the API calls.
    "lambda:PublishVersion", "lambda:CreateAlias", "lambda:GetAlias", "lambda:UpdateAlias",
    "lambda:DeleteAlias", "lambda:ListAliases",
]
LOG_GROUP_ACTIONS = [
    "logs:CreateLogGroup", "logs:DeleteLogGroup", "logs:PutRetentionPolicy",
    "logs:DeleteRetentionPolicy", "logs:TagResource", "logs:UntagResource",
    "logs:ListTagsForResource", "logs:TagLogGroup", "logs:ListTagsLogGroup",
]
# API Gateway sets up access-log delivery with these; AWS allows no narrower resource.
LOG_DELIVERY_ACTIONS = [
    "logs:CreateLogDelivery", "logs:GetLogDelivery", "logs:UpdateLogDelivery",
    "logs:DeleteLogDelivery", "logs:ListLogDeliveries", "logs:PutResourcePolicy",
    "logs:DescribeResourcePolicies",
]
ROLE_READ_ACTIONS = ["iam:GetRole", "iam:GetRolePolicy", "iam:ListRolePolicies",
                     "iam:ListAttachedRolePolicies", "iam:ListInstanceProfilesForRole",
                     "iam:ListRoleTags"]
# Actions that add permissions: only for roles that carry the stack's boundary.
ROLE_GRANT_ACTIONS = ["iam:CreateRole", "iam:PutRolePolicy", "iam:PutRolePermissionsBoundary"]
ROLE_OTHER_ACTIONS = ["iam:DeleteRole", "iam:DeleteRolePolicy", "iam:TagRole", "iam:UntagRole",
                      "iam:UpdateRoleDescription"]
SELF_CHANGE_ACTIONS = ["iam:PutRolePolicy", "iam:DeleteRolePolicy", "iam:AttachRolePolicy",
                       "iam:DetachRolePolicy", "iam:UpdateAssumeRolePolicy",
                       "iam:PutRolePermissionsBoundary", "iam:DeleteRolePermissionsBoundary",
                       "iam:DeleteRole"]
# What would change one of the role's own managed policies.
OWN_POLICY_ACTIONS = ["iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion",
                      "iam:DeletePolicyVersion", "iam:DeletePolicy"]
# DeletePolicyVersion: a boundary an administrator updated has old versions, which must go
# before the policy itself can be deleted on destroy.
POLICY_READ_ACTIONS = ["iam:GetPolicy", "iam:GetPolicyVersion", "iam:ListPolicyVersions",
                       "iam:ListPolicyTags", "iam:DeletePolicy", "iam:DeletePolicyVersion"]


def eval_statements(arns: Arns, region: str) -> list[Statement]:
    """Bedrock for the manual answer-quality eval (eval.yml): any model, through a profile.

    Not tied to twin:modelId: the role may not edit its own policy, so a grant that followed the
    model id would turn a model change in Pulumi.<stack>.yaml into a failed CI deploy.
    """
    profiles = arns.arn("bedrock", "inference-profile/*", region=region)
    return [
        allow("EvalThroughProfiles", ["bedrock:InvokeModel"], [profiles]),
        allow("EvalModelsThroughProfiles", ["bedrock:InvokeModel"],
              [arns.arn("bedrock", "foundation-model/*", region="*", account=False)],
              {"ArnLike": {"bedrock:InferenceProfileArn": profiles}}),
    ]


def areas(
    settings: Settings,
    arns: Arns,
    boundary_arn: pulumi.Output[str],
    zone_id: pulumi.Output[str] | None,
) -> dict[str, list[Statement]]:
    """The deploy role's grants by area, each attached as a managed policy of its own.

    One inline policy held them all until a long stack or domain name pushed it past IAM's
    10,240 characters for a role's inline policies; a managed policy may hold 6,144, and a role
    takes 10 by default (tests/infra/test_iam_headroom.py keeps each under 80 %).
    """
    prefix, region = settings.prefix, settings.region
    s3 = lambda resource: arns.arn("s3", resource, account=False)  # noqa: E731
    cloudfront = lambda resource: arns.arn("cloudfront", resource, region="")  # noqa: E731
    roles = arns.arn("iam", f"role/{prefix}-*", region="")
    storage = [
        allow("StackBuckets", BUCKET_ACTIONS, [s3(f"{prefix}-*")]),
        allow("SiteObjects", SITE_OBJECT_ACTIONS, [s3(f"{prefix}-site-*/*")]),
        # Emptying an unprotected memory bucket on destroy; the role never reads conversations.
        allow("EmptyMemory", ["s3:DeleteObject", "s3:DeleteObjectVersion"],
              [s3(f"{prefix}-memory-*/*")]),
    ]
    if settings.state_bucket:
        storage += [
            allow("StateBucket", ["s3:ListBucket", "s3:GetBucketLocation"],
                  [s3(settings.state_bucket)]),
            allow("StateObjects", ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
                  [s3(f"{settings.state_bucket}/.pulumi/*")]),
        ]
    if settings.secrets_key_arn:
        storage.append(allow("SecretsKey", ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey",
                                            "kms:DescribeKey"], [settings.secrets_key_arn]))
    delivery = [
        allow("Cdn", CLOUDFRONT_ACTIONS, [
            cloudfront("distribution/*"), cloudfront("origin-access-control/*"),
            cloudfront("response-headers-policy/*"), cloudfront("cache-policy/*"),
            cloudfront("origin-request-policy/*"),
        ]),
        allow("HttpApi", ["apigateway:GET", "apigateway:POST", "apigateway:PUT",
                          "apigateway:PATCH", "apigateway:DELETE"], [
            arns.arn("apigateway", "/apis", region=region, account=False),
            arns.arn("apigateway", "/apis/*", region=region, account=False),
            arns.arn("apigateway", "/tags/*", region=region, account=False),
        ]),
    ]
    if zone_id is not None:
        delivery += [
            # ListTagsForResource: looking the zone up reads its tags on every preview.
            allow("Dns", ["route53:GetHostedZone", "route53:ListResourceRecordSets",
                          "route53:ChangeResourceRecordSets", "route53:ListTagsForResource"],
                  [pulumi.Output.format("arn:{0}:route53:::hostedzone/{1}", arns.partition,
                                        zone_id)]),
            allow("DnsChanges", ["route53:GetChange"],
                  [pulumi.Output.format("arn:{0}:route53:::change/*", arns.partition)]),
            # Looking a zone up by name cannot be narrowed to one zone.
            allow("FindZone", ["route53:ListHostedZones", "route53:ListHostedZonesByName"], ["*"]),
            allow("Certificates", ["acm:DescribeCertificate", "acm:DeleteCertificate",
                                   "acm:AddTagsToCertificate", "acm:ListTagsForCertificate",
                                   "acm:RemoveTagsFromCertificate"],
                  [arns.arn("acm", "certificate/*", region=CERTIFICATE_REGION)]),
            # RequestCertificate has no resource to name until the certificate exists.
            allow("RequestCertificate", ["acm:RequestCertificate"], ["*"]),
        ]
    runtime = [
        allow("Function", LAMBDA_ACTIONS,
              [arns.arn("lambda", f"function:{prefix}-*", region=region)]),
        allow("PassFunctionRole", ["iam:PassRole"], [roles],
              {"StringEquals": {"iam:PassedToService": "lambda.amazonaws.com"}}),
        allow("LogGroups", LOG_GROUP_ACTIONS,
              [arns.arn("logs", f"log-group:/{prefix}/*", region=region)]),
        allow("DescribeLogGroups", ["logs:DescribeLogGroups"],
              [arns.arn("logs", "log-group:*", region=region)]),
        allow("AccessLogDelivery", LOG_DELIVERY_ACTIONS, ["*"]),
        allow("ReadRoles", ROLE_READ_ACTIONS, [roles]),
        allow("GrantOnlyWithinBoundary", ROLE_GRANT_ACTIONS, [roles],
              {"StringEquals": {"iam:PermissionsBoundary": boundary_arn}}),
        allow("ManageRoles", ROLE_OTHER_ACTIONS, [roles]),
        allow("ReadBoundary", POLICY_READ_ACTIONS,
              [arns.arn("iam", f"policy/{prefix}-*", region="")]),
        *eval_statements(arns, settings.region),
    ]
    return {"storage": storage, "delivery": delivery, "runtime": runtime,
            "monitoring": safety_permissions.statements(settings, arns)}


def never_change_own(self_arn: pulumi.Output[str],
                     policy_arns: list[pulumi.Output[str]]) -> Statement:
    """The Deny that keeps the role from editing, detaching or deleting its own grants.

    ReadBoundary allows iam:DeletePolicy on every `<prefix>-*` policy, which includes the
    role's own managed policies: this explicit Deny wins over it.
    """
    return {"Sid": "NeverChangeOwnPermissions", "Effect": "Deny",
            "Action": sorted(SELF_CHANGE_ACTIONS + OWN_POLICY_ACTIONS),
            "Resource": [self_arn, *policy_arns]}
