"""Tests support themselves: what they share lives in tests/support, under its own name.

pytest imports conftest.py files and test modules itself, under names of its choosing; a test
that imports one of them gets a second copy, and a helper that lives in a test module is found
only by those who know where to look. So no module under tests/ imports a conftest, a test_*
module, or a module of tests/ by a bare name (`from inbox_samples import ...`), and conftest.py
files hold fixtures, not helpers.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
SOURCES = sorted(TESTS.rglob("*.py"))
# The names a bare import could reach only because pytest put a folder of tests/ on sys.path.
LOCAL = {path.stem for path in SOURCES} - {"__init__"}


def imported(tree: ast.AST) -> list[tuple[int, list[str]]]:
    """(line, names) for each module an import reaches: `from a import b` may reach a or a.b."""
    found: list[tuple[int, list[str]]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, [alias.name]) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            module = "." * node.level + (node.module or "")
            joined = [f"{module}.{alias.name}".replace("..", ".") for alias in node.names]
            found.append((node.lineno, [module, *joined]))
    return sorted(found)  # in line order; ast.walk visits nested imports last


def offence(module: str) -> str | None:
    """What is wrong with importing `module` from a module of tests/, if anything."""
    parts = module.lstrip(".").split(".")
    if "conftest" in parts:
        return f"imports a conftest: {module}"
    if any(part.startswith("test_") for part in parts):
        return f"imports a test module: {module}"
    if parts[0] in LOCAL and not module.startswith("."):
        return f"imports {module} by a bare name; use tests.support"
    return None


def offences(source: str, where: str) -> list[str]:
    """What a module's imports do wrong, one line per import, naming file, line and module."""
    problems = []
    for line, names in imported(ast.parse(source)):
        found = [problem for problem in map(offence, names) if problem]
        if found:
            problems.append(f"{where}:{line} {found[0]}")
    return problems


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(TESTS)))
def test_no_module_imports_a_conftest_or_a_test_module(path: Path) -> None:
    where = str(path.relative_to(TESTS.parent))
    assert offences(path.read_text(encoding="utf-8"), where) == []


def test_the_check_names_each_offender() -> None:
    source = "\n".join([
        "from tests.conftest import make_config",
        "from tests.api.test_bedrock import MODEL",
        "import conftest",
        "from tests.api import test_tools",
        "from inbox_samples import BUCKET",
        "from tests.support.app import make_config",  # the one right way
        "def helper():",
        "    from tests.hardening.conftest import BUCKET",  # inside a function counts too
    ])
    assert offences(source, "tests/x.py") == [
        "tests/x.py:1 imports a conftest: tests.conftest",
        "tests/x.py:2 imports a test module: tests.api.test_bedrock",
        "tests/x.py:3 imports a conftest: conftest",
        "tests/x.py:4 imports a test module: tests.api.test_tools",
        "tests/x.py:5 imports inbox_samples by a bare name; use tests.support",
        "tests/x.py:8 imports a conftest: tests.hardening.conftest",
    ]


def is_fixture(node: ast.FunctionDef) -> bool:
    """Decorated with pytest.fixture, with or without arguments."""
    for decorator in node.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if ast.unparse(target) in ("pytest.fixture", "fixture"):
            return True
    return False


@pytest.mark.parametrize("path", sorted(TESTS.rglob("conftest.py")),
                         ids=lambda p: str(p.relative_to(TESTS)))
def test_a_conftest_holds_fixtures_and_no_helpers(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    helpers = [node.name for node in tree.body
               if isinstance(node, ast.ClassDef)
               or (isinstance(node, ast.FunctionDef) and not is_fixture(node)
                   and not node.name.startswith("pytest_"))]  # pytest's hooks belong here
    assert helpers == [], f"move {helpers} from {path.relative_to(TESTS)} to tests/support"


def test_a_tests_config_uses_its_own_copy_of_the_example_persona(tmp_path):
    # An owner answers questions into personas/example (`twin inbox answer` with no persona
    # given); a test reading that folder would change its mind with every answer.
    from tests.support.app import EXAMPLE_PERSONA, make_config

    persona = make_config(tmp_path).persona_path
    assert persona.is_relative_to(tmp_path) and (persona / "facts.json").is_file()
    assert (persona / "facts.json").read_bytes() == (EXAMPLE_PERSONA / "facts.json").read_bytes()


def test_a_copy_leaves_out_what_the_owner_wrote(tmp_path, monkeypatch):
    from tests.support import app

    fake = tmp_path / "example"
    fake.mkdir()
    (fake / "facts.json").write_text("{}")
    (fake / "answers.md").write_text("## Do you keep bees?\n\nYes.\n")
    monkeypatch.setattr(app, "EXAMPLE_PERSONA", fake)
    copy = app.copy_example_persona(tmp_path / "copy")
    assert sorted(p.name for p in copy.iterdir()) == ["facts.json"]
