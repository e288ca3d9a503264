"""The repository's GitHub Actions workflows, parsed, and the checkers installed beside Python."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.support.workflows import WORKFLOWS, load

BIN = Path(sys.executable).parent


@pytest.fixture(scope="session")
def workflows() -> dict[str, dict]:
    return {path.name: load(path.name) for path in sorted(WORKFLOWS.glob("*.yml"))}


@pytest.fixture(scope="session")
def tool():
    """The path of a command-line checker installed in this virtualenv."""

    def find(name: str) -> Path:
        path = BIN / name
        assert path.exists(), f"{name} is not installed beside {sys.executable}; run make install"
        return path

    return find
