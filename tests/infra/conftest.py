"""The `program` fixture: the program's recorded run for each of the three stack files."""

from __future__ import annotations

import pytest

from tests.support.infra.stack_runs import (
    ALL_FEATURES,
    LONG_NAMES,
    LONG_STACK,
    OWNER_EMAIL,
    STACKS,
    Program,
    program_for,
    start,
)


@pytest.fixture(scope="session", autouse=True)
def _start_shared_runs() -> None:
    """Start the runs most test files share, side by side, before the first test needs one."""
    for stack in STACKS:
        start(stack)
    start("prod", **ALL_FEATURES)
    start("dev", **OWNER_EMAIL)
    start(LONG_STACK, "prod", **{**ALL_FEATURES, **LONG_NAMES})


@pytest.fixture(params=STACKS)
def program(request: pytest.FixtureRequest) -> Program:
    return program_for(request.param)
