"""The runtime's shape (docs/architecture.md, "Layers"): imports run one way, no owner tool."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
API = REPO / "api"

# Every module of the runtime, lowest first: a module imports only modules listed before it.
ORDER = (
    # the package itself imports nothing
    "api",
    # foundation: errors, logs, settings, checks on input
    "api.text", "api.logs", "api.errors", "api.csp", "api.config", "api.validation",
    # what the twin knows and keeps
    "api.notes", "api.passages", "api.retrieval", "api.redact",
    "api.persona", "api.memory", "api.memory.files", "api.memory.s3",
    "api.inbox", "api.inbox.files", "api.inbox.s3",
    # models
    "api.models", "api.models.offline", "api.models.bedrock",
    # one visitor turn
    "api.prompt", "api.notify", "api.tools", "api.chat",
    # the web: services, request hooks, routes, the app factory, the Lambda entry
    "api.services", "api.hooks", "api.origin", "api.openapi", "api.routes", "api.app",
    "api.lambda_handler",
)  # fmt: skip
# Owner tools, the Pulumi program and the bench never reach the function.
FOREIGN = ("twin", "infra", "bench", "tests", "argparse", "click", "pulumi", "pulumi_aws")


def module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> set[str]:
    """Every module `path` imports, at the top or inside a function, resolved to its full name."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            found.add(base)
            # `from . import x` may name a submodule.
            found |= {f"{base}.{alias.name}" for alias in node.names}
    return found


MODULES = {module_name(p): p for p in sorted(API.rglob("*.py"))}


def test_every_runtime_module_has_its_place():
    assert set(MODULES) == set(ORDER), "add the module to ORDER and to docs/architecture.md"


@pytest.mark.parametrize("name", ORDER)
def test_imports_run_from_higher_to_lower_only(name):
    rank = ORDER.index(name)
    inside = {m for m in imports(MODULES[name]) if m in MODULES and m != name}
    upward = sorted(m for m in inside if ORDER.index(m) > rank)
    assert not upward, f"{name} imports {upward}, which sit above it"


@pytest.mark.parametrize("name", ORDER)
def test_the_runtime_imports_no_owner_tool_or_command_line(name):
    foreign = sorted(m for m in imports(MODULES[name])
                     if m.split(".")[0] in FOREIGN)
    assert not foreign, f"{name} imports {foreign}"


def test_the_storage_and_model_layers_never_read_flask():
    lower = [n for n in ORDER[: ORDER.index("api.services")] if n != "api.errors"]
    for name in lower:
        assert not {m for m in imports(MODULES[name]) if m.split(".")[0] == "flask"}, name
