"""`twin persona init|check|prompt DIR`: draft a persona, check it, show its prompt."""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import datetime
from functools import wraps
from pathlib import Path

import click

from api.persona import PersonaError, load_persona
from api.text import strip_controls
from twin.groups import InOrder
from twin.invocation import twin_command
from twin.paths import UserPath

from .check import (
    DEFAULT_MODEL,
    INPUT_USD_PER_MILLION,
    PROMPT_BUDGET_TOKENS,
    Report,
    check_persona,
    today_utc,
    tokens,
)


def draft_persona(folder: Path | str, source: Path | None, force: bool) -> int:
    """Write a draft persona (from a profile PDF when given) and say what to review."""
    from api.persona import read_pdf

    from .scaffold import NOTES, copy_name, profile_draft, template_draft, write_draft

    if not str(folder).strip():  # "" would mean the current folder, which nobody means
        raise PersonaError("the persona folder is empty; name one, e.g. personas/me")
    folder = Path(folder).expanduser()  # a quoted "~/me" (see twin.paths.UserPath)
    if source is None:
        draft = template_draft()
    else:
        if not source.is_file():
            raise PersonaError(f"{source}: file not found")
        from .linkedin import parse_profile
        from .pdftext import largest_text, text_with_gaps

        text = read_pdf(source, first_page=largest_text, page_text=text_with_gaps)
        if not text.lines:  # a scanned image: nothing to draft from, and nothing worth copying
            print(f"{source}: no text can be extracted (a scanned image?); writing the template")
            source = None
        draft = profile_draft(parse_profile(text)) if text.lines else template_draft()
    write_draft(folder, draft, source, force)
    origin = f" from {source.name}" if source else " (a template to fill in)"
    print(f"Wrote a persona draft to {folder}{origin}:")
    for name, what in draft.filled.items():
        print(f"  {name:<13} {what}")
    if source is not None:
        print(f"  {copy_name(source):<13} copied: its full text is part of the persona")
    if draft.missing:
        print(f"Not found, add them to facts.json if you want them: {', '.join(draft.missing)}")
    review = {
        "facts.json": "every value; 'public' lists what the page header shows",
        "summary.md": "in your own words, 200 to 4,000 characters",
        "style.md": "replace the example with how you talk, then delete the comment",
        "starters.txt": "the page shows the first four",
    }
    if f"{NOTES}/" in draft.filled:
        review[f"{NOTES}/"] = "one note a role, from the Experience section: add what it left out"
    if source is not None:
        review[copy_name(source)] = ("its whole text reaches the model (phone numbers and street "
                                     "addresses removed): nothing you would not publish")
    print("Review before you publish (the twin tells visitors only what these files say):")
    for name, what in review.items():
        print(f"  {name:<13} {what}")
    print(f"Then: {twin_command()} persona check {folder}")
    return 0


def render(report: Report, budget: int) -> str:
    """The report as a table an owner can read."""
    width = max([len(name) for name, _, _ in report.files] + [16])
    rows = [f"{name:<{width}}  {size:>9,} bytes  {note}" for name, size, note in report.files]
    if report.header is not None:
        header, prompt = report.header, tokens(report.prompt_chars)
        shown = " · ".join(str(header[k]) for k in ("full_name", "title", "location")
                           if header.get(k))
        avatar = f"avatar {header['avatar_url']}" if header["avatar_url"] else "no avatar"
        rows += [
            "",
            f"{'system prompt':<{width}}  {report.prompt_chars:>9,} chars  about {prompt:,} "
            f"tokens (budget {budget:,})",
            f"{'tool definitions':<{width}}  {report.tool_chars:>9,} chars  about "
            f"{tokens(report.tool_chars):,} tokens, sent with every turn too",
            f"{'cost':<{width}}  about ${report.cost_per_thousand_turns():.2f} per 1,000 turns "
            f"for these two at {DEFAULT_MODEL}'s input price (${INPUT_USD_PER_MILLION} per "
            "million tokens); history and replies add to it",
            f"{'page header':<{width}}  {shown}; {avatar}; "
            f"{len(header['starters'])} starter questions",
        ]
    lines = [f"Persona {report.path}", "", *(f"  {row}".rstrip() for row in rows), ""]
    if report.redacted:
        lines.append("Removed from the documents' text, so the twin cannot tell visitors (state "
                     "one in facts.json to publish it):")
        lines += [f"  removed  {what}" for what in report.redacted] + [""]
    if report.warnings:
        plural = "s" if len(report.warnings) > 1 else ""
        lines.append(f"{len(report.warnings)} warning{plural}:")
        lines += [f"  warning  {w}" for w in report.warnings]
    elif not report.errors:
        lines.append("No warnings.")
    # Printable whatever the files hold (a facts.json typed or pasted with escapes in it).
    return strip_controls("\n".join(lines).rstrip())


def _reported(command: Callable[..., int]) -> Callable[..., int]:
    """A persona problem or an OS error is one line on stderr and exit status 1."""

    @wraps(command)
    def run(**options: object) -> int:
        name = command.__name__.removesuffix("_command")
        try:
            return command(**options)
        except PersonaError as exc:
            print(strip_controls(f"persona {name}: {exc}"), file=sys.stderr)
        except OSError as exc:  # a folder that cannot be made or a file that cannot be written
            where = exc.filename or options.get("folder")
            print(strip_controls(f"persona {name}: {where}: {exc.strerror or exc}"),
                  file=sys.stderr)
        return 1

    return run


FOLDER = click.argument("folder", type=UserPath())


@click.group(cls=InOrder, epilog="""\b
examples:
  twin persona init personas/me --from ~/Downloads/Profile.pdf
  twin persona check personas/me
  twin persona prompt personas/me --date 2026-12-01""")
def persona() -> None:
    """Draft a persona folder, check it, and show the prompt the model receives."""


@persona.command("init")
@click.argument("folder")  # a string: click would make "" the current folder before we saw it
@click.option("--from", "source", type=UserPath(),
              help="a LinkedIn 'Save to PDF' export or another résumé as PDF")
@click.option("--force", is_flag=True, help="overwrite files that exist")
@_reported
def init_command(folder: str, source: Path | None, force: bool) -> int:
    """Create a persona folder, drafted from a profile PDF or as a commented template.

    It never overwrites a file unless --force is given, and prints what it filled, what it could
    not find, and what to review before you publish.
    """
    return draft_persona(folder, source, force)


@persona.command("check")
@FOLDER
@click.option("--budget", type=click.IntRange(min=1), default=PROMPT_BUDGET_TOKENS,
              show_default=True, help="warn above this many prompt tokens")
@_reported
def check_command(folder: Path, budget: int) -> int:
    """Load a persona as start-up does and report its size, cost, page header and weak spots.

    Warnings exit 0; errors exit 1 and name the file. A deploy refuses a persona this fails.
    """
    report = check_persona(folder, budget)
    print(render(report, budget))
    if report.errors:
        print(strip_controls(report.failure_message()), file=sys.stderr)
        return 1
    return 0


@persona.command("prompt")
@FOLDER
@click.option("--date", "day", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="the date in the prompt (default: today, UTC)")
@_reported
def prompt_command(folder: Path, day: datetime | None) -> int:
    """Print the exact system prompt the model receives for this persona."""
    from api.prompt import build_system_prompt

    print(build_system_prompt(load_persona(folder), day.date() if day else today_utc()))
    return 0
