"""The commands a hint suggests start the way the owner started `twin`."""

from __future__ import annotations

import sys
from pathlib import Path

from twin.invocation import twin_command


def test_python_dash_m_twin_is_named_with_its_interpreter(monkeypatch):
    monkeypatch.setattr(sys, "argv", [str(Path("twin") / "__main__.py")])
    assert twin_command().endswith(" -m twin")


def test_a_script_not_on_the_path_is_named_by_its_path(monkeypatch, tmp_path):
    script = tmp_path / "venv" / "bin" / "twin"
    script.parent.mkdir(parents=True)
    script.write_text("#!/bin/sh\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.setattr(sys, "argv", [str(script)])
    assert twin_command() == str(Path("venv") / "bin" / "twin")


def test_a_script_the_path_finds_is_named_twin(monkeypatch, tmp_path):
    script = tmp_path / "bin" / "twin"
    script.parent.mkdir()
    script.write_text("#!/bin/sh\n")
    script.chmod(0o755)
    monkeypatch.setenv("PATH", str(script.parent))
    monkeypatch.setattr(sys, "argv", [str(script)])
    assert twin_command() == "twin"
