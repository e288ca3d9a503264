"""Build the Lambda archive: the api package, its dependencies for arm64, the compiled persona.

The rule is "ship `api/` whole and the compiled persona": `api/` holds only what serves requests,
and the owner's tools live in `twin/` (docs/architecture.md, "Layers").
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import tempfile
import tomllib
import zipfile
from pathlib import Path

import pulumi

from api.persona import PersonaError, write_compiled_persona
from infra.bytecode import TASK_ROOT, compile_entries, find_python, warn_no_python
from infra.settings import PROJECT_DIR
from twin.persona.check import require_valid_persona

__all__ = ["PERSONA_FILE", "TASK_ROOT", "build_package"]

PLATFORM = "manylinux2014_aarch64"
PERSONA_FILE = "persona.json"
BUILD_DIR = PROJECT_DIR / "build" / "lambda"
# A fixed timestamp and mode for every entry, so the same sources give the same bytes.
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
SKIPPED = ("__pycache__", ".pyc", "bin/")
# pip's bookkeeping in each .dist-info: nothing installs or uninstalls inside a function. METADATA
# (importlib.metadata reads it) and the licenses stay.
PIP_RECORDS = ("RECORD", "INSTALLER", "REQUESTED", "WHEEL")
# Python files that ship as source beside their bytecode, so tracebacks show their lines: the
# app's own. Dependencies ship bytecode alone (docs/lambda-package.md).
APP_SOURCES = ("api/",)


class PersonaRefused(PersonaError, pulumi.RunError):
    """The persona fails `twin persona check`: Pulumi prints the message, with no traceback."""


def lambda_requirements(pyproject: Path = PROJECT_DIR / "pyproject.toml") -> list[str]:
    """The function's run-time requirements: pyproject's `lambda` dependency group."""
    groups = tomllib.loads(pyproject.read_text(encoding="utf-8"))["dependency-groups"]

    def expand(name: str) -> list[str]:
        items: list[str] = []
        for item in groups[name]:
            items += expand(item["include-group"]) if isinstance(item, dict) else [item]
        return items

    return expand("lambda")


def install_dependencies(requirements: list[str], python_version: str, dest: Path) -> None:
    """Install wheels built for Lambda's arm64 Linux into `dest` (never the local platform's)."""
    subprocess.run(  # noqa: S603 - fixed arguments, no shell
        [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         "--platform", PLATFORM, "--implementation", "cp", "--python-version", python_version,
         "--only-binary=:all:", "--no-compile", "--target", str(dest), *requirements],
        check=True,
    )


def cached_dependencies(requirements: list[str], python_version: str, build_dir: Path) -> Path:
    """Install the requirements once per distinct set, and reuse that folder afterwards."""
    key = hashlib.sha256(
        json.dumps([requirements, PLATFORM, python_version]).encode()
    ).hexdigest()[:16]
    target = build_dir / f"deps-{key}"
    if not target.is_dir():
        build_dir.mkdir(parents=True, exist_ok=True)
        partial = Path(tempfile.mkdtemp(prefix="deps-", dir=build_dir))
        install_dependencies(requirements, python_version, partial)
        partial.rename(target)
    return target


def _files(root: Path, prefix: str = "") -> dict[str, Path]:
    found = {}
    for path in root.rglob("*"):
        relative = prefix + path.relative_to(root).as_posix()
        parent, _, name = relative.rpartition("/")
        if parent.endswith(".dist-info") and name in PIP_RECORDS:
            continue
        if path.is_file() and not any(s in relative for s in SKIPPED):
            found[relative] = path
    return found


def write_zip(entries: dict[str, bytes], dest: Path) -> Path:
    """Write entries sorted, with fixed dates and modes: a byte-identical archive every time."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    partial = dest.with_suffix(".partial")
    with zipfile.ZipFile(partial, "w") as archive:
        for name in sorted(entries):
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, entries[name], compresslevel=9)
    partial.replace(dest)
    return dest


def build_package(
    persona_dir: Path,
    python_version: str = "3.13",
    build_dir: Path = BUILD_DIR,
    *,
    keep_sources: tuple[str, ...] = APP_SOURCES,
) -> Path:
    """Build `<build_dir>/twin-lambda.zip`, with bytecode for `python_version`, and return it."""
    try:
        require_valid_persona(persona_dir)  # a persona `check` fails is never deployed
    except PersonaError as exc:
        raise PersonaRefused(str(exc)) from None  # check's own message, and nothing more
    deps = cached_dependencies(lambda_requirements(), python_version, build_dir)
    sources = {**_files(deps), **_files(PROJECT_DIR / "api", "api/")}
    entries = {name: path.read_bytes() for name, path in sources.items()}
    with tempfile.TemporaryDirectory() as scratch:
        try:  # a file changed since the check
            compiled = write_compiled_persona(persona_dir, Path(scratch) / PERSONA_FILE)
        except PersonaError as exc:
            raise PersonaRefused(str(exc)) from None
        entries[PERSONA_FILE] = compiled.read_bytes()
    python = find_python(python_version)
    if python is None:
        warn_no_python(python_version)
    else:
        entries = compile_entries(entries, python, keep_sources=keep_sources)
    return write_zip(entries, build_dir / "twin-lambda.zip")

