"""Small builders for IAM policy documents, so every policy reads the same way."""

from __future__ import annotations

import json
from typing import Any

import pulumi

Statement = dict[str, Any]


def document(*statements: Statement) -> pulumi.Output[str]:
    """A policy document as JSON, resolving any Outputs inside the statements."""
    return pulumi.Output.json_dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(
    sid: str, actions: list[str], resources: list[Any], condition: dict | None = None
) -> Statement:
    """An Allow statement for named actions on named resources."""
    statement: Statement = {
        "Sid": sid,
        "Effect": "Allow",
        "Action": sorted(actions),
        "Resource": resources,
    }
    if condition:
        statement["Condition"] = condition
    return statement


def deny_insecure_transport(bucket_arn: pulumi.Input[str]) -> Statement:
    """Refuse any request to the bucket or its objects that does not use TLS."""
    return {
        "Sid": "DenyInsecureTransport",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [bucket_arn, pulumi.Output.concat(bucket_arn, "/*")],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }


def assume_role(principal: dict[str, Any], action: str, condition: dict | None = None) -> str:
    """A trust policy letting one principal assume a role."""
    statement: Statement = {"Effect": "Allow", "Principal": principal, "Action": action}
    if condition:
        statement["Condition"] = condition
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})
