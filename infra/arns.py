"""ARNs in the stack's own partition, account and region."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from infra.settings import Settings


@dataclass(frozen=True)
class Arns:
    """Builds ARNs in the stack's partition, account and region."""

    partition: pulumi.Output[str]
    account: pulumi.Output[str]
    region: str

    @classmethod
    def current(cls, settings: Settings) -> Arns:
        return cls(
            aws.get_partition_output().partition,
            aws.get_caller_identity_output().account_id,
            settings.region,
        )

    def arn(self, service: str, resource: str, *, region: str | None = None,
            account: bool = True) -> pulumi.Output[str]:
        """`arn:<partition>:<service>:<region>:<account>:<resource>`."""
        return pulumi.Output.format(
            "arn:{0}:{1}:{2}:{3}:{4}", self.partition, service,
            "" if region is None else region, self.account if account else "", resource,
        )
