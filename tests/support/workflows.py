"""The repository's GitHub Actions workflows, where they are and how to read one."""

from __future__ import annotations

import yaml

from tests.support.app import REPO

WORKFLOWS = REPO / ".github" / "workflows"


def load(name: str) -> dict:
    """Parse a workflow; YAML 1.1 reads the key `on` as True, so put it back."""
    workflow = yaml.safe_load((WORKFLOWS / name).read_text())
    if True in workflow:
        workflow["on"] = workflow.pop(True)
    return workflow
