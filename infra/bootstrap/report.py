"""What the bootstrap did, and the exact commands a person runs next."""

from dataclasses import dataclass

STACKS = ("dev", "test", "prod")
PROJECT = "twin"


@dataclass(frozen=True)
class Step:
    """One account-wide resource the bootstrap ensured, and what happened to it."""

    what: str
    name: str
    status: str  # "created", "updated" or "found"
    detail: str = ""
    arn: str = ""


@dataclass(frozen=True)
class AccountSetup:
    """The values every stack of this account needs."""

    account_id: str
    region: str
    state_bucket: str
    key_alias: str
    key_arn: str
    oidc_provider_arn: str
    github_repo: str

    @property
    def backend_url(self) -> str:
        """The Pulumi login URL of the state bucket."""
        return f"s3://{self.state_bucket}?region={self.region}"

    @property
    def secrets_provider(self) -> str:
        """The Pulumi secrets provider URL of the KMS key."""
        return f"awskms://{self.key_alias}?region={self.region}"

    @property
    def model_id(self) -> str | None:
        """Nova Micro's inference profile for the region, when its prefix is known."""
        prefixes = {"us-": "us", "eu-": "eu", "ap-": "apac"}
        prefix = next((p for start, p in prefixes.items() if self.region.startswith(start)), None)
        return f"{prefix}.amazon.nova-micro-v1:0" if prefix else None


def format_step(step: Step) -> str:
    """Return one aligned line for a step."""
    line = f"  {step.status:<8} {step.what:<21} {step.name}"
    return f"{line}\n  {'':<8} {'':<21} ({step.detail})" if step.detail else line


def format_outcome(steps: list[Step]) -> str:
    """Say plainly whether this run changed anything."""
    if all(step.status == "found" for step in steps):
        return "Nothing changed: everything was already in place."
    changed = sum(step.status != "found" for step in steps)
    return f"{changed} of {len(steps)} resources were created or updated."


def next_steps(setup: AccountSetup) -> str:
    """Return the commands that take the account from bootstrapped to deployed."""
    repo = setup.github_repo
    stack = f"organization/{PROJECT}/$stack"
    model = (
        f'     pulumi config set --stack "{stack}" twin:modelId {setup.model_id}'
        if setup.model_id
        else f"     # set twin:modelId to a Bedrock inference profile offered in {setup.region}"
    )
    lines = [
        "Next steps (run them from the project folder):",
        "",
        "1. Use the state bucket as the Pulumi backend:",
        f"   pulumi login '{setup.backend_url}'",
        "",
        "2. Create the stacks with the secrets key and point them at this account:",
        f"   for stack in {' '.join(STACKS)}; do",
        f"     pulumi stack init \"{stack}\" --secrets-provider '{setup.secrets_provider}'",
        f'     pulumi config set --stack "{stack}" aws:region {setup.region}',
        f'     pulumi config set --stack "{stack}" twin:githubRepo {repo}',
        f'     pulumi config set --stack "{stack}" twin:oidcProviderArn {setup.oidc_provider_arn}',
        f'     pulumi config set --stack "{stack}" twin:stateBucket {setup.state_bucket}',
        f'     pulumi config set --stack "{stack}" twin:secretsKeyArn {setup.key_arn}',
        model,
        "   done",
        "   Commit the Pulumi.<stack>.yaml files: they name the key, they hold no secret.",
        "",
        "3. Deploy dev once from this machine (test and prod the same way, when you want",
        "   them); a stack's first `pulumi up` creates the role GitHub Actions deploys with:",
        f"   pulumi up --stack organization/{PROJECT}/dev",
        "",
        "4. Create the GitHub environments and their variables:",
        f"   for stack in {' '.join(STACKS)}; do",
        f'     gh api --method PUT "repos/{repo}/environments/$stack"',
        f'     gh variable set AWS_REGION --env "$stack" --body {setup.region} --repo {repo}',
        f'     gh variable set PULUMI_BACKEND_URL --env "$stack" '
        f"--body '{setup.backend_url}' --repo {repo}",
        "   done",
        "",
        "5. After a stack's first `pulumi up`, give its environment the deploy role:",
        "   stack=dev",
        f'   gh variable set AWS_DEPLOY_ROLE_ARN --env "$stack" --repo {repo} \\',
        f'     --body "$(pulumi stack output --stack "{stack}" deployRoleArn)"',
    ]
    return "\n".join(lines)
