"""The S3 bucket that holds Pulumi state: private, versioned, encrypted and TLS-only."""

from typing import Any

from botocore.exceptions import ClientError

from infra.bootstrap.bucket_settings import BUCKET_SETTINGS
from infra.bootstrap.errors import BootstrapError
from infra.bootstrap.report import Step

TAGS = [{"Key": "Project", "Value": "twin"}, {"Key": "ManagedBy", "Value": "twin-bootstrap"}]


def state_bucket_name(account_id: str, region: str) -> str:
    """Return the bucket name, the same on every run for one account and region."""
    return f"twin-pulumi-state-{account_id}-{region}"


def ensure_state_bucket(s3: Any, name: str, region: str) -> Step:
    """Create the state bucket or find it, and bring its settings to what state needs."""
    created = _create_if_missing(s3, name, region)
    changed = [label for label, ensure in BUCKET_SETTINGS if ensure(s3, name)]
    if created:
        return Step("state bucket", name, "created", "versioned, encrypted, private, TLS-only")
    if changed:
        return Step("state bucket", name, "updated", "set " + ", ".join(changed))
    return Step("state bucket", name, "found")


def _create_if_missing(s3: Any, name: str, region: str) -> bool:
    # Listing our own buckets tells "ours" from "someone else's" in every region;
    # CreateBucket alone cannot, since us-east-1 answers 200 for a bucket we own.
    pages = s3.get_paginator("list_buckets").paginate(Prefix=name)
    if any(bucket["Name"] == name for page in pages for bucket in page.get("Buckets", [])):
        return False
    request: dict[str, Any] = {"Bucket": name, "ObjectOwnership": "BucketOwnerEnforced"}
    if region != "us-east-1":
        request["CreateBucketConfiguration"] = {"LocationConstraint": region}
    try:
        s3.create_bucket(**request)
    except ClientError as error:
        code = error.response["Error"]["Code"]
        if code == "BucketAlreadyOwnedByYou":
            return False
        if code == "BucketAlreadyExists":
            raise BootstrapError(
                f"The bucket name {name} is taken by another AWS account; "
                "choose a free name with --state-bucket and run the bootstrap again."
            ) from error
        raise
    s3.get_waiter("bucket_exists").wait(Bucket=name)
    s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": TAGS})
    return True
