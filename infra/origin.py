"""The shared secret that proves a request to the API came through this stack's CloudFront."""

from __future__ import annotations

import pulumi
import pulumi_random as random

from infra.settings import Settings


def origin_secret(settings: Settings) -> pulumi.Output[str]:
    """twin:originSecret when set, else a generated value kept (encrypted) in the stack's state.

    Rotate by setting twin:originSecret, or generate a new one with
    `pulumi up --replace <urn of the twin-<stack>-origin-secret resource>`.
    """
    # Letters and digits only: the value travels as an HTTP header.
    generated = random.RandomPassword(f"{settings.prefix}-origin-secret", length=48,
                                      special=False)
    configured = settings.origin_secret or ""
    chosen = pulumi.Output.all(configured, generated.result).apply(lambda v: v[0] or v[1])
    return pulumi.Output.secret(chosen)
