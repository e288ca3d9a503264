"""The warnings `check` gives about a persona that loads but would make a weaker twin."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from api.persona import ANSWER_HEADING, ANSWERS_FILE, Persona
from api.redact import PHONE, find
from api.text import words

from .scaffold import TEMPLATE_FACTS, TEMPLATE_MARK

SUMMARY_CHARS = (200, 4_000)
# Facts that are contact details or names: they need not appear anywhere else.
SELF_EVIDENT = ("full_name", "name", "email", "linkedin", "public")


def _words(text: str) -> set[str]:
    return {w for w in words(text) if len(w) > 2 or w.isdigit()}


def _flatten(value: object) -> str:
    if isinstance(value, dict):
        return " ".join(_flatten(v) for v in value.values())
    if isinstance(value, list):
        return " ".join(_flatten(v) for v in value)
    return str(value)


def facts_only_in_facts(persona: Persona) -> list[str]:
    """Facts whose words mostly appear nowhere else: stale, copied, or with nothing behind them."""
    elsewhere = _words(" ".join([persona.summary, *(t for _, t in persona.documents),
                                 *(f"{q} {a}" for q, a in persona.answers)]))
    alone = []
    for key, value in persona.facts.items():
        words = _words(_flatten(value))
        if key in SELF_EVIDENT or value == TEMPLATE_FACTS.get(key):
            continue  # names and contact details stand alone; placeholders are reported apart
        if words and len(words & elsewhere) < len(words) / 2:
            alone.append(key)
    return alone


def _answers_file(folder: Path) -> list[str]:
    path = folder / ANSWERS_FILE
    if not path.is_file():
        return []
    text = path.read_text(encoding="utf-8")
    found = []
    preamble, *blocks = ANSWER_HEADING.split(text)
    if preamble.strip():
        found.append(f"{path}: the text before the first '## ' question is never read")
    questions = [block.partition("\n")[0] for block in blocks]
    for question, count in Counter(q.strip().casefold() for q in questions).items():
        if count > 1:
            found.append(f"{path}: the question {question!r} is answered {count} times; "
                         "keep one answer")
    for heading in re.findall(r"^(?:#|#{3,})[ \t]+(.+)$", text, flags=re.MULTILINE):
        found.append(f"{path}: '{heading.strip()}' is not a '## ' question, so it is read as "
                     "part of the answer above it")
    return found


def persona_warnings(persona: Persona, folder: Path | None) -> list[str]:
    """Every warning for a persona that loaded; `folder` is None for a compiled file."""
    where = (lambda name: folder / name) if folder else (lambda name: name)
    facts_file, found = where("facts.json"), []
    if not persona.starters:
        found.append(f"{where('starters.txt')}: no starter questions, so the page suggests none; "
                     "write four, one a line")
    low, high = SUMMARY_CHARS
    if not low <= len(persona.summary) <= high:
        found.append(f"{where('summary.md')}: {len(persona.summary):,} characters; write "
                     f"{low:,} to {high:,} so the twin has enough to say, but not too much")
    # Documents have theirs removed when compiled; the summary is the owner's own words.
    if any(kind == PHONE for _, _, kind in find(persona.summary)):
        found.append(f"{where('summary.md')}: holds what looks like a phone number, which the "
                     "twin may give to any visitor; remove it unless you mean to publish it")
    for name, text in persona.documents:
        if not text.strip():
            found.append(f"{where(name)}: no text can be extracted (a scanned image?), so the "
                         "twin cannot read it; export a text PDF or copy its content into "
                         "summary.md")
    for key in ("title", "location"):
        if not str(persona.facts.get(key) or "").strip():
            found.append(f"{facts_file}: no '{key}', so the page header shows none and the twin "
                         "cannot answer about it")
    unknown = [p for p in persona.facts.get("public", []) if p not in persona.facts
               and p not in ("title", "location")]
    if unknown:
        found.append(f"{facts_file}: 'public' lists {', '.join(unknown)}, not in the facts")
    placeholders = [k for k, v in TEMPLATE_FACTS.items() if persona.facts.get(k) == v]
    if placeholders:
        found.append(f"{facts_file}: still the template's placeholder: {', '.join(placeholders)}")
    for key in facts_only_in_facts(persona):
        found.append(f"{facts_file}: '{key}' appears nowhere but facts.json; check it is yours "
                     "and current, and say more about it in summary.md if visitors may ask")
    for name, text in (("summary.md", persona.summary), ("style.md", persona.style)):
        if TEMPLATE_MARK in text:
            found.append(f"{where(name)}: still has the template's comment, and the model reads "
                         "it; delete it once you have written your own")
    return found + (_answers_file(folder) if folder else [])
