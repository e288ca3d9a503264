"""`answer`: the owner's answer goes into the persona's answers.md, and the question is closed."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from api.inbox import Entry
from api.persona import ANSWER_HEADING, ANSWERS_FILE, PersonaError, answer_block, parse_answers
from twin.invocation import twin_command

from .sources import CommandError, Source


def _same(question: str, other: str) -> bool:
    def normal(text: str) -> str:
        return " ".join(text.split()).casefold().rstrip("?!. ")

    return normal(question) == normal(other)


def find_question(source: Source, prefix: str) -> tuple[str, Entry]:
    """The (key, entry) of the one question whose id starts with `prefix`."""
    prefix = prefix.strip().lower()
    if not prefix:
        raise CommandError("give the question's id, or the first characters of it")
    matches = [(k, e) for k, e in source.inbox.entries("question") if e["id"].startswith(prefix)]
    if len(matches) > 1:
        ids = ", ".join(e["id"] for _k, e in matches[:5])
        raise CommandError(f"{prefix!r} matches {len(matches)} questions ({ids}); "
                           "give more characters")
    if matches:
        return matches[0]
    if any(e["id"].startswith(prefix) for _k, e in source.inbox.entries("contact")):
        raise CommandError(f"{prefix!r} is a contact, not a question; only questions are answered")
    raise CommandError(f"no question {prefix!r} in {source.where} "
                       f"(list them with: {twin_command()} inbox --kind questions)")


def persona_folder(path: Path) -> Path:
    """The persona folder answers.md belongs in."""
    if not path.is_dir():
        raise CommandError(f"{path}: not a persona folder (answers go in a folder's {ANSWERS_FILE};"
                           " pass --persona DIR)")
    if not (path / "facts.json").is_file():
        raise CommandError(f"{path}: not a persona folder (it has no facts.json)")
    return path


def add_answer(folder: Path, question: str, answer: str) -> tuple[bool, str]:
    """Append the pair to answers.md unless the question is there; (added, the answer kept)."""
    answer = answer.strip()
    if not answer:
        raise CommandError("the answer is empty")
    if ANSWER_HEADING.search(answer):  # it would start a new question in answers.md
        raise CommandError("a line of the answer starts with '## ', which would begin a new "
                           f"question in {ANSWERS_FILE}; reword it")
    path = folder / ANSWERS_FILE
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    try:
        pairs = parse_answers(text, path)
    except PersonaError as exc:
        raise CommandError(f"{exc}; fix the file first") from None
    for known, kept in pairs:
        if _same(known, question):
            return False, kept
    updated = (text.rstrip() + "\n\n" if text.strip() else "") + answer_block(question, answer)
    parse_answers(updated, path)  # the file stays one the persona loader accepts
    path.write_text(updated, encoding="utf-8")
    return True, answer


def answer_question(source: Source, prefix: str, answer: str, persona: Path) -> str:
    """Record the owner's answer and mark the question answered; returns what to tell them."""
    folder = persona_folder(persona)
    key, entry = find_question(source, prefix)
    added, kept = add_answer(folder, entry["question"], answer)
    now = datetime.now(UTC)
    stamp = now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"
    source.inbox.save(key, {**entry, "answered_at": stamp, "answer": kept})
    path = folder / ANSWERS_FILE
    lines = [f"Question {entry['id'][:8]}: {' '.join(entry['question'].split())}"]
    if added:
        lines.append(f"Added your answer to {path}.")
    else:
        differently = " differently" if kept != answer.strip() else ""
        lines.append(f"{path} already answers it{differently}; kept that answer "
                     "(edit the file to change it).")
    lines += [
        "Marked it answered in the inbox (--all lists answered questions).",
        "Redeploy (`pulumi up`, or push to main) for the twin to know it; "
        "locally, restart `twin run` (or `make run`).",
    ]
    return "\n".join(lines)
