"""`check`: load a persona as start-up does, and report its size, cost, header and weak spots."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from api.notes import utf8_name
from api.persona import (
    ANSWERS_FILE,
    AVATAR_NAMES,
    PDF_FILE,
    Persona,
    PersonaError,
    load_persona,
)
from api.prompt import build_system_prompt
from api.redact import redactions

from .advice import persona_warnings
from .notes_check import notes_rows, shown

CHARS_PER_TOKEN = 4  # a rough average for English text; the model's own count differs a little
PROMPT_BUDGET_TOKENS = 8_000  # every turn pays for the whole prompt: beyond this, trim it
DEFAULT_MODEL = "Nova Micro"
CONTEXT_TOKENS = 128_000  # Nova Micro's context window: a prompt beyond it fails every turn
# Amazon Bedrock's on-demand price for Nova Micro input tokens, in USD per million tokens, as
# listed for us-east-1 in 2025 and 2026. Prices vary by region and change: check Bedrock's
# pricing page for yours.
INPUT_USD_PER_MILLION = 0.035
READ = {"facts.json", "summary.md", "style.md", "starters.txt", ANSWERS_FILE, *AVATAR_NAMES}


def today_utc() -> date:
    """The date the running app puts in the prompt (it uses UTC)."""
    return datetime.now(UTC).date()


def tokens(chars: int) -> int:
    """An estimate of the tokens in `chars` characters of text."""
    return -(-chars // CHARS_PER_TOKEN)


@dataclass
class Report:
    """What `check` found: files, the prompt's size and cost, the page header, warnings, errors."""

    path: Path
    files: list[tuple[str, int, str]] = field(default_factory=list)  # name, bytes, what it holds
    prompt_chars: int = 0
    tool_chars: int = 0
    header: dict | None = None
    redacted: list[str] = field(default_factory=list)  # what compiling removed, per document
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def failure_message(self) -> str:
        """The errors as `check` prints them, and as a deploy refusing this persona says them."""
        if len(self.errors) == 1:  # one line, as a deploy prints it
            return f"persona check failed for {self.path}: {self.errors[0]}"
        count = f"{len(self.errors)} error" + ("s" if len(self.errors) > 1 else "")
        lines = [f"persona check failed ({count}) for {self.path}:"]
        return "\n".join(lines + [f"  error  {e}" for e in self.errors])

    def cost_per_thousand_turns(self) -> float:
        """USD for the input tokens of the prompt and tool definitions, over 1,000 turns."""
        return tokens(self.prompt_chars + self.tool_chars) * 1_000 * INPUT_USD_PER_MILLION / 1e6


def _file_note(path: Path, persona: Persona | None) -> str:
    name = path.name
    pdf = PDF_FILE.fullmatch(name) is not None
    if name not in READ and not pdf:
        return "not read (not part of a persona)"
    if pdf and not utf8_name(name):
        return "not read: its file name is not valid UTF-8 (rename it)"
    if persona is None:
        return ""
    if pdf:
        return f"{len(dict(persona.documents).get(name, '')):,} characters of text"
    notes = {
        "facts.json": f"{len([k for k in persona.facts if k != 'public'])} facts",
        "summary.md": f"{len(persona.summary):,} characters",
        "style.md": f"{len(persona.style):,} characters",
        "starters.txt": f"{len(persona.starters)} starters (the page shows 4)",
        ANSWERS_FILE: f"{len(persona.answers)} answered questions",
    }
    return notes.get(name, "avatar")


def _listing(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith("."))
    return [path] if path.is_file() else []


def _largest_part(persona: Persona, path: Path) -> Path:
    """The file that adds the most text to the prompt (or the compiled file itself)."""
    if not path.is_dir():
        return path
    # PDFs, notes and answers reach the model as passages, not in the prompt.
    sizes = {"summary.md": len(persona.summary), "style.md": len(persona.style)}
    return path / max(sizes, key=lambda name: sizes[name])


def _counted(counts: dict[str, int]) -> str:
    """ "1 phone number and 2 street addresses" """
    parts = [f"{n} {kind}" + ("" if n == 1 else "es" if kind.endswith("s") else "s")
             for kind, n in sorted(counts.items())]
    return " and ".join(parts)


def check_persona(path: Path, budget: int = PROMPT_BUDGET_TOKENS,
                  today: date | None = None) -> Report:
    """Load the persona exactly as start-up does, then measure it and list what to improve."""
    from api.models.bedrock import tool_config  # the tools as Bedrock is sent them
    from api.tools import TOOL_SPECS

    path = Path(path)
    report = Report(path)
    try:
        persona: Persona | None = load_persona(path)
    except PersonaError as exc:
        persona = None
        report.errors.append(str(exc))
    report.files = [(shown(p.name), p.stat().st_size,
                     _file_note(p, persona) if path.is_dir() else "a compiled persona")
                    for p in _listing(path)]
    notes_warnings: list[str] = []
    if path.is_dir():  # a note that cannot be used is skipped at start-up: say which and why
        rows, notes_warnings = notes_rows(path, persona)
        report.files += rows
        notes_warnings += [f"{shown(p.name)}: its file name is not valid UTF-8, so the PDF is "
                           "not read; rename it" for p in _listing(path)
                           if PDF_FILE.fullmatch(p.name) and not utf8_name(p.name)]
    if persona is None:
        report.warnings = notes_warnings
        return report
    report.prompt_chars = len(build_system_prompt(persona, today or today_utc()))
    report.tool_chars = len(json.dumps(tool_config(TOOL_SPECS)))
    report.header = persona.profile()
    report.redacted = [f"{name}: {_counted(redactions(text))}"
                       for name, text in persona.documents if redactions(text)]
    report.warnings = persona_warnings(persona, path if path.is_dir() else None) + notes_warnings
    prompt_tokens = tokens(report.prompt_chars)
    if prompt_tokens > CONTEXT_TOKENS:
        report.errors.append(
            f"{_largest_part(persona, path)}: the system prompt is about "
            f"{prompt_tokens:,} tokens, more than {DEFAULT_MODEL} can read ({CONTEXT_TOKENS:,}); "
            "shorten this file")
    elif prompt_tokens > budget:
        report.warnings.append(
            f"system prompt: about {prompt_tokens:,} tokens, over the budget of {budget:,}; "
            "every turn pays for all of it, so trim the summary or style.md")
    return report


def require_valid_persona(path: Path) -> Report:
    """The check a deploy runs: raise PersonaError with `check`'s message when it fails."""
    report = check_persona(path)
    if report.errors:
        raise PersonaError(report.failure_message())
    return report
