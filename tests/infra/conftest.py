"""The `program` fixture: the program's recorded run for each of the three stack files."""

from __future__ import annotations

import pytest

from tests.infra.stack_runs import STACKS, Program, program_for


@pytest.fixture(params=STACKS)
def program(request: pytest.FixtureRequest) -> Program:
    return program_for(request.param)
