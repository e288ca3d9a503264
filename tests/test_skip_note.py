"""A run without Chromium ends by saying how many page tests it skipped, and why."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_skipped_page_tests_are_counted_on_the_last_lines(tmp_path):
    env = {key: value for key, value in os.environ.items() if key != "CI"}
    missing = tmp_path / "no-chromium"
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
         "tests/site/test_page_delete.py", "tests/test_layers.py"],
        cwd=REPO, env={**env, "TWIN_CHROMIUM": str(missing)}, capture_output=True, text=True,
        timeout=120, check=False)
    assert result.returncode == 0, result.stdout
    lines = result.stdout.strip().splitlines()
    skipped = int(lines[-1].split(" skipped")[0].rsplit(" ", 1)[-1])
    assert skipped > 0
    assert lines[-2] == (f"{skipped} page tests skipped: Chromium not found at {missing}: install"
                         " it with `apt-get install chromium` or set TWIN_CHROMIUM to a Chromium"
                         " or Chrome binary")


def test_no_note_when_no_page_test_was_skipped():
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_layers.py"],
        cwd=REPO, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stdout
    assert "page tests skipped" not in result.stdout
