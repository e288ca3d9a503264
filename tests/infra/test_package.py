"""The Lambda package: the real build (needs a package registry), twice, then run from the zip."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import infra.package
from bench.interpreters import first_on_path, runtime_python
from infra.bytecode import find_python, warn_no_python
from infra.package import PERSONA_FILE, build_package, lambda_requirements
from infra.settings import PROJECT_DIR
from tests.support.app import copy_example_persona

pytestmark = pytest.mark.network

# The interpreter running the tests when it is a Lambda runtime's version (the deploy workflow
# runs them on the stack's), else Python 3.13, the default runtime, found on this machine.
CURRENT = f"{sys.version_info.major}.{sys.version_info.minor}"
RUNTIME = CURRENT if sys.version_info >= (3, 12) else "3.13"

# Runs with -I -S -B: no site-packages, no repo on the path, no bytecode written; only the
# stdlib and the archive, as on Lambda, where /var/task is read-only.
HEALTH_CHECK = """
import json, sys
sys.path.insert(0, sys.argv[1])
from api.lambda_handler import handler
event = json.loads(sys.argv[2])
response = handler(event, None)
print(json.dumps({"response": response, "pypdf_loaded": "pypdf" in sys.modules,
                  "flask_from": sys.modules["flask"].__file__}))
"""
HEADER = """
import importlib.util, sys
print(importlib.util.MAGIC_NUMBER.hex())
"""


@pytest.fixture(scope="module")
def python() -> str:
    """The runtime's Python, which the builder must find on PATH to compile the package."""
    found = runtime_python(RUNTIME)
    if found is None:
        message = f"Python {RUNTIME} not found: install it to build the Lambda package's bytecode"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return found


@pytest.fixture(scope="module")
def persona(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The module's own copy of the example persona."""
    return copy_example_persona(tmp_path_factory.mktemp("persona") / "example")


@pytest.fixture(scope="module")
def builds(
    tmp_path_factory: pytest.TempPathFactory, python: str, persona: Path
) -> tuple[bytes, bytes, Path]:
    build_dir = tmp_path_factory.mktemp("lambda-build")
    with first_on_path(python):
        first = build_package(persona, RUNTIME, build_dir).read_bytes()
        zip_path = build_package(persona, RUNTIME, build_dir)
    return first, zip_path.read_bytes(), zip_path


def test_the_same_sources_give_a_byte_identical_zip(builds: tuple[bytes, bytes, Path]) -> None:
    first, second, _ = builds
    assert first == second


def test_the_zip_holds_the_app_its_dependencies_and_the_compiled_persona(
    builds: tuple[bytes, bytes, Path],
) -> None:
    names = zipfile.ZipFile(builds[2]).namelist()
    assert "api/lambda_handler.py" in names and PERSONA_FILE in names
    assert any(n.startswith("flask/") for n in names)
    assert any(n.startswith("awsgi/") for n in names)
    assert not any(n.startswith("api/persona/") for n in names)
    assert not any(n.startswith("bin/") for n in names)
    assert not any(n.startswith(("pypdf/", "boto3/")) for n in names)
    # Each dependency keeps its METADATA and licenses, not pip's install records.
    info = {n.rpartition("/")[2] for n in names if ".dist-info/" in n}
    assert "METADATA" in info and not info & {"RECORD", "INSTALLER", "REQUESTED", "WHEEL"}
    assert any(".dist-info/licenses/" in n or n.endswith(".dist-info/LICENSE.txt") for n in names)
    assert lambda_requirements() == ["flask==3.1.3", "aws-wsgi==0.2.7"]


def test_every_module_carries_bytecode_for_the_runtime(builds, python: str) -> None:
    archive = zipfile.ZipFile(builds[2])
    names = set(archive.namelist())
    tag = "cpython-" + RUNTIME.replace(".", "")
    app = [n for n in names if n.startswith("api/") and n.endswith(".py")]
    # The app keeps its sources (tracebacks show its lines) beside cached bytecode...
    assert app and all(
        f"{n.rpartition('/')[0]}/__pycache__/{n.rpartition('/')[2][:-3]}.{tag}.pyc" in names
        for n in app
    )
    # ...and its dependencies ship bytecode alone.
    assert "flask/app.pyc" in names and "werkzeug/routing/map.pyc" in names
    assert [n for n in names if n.endswith(".py") and not n.startswith("api/")] == []
    assert [n for n in names if "__pycache__" in n and not n.startswith("api/")] == []
    magic = subprocess.run(
        [python, "-I", "-c", HEADER], capture_output=True, text=True, check=True, timeout=60
    ).stdout.strip()
    for name in (n for n in names if n.endswith(".pyc")):
        header = archive.read(name)[:8]
        # The runtime's magic number, then flags 0b01: hash-based, never checked against a source.
        assert header[:4].hex() == magic, name
        assert int.from_bytes(header[4:8], "little") == 0b01, name


def test_a_fresh_runtime_interpreter_answers_health_from_the_bytecode(
    builds: tuple[bytes, bytes, Path], tmp_path: Path, python: str
) -> None:
    extracted = tmp_path / "task"
    zipfile.ZipFile(builds[2]).extractall(extracted)
    # A source the interpreter would compile could not run: only the bytecode can answer.
    handler_source = extracted / "api" / "lambda_handler.py"
    handler_source.write_text("raise RuntimeError('compiled from source')\n")
    event = json.loads((PROJECT_DIR / "tests" / "events" / "health.json").read_text())
    result = subprocess.run(
        [python, "-I", "-S", "-B", "-c", HEALTH_CHECK, str(extracted), json.dumps(event)],
        capture_output=True, text=True, cwd=tmp_path, timeout=120, check=False,
        env={"TWIN_PERSONA": str(extracted / PERSONA_FILE),
             "TWIN_MEMORY_DIR": str(tmp_path / "memory")},
    )
    assert result.returncode == 0, result.stderr[-3000:]
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    response = answer["response"]
    assert response["statusCode"] == 200
    assert json.loads(response["body"]) == {"status": "ok", "model": "offline", "memory": "file"}
    assert answer["flask_from"] == str(extracted / "flask" / "__init__.pyc")
    assert answer["pypdf_loaded"] is False


def test_without_the_runtime_python_it_says_so_once_and_ships_sources(
    builds: tuple[bytes, bytes, Path], persona: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    monkeypatch.setattr(infra.package, "find_python", lambda _version: None)
    warn_no_python.cache_clear()
    build_dir = builds[2].parent  # reuses the dependencies installed above
    build_package(persona, RUNTIME, build_dir)
    names = zipfile.ZipFile(build_package(persona, RUNTIME, build_dir)).namelist()
    warning = capsys.readouterr().err
    warn_no_python.cache_clear()
    assert warning.count(f"no Python {RUNTIME} found") == 1
    assert "every cold start compiles them again" in warning  # what it costs
    assert f"put python{RUNTIME} on PATH" in warning  # how to fix it
    assert "flask/app.py" in names and not any(n.endswith(".pyc") for n in names)


def test_find_python_runs_the_candidate_it_finds(tmp_path: Path, monkeypatch) -> None:
    # A version manager's shim that refuses to run is not an interpreter.
    shim = tmp_path / "python3.99"
    shim.write_text("#!/bin/sh\necho 'python3.99: command not found' >&2\nexit 127\n")
    shim.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    find_python.cache_clear()
    assert find_python("3.99") is None
    shim.write_text("#!/bin/sh\necho 3.99\n")
    find_python.cache_clear()
    assert find_python("3.99") == str(shim)
    find_python.cache_clear()


# Two requests through the handler from the archive: an unknown question (the tool path records
# it in the inbox) and the contact form, with nothing but the stdlib and the archive.
REQUESTS = """
import json, sys
sys.path.insert(0, sys.argv[1])
from api.lambda_handler import handler
statuses = [handler(json.loads(event), None)["statusCode"] for event in sys.argv[2:]]
print(json.dumps({"statuses": statuses, "api": sorted(m for m in sys.modules if "api" in m)}))
"""


def test_the_archive_is_api_whole_and_the_request_path_runs_from_it(
    builds: tuple[bytes, bytes, Path], tmp_path: Path, python: str
) -> None:
    names = set(zipfile.ZipFile(builds[2]).namelist())
    sources = {p.relative_to(PROJECT_DIR).as_posix() for p in (PROJECT_DIR / "api").rglob("*.py")}
    assert sources <= names  # every runtime module, and nothing of the owner's tools
    assert not {n for n in names if n.startswith(("twin/", "infra/", "bench/", "personas/"))}
    extracted = tmp_path / "task"
    zipfile.ZipFile(builds[2]).extractall(extracted)
    events = PROJECT_DIR / "tests" / "events"
    chat = json.loads((events / "chat.json").read_text())
    chat["body"] = json.dumps({"message": "Do you keep bees?"})
    contact = (events / "contact.json").read_text()
    result = subprocess.run(
        [python, "-I", "-S", "-B", "-c", REQUESTS, str(extracted), json.dumps(chat), contact],
        capture_output=True, text=True, cwd=tmp_path, timeout=120, check=False,
        env={"TWIN_PERSONA": str(extracted / PERSONA_FILE),
             "TWIN_MEMORY_DIR": str(tmp_path / "memory")},
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert json.loads(result.stdout.strip().splitlines()[-1])["statuses"] == [200, 201]
    assert len(list((tmp_path / "memory" / "inbox" / "questions").glob("*.json"))) == 1
    assert len(list((tmp_path / "memory" / "inbox" / "contacts").glob("*.json"))) == 1
