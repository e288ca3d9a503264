"""A private, encrypted S3 bucket: the shape both the site and the memory buckets share."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from infra.policies import deny_insecure_transport, document
from infra.settings import Settings


@dataclass(frozen=True)
class PrivateBucket:
    """A bucket and the settings that must exist before anything is written to it."""

    bucket: aws.s3.Bucket
    guards: list[pulumi.Resource]

    def child_options(self, **options: object) -> pulumi.ResourceOptions:
        """Options for a resource that belongs to this bucket."""
        return pulumi.ResourceOptions(parent=self.bucket, **options)  # type: ignore[arg-type]

    def set_policy(self, name: str, *statements: dict) -> aws.s3.BucketPolicy:
        """Attach the bucket policy: TLS only, plus the given statements."""
        return aws.s3.BucketPolicy(
            name,
            bucket=self.bucket.id,
            policy=document(deny_insecure_transport(self.bucket.arn), *statements),
            # S3 refuses a policy while the public access block is still being applied.
            opts=self.child_options(depends_on=self.guards),
        )


def private_bucket(
    name: str,
    settings: Settings,
    *,
    versioned: bool = False,
    force_destroy: bool = True,
    protect: bool = False,
) -> PrivateBucket:
    """Create a bucket with every public access block on, owner-enforced objects and SSE."""
    bucket = aws.s3.Bucket(
        name,
        force_destroy=force_destroy,
        tags=settings.tags,
        opts=pulumi.ResourceOptions(protect=protect),
    )
    child = pulumi.ResourceOptions(parent=bucket)
    guards: list[pulumi.Resource] = [
        aws.s3.BucketPublicAccessBlock(
            f"{name}-public-access",
            bucket=bucket.id,
            block_public_acls=True,
            block_public_policy=True,
            ignore_public_acls=True,
            restrict_public_buckets=True,
            opts=child,
        ),
        aws.s3.BucketOwnershipControls(
            f"{name}-ownership",
            bucket=bucket.id,
            rule={"object_ownership": "BucketOwnerEnforced"},
            opts=child,
        ),
        aws.s3.BucketServerSideEncryptionConfiguration(
            f"{name}-encryption",
            bucket=bucket.id,
            rules=[{"apply_server_side_encryption_by_default": {"sse_algorithm": "AES256"}}],
            opts=child,
        ),
    ]
    if versioned:
        guards.append(
            aws.s3.BucketVersioning(
                f"{name}-versioning",
                bucket=bucket.id,
                versioning_configuration={"status": "Enabled"},
                opts=child,
            )
        )
    return PrivateBucket(bucket=bucket, guards=guards)
