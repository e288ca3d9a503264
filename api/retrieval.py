"""Passages of what the twin knows, and a small BM25F index over them, built at compile time.

Everything the persona holds (facts, the summary, PDF text, notes, the owner's answers) is cut
into passages of at most a few hundred characters, each with a title field (a heading, a note's
title, the question an answer answers) and a body. The index is BM25F: a term's frequency in each
field is weighted (the title counts double) and normalised by that field's length, and a term's
weight falls with the number of passages holding it.

A passage must do more than score: it must also cover most of the question. Coverage is the share
of the question's term weight (idf) that the passage holds, a word the persona never uses weighing
the most. So "favourite football team" does not match a passage about remote teams: "team" is
common and cheap, "favourite" and "football" are what the question is about. An owner's answer is
held to more: the question it answers must itself be mostly covered by the visitor's words.

Hand-written rather than a library: the Lambda archive carries no numpy or search engine, and
this is about a hundred lines, tested against scores worked out by hand.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import combinations
from typing import Any

from .notes import Note
from .text import terms

K1 = 1.2  # how fast repeated terms stop adding to the score
B = 0.75  # how much a long field is discounted
WEIGHTS = (2.0, 1.0)  # title, body
MIN_SCORE = 1.0  # below this a passage is noise, whatever it covers
MIN_COVERAGE = 0.5  # share of the question's term weight a passage must hold
MAX_EXACT_TERMS = 8  # up to this many known terms, candidates come from exact set arithmetic
PASSAGE_CHARS = 500  # a passage grows to about this many characters, never past MAX_PASSAGE_CHARS
MAX_PASSAGE_CHARS = 800
KINDS = ("fact", "summary", "document", "note", "answer")
REFERENCE_TAG = "reference"  # passages travel to a model inside <reference> ... </reference>
_TAG = re.compile(rf"<(\s*/?\s*){REFERENCE_TAG}", re.IGNORECASE)

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


@dataclass(frozen=True)
class Hit:
    """A passage that matched a question: its BM25F score and its coverage of the question."""

    passage: Passage
    score: float
    coverage: float


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
            pieces += [current] if current else []
            current, pieces = "", [*pieces, sentence[:cut].strip()]
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
        found.append(Passage("answer", question, answer, "answers.md"))
    for note in notes:
        found += note_passages(note)
    return found


def neutralise(text: str) -> str:
    """`text` unable to open or close the reference tag: a visitor who writes it could otherwise
    pass their words off as the owner's (only what a model reads is changed, never a record)."""
    return _TAG.sub(lambda m: f"\u2039{m.group(1)}{REFERENCE_TAG}", text)


class Index:
    """BM25F over passages' title and body; built once, then searched for every question.

    The compiled persona keeps each term's postings as one string ("passage,title tf,body tf,..."),
    which JSON reads fast; a term's postings are decoded the first time a question uses it, so a
    large notes folder costs little at start-up.
    """

    MAX_DECODED = 4096  # terms kept decoded; past this the cache starts again

    def __init__(self, passages: list[Passage], postings: dict[str, str],
                 lengths: list[list[int]]) -> None:
        if len(lengths) != len(passages):
            raise ValueError("the index does not match its passages")
        self.passages = passages
        self.postings = postings  # term -> "passage,title tf,body tf,passage,..."
        self.lengths = lengths  # per passage: [title terms, body terms]
        count = max(len(lengths), 1)
        self.average = [max(sum(row[f] for row in lengths) / count, 1.0) for f in (0, 1)]
        self._decoded: dict[str, dict[int, tuple[float, int]]] = {}

    @classmethod
    def build(cls, passages: list[Passage]) -> Index:
        postings: dict[str, list[str]] = {}
        lengths = []
        for i, passage in enumerate(passages):
            fields = [Counter(terms(passage.title)), Counter(terms(passage.text))]
            lengths.append([sum(fields[0].values()), sum(fields[1].values())])
            for term in sorted(fields[0].keys() | fields[1].keys()):
                postings.setdefault(term, []).append(f"{i},{fields[0][term]},{fields[1][term]}")
        return cls(passages, {t: ",".join(row) for t, row in postings.items()}, lengths)

    def held_by(self, term: str) -> int:
        """How many passages hold `term`."""
        row = self.postings.get(term)
        return row.count(",") // 3 + 1 if row else 0

    def idf(self, term: str) -> float:
        """Robertson's idf, never negative; a term no passage holds weighs the most."""
        held = self.held_by(term)
        return math.log(1 + (len(self.passages) - held + 0.5) / (held + 0.5))

    def _matches(self, term: str) -> dict[int, tuple[float, int]]:
        """passage -> (the term's BM25F saturation in it, before idf; its title tf)."""
        found = self._decoded.get(term)
        if found is None:
            numbers = [int(n) for n in self.postings[term].split(",")]
            found = {}
            for j in range(0, len(numbers), 3):
                i, in_title, in_body = numbers[j:j + 3]
                if not 0 <= i < len(self.lengths):
                    raise ValueError(f"the index names passage {i}, which does not exist")
                length = self.lengths[i]
                tf = sum(WEIGHTS[f] * n / (1 - B + B * length[f] / self.average[f])
                         for f, n in ((0, in_title), (1, in_body)) if n)
                found[i] = (tf * (K1 + 1) / (tf + K1), in_title)
            if len(self._decoded) >= self.MAX_DECODED:
                self._decoded.clear()
            self._decoded[term] = found
        return found

    @staticmethod
    def _candidates(known: dict[str, dict[int, Any]], weight: dict[str, float],
                    need: float) -> set[int]:
        """The passages that hold terms weighing `need` or more: only those can cover the
        question, so only those are scored. Set intersections do the work, not Python loops."""
        need -= 1e-9  # a passage at exactly the limit counts
        if len(known) > MAX_EXACT_TERMS:  # a long question: any passage with one of its terms
            return set().union(*(matches.keys() for matches in known.values()))
        found: set[int] = set()
        for size in range(1, len(known) + 1):
            for group in combinations(known, size):
                held = [weight[t] for t in group]
                # The smallest groups that weigh enough: a larger one adds no new passage.
                if sum(held) >= need and sum(held) - min(held) < need:
                    first, *rest = (known[t].keys() for t in group)
                    found |= set(first).intersection(*rest)
        return found

    def search(self, question: str, limit: int = 3,
               kinds: Iterable[str] = KINDS) -> list[Hit]:
        """Passages of `kinds` scoring MIN_SCORE or more that cover the question, best first."""
        wanted = sorted(set(terms(question)))
        weight = {t: self.idf(t) for t in wanted}
        total = sum(weight.values())
        if not total:
            return []
        known = {t: self._matches(t) for t in wanted if t in self.postings}
        candidates = self._candidates(known, weight, total * MIN_COVERAGE)
        allowed = set(kinds)
        hits: list[tuple[float, int, Hit]] = []
        for i in candidates:
            passage = self.passages[i]
            if passage.kind not in allowed:
                continue
            held = [(t, known[t][i]) for t in known if i in known[t]]
            score = sum(weight[t] * saturation for t, (saturation, _) in held)
            if score < MIN_SCORE:
                continue
            common = {t for t, (_, in_title) in held if in_title or passage.kind != "answer"}
            if passage.kind == "answer":
                # Only the question answered counts, and it must be about what was asked.
                asked = set(terms(passage.title))
                closeness = sum(self.idf(t) for t in common) / max(
                    sum(self.idf(t) for t in asked), 1e-9)
                if closeness < MIN_COVERAGE:
                    continue
            coverage = sum(weight[t] for t in common) / total
            if coverage >= MIN_COVERAGE:
                hits.append((-score, i, Hit(passage, score, coverage)))
        return [hit for _, _, hit in sorted(hits)[:limit]]

    def to_document(self) -> dict[str, Any]:
        """The index as the compiled persona stores it (JSON)."""
        return {"passages": [[p.kind, p.title, p.text, p.origin, p.source]
                             for p in self.passages],
                "postings": self.postings, "lengths": self.lengths}

    @classmethod
    def from_document(cls, doc: dict[str, Any]) -> Index:
        passages = [Passage(str(k), str(t), str(x), str(o), str(s) if s else None)
                    for k, t, x, o, s in doc["passages"]]
        postings = doc["postings"]
        if not isinstance(postings, dict) or not all(
                isinstance(row, str) for row in postings.values()):
            raise ValueError("the index's postings are not strings")
        return cls(passages, postings, doc["lengths"])
