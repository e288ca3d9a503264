"""The Pulumi CLI as the owner's commands use it: a stack's outputs and config."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]
TIMEOUT_SECONDS = 120


class StackError(Exception):
    """The Pulumi CLI is missing or could not answer; the message says what to do."""


def run_pulumi(stack: str, args: list[str], what: str, instead: str) -> str:
    """What `pulumi <args> --stack <stack>` prints; `what` and `instead` word its errors."""
    command = ["pulumi", *args, "--stack", stack]
    try:
        result = subprocess.run(  # noqa: S603 - fixed program, the stack name is one argument
            command, cwd=PROJECT_DIR, capture_output=True, text=True, timeout=TIMEOUT_SECONDS,
            check=False,
        )
    except FileNotFoundError:
        raise StackError(f"the pulumi CLI is not installed here; {instead}") from None
    except subprocess.TimeoutExpired:
        raise StackError(f"pulumi did not answer within {TIMEOUT_SECONDS} s for stack "
                         f"{stack!r}") from None
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    if result.returncode != 0:
        why = lines[-1].strip() if lines else f"exit status {result.returncode}"
        raise StackError(f"pulumi could not read {what} of stack {stack!r}: {why}")
    return result.stdout


def _json_object(text: str, what: str) -> dict:
    try:
        found = json.loads(text)
    except ValueError:
        found = None
    if not isinstance(found, dict):
        raise StackError(f"pulumi printed no JSON object for {what}")
    return found


def outputs(stack: str) -> dict:
    """The stack's outputs (siteUrl, apiEndpoint, embedOrigins, ...)."""
    text = run_pulumi(stack, ["stack", "output", "--json"], "the outputs",
                      "give the addresses with --url instead")
    return _json_object(text, "the outputs")


def config(stack: str, instead: str = "give --region and --model-id instead") -> dict[str, str]:
    """The stack's config values as strings (`aws:region`, `twin:modelId`, ...), no secrets;
    `instead` says what to do when the Pulumi CLI cannot answer."""
    text = run_pulumi(stack, ["config", "--json"], "the config", instead)
    return {key: str(entry.get("value", "")) for key, entry in _json_object(text, "config").items()
            if isinstance(entry, dict) and not entry.get("secret")}
