"""Run the Pulumi program under mocks, once per stack and config, and share the result."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
STACKS = ("dev", "test", "prod")
# What a user sets per account with `pulumi config set` (DESIGN 6: required, no default).
ACCOUNT_CONFIG = {
    "twin:githubRepo": "octo-org/twin",
    "twin:oidcProviderArn":
        "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com",
}


class Program:
    """The recorded run: resources and outputs, with helpers for policy-style assertions."""

    def __init__(self, stack: str, data: dict) -> None:
        self.stack = stack
        self.config = data["config"]
        self.resources = data["resources"]
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


def program_for(stack: str, **extra: str) -> Program:
    """The recorded run for a stack (and extra config), computed once per test session."""
    key = (stack, tuple(sorted(extra.items())))
    if key not in _cache:
        result = run_program(stack, extra)
        assert result.returncode == 0, result.stderr[-3000:]
        _cache[key] = Program(stack, json.loads(result.stdout))
    return _cache[key]
