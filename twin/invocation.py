"""How the owner started `twin`, so the next command a hint suggests runs as typed."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path


def _shown(path: Path) -> str:
    try:
        return os.path.relpath(path) if path.is_relative_to(Path.cwd()) else str(path)
    except ValueError:  # another drive (Windows)
        return str(path)


def twin_command() -> str:
    """`twin` when that name finds this program, else the path that does, or `python -m twin`."""
    script = Path(sys.argv[0]) if sys.argv and sys.argv[0] else Path("twin")
    if script.name == "__main__.py" or script.suffix == ".py" or not script.name:
        return f"{_shown(Path(sys.executable))} -m twin"
    found = shutil.which("twin")
    if found and script.exists() and Path(found).resolve() == script.resolve():
        return "twin"
    return _shown(script.absolute()) if script.exists() else "twin"
