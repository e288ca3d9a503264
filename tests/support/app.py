"""The repository's paths, a test's own copy of the example persona, a Config for one test,
and what the app wrote to disk."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

from api.config import Config

REPO = Path(__file__).resolve().parents[2]
EXAMPLE_PERSONA = REPO / "personas" / "example"
UUID = "3f2b8a4e-9c1d-4e7a-b6f0-2d5c8e1a9b73"  # a well-formed session id


# What the owner's own commands write into a persona folder (`twin inbox answer`): a test's copy
# leaves it out, so what an owner answered in the example never changes what a test sees.
OWNER_WRITTEN = ("answers.md",)


def copy_example_persona(dest: Path) -> Path:
    """A test's own copy of the example persona (without what the owner wrote into it)."""
    if not dest.exists():
        shutil.copytree(EXAMPLE_PERSONA, dest, ignore=shutil.ignore_patterns(*OWNER_WRITTEN))
    return dest


def folder_digest(folder: Path) -> str:
    """One hash of every file's name and bytes under `folder`."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def make_config(tmp_path: Path, **env: str) -> Config:
    """A Config read from a clean environment: offline model, files under tmp_path, and the
    test's own copy of the example persona unless TWIN_PERSONA is given."""
    if "TWIN_PERSONA" not in env:
        env["TWIN_PERSONA"] = str(copy_example_persona(tmp_path / "example-persona"))
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
