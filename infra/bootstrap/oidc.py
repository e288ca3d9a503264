"""The account's one GitHub Actions OIDC provider, which every stack's deploy role trusts."""

from typing import Any

from infra.bootstrap.report import Step

GITHUB_OIDC_URL = "https://token.actions.githubusercontent.com"
AUDIENCE = "sts.amazonaws.com"
TAGS = [{"Key": "Project", "Value": "twin"}, {"Key": "ManagedBy", "Value": "twin-bootstrap"}]


def find_github_provider(iam: Any) -> str | None:
    """Return the ARN of the account's GitHub OIDC provider, if there is one."""
    suffix = ":oidc-provider/" + GITHUB_OIDC_URL.removeprefix("https://")
    providers = iam.list_open_id_connect_providers()["OpenIDConnectProviderList"]
    return next((p["Arn"] for p in providers if p["Arn"].endswith(suffix)), None)


def ensure_github_provider(iam: Any) -> Step:
    """Create GitHub's OIDC provider, or find it and make sure it accepts STS's audience."""
    arn = find_github_provider(iam)
    if arn is None:
        # No ThumbprintList: it is optional, IAM retrieves one itself and checks the
        # issuer's certificate against its library of trusted certificate authorities.
        arn = iam.create_open_id_connect_provider(
            Url=GITHUB_OIDC_URL, ClientIDList=[AUDIENCE], Tags=TAGS
        )["OpenIDConnectProviderArn"]
        return Step("GitHub OIDC provider", arn, "created", arn=arn)
    provider = iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)
    if AUDIENCE in provider.get("ClientIDList", []):
        return Step("GitHub OIDC provider", arn, "found", arn=arn)
    # Another tool made the provider for a different audience; add ours beside it.
    iam.add_client_id_to_open_id_connect_provider(OpenIDConnectProviderArn=arn, ClientID=AUDIENCE)
    return Step("GitHub OIDC provider", arn, "updated", f"added the audience {AUDIENCE}", arn=arn)
