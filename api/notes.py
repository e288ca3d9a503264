"""A persona's notes/ folder: talks, posts and write-ups, read when the persona is compiled.

A note is a Markdown or plain-text file. Its first `# ` heading is its title and an optional
line `Source: https://...` names the page it came from. A note that cannot be used (not UTF-8,
binary, empty, a file name that is not UTF-8) is skipped and a huge one is cut: the persona
still compiles, and `twin persona check` names the file and says what was done
(docs/architecture.md, "Knowledge").
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from .text import strip_controls

NOTES_DIR = "notes"
SUFFIXES = (".md", ".txt")
MAX_NOTE_BYTES = 1_000_000  # a note past this is cut here: 1 MB of prose is a book, not a note
TITLE = re.compile(r"^#[ \t]+(.+?)[ \t#]*$")
SOURCE = re.compile(r"^source:[ \t]*(\S+)[ \t]*$", re.IGNORECASE)
HTTPS = re.compile(r"^https://[A-Za-z0-9._~:/?#@!$&()*+,;=%[\]-]+$")  # printable, no quotes


@dataclass(frozen=True)
class Note:
    """One usable note: its file name, title, `Source:` link (https only) and text."""

    name: str
    title: str
    source: str | None
    text: str


def utf8_name(name: str) -> bool:
    """Whether a file name is valid UTF-8. A name that is not arrives with surrogate escapes
    (b"caf\\xe9.md" is "caf\\udce9.md"), which no UTF-8 file, such as the compiled persona,
    can hold."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


@dataclass
class NotesFolder:
    """What reading notes/ found: the notes, and what was done about each file it could not use."""

    folder_problem: str | None = None  # notes/ itself could not be read, or is not a folder
    notes: list[Note] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)  # (file name, what was done)
    sizes: dict[str, int] = field(default_factory=dict)  # file name -> bytes on disk
    digests: dict[str, str] = field(default_factory=dict)  # file name -> hash of its text


def parse_note(name: str, text: str) -> tuple[Note, list[str]]:
    """Title, source and body of a note's text, with what was wrong in its header lines."""
    title, source, body, problems = "", None, [], []
    for line in text.splitlines():
        stripped = line.strip()
        heading = TITLE.match(stripped)
        link = SOURCE.match(stripped)
        if not title and heading and not body:
            title = heading.group(1)
        elif link and source is None:
            if HTTPS.match(link.group(1)):
                source = link.group(1)
            else:
                problems.append("its Source line is not an https:// link; the link was left out")
        else:
            body.append(line)
    title = title or Path(name).stem.replace("-", " ").replace("_", " ")
    return Note(name, title, source, "\n".join(body).strip()), problems


def _decode(data: bytes) -> tuple[str | None, str | None]:
    """The note's text (or None), and what was done about it, if anything."""
    if b"\x00" in data[:8192]:
        return None, "binary, not text: skipped"
    cut = len(data) > MAX_NOTE_BYTES
    chunk = data[:MAX_NOTE_BYTES]
    # A cut may split the last character: up to three more bytes may go, nothing else may fail.
    for trim in range(4 if cut else 1):
        try:
            text = chunk[: len(chunk) - trim].decode("utf-8")
            break
        except UnicodeDecodeError:
            continue
    else:
        return None, "not UTF-8 text: skipped (save it as UTF-8)"
    if not text.strip():
        return None, "empty: skipped"
    return text, (f"over {MAX_NOTE_BYTES:,} bytes: only the first {MAX_NOTE_BYTES:,} were read"
                  if cut else None)


def read_notes(persona_folder: Path) -> NotesFolder:
    """Every note in `persona_folder/notes`, in name order; never raises for a bad note."""
    found = NotesFolder()
    folder = Path(persona_folder) / NOTES_DIR
    if folder.exists() and not folder.is_dir():
        found.folder_problem = "a file, not a folder: no notes were read (notes go in a folder)"
        return found
    if not folder.is_dir():
        return found
    try:
        paths = sorted(folder.iterdir())
    except OSError as exc:
        found.folder_problem = f"cannot be read ({exc.strerror}): no notes were read"
        return found
    for path in paths:
        if path.name.startswith(".") or not path.is_file():
            continue
        if not utf8_name(path.name):
            found.problems.append((path.name, "its file name is not valid UTF-8: skipped "
                                              "(rename it)"))
            continue
        if path.suffix.lower() not in SUFFIXES:
            found.problems.append((path.name, "not a .md or .txt file: skipped"))
            continue
        try:
            data = path.read_bytes()
        except OSError as exc:
            found.problems.append((path.name, f"cannot be read ({exc.strerror}): skipped"))
            continue
        found.sizes[path.name] = len(data)
        text, problem = _decode(data)
        if problem:
            found.problems.append((path.name, problem))
        if text is None:
            continue
        # Control characters, bidi marks and the zero-width space go before anything reads the
        # note: they could hide words from the owner, or split a tag a model reads (the
        # reference check also drops every format character, joiners included).
        note, header_problems = parse_note(path.name, strip_controls(text))
        found.problems += [(path.name, p) for p in header_problems]
        if not note.text:
            found.problems.append((path.name, "no text under its title: skipped"))
            continue
        found.digests[path.name] = hashlib.sha256(note.text.encode()).hexdigest()
        found.notes.append(note)
    return found
