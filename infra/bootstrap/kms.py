"""The KMS key that encrypts Pulumi secrets, found again by its alias."""

from typing import Any

from botocore.exceptions import ClientError

from infra.bootstrap.errors import BootstrapError
from infra.bootstrap.report import Step

KEY_ALIAS = "alias/twin-pulumi-secrets"
TAGS = [
    {"TagKey": "Project", "TagValue": "twin"},
    {"TagKey": "ManagedBy", "TagValue": "twin-bootstrap"},
]


def ensure_secrets_key(kms: Any, alias: str = KEY_ALIAS) -> Step:
    """Create the secrets key and its alias, or find them and check the key is usable."""
    try:
        key = kms.describe_key(KeyId=alias)["KeyMetadata"]
    except ClientError as error:
        if error.response["Error"]["Code"] != "NotFoundException":
            raise
        return _create(kms, alias)
    if key["KeyState"] != "Enabled":
        raise BootstrapError(_unusable(alias, key))
    # Rotation keeps old key material for decryption, so turning it on never breaks state.
    if kms.get_key_rotation_status(KeyId=key["KeyId"])["KeyRotationEnabled"]:
        return Step("secrets key", alias, "found", key["Arn"], arn=key["Arn"])
    kms.enable_key_rotation(KeyId=key["KeyId"])
    detail = f"enabled yearly rotation of {key['Arn']}"
    return Step("secrets key", alias, "updated", detail, arn=key["Arn"])


def _create(kms: Any, alias: str) -> Step:
    key = kms.create_key(
        Description="Encrypts the secrets in Twin's Pulumi stacks",
        KeyUsage="ENCRYPT_DECRYPT",
        KeySpec="SYMMETRIC_DEFAULT",
        Tags=TAGS,
    )["KeyMetadata"]
    kms.enable_key_rotation(KeyId=key["KeyId"])
    kms.create_alias(AliasName=alias, TargetKeyId=key["KeyId"])
    return Step("secrets key", alias, "created", key["Arn"], arn=key["Arn"])


def _unusable(alias: str, key: dict) -> str:
    key_id, state = key["KeyId"], key["KeyState"]
    if state == "PendingDeletion":
        fix = f"cancel the deletion with `aws kms cancel-key-deletion --key-id {key_id}`"
    elif state == "Disabled":
        fix = f"enable it with `aws kms enable-key --key-id {key_id}`"
    else:
        fix = "wait until it is Enabled or fix it in the KMS console"
    return f"The key behind {alias} is {state}, so Pulumi cannot use it; {fix}, then run again."
