"""The settings a Pulumi state bucket must have; each check changes only what differs."""

import json
from collections.abc import Callable
from typing import Any

from botocore.exceptions import ClientError

# Every `pulumi up` writes a new state version; old ones are only needed to recover
# from a bad update, so they are kept for a quarter and then expire.
OLD_STATE_VERSION_DAYS = 90
LIFECYCLE_RULE_ID = "expire-old-state-versions"
TLS_STATEMENT_ID = "DenyInsecureTransport"
PUBLIC_ACCESS_BLOCK = {
    "BlockPublicAcls": True,
    "IgnorePublicAcls": True,
    "BlockPublicPolicy": True,
    "RestrictPublicBuckets": True,
}


def _read(call: Callable[..., dict], missing: str, **kwargs: Any) -> dict | None:
    """Return a bucket setting, or None when the bucket has none."""
    try:
        return call(**kwargs)
    except ClientError as error:
        if error.response["Error"]["Code"] == missing:
            return None
        raise


def _versioning(s3: Any, name: str) -> bool:
    if s3.get_bucket_versioning(Bucket=name).get("Status") == "Enabled":
        return False
    s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    return True


def _encryption(s3: Any, name: str) -> bool:
    current = _read(
        s3.get_bucket_encryption, "ServerSideEncryptionConfigurationNotFoundError", Bucket=name
    )
    rules = (current or {}).get("ServerSideEncryptionConfiguration", {}).get("Rules", [])
    if any(rule.get("ApplyServerSideEncryptionByDefault") for rule in rules):
        return False  # keep an owner's own choice, such as SSE-KMS
    default = {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}
    s3.put_bucket_encryption(Bucket=name, ServerSideEncryptionConfiguration={"Rules": [default]})
    return True


def _public_access_block(s3: Any, name: str) -> bool:
    current = _read(s3.get_public_access_block, "NoSuchPublicAccessBlockConfiguration", Bucket=name)
    if current and current["PublicAccessBlockConfiguration"] == PUBLIC_ACCESS_BLOCK:
        return False
    s3.put_public_access_block(Bucket=name, PublicAccessBlockConfiguration=PUBLIC_ACCESS_BLOCK)
    return True


def _ownership(s3: Any, name: str) -> bool:
    current = _read(s3.get_bucket_ownership_controls, "OwnershipControlsNotFoundError", Bucket=name)
    rules = (current or {}).get("OwnershipControls", {}).get("Rules", [])
    if [rule.get("ObjectOwnership") for rule in rules] == ["BucketOwnerEnforced"]:
        return False
    s3.put_bucket_ownership_controls(
        Bucket=name, OwnershipControls={"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}
    )
    return True


def tls_only_statement(name: str) -> dict:
    """Return the policy statement that refuses any request not made over TLS."""
    return {
        "Sid": TLS_STATEMENT_ID,
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [f"arn:aws:s3:::{name}", f"arn:aws:s3:::{name}/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }


def _tls_policy(s3: Any, name: str) -> bool:
    current = _read(s3.get_bucket_policy, "NoSuchBucketPolicy", Bucket=name)
    policy = json.loads(current["Policy"]) if current else {"Version": "2012-10-17"}
    statements = policy.get("Statement", [])
    statements = [statements] if isinstance(statements, dict) else statements
    if tls_only_statement(name) in statements:
        return False
    # Keep whatever else the owner put in the policy; replace only our statement.
    others = [s for s in statements if s.get("Sid") != TLS_STATEMENT_ID]
    policy["Statement"] = [*others, tls_only_statement(name)]
    s3.put_bucket_policy(Bucket=name, Policy=json.dumps(policy))
    return True


def lifecycle_rule() -> dict:
    """Return the rule that expires old state versions and abandoned uploads."""
    return {
        "ID": LIFECYCLE_RULE_ID,
        "Status": "Enabled",
        "Filter": {"Prefix": ""},
        "NoncurrentVersionExpiration": {"NoncurrentDays": OLD_STATE_VERSION_DAYS},
        "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7},
    }


def _lifecycle(s3: Any, name: str) -> bool:
    current = _read(
        s3.get_bucket_lifecycle_configuration, "NoSuchLifecycleConfiguration", Bucket=name
    )
    rules = (current or {}).get("Rules", [])
    ours = next((rule for rule in rules if rule.get("ID") == LIFECYCLE_RULE_ID), None)
    wanted = lifecycle_rule()
    if ours and all(ours.get(key) == wanted[key] for key in wanted if key != "Filter"):
        return False
    others = [rule for rule in rules if rule.get("ID") != LIFECYCLE_RULE_ID]
    s3.put_bucket_lifecycle_configuration(
        Bucket=name, LifecycleConfiguration={"Rules": [*others, wanted]}
    )
    return True


BUCKET_SETTINGS: list[tuple[str, Callable[[Any, str], bool]]] = [
    ("versioning", _versioning),
    ("encryption", _encryption),
    ("public access block", _public_access_block),
    ("bucket-owner-enforced ownership", _ownership),
    ("TLS-only policy", _tls_policy),
    ("lifecycle rule", _lifecycle),
]
