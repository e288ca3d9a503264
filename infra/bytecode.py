"""Compile the archive's Python files for the Lambda runtime, so no cold start compiles them.

Lambda's /var/task is read-only: Python cannot write `__pycache__` there, so every module shipped
as source only is compiled again at every cold start (about 300 ms for this app).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from functools import cache
from pathlib import Path

# Where Lambda extracts the archive: tracebacks name /var/task/api/chat.py, not a build folder.
TASK_ROOT = "/var/task"
# Runs in the runtime's Python version: compile each [source, name shown, keep source] job.
_COMPILE = """
import importlib.util, json, py_compile, sys
for source, shown, keep in json.load(sys.stdin):
    target = importlib.util.cache_from_source(source) if keep else source + "c"
    py_compile.compile(source, target, shown, doraise=True,
                       invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)
"""


def _runs_as(python: str, version: str) -> bool:
    probe = "import sys; print('%d.%d' % sys.version_info[:2])"
    try:
        result = subprocess.run(  # noqa: S603 - an interpreter found on PATH, fixed code
            [python, "-I", "-c", probe], capture_output=True, text=True, timeout=30, check=False
        )
    except OSError:
        return False
    # A version manager's shim may be on PATH and still refuse to run this version.
    return result.returncode == 0 and result.stdout.strip() == version


@cache
def find_python(version: str) -> str | None:
    """An interpreter of Python `version` (e.g. "3.13"): this one, else `python3.X` on PATH."""
    if f"{sys.version_info.major}.{sys.version_info.minor}" == version:
        return sys.executable
    found = shutil.which(f"python{version}")
    return found if found and _runs_as(found, version) else None


@cache
def warn_no_python(version: str) -> None:
    """Say once per process why the archive ships without bytecode, and how to fix it."""
    print(
        f"twin: no Python {version} found (neither this interpreter nor python{version} on "
        f"PATH), so the Lambda package ships sources without bytecode and every cold start "
        f"compiles them again (about 300 ms more per cold start). Install Python {version} "
        f"and put python{version} on PATH, or run Pulumi with Python {version}.",
        file=sys.stderr,
    )


def compile_entries(
    entries: dict[str, bytes], python: str, keep_sources: tuple[str, ...] = ("api/",)
) -> dict[str, bytes]:
    """Return `entries` with bytecode for every `.py`, byte-for-byte the same for the same input.

    A `x.py` under one of the `keep_sources` prefixes gains `__pycache__/x.cpython-3XY.pyc`
    (tracebacks still show its lines); any other is replaced by a sourceless `x.pyc`. The
    bytecode is hash-based and never checked against a source (`unchecked-hash`), so file dates
    play no part, and it names each file as it sits in /var/task.
    """
    with tempfile.TemporaryDirectory(prefix="twin-bytecode-") as scratch:
        root = Path(scratch)
        jobs = []
        for name in sorted(n for n in entries if n.endswith(".py")):
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_bytes(entries[name])
            jobs.append([str(root / name), f"{TASK_ROOT}/{name}", name.startswith(keep_sources)])
        # One process, one fixed hash seed: sets of strings are marshalled in a stable order.
        # (Not -I: it would ignore PYTHONHASHSEED along with the other PYTHON* variables.)
        env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
        env["PYTHONHASHSEED"] = "0"
        result = subprocess.run(  # noqa: S603 - fixed arguments, no shell
            [python, "-s", "-P", "-c", _COMPILE], input=json.dumps(jobs), capture_output=True,
            text=True, env=env, timeout=600, check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(f"compiling the Lambda package failed:\n{result.stderr[-3000:]}")
        compiled = {
            path.relative_to(root).as_posix(): path.read_bytes()
            for path in sorted(root.rglob("*.pyc"))
        }
    kept = {n: d for n, d in entries.items() if not n.endswith(".py") or n.startswith(keep_sources)}
    return {**kept, **compiled}
