"""Stack values that parse: the required per-account keys and the defaults, as strings."""

from __future__ import annotations

GOOD = {
    "githubRepo": "octo-org/twin",
    "oidcProviderArn":
        "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com",
    "throttleBurst": "10", "throttleRate": "5", "memoryRetentionDays": "7",
    "logRetentionDays": "14", "lambdaMemoryMb": "512", "lambdaTimeoutSeconds": "29",
}
