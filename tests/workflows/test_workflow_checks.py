"""The workflows pass GitHub's workflow schema and zizmor's security audits, offline."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.support.workflows import WORKFLOWS

NAMES = ["ci.yml", "deploy.yml", "destroy.yml", "eval.yml"]
# A workflow with the mistakes the audits exist for: a mutable tag, a dangerous trigger,
# and an attacker-controlled expression inside a shell script.
UNSAFE = """\
name: unsafe
on: pull_request_target
jobs:
  x:
    runs-on: ubuntu-24.04
    steps:
      - uses: actions/checkout@v4
      - run: echo "${{ github.event.pull_request.title }}"
"""


def check_schema(tool, paths: list[Path]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows", *paths],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def zizmor_findings(tool, path: Path) -> list[dict]:
    """zizmor's medium and high findings for a workflow file or folder, without the network."""
    result = subprocess.run(
        [tool("zizmor"), "--offline", "--format", "json", "--min-severity", "medium", path],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.stdout.strip(), result.stderr
    return json.loads(result.stdout)


def test_the_four_workflows_exist(workflows):
    assert sorted(workflows) == NAMES


def test_every_workflow_matches_the_github_workflow_schema(tool):
    result = check_schema(tool, [WORKFLOWS / name for name in NAMES])
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_schema_check_rejects_a_broken_workflow(tool, tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text("name: broken\non: push\njobs:\n  x:\n    steps: []\n")  # no runs-on
    assert check_schema(tool, [broken]).returncode != 0


@pytest.mark.parametrize("name", NAMES)
def test_zizmor_finds_nothing_medium_or_worse(tool, name):
    findings = zizmor_findings(tool, WORKFLOWS / name)
    assert [(f["ident"], f["determinations"]["severity"]) for f in findings] == []


def test_zizmor_flags_an_unsafe_workflow(tool, tmp_path):
    unsafe = tmp_path / "unsafe.yml"
    unsafe.write_text(UNSAFE)
    idents = {finding["ident"] for finding in zizmor_findings(tool, unsafe)}
    assert {"unpinned-uses", "template-injection", "dangerous-triggers"} <= idents
