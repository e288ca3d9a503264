"""The repository's paths, a Config for one test, and what the app wrote to disk."""

from __future__ import annotations

import json
from pathlib import Path

from api.config import Config

REPO = Path(__file__).resolve().parents[2]
EXAMPLE_PERSONA = REPO / "personas" / "example"
UUID = "3f2b8a4e-9c1d-4e7a-b6f0-2d5c8e1a9b73"  # a well-formed session id


def make_config(tmp_path: Path, **env: str) -> Config:
    """A Config read from a clean environment: offline model, files under tmp_path."""
    return Config.from_env({"TWIN_MEMORY_DIR": str(tmp_path / "memory"), **env})


def stored_files(config: Config) -> list[Path]:
    """Every conversation file the file store has written."""
    folder = config.memory_dir / "conversations"
    return sorted(folder.glob("*.json")) if folder.exists() else []


def inbox_entries(memory_dir: Path, kind: str) -> list[dict]:
    """The file inbox's entries of one kind ("contacts", "questions"), newest first."""
    # The inbox names its files so that their sorted order is newest first.
    folder = memory_dir / "inbox" / kind
    return [json.loads(p.read_text()) for p in sorted(folder.glob("*.json"))]
