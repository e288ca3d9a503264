"""Find the Lambda runtime's Python on this machine, for the benchmark and the package tests."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from infra.bytecode import find_python


def runtime_python(version: str) -> str | None:
    """`python<version>` as the package builder finds it, else the one pyenv has installed.

    pyenv's shims sit on PATH but run only the versions pyenv was told to use, so the builder's
    PATH lookup can miss an installed interpreter; this asks pyenv for its folder directly.
    """
    found = find_python(version)
    find_python.cache_clear()
    if found or not shutil.which("pyenv"):
        return found
    result = subprocess.run(  # noqa: S603 - fixed arguments, no shell
        ["pyenv", "prefix", version],  # noqa: S607 - pyenv from PATH, as a user runs it
        capture_output=True, text=True, timeout=30, check=False,
    )
    candidate = Path(result.stdout.strip() or "/nonexistent") / "bin" / f"python{version}"
    return str(candidate) if result.returncode == 0 and candidate.is_file() else None


@contextmanager
def first_on_path(python: str) -> Iterator[None]:
    """Put `python`'s folder first on PATH, so the package builder finds it there."""
    saved = os.environ.get("PATH", "")
    os.environ["PATH"] = os.pathsep.join([str(Path(python).parent), saved])
    find_python.cache_clear()
    try:
        yield
    finally:
        os.environ["PATH"] = saved
        find_python.cache_clear()
