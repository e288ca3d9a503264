"""Run the Pulumi program under mocks, once per stack and config, and share the result."""

from __future__ import annotations

import json
import subprocess
import sys
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
# How Pulumi marks a secret value when it serialises resource inputs.
SECRET_SIG = ("4dabf18193072939515e22adb298388d", "1b47061264138c4ac30d75fd1eb44270")
STACKS = ("dev", "test", "prod")
ACCOUNT = "123456789012"  # the AWS account the mocks answer with
# What a user sets per account with `pulumi config set` (required settings, no default).
ACCOUNT_CONFIG = {
    "twin:githubRepo": "octo-org/twin",
    "twin:oidcProviderArn":
        f"arn:aws:iam::{ACCOUNT}:oidc-provider/token.actions.githubusercontent.com",
}


def reveal(value: object, found: list[bool]) -> object:
    """The value with Pulumi's secret wrappers removed; `found` records that there were some."""
    if isinstance(value, dict):
        if value.get(SECRET_SIG[0]) == SECRET_SIG[1]:
            found.append(True)
            return reveal(value["value"], found)
        return {k: reveal(v, found) for k, v in value.items()}
    if isinstance(value, list):
        return [reveal(v, found) for v in value]
    return value


# The owner's email with non-default thresholds and the smallest WAF limit (a dev stack).
OWNER_EMAIL = {"twin:alarmEmail": "owner@example.com", "twin:alarmLatencyMs": "4000",
               "twin:alarmModelErrors": "1", "twin:wafRateLimit": "10"}
# Every optional feature on at once: the run the deploy-permission and tagging tests check.
ALL_FEATURES = {
    "twin:originSecret": "rotated-by-the-owner-0123456789",
    "twin:alarmEmail": "owner@example.com", "twin:wafRateLimit": "1000",
    "twin:monthlyBudgetUsd": "25", "twin:snapStart": "true",
    "twin:domain": "twin.example.com", "twin:hostedZone": "example.com",
    "twin:allowedOrigins": "https://www.example.com", "twin:stateBucket": "acme-pulumi-state",
    "twin:secretsKeyArn":
        "arn:aws:kms:us-east-1:123456789012:key/0a1b2c3d-0000-4000-8000-0123456789ab",
}


# The longest names the headroom tests try: 40 characters each for the stack, the state bucket
# and the custom domain (its zone is the last two labels).
LONG_STACK = "customer-facing-production-eu-west-1-xyz"
LONG_NAMES = {
    "twin:stateBucket": "acme-corporation-pulumi-state-eu-west-1a",
    "twin:domain": "digital-twin.careers.ada-marlowe-dev.com",
    "twin:hostedZone": "ada-marlowe-dev.com",
}


# The deploy role's managed policies, named <prefix>-deploy-<area>, in the program's order.
AREA_ORDER = ("storage", "delivery", "runtime", "monitoring")


class Program:
    """The recorded run: resources and outputs, with helpers for policy-style assertions."""

    def __init__(self, stack: str, data: dict) -> None:
        self.stack = stack
        self.config = data["config"]
        self.resources = data["resources"]
        # Which (resource name, input) pairs Pulumi keeps as secrets; the tests see plain values.
        self.secret_inputs: set[tuple[str, str]] = set()
        for resource in self.resources:
            for key, value in resource["state"].items():
                found: list[bool] = []
                resource["state"][key] = reveal(value, found)
                if found:
                    self.secret_inputs.add((resource["name"], key))
        self.outputs = data["outputs"]
        self.invokes = data["invokes"]
        self.argument_problems = data["argumentProblems"]
        self.checked_classes = data["checkedClasses"]

    def of_type(self, typ: str) -> list[dict]:
        return [r for r in self.resources if r["type"] == typ]

    def one(self, typ: str, name_suffix: str = "") -> dict:
        found = [r for r in self.of_type(typ) if r["name"].endswith(name_suffix)]
        assert len(found) == 1, f"expected one {typ} named *{name_suffix}, found {len(found)}"
        return found[0]

    def by_urn(self, urn: str) -> dict:
        return next(r for r in self.resources if r["urn"] == urn)

    def role_policies(self, role_suffix: str) -> tuple[list[dict], list[dict]]:
        """A role's inline policies and the managed policies attached to it."""
        role = self.one("aws:iam/role:Role", role_suffix)["state"]
        inline = [r for r in self.of_type("aws:iam/rolePolicy:RolePolicy")
                  if r["state"]["role"] == role["name"]]
        attached = {r["state"]["policyArn"]
                    for r in self.of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
                    if r["state"]["role"] == role["name"]}
        # In the program's order (storage, delivery, runtime, monitoring), as the Deny names them.
        managed = [r for r in self.of_type("aws:iam/policy:Policy")
                   if r["state"]["arn"] in attached]
        managed.sort(key=lambda r: AREA_ORDER.index(r["name"].rsplit("-", 1)[-1]))
        assert len(managed) == len(attached), "an attached policy the program did not create"
        return inline, managed

    def deploy_policy(self) -> str:
        """Every statement the deploy role holds, inline and attached, as one policy document."""
        inline, managed = self.role_policies("-deploy")
        found = [s for r in inline + managed for s in json.loads(r["state"]["policy"])["Statement"]]
        return json.dumps({"Version": "2012-10-17", "Statement": found})


def run_program(stack: str, extra: dict[str, str] | None = None,
                stack_file: str | None = None) -> subprocess.CompletedProcess:
    """Run the program for a stack in a fresh interpreter (the runtime keeps global state)."""
    config = {**ACCOUNT_CONFIG, **(extra or {})}
    return subprocess.run(
        [sys.executable, str(HERE / "mock_program.py"), stack, json.dumps(config),
         *([stack_file] if stack_file else [])],
        capture_output=True, text=True, timeout=300, check=False,
    )


_cache: dict[tuple, Program] = {}
_runs: dict[tuple, Future] = {}
# A few runs at once: each is mostly interpreter start-up and waiting on the mock monitor.
_pool = ThreadPoolExecutor(max_workers=3)


def start(stack: str, stack_file: str | None = None, **extra: str) -> tuple:
    """Begin a run in the background (once per stack and config); return its key."""
    key = (stack, stack_file, tuple(sorted(extra.items())))
    if key not in _runs:
        _runs[key] = _pool.submit(run_program, stack, extra, stack_file)
    return key


def program_for(stack: str, stack_file: str | None = None, **extra: str) -> Program:
    """The recorded run for a stack (and extra config), computed once per test session.

    `stack_file` names the Pulumi.<file>.yaml a stack of another name (a long one) reads.
    """
    key = start(stack, stack_file, **extra)
    if key not in _cache:
        result = _runs[key].result()
        assert result.returncode == 0, result.stderr[-3000:]
        _cache[key] = Program(stack, json.loads(result.stdout))
    return _cache[key]
