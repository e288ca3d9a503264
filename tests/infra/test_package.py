"""The Lambda package: the real build (needs a package registry), twice, then run from the zip."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from infra.package import PERSONA_FILE, build_package, lambda_requirements
from infra.settings import PROJECT_DIR

pytestmark = pytest.mark.network

# Runs with -I -S: no site-packages, no repo on the path; only the stdlib and the archive.
HEALTH_CHECK = """
import json, sys
sys.path.insert(0, sys.argv[1])
from api.lambda_handler import handler
event = json.loads(sys.argv[2])
response = handler(event, None)
print(json.dumps({"response": response, "pypdf_loaded": "pypdf" in sys.modules,
                  "flask_from": sys.modules["flask"].__file__}))
"""


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> tuple[bytes, bytes, Path]:
    build_dir = tmp_path_factory.mktemp("lambda-build")
    first = build_package(PROJECT_DIR / "api" / "persona", "3.13", build_dir).read_bytes()
    zip_path = build_package(PROJECT_DIR / "api" / "persona", "3.13", build_dir)
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
    assert not any("__pycache__" in n or n.startswith("bin/") for n in names)
    assert not any(n.startswith(("pypdf/", "boto3/")) for n in names)
    assert lambda_requirements() == ["flask==3.1.3", "aws-wsgi==0.2.7"]


def test_a_fresh_interpreter_answers_health_from_the_extracted_zip(
    builds: tuple[bytes, bytes, Path], tmp_path: Path
) -> None:
    extracted = tmp_path / "task"
    zipfile.ZipFile(builds[2]).extractall(extracted)
    event = json.loads((PROJECT_DIR / "tests" / "events" / "health.json").read_text())
    result = subprocess.run(
        [sys.executable, "-I", "-S", "-c", HEALTH_CHECK, str(extracted), json.dumps(event)],
        capture_output=True, text=True, cwd=tmp_path, timeout=120, check=False,
        env={"TWIN_PERSONA": str(extracted / PERSONA_FILE),
             "TWIN_MEMORY_DIR": str(tmp_path / "memory")},
    )
    assert result.returncode == 0, result.stderr[-3000:]
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    response = answer["response"]
    assert response["statusCode"] == 200
    assert json.loads(response["body"]) == {"status": "ok", "model": "offline", "memory": "file"}
    assert answer["flask_from"].startswith(str(extracted))
    assert answer["pypdf_loaded"] is False
