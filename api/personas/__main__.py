"""`python -m api.personas init|check|prompt DIR`: draft a persona, check it, show its prompt."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from . import PersonaError, load_persona
from .check import (
    DEFAULT_MODEL,
    INPUT_USD_PER_MILLION,
    PROMPT_BUDGET_TOKENS,
    Report,
    check_persona,
    today_utc,
    tokens,
)


def init(folder: Path, source: Path | None, force: bool) -> int:
    """Write a draft persona (from a profile PDF when given) and say what to review."""
    from .scaffold import profile_draft, template_draft, write_draft

    if source is None:
        draft = template_draft()
    else:
        if not source.is_file():
            raise PersonaError(f"{source}: file not found")
        from .linkedin import parse_profile
        from .pdftext import read_pdf

        text = read_pdf(source)
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
        print(f"  {source.name:<13} copied: its full text is part of the persona")
    if draft.missing:
        print(f"Not found, add them to facts.json if you want them: {', '.join(draft.missing)}")
    review = {
        "facts.json": "every value; 'public' lists what the page header shows",
        "summary.md": "in your own words, 200 to 4,000 characters",
        "style.md": "replace the example with how you talk, then delete the comment",
        "starters.txt": "the page shows the first four",
    }
    if source is not None:
        review[source.name] = "its whole text reaches the model: nothing you would not publish"
    print("Review before you publish (the twin tells visitors only what these files say):")
    for name, what in review.items():
        print(f"  {name:<13} {what}")
    print(f"Then: python -m api.personas check {folder}")
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
    if report.warnings:
        plural = "s" if len(report.warnings) > 1 else ""
        lines.append(f"{len(report.warnings)} warning{plural}:")
        lines += [f"  warning  {w}" for w in report.warnings]
    elif not report.errors:
        lines.append("No warnings.")
    return "\n".join(lines).rstrip()


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m api.personas", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    make = commands.add_parser("init", help="create a persona folder (from a LinkedIn PDF)")
    make.add_argument("folder", type=Path)
    make.add_argument("--from", dest="source", type=Path, help="a LinkedIn 'Save to PDF' export "
                      "or another résumé as PDF")
    make.add_argument("--force", action="store_true", help="overwrite files that exist")
    check = commands.add_parser("check", help="load a persona and report what to improve")
    check.add_argument("folder", type=Path)
    check.add_argument("--budget", type=int, default=PROMPT_BUDGET_TOKENS,
                       help="warn above this many prompt tokens (default %(default)s)")
    prompt = commands.add_parser("prompt", help="print the system prompt the model receives")
    prompt.add_argument("folder", type=Path)
    prompt.add_argument("--date", type=date.fromisoformat, help="the date in the prompt "
                        "(default: today, UTC)")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command; 0 on success (warnings included), 1 on errors."""
    args = _parser().parse_args(argv)
    try:
        if args.command == "init":
            return init(args.folder, args.source, args.force)
        if args.command == "prompt":
            from ..prompt import build_system_prompt

            print(build_system_prompt(load_persona(args.folder), args.date or today_utc()))
            return 0
        report = check_persona(args.folder, args.budget)
    except PersonaError as exc:
        print(f"persona {args.command}: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:  # a folder that cannot be made or a file that cannot be written
        where = exc.filename or args.folder
        print(f"persona {args.command}: {where}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    print(render(report, args.budget))
    if report.errors:
        print(report.failure_message(), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
