"""The Makefile: what `make run` installs, `make help`, and what `make clean` keeps."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def make(*args: str, env: dict[str, str] | None = None) -> str:
    """What `make` would run (-n: nothing runs), or prints for `help`."""
    result = subprocess.run(["make", "--no-print-directory", *args], cwd=REPO, text=True,
                            capture_output=True, check=True, timeout=30,
                            env={**os.environ, **(env or {})})
    return result.stdout


def installs(commands: str) -> list[str]:
    return re.findall(r"pip --disable-pip-version-check install .*?--group (\w+)", commands)


def test_run_installs_only_the_app_group(tmp_path):
    # A venv that does not exist yet, so make plans every step from the start.
    venv = f"VENV={tmp_path / 'venv'}"
    assert installs(make("-n", "run", venv)) == ["app"]
    assert installs(make("-n", "test", venv)) == ["app", "dev"]
    assert installs(make("-n", "eval", venv)) == ["app"]
    # The app group holds no test, lint or deploy tooling.
    app = tomllib.loads((REPO / "pyproject.toml").read_text())["dependency-groups"]["app"]
    names = {re.split(r"[=\[<>]", item)[0] for item in app if isinstance(item, str)}
    assert names.isdisjoint({"pytest", "moto", "ruff", "playwright", "pulumi", "pulumi-aws"})


def test_help_lists_every_target_with_a_line():
    text = make("help")
    listed = dict(re.findall(r"^  ([a-z-]+) +(\S.*)$", text, re.M))
    phony = re.search(r"^\.PHONY: (.*)$", (REPO / "Makefile").read_text(), re.M)[1].split()
    assert sorted(listed) == sorted(phony)
    assert make() == text  # plain `make` helps rather than installing


def test_clean_keeps_the_local_conversations_unless_asked():
    kept = make("-n", "clean")
    assert "rm -rf .venv" in kept
    assert not re.search(r"^rm .*\.twin\b", kept, re.M)
    assert "kept .twin" in kept and "ALL=1" in kept
    assert re.search(r"^rm -rf \.twin$", make("-n", "clean", "ALL=1"), re.M)


@pytest.mark.parametrize(("target", "module"), [("bench", "bench"), ("eval", "bench.eval")])
def test_bench_and_eval_update_the_tracked_figures_only_with_save(target, module):
    # -o: take both stamps as up to date, so only the target's own command is listed.
    plain = make("-n", "-o", ".venv/.installed-dev", "-o", ".venv/.installed-app", target)
    saved = make("-n", "-o", ".venv/.installed-dev", "-o", ".venv/.installed-app", target,
                 "SAVE=1")
    assert re.search(rf"-m {re.escape(module)} *$", plain, re.M), plain
    assert re.search(rf"-m {re.escape(module)} --save$", saved, re.M), saved
