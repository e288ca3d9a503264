"""Everything a persona holds, cut into passages: the units retrieval finds and quotes.

One passage per fact (titled with the words visitors use for it), the summary by paragraph, a
PDF's text by section and by role, `answers.md` one answer each (titled with its question), and
notes by section and paragraph; each (a fact's sentence aside) at most MAX_PASSAGE_CHARS, with the
file it came from and a note's Source link (docs/architecture.md, "Knowledge").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .notes import Note

KINDS = ("fact", "summary", "document", "note", "answer")
PASSAGE_CHARS = 500  # a passage grows to about this many characters, never past MAX_PASSAGE_CHARS
MAX_PASSAGE_CHARS = 800

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])")
_HEADING = re.compile(r"^#{2,6}[ \t]+(.+?)[ \t#]*$")
_ROLE_LINE = re.compile(r"^(?:19|20)\d\d\s*[-\u2013]\s*(?:(?:19|20)\d\d|present|now)\b[^.]*",
                        re.IGNORECASE)
_DATE_TEXT = """january february march april may june july august september october november
    december jan feb mar apr jun jul aug sep sept oct nov dec year years month months present now
    yr yrs mo mos"""
_DATE_WORDS = frozenset(_DATE_TEXT.split())
# Words visitors use for a fact, so "where do you live?" finds the location.
FACT_KEYWORDS = {
    "title": "role job position title current currently now moment work do",
    "location": "based live located location city country where from",
    "email": "email contact reach mail address",
    "linkedin": "linkedin profile contact connect",
    "specialties": "skills specialties expertise strengths good best stack technologies "
                   "programming languages tools",
    "years_experience": "years experience long career senior",
    "education": "education degree study studied university school college",
    "experience": "experience worked work companies employers career history roles jobs",
}


@dataclass(frozen=True)
class Passage:
    """A piece of what the twin knows: where it came from, a title and the text itself."""

    kind: str  # one of KINDS
    title: str
    text: str
    origin: str  # the file it came from ("facts.json", "notes/talks.md", ...)
    source: str | None = None  # the page it came from (a note's Source: line)


def _fact_sentence(key: str, value: object) -> str:
    if isinstance(value, dict):  # an experience entry from `twin persona init`
        if value.get("role") and value.get("company"):
            dates = f" ({value['dates']})" if value.get("dates") else ""
            value = f"{value['role']} at {value['company']}{dates}"
        else:
            value = ", ".join(str(v) for v in value.values() if v)
    if isinstance(value, list):
        value = ", ".join(str(v) for v in value)
    value = str(value).rstrip(".")
    sentences = {
        "title": f"I work as {value}.",
        "location": f"I'm based in {value}.",
        "email": f"You can reach me at {value}.",
        "linkedin": f"You can find me on LinkedIn: {value}",
        "specialties": f"My specialties: {value}.",
        "years_experience": f"I have {value} years of professional experience.",
        "education": f"Education: {value}.",
    }
    return sentences.get(key, f"{key.replace('_', ' ').capitalize()}: {value}.")


def _pieces(text: str, limit: int = PASSAGE_CHARS) -> list[str]:
    """`text` in pieces of about `limit` characters, cut between sentences (or words)."""
    pieces: list[str] = []
    current = ""
    for sentence in _SENTENCE_END.split(" ".join(text.split())):
        while len(sentence) > MAX_PASSAGE_CHARS:  # no sentence end for a long stretch
            cut = sentence.rfind(" ", 0, limit)
            cut = cut if cut > 0 else limit
            if current:
                pieces.append(current)
                current = ""
            pieces.append(sentence[:cut].strip())
            sentence = sentence[cut:].strip()
        if current and len(current) + len(sentence) + 1 > limit:
            pieces.append(current)
            current = sentence
        else:
            current = f"{current} {sentence}".strip()
    return [p for p in [*pieces, current] if p]


def _markdown_sections(text: str) -> list[tuple[str, str]]:
    """(heading, paragraph) pairs of Markdown text: `##` headings open sections."""
    found: list[tuple[str, str]] = []
    heading, lines = "", []
    for line in [*text.splitlines(), ""]:
        match = _HEADING.match(line.strip())
        if match or not line.strip():
            paragraph = " ".join(part.strip().lstrip("#>-*+ ").strip() for part in lines)
            if paragraph.strip():
                found.append((heading, paragraph.strip()))
            lines = []
            if match:
                heading = match.group(1)
        else:
            lines.append(line)
    return found


def _grouped(sections: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Neighbouring paragraphs of one section joined up to PASSAGE_CHARS, long ones split."""
    grouped: list[tuple[str, str]] = []
    for heading, paragraph in sections:
        for piece in _pieces(paragraph):
            last = grouped[-1] if grouped else None
            if last and last[0] == heading and len(last[1]) + len(piece) < PASSAGE_CHARS:
                grouped[-1] = (heading, f"{last[1]}\n\n{piece}")
            else:
                grouped.append((heading, piece))
    return grouped


def document_passages(name: str, text: str) -> list[Passage]:
    """Extracted PDF text by section and by role: a run of short lines without a full stop
    titles the lines after it, and a line opening with a date range opens a role."""
    found: list[Passage] = []
    heading, role, chunk = "", "", []
    after_body = False  # a heading after body text starts a new title; one after another adds
    for line in [*text.splitlines(), ""]:
        line = line.strip()
        if len(line.split()) <= 4 and "." not in line:
            _add_chunk(found, name, f"{heading} {role}".strip(), chunk)
            heading = line if after_body else f"{heading} {line}".strip()
            chunk, role, after_body = [], "", False
            continue
        if _dates_only(line):  # "June 2019 - February 2021 (1 year 9 months)" belongs to the title
            role = f"{role} {line}".strip()
            continue
        start = _ROLE_LINE.match(line)
        if start:  # "2018 - 2022: Senior Backend Engineer, Brightlane Payments (Porto)."
            _add_chunk(found, name, f"{heading} {role}".strip(), chunk)
            chunk, role = [], start.group(0)
        chunk.append(line)
        after_body = True
    return found


def _dates_only(line: str) -> bool:
    words = re.findall(r"[a-z]+", line.lower())
    return bool(re.search(r"\d{4}", line)) and all(w in _DATE_WORDS for w in words)


def _add_chunk(found: list[Passage], name: str, title: str, chunk: list[str]) -> None:
    # A role's (or a section's) lines stay together up to PASSAGE_CHARS, so the description of a
    # job is found with its company and title; a stray fragment of three words or fewer is not.
    for piece in _pieces(" ".join(chunk)):
        if len(piece.split()) >= 4:
            found.append(Passage("document", title, piece, name))


def note_passages(note: Note) -> list[Passage]:
    """A note by section and paragraph, each passage titled with the note's and section's title."""
    return [Passage("note", f"{note.title} {heading}".strip(), body, f"notes/{note.name}",
                    note.source)
            for heading, body in _grouped(_markdown_sections(note.text))]


def build_passages(facts: dict[str, Any], summary: str, documents: Iterable[tuple[str, str]],
                   answers: Iterable[tuple[str, str]], notes: Iterable[Note]) -> list[Passage]:
    """Everything the persona holds, as passages in a fixed order."""
    found: list[Passage] = []
    for key, value in facts.items():
        if key in ("name", "full_name", "public") or value in (None, "", []):
            continue
        # A list of records (work history) gives one passage each, so an answer quotes one role.
        records = isinstance(value, list) and all(isinstance(v, dict) for v in value)
        for item in value if records else [value]:
            found.append(Passage("fact", FACT_KEYWORDS.get(key, key.replace("_", " ")),
                                 _fact_sentence(key, item), "facts.json"))
    for heading, body in _markdown_sections(summary):
        found += [Passage("summary", heading, piece, "summary.md") for piece in _pieces(body)]
    for name, text in documents:
        found += document_passages(name, text)
    for question, answer in answers:  # the owner's answers to questions from the inbox
        found += [Passage("answer", question, piece, "answers.md") for piece in _pieces(answer)]
    for note in notes:
        found += note_passages(note)
    return found


