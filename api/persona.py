"""Load a persona folder, or the compiled document built from it, into one immutable Persona.

A folder is compiled (its PDFs read, answers.md parsed, notes/ read, everything cut into passages
and indexed) at start-up locally and when the Lambda package is built; the function itself reads
only the compiled document (docs/architecture.md, "The persona" and "Knowledge").
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .notes import read_notes, utf8_name
from .passages import build_passages
from .redact import published, redact
from .retrieval import Index
from .text import strip_controls

FORMAT_VERSION = 3  # 2: the retrieval index; 3: its terms stemmed without a fixed cut
AVATAR_NAMES = ("avatar.png", "avatar.jpg", "avatar.webp")
MAX_STARTERS = 8
ANSWERS_FILE = "answers.md"
# answers.md holds one `## question` heading a question, with the owner's answer below it.
ANSWER_HEADING = re.compile(r"^##[ \t]+", re.MULTILINE)
PDF_FOOTER = re.compile(r"^Page \d+ of \d+$")
# A persona's PDFs, whatever the case of the extension (Resume.PDF too). A hidden file such as
# macOS's "._Resume.pdf" is none: `check` does not list it either.
PDF_FILE = re.compile(r"[^.].*\.pdf", re.IGNORECASE)
# Facts GET /api/profile may show when facts.json has no "public" list.
DEFAULT_PUBLIC = ("title", "location")


class PersonaError(ValueError):
    """The persona is missing or malformed; the message names the file and the problem."""


@dataclass(frozen=True)
class Persona:
    """A person's facts and voice, as the prompt and the offline responder use them."""

    facts: dict[str, Any]
    summary: str
    style: str
    documents: tuple[tuple[str, str], ...]  # (file name, extracted text)
    starters: tuple[str, ...]
    avatar: str | None
    answers: tuple[tuple[str, str], ...] = ()  # (question, the owner's answer) from answers.md
    # Passages of everything above and of notes/, indexed for retrieval (api/retrieval.py).
    index: Index = field(default_factory=lambda: Index.build([]), compare=False, repr=False)

    # Stripped: the name is stamped on inbox entries and compared whole with facts.json's later.
    @property
    def name(self) -> str:
        return str(self.facts["name"]).strip()

    @property
    def full_name(self) -> str:
        return str(self.facts["full_name"]).strip()

    def profile(self) -> dict[str, Any]:
        """The public card: only facts listed in `public` beyond the names."""
        public = set(self.facts.get("public", DEFAULT_PUBLIC))
        return {
            "name": self.name,
            "full_name": self.full_name,
            "title": self.facts.get("title") if "title" in public else None,
            "location": self.facts.get("location") if "location" in public else None,
            "avatar_url": f"/{self.avatar}" if self.avatar else None,
            "starters": list(self.starters[:4]),
        }


def _read_text(path: Path, required: bool = True) -> str:
    if not path.is_file():
        if required:
            raise PersonaError(f"{path}: file is missing")
        return ""
    try:
        text = path.read_text(encoding="utf-8").strip()
    except UnicodeDecodeError:
        raise PersonaError(f"{path}: not valid UTF-8 text") from None
    if required and not text:
        raise PersonaError(f"{path}: file is empty")
    return text


def _check_facts(facts: Any, source: Path) -> dict[str, Any]:
    if not isinstance(facts, dict):
        raise PersonaError(f"{source}: facts must be a JSON object")
    for key in ("full_name", "name"):
        if not isinstance(facts.get(key), str) or not facts[key].strip():
            raise PersonaError(f"{source}: '{key}' is required and must be a non-empty string")
    public = facts.get("public", list(DEFAULT_PUBLIC))
    if not isinstance(public, list) or not all(isinstance(p, str) for p in public):
        raise PersonaError(f"{source}: 'public' must be a list of fact names")
    return facts


@dataclass(frozen=True)
class PdfText:
    """A PDF's text lines, what `read_pdf`'s `first_page` found on page 1 if asked, and the
    lines that follow a blank line (a paragraph's first, by their index in `lines`)."""

    lines: tuple[str, ...]
    largest: str | None = None
    breaks: frozenset[int] = frozenset()


def read_pdf(path: Path, *, first_page: Callable[[Any], str | None] | None = None,
             page_text: Callable[[Any], str] | None = None) -> PdfText:
    """The text lines of a PDF (control characters stripped, whitespace collapsed, page footers
    dropped).

    `first_page` looks at page 1 (pypdf's page object) while the file is open: `twin persona
    init` finds the name there, set in the largest type. `page_text` extracts a page's text in
    place of pypdf's own extraction: init's marks paragraph breaks with blank lines.
    """
    import logging

    from pypdf import PdfReader  # build time only: never imported when serving a request

    # pypdf logs what it repairs ("incorrect startxref pointer"); the owner gets one line from
    # us instead, or none when the repair worked.
    pypdf_log, quiet = logging.getLogger("pypdf"), logging.NullHandler()
    propagate, pypdf_log.propagate = pypdf_log.propagate, False
    pypdf_log.addHandler(quiet)  # with no handler at all, Python would print to stderr anyway
    try:
        reader = PdfReader(path)
        pages = [(page_text or _extract)(page) for page in reader.pages]
        largest = first_page(reader.pages[0]) if first_page and reader.pages else None
    except OSError as exc:
        raise PersonaError(f"{path}: cannot read PDF ({exc.strerror or exc})") from None
    except Exception as exc:  # a malformed file makes pypdf raise almost anything
        # (NotImplementedError for an unknown stream filter, DeprecationError for an old filter
        # name, KeyError, RecursionError...): whatever it is, this file cannot be read.
        raise PersonaError(f"{path}: cannot read PDF ({exc.__class__.__name__}); export it "
                           "again or remove it") from None
    finally:
        pypdf_log.propagate = propagate
        pypdf_log.removeHandler(quiet)
    lines: list[str] = []
    breaks = set()
    for text in pages:
        blank = False  # a paragraph goes on from one page to the next
        for raw in strip_controls(text).splitlines():
            line = " ".join(raw.split())
            if not line or PDF_FOOTER.match(line):
                blank = blank or not line
                continue
            if blank and lines:
                breaks.add(len(lines))
            blank = False
            lines.append(line)
    name = " ".join(strip_controls(largest).split()) if largest else ""
    return PdfText(tuple(lines), name or None, frozenset(breaks))


def _extract(page: Any) -> str:
    return page.extract_text() or ""


def pdf_files(folder: Path) -> list[Path]:
    """The PDFs in a persona folder, `.pdf` in any case, in name order; one whose file name is
    not UTF-8 is left out (`twin persona check` says so), as the compiled persona cannot name it."""
    return sorted(p for p in folder.iterdir()
                  if PDF_FILE.fullmatch(p.name) and utf8_name(p.name) and p.is_file())


def parse_answers(text: str, source: Path) -> list[list[str]]:
    """The `## question` / answer pairs of answers.md, in file order."""
    pairs: list[list[str]] = []
    for block in ANSWER_HEADING.split(text)[1:]:
        question, _, answer = block.partition("\n")
        question, answer = question.strip(), answer.strip()
        if not question or not answer:
            raise PersonaError(f"{source}: the question {question!r} has no answer under it")
        pairs.append([question, answer])
    if text.strip() and not pairs:
        raise PersonaError(
            f"{source}: write each question as a '## ' heading with its answer below"
        )
    return pairs


def answer_block(question: str, answer: str) -> str:
    """One question and its answer as answers.md holds them."""
    return f"## {' '.join(question.split())}\n\n{answer.strip()}\n"


def find_avatar(folder: Path) -> Path | None:
    """Return the persona's avatar image, if it has one."""
    for name in AVATAR_NAMES:
        if (folder / name).is_file():
            return folder / name
    return None


def _strings(value: Any) -> list[str]:
    """Every string in a JSON value."""
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return [str(value)]


def compile_persona(folder: Path) -> dict[str, Any]:
    """Read a persona folder (PDFs included) into one JSON-serialisable document."""
    folder = Path(folder)
    if not folder.is_dir():
        raise PersonaError(f"{folder}: persona folder not found")
    facts_file = folder / "facts.json"
    try:
        facts = json.loads(_read_text(facts_file))
    except json.JSONDecodeError as exc:
        raise PersonaError(f"{facts_file}: invalid JSON at line {exc.lineno}: {exc.msg}") from None
    starters = [s.strip() for s in _read_text(folder / "starters.txt", False).splitlines()]
    avatar = find_avatar(folder)
    answers_file = folder / ANSWERS_FILE
    # A phone number or street address in a document is removed unless facts.json states it.
    keep = published(_strings(facts)) if isinstance(facts, dict) else set()
    facts = _check_facts(facts, facts_file)
    summary = _read_text(folder / "summary.md")
    documents = [(pdf.name, redact("\n".join(read_pdf(pdf).lines), keep))
                 for pdf in pdf_files(folder)]
    answers = parse_answers(_read_text(answers_file, False), answers_file)
    # A note that cannot be used is skipped here; `twin persona check` says which and why.
    notes = read_notes(folder).notes
    index = Index.build(build_passages(facts, summary, documents, answers, notes))
    return {
        "format": FORMAT_VERSION,
        "facts": facts,
        "summary": summary,
        "style": _read_text(folder / "style.md"),
        "documents": [list(d) for d in documents],
        "starters": [s for s in starters if s][:MAX_STARTERS],
        "avatar": avatar.name if avatar else None,
        "answers": answers,
        "index": index.to_document(),
    }


def write_compiled_persona(folder: Path, dest: Path) -> Path:
    """Compile a persona folder into a JSON file (stable bytes for the same input)."""
    document = compile_persona(folder)
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    # Compact: with a large notes folder, indentation alone would add megabytes to the archive.
    dest.write_text(json.dumps(document, ensure_ascii=False, separators=(",", ":"),
                               sort_keys=True) + "\n")
    return dest


def _from_document(doc: Any, source: Path) -> Persona:
    if not isinstance(doc, dict) or "format" not in doc:
        raise PersonaError(f"{source}: not a compiled persona (format {FORMAT_VERSION})")
    if doc["format"] != FORMAT_VERSION:
        # An archive built before the notes and the index: the file is fine, just old.
        raise PersonaError(
            f"{source}: compiled by another version of twin (format "
            f"{str(doc['format'])[:20]}; this one reads format {FORMAT_VERSION}); compile it "
            "again from its persona folder: `pulumi up` packages it anew, and a folder given "
            "as the persona is compiled at start-up")
    try:
        return Persona(
            facts=_check_facts(doc["facts"], source),
            summary=str(doc["summary"]),
            style=str(doc["style"]),
            documents=tuple((str(n), str(t)) for n, t in doc.get("documents", [])),
            starters=tuple(str(s) for s in doc.get("starters", [])),
            avatar=doc.get("avatar"),
            answers=tuple((str(q), str(a)) for q, a in doc.get("answers", [])),
            index=Index.from_document(doc["index"]),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise PersonaError(f"{source}: malformed compiled persona ({exc})") from None


def load_persona(path: Path) -> Persona:
    """Load a persona from its folder or from a compiled .json file."""
    path = Path(path)
    if path.is_dir():
        return _from_document(compile_persona(path), path)
    if not path.is_file():
        raise PersonaError(
            f"{path}: persona not found (expected a folder or a compiled .json file)"
        )
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise PersonaError(f"{path}: invalid JSON ({exc.__class__.__name__})") from None
    return _from_document(doc, path)
