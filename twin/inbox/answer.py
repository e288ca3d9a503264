"""`answer`: the owner's answer goes into the persona's answers.md, and the question is closed.

A visitor's question ends up in every later system prompt, so the owner sees the whole question
(printable) and confirms before anything is written; the persona must be the one the question was
asked of; and an answer already in answers.md is changed only when the owner says so.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from api.inbox import Entry, created, key_id
from api.persona import ANSWER_HEADING, ANSWERS_FILE, PersonaError, answer_block, parse_answers
from twin.invocation import twin_command
from twin.printable import printable

from .report import QUOTE
from .sources import CommandError, Source

_ID = re.compile(r"^[0-9a-f]{1,16}$")


def _same(question: str, other: str) -> bool:
    def normal(text: str) -> str:
        return " ".join(text.split()).casefold().rstrip("?!. ")

    return normal(question) == normal(other)


def find_question(source: Source, prefix: str) -> tuple[str, Entry]:
    """The (key, entry) of the one question whose id starts with `prefix`.

    Ids are part of the keys, so only the matching entry is read, however full the inbox.
    """
    given = prefix.strip()
    prefix = given.lower()
    if not prefix:
        raise CommandError("give the question's id, or the first characters of it")
    if not _ID.match(prefix):
        raise CommandError(f"'{printable(given)}' is not a question id (ids are hexadecimal)")
    matches = [k for k in source.inbox.keys("question") if key_id(k).startswith(prefix)]
    if len(matches) > 1:
        ids = ", ".join(key_id(k) for k in matches[:5])
        raise CommandError(f"{prefix!r} matches {len(matches)} questions ({ids}); "
                           "give more characters")
    if matches:
        return matches[0], source.inbox.read(matches[0])
    if any(key_id(k).startswith(prefix) for k in source.inbox.keys("contact")):
        raise CommandError(f"{prefix!r} is a contact, not a question; only questions are answered")
    raise CommandError(f"no question {prefix!r} in {source.where} "
                       f"(list them with: {twin_command()} inbox --kind questions)")


def persona_name(folder: Path) -> str:
    """The full name in the persona folder's facts.json; refuses anything but a persona folder."""
    if not folder.is_dir():
        raise CommandError(f"{folder}: not a persona folder (answers go in a folder's "
                           f"{ANSWERS_FILE}; pass --persona DIR)")
    facts = folder / "facts.json"
    if not facts.is_file():
        raise CommandError(f"{folder}: not a persona folder (it has no facts.json)")
    try:
        name = json.loads(facts.read_text(encoding="utf-8")).get("full_name")
    except (ValueError, AttributeError):
        name = None
    if not isinstance(name, str) or not name.strip():
        raise CommandError(f"{facts}: no full_name (check it with: {twin_command()} persona "
                           f"check {folder})")
    return name.strip()


@dataclass(frozen=True)
class Answer:
    """What `answer` is about to do: which question, in which folder, with which words."""

    key: str
    entry: Entry
    folder: Path
    question: str  # as answers.md will hold it: one printable line
    answer: str
    existing: str | None  # the answer answers.md already gives to this question
    text: str  # answers.md as it is now

    @property
    def path(self) -> Path:
        return self.folder / ANSWERS_FILE

    @property
    def unchanged(self) -> bool:
        return self.existing is not None and self.existing == self.answer


def plan_answer(source: Source, prefix: str, answer: str, folder: Path, *,
                question: str | None = None, replace: bool = False) -> Answer:
    """Check everything an answer needs, writing nothing; raises CommandError with the reason."""
    name = persona_name(folder)
    key, entry = find_question(source, prefix)
    # Entries recorded before personas were named have none; early ones may hold spaces.
    asked_of = str(entry.get("persona") or "").strip()
    if asked_of and asked_of != name:
        raise CommandError(f"question {entry['id'][:8]} was asked of {printable(asked_of)}, but "
                           f"{folder} holds {printable(name)}; pass --persona with the folder "
                           f"of {printable(asked_of)}")
    answer = answer.strip()
    if not answer:
        raise CommandError("the answer is empty")
    if ANSWER_HEADING.search(answer):  # it would start a new question in answers.md
        raise CommandError("a line of the answer starts with '## ', which would begin a new "
                           f"question in {ANSWERS_FILE}; reword it")
    # What the owner is shown is what is stored: anything unprintable stays visible as an escape.
    stored = printable(question if question is not None else entry["question"])
    if not stored:
        raise CommandError("the question is empty")
    path = folder / ANSWERS_FILE
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    try:
        pairs = parse_answers(text, path)
    except PersonaError as exc:
        raise CommandError(f"{exc}; fix the file first") from None
    existing = next((kept for known, kept in pairs if _same(known, stored)), None)
    if existing is not None and existing != answer and not replace:
        raise CommandError(f"{path} already answers '{_short(stored)}' differently "
                           f"('{_short(existing)}'); nothing changed. To replace that answer, "
                           "add --replace")
    return Answer(key, entry, folder, stored, answer, existing, text)


def _short(text: str, limit: int = 60) -> str:
    text = printable(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def preview(plan: Answer) -> str:
    """The whole question as the visitor left it, and what answers.md will hold."""
    entry = plan.entry
    asked_of = f" of {printable(entry['persona'])}" if entry.get("persona") else ""
    lines = [f"Question {entry['id'][:8]}, asked{asked_of} on "
             f"{created(entry).strftime('%Y-%m-%d %H:%M')} UTC:"]
    lines += [QUOTE + line for line in printable(entry["question"], one_line=False).split("\n")]
    verb = "Replaces" if plan.existing is not None else "Adds"
    lines += [f"{verb} in {plan.path}:"]
    block = answer_block(plan.question, plan.answer).rstrip("\n")
    lines += [QUOTE + printable(line) for line in block.split("\n")]
    return "\n".join(line.rstrip() for line in lines)


def updated_text(plan: Answer) -> str:
    """answers.md with the pair added, or its earlier answer replaced; everything else kept."""
    block = answer_block(plan.question, plan.answer)
    if plan.existing is None:
        return (plan.text.rstrip() + "\n\n" if plan.text.strip() else "") + block
    starts = [m.start() for m in ANSWER_HEADING.finditer(plan.text)]
    for start, end in zip(starts, [*starts[1:], len(plan.text)], strict=True):
        heading = plan.text[start:end].split("\n", 1)[0]
        if _same(ANSWER_HEADING.sub("", heading), plan.question):
            rest = plan.text[end:]
            return plan.text[:start] + block + ("\n" + rest if rest else "")
    raise AssertionError("the question was found when the plan was made")  # pragma: no cover


def write_answer(source: Source, plan: Answer) -> str:
    """Write answers.md (unless unchanged), mark the question answered; returns what to say."""
    if not plan.unchanged:
        updated = updated_text(plan)
        parse_answers(updated, plan.path)  # the file stays one the persona loader accepts
        plan.path.write_text(updated, encoding="utf-8")
    now = datetime.now(UTC)
    stamp = now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"
    closed = {**plan.entry, "answered_at": stamp, "answer": plan.answer}
    if plan.question != printable(plan.entry["question"]):
        closed["answered_as"] = plan.question  # the owner's rewording, as answers.md holds it
    source.inbox.save(plan.key, closed)
    question = _short(plan.question)
    if plan.unchanged:
        return (f"Unchanged: {plan.path} already gives this answer to '{question}'; the question "
                "is marked answered.")
    did = "Replaced the answer" if plan.existing is not None else "Added an answer"
    return (f"{did} to '{question}' in {plan.path}; the question is marked answered. The twin "
            "uses it from its next start (restart `twin run`) or deploy (`pulumi up`).")


def answer_question(source: Source, prefix: str, answer: str, folder: Path, *,
                    confirm: Callable[[str], bool], question: str | None = None,
                    replace: bool = False) -> str:
    """Plan the answer, have `confirm` show it and agree, then write it."""
    plan = plan_answer(source, prefix, answer, folder, question=question, replace=replace)
    if not plan.unchanged and not confirm(preview(plan)):
        raise CommandError("nothing written")
    return write_answer(source, plan)
