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


def run_program(stack: str, extra: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """Run the program for a stack in a fresh interpreter (the runtime keeps global state)."""
    config = {**ACCOUNT_CONFIG, **(extra or {})}
    return subprocess.run(
        [sys.executable, str(HERE / "mock_program.py"), stack, json.dumps(config)],
        capture_output=True, text=True, timeout=300, check=False,
    )


_cache: dict[tuple, Program] = {}
_runs: dict[tuple, Future] = {}
# A few runs at once: each is mostly interpreter start-up and waiting on the mock monitor.
_pool = ThreadPoolExecutor(max_workers=3)


def start(stack: str, **extra: str) -> tuple:
    """Begin a run in the background (once per stack and config); return its key."""
    key = (stack, tuple(sorted(extra.items())))
    if key not in _runs:
        _runs[key] = _pool.submit(run_program, stack, extra)
    return key


def program_for(stack: str, **extra: str) -> Program:
    """The recorded run for a stack (and extra config), computed once per test session."""
    key = start(stack, **extra)
    if key not in _cache:
        result = _runs[key].result()
        assert result.returncode == 0, result.stderr[-3000:]
        _cache[key] = Program(stack, json.loads(result.stdout))
    return _cache[key]
