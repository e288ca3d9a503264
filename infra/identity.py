"""The function's permissions boundary and the GitHub Actions deploy role."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from infra import deploy_permissions
from infra.arns import Arns
from infra.policies import allow, assume_role, document
from infra.settings import Settings

GITHUB_OIDC_ISSUER = "token.actions.githubusercontent.com"


def function_boundary(settings: Settings, arns: Arns) -> aws.iam.Policy:
    """The most any role this stack creates may do: the chat function's kinds of access."""
    prefix = settings.prefix
    return aws.iam.Policy(
        f"{prefix}-boundary",
        name=f"{prefix}-function-boundary",
        description=f"Ceiling for roles the twin {settings.stack} stack creates",
        policy=document(
            allow("InvokeModels", ["bedrock:InvokeModel"], [
                arns.arn("bedrock", "foundation-model/*", region="*", account=False),
                arns.arn("bedrock", "inference-profile/*", region=settings.region),
            ]),
            allow("StackObjects", ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
                  [arns.arn("s3", f"{prefix}-*/*", account=False)]),
            allow("StackBuckets", ["s3:ListBucket"],
                  [arns.arn("s3", f"{prefix}-*", account=False)]),
            allow("StackLogs", ["logs:CreateLogStream", "logs:PutLogEvents"],
                  [arns.arn("logs", f"log-group:/{prefix}/*", region=settings.region)]),
            allow("StackTopics", ["sns:Publish"],
                  [arns.arn("sns", f"{prefix}-*", region=settings.region)]),
        ),
        tags=settings.tags,
    )


def deploy_role(
    settings: Settings,
    arns: Arns,
    boundary: aws.iam.Policy,
    zone_id: pulumi.Output[str] | None,
) -> aws.iam.Role:
    """The role GitHub Actions assumes for this stack's environment, and nothing else can."""
    role = aws.iam.Role(
        f"{settings.prefix}-deploy",
        description=f"GitHub Actions deploys twin {settings.stack} from {settings.github_repo}",
        assume_role_policy=assume_role(
            {"Federated": settings.oidc_provider_arn},
            "sts:AssumeRoleWithWebIdentity",
            {
                "StringEquals": {
                    f"{GITHUB_OIDC_ISSUER}:aud": "sts.amazonaws.com",
                    f"{GITHUB_OIDC_ISSUER}:sub":
                        f"repo:{settings.github_repo}:environment:{settings.stack}",
                }
            },
        ),
        tags=settings.tags,
        # A destroy run uses this role; deleting it mid-run would strand the rest. It stays.
        opts=pulumi.ResourceOptions(retain_on_delete=True),
    )
    # Kept, like the role, by a destroy that runs as this role.
    kept = pulumi.ResourceOptions(parent=role, retain_on_delete=True)
    policies = []
    for area, grants in deploy_permissions.areas(settings, arns, boundary.arn, zone_id).items():
        policy = aws.iam.Policy(
            f"{settings.prefix}-deploy-{area}",
            name=f"{settings.prefix}-deploy-{area}",
            description=f"GitHub Actions deploys twin {settings.stack}: {area}",
            policy=document(*grants),
            tags=settings.tags,
            opts=kept,
        )
        aws.iam.RolePolicyAttachment(f"{settings.prefix}-deploy-{area}-attachment",
                                     role=role.name, policy_arn=policy.arn, opts=kept)
        policies.append(policy.arn)
    # The inline policy holds only the Deny: it names the managed policies, so it cannot be one.
    aws.iam.RolePolicy(
        f"{settings.prefix}-deploy-policy",
        role=role.id,
        policy=document(deploy_permissions.never_change_own(role.arn, policies)),
        opts=kept,
    )
    return role
