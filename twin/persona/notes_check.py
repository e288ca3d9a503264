"""What `check` says about a persona's notes/: each file, its passages, and what to fix."""

from __future__ import annotations

import re
from pathlib import Path

from api.notes import NOTES_DIR, read_notes
from api.persona import Persona

# Past this, notes are more than a person's writing and weigh on the archive and its upload.
LARGE_NOTES_BYTES = 5_000_000
# Strings that look like credentials: the twin quotes notes to anyone who asks.
SECRETS = (
    ("an AWS access key", re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b")),
    ("a private key", re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----")),
    ("a GitHub token", re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36,}\b|\bgithub_pat_\w{22,}")),
    ("a Slack token", re.compile(r"\bxox[abprs]-[A-Za-z0-9-]{10,}")),
    ("a password or key", re.compile(
        r"\b(?:password|passwd|secret|api[_-]?key|access[_-]?token)\b\s*[:=]\s*\S{6,}",
        re.IGNORECASE)),
)


def shown(name: str) -> str:
    """A file name as the terminal may print it: escaped when it holds control or bidi marks."""
    return name if name.isprintable() else ascii(name)[1:-1]


def secrets_in(text: str) -> list[tuple[int, str]]:
    """(line number, what it looks like) for each line holding a credential-like string."""
    found = []
    for number, line in enumerate(text.splitlines(), 1):
        found += [(number, kind) for kind, pattern in SECRETS if pattern.search(line)][:1]
    return found


def notes_rows(folder: Path, persona: Persona | None) -> tuple[list[tuple[str, int, str]],
                                                              list[str]]:
    """The rows `check` lists for notes/ (name, bytes, what it holds) and its warnings."""
    notes = read_notes(folder)
    rows: list[tuple[str, int, str]] = []
    warnings: list[str] = []
    passages: dict[str, int] = {}
    for passage in persona.index.passages if persona else ():
        passages[passage.origin] = passages.get(passage.origin, 0) + 1
    if notes.folder_problem:
        warnings.append(f"{NOTES_DIR}: {notes.folder_problem}")
    total = sum(notes.sizes.values())
    if total > LARGE_NOTES_BYTES:
        warnings.append(f"{NOTES_DIR}/: {total:,} bytes in all; every byte goes into the Lambda "
                        f"archive, so keep notes under {LARGE_NOTES_BYTES:,} bytes")
    problems: dict[str, list[str]] = {}
    for name, problem in notes.problems:
        problems.setdefault(name, []).append(problem)
        warnings.append(f"{NOTES_DIR}/{shown(name)}: {problem}")
    seen: dict[str, str] = {}
    by_name = {note.name: note for note in notes.notes}
    folder_path = Path(folder) / NOTES_DIR
    names = sorted(set(notes.sizes) | set(problems))
    for name in names:
        label = f"{NOTES_DIR}/{shown(name)}"
        size = notes.sizes.get(name, 0)
        note = by_name.get(name)
        if note is None:
            rows.append((label, size, "; ".join(problems.get(name, ["skipped"]))))
            continue
        count = passages.get(f"{NOTES_DIR}/{name}", 0)
        cites = f", cites {note.source}" if note.source else ""
        rows.append((label, size, f"{count} passage{'s' if count != 1 else ''}, "
                                  f"{note.title!r}{cites}"))
        digest = notes.digests[name]
        if digest in seen:
            warnings.append(f"{label}: the same text as {NOTES_DIR}/{shown(seen[digest])}; "
                            "the twin would find it twice, so delete one")
        seen.setdefault(digest, name)
        for line, kind in secrets_in((folder_path / name).read_text("utf-8", errors="replace")):
            warnings.append(f"{label}: line {line} looks like {kind}; the twin quotes notes to "
                            "visitors, so remove it")
    if folder_path.is_dir() and not notes.notes and not problems:
        warnings.append(f"{NOTES_DIR}/: no .md or .txt notes in it")
    return rows, warnings
