"""The conversations bucket: private, versioned, and emptied by a lifecycle rule."""

from __future__ import annotations

import pulumi_aws as aws

from infra.buckets import PrivateBucket, private_bucket
from infra.settings import Settings

# Old versions (left by every update of a conversation) go soon after they are replaced.
NONCURRENT_VERSION_DAYS = 1


def memory_bucket(settings: Settings) -> PrivateBucket:
    """Create the bucket the function keeps conversations in, with the stack's retention."""
    memory = private_bucket(
        f"{settings.prefix}-memory",
        settings,
        versioned=True,
        # Protected data must survive `pulumi destroy`; unprotected stacks are disposable.
        force_destroy=not settings.protect_data,
        protect=settings.protect_data,
    )
    lifecycle = aws.s3.BucketLifecycleConfiguration(
        f"{settings.prefix}-memory-lifecycle",
        bucket=memory.bucket.id,
        rules=[
            {
                "id": "expire-conversations",
                "status": "Enabled",
                "filter": {"prefix": ""},
                "expiration": {"days": settings.memory_retention_days},
                "noncurrent_version_expiration": {"noncurrent_days": NONCURRENT_VERSION_DAYS},
                "abort_incomplete_multipart_upload": {"days_after_initiation": 1},
            },
            {
                "id": "remove-expired-delete-markers",
                "status": "Enabled",
                "filter": {"prefix": ""},
                "expiration": {"expired_object_delete_marker": True},
            },
        ],
        opts=memory.child_options(depends_on=memory.guards),
    )
    memory.guards.append(lifecycle)
    memory.set_policy(f"{settings.prefix}-memory-policy")
    return memory
