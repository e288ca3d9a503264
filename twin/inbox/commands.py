"""`twin inbox`: the owner lists, answers and counts what visitors left with the twin."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from datetime import UTC, datetime
from functools import wraps
from pathlib import Path
from typing import Any

import click

from twin.groups import InOrder
from twin.invocation import twin_command
from twin.paths import UserPath

from . import report
from .sources import CommandError, Source, parse_since


@dataclass(frozen=True)
class Options:
    """Where the inbox is and what to show; given before or after the subcommand's name."""

    bucket: str | None = None
    stack: str | None = None
    folder: Path | None = None
    region: str | None = None
    since: str | None = None
    kind: str | None = None
    all: bool = False
    conversation: str | None = None
    json: bool = False
    csv: bool = False
    limit: int | None = None

    def merged(self, given: dict[str, Any]) -> Options:
        """These options overridden by what a subcommand was given (absent ones keep these)."""
        return replace(self, **{k: v for k, v in given.items()
                                if v is not None and v is not False})


def _since(_ctx: click.Context, _param: click.Parameter, text: str | None) -> str | None:
    if text is None:
        return None
    try:
        parse_since(text)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None
    return text.strip().lower()


def _source_options(command: Callable) -> Callable:
    for option in reversed((
        click.option("--bucket", help="the stack's memory bucket (S3)"),
        click.option("--stack", help="read that stack's bucket (runs `pulumi stack output "
                     "memoryBucket`)"),
        click.option("--dir", "folder", type=UserPath(file_okay=False),
                     help="the local memory folder (default: TWIN_MEMORY_DIR or .twin/memory)"),
        click.option("--region", help="the bucket's region (optional)"),
    )):
        command = option(command)
    return command


def _list_options(command: Callable) -> Callable:
    for option in reversed((
        click.option("--since", metavar="SPAN", callback=_since,
                     help="only entries from the last SPAN: 12h, 7d, 2w"),
        click.option("--kind", type=click.Choice(["contacts", "questions"])),
        click.option("--all", is_flag=True, help="list answered questions too"),
        click.option("--conversation", metavar="SESSION",
                     help="print the conversation with this session id (or its start)"),
        click.option("--json", is_flag=True, help="print JSON"),
        click.option("--csv", is_flag=True, help="print CSV"),
        click.option("--limit", type=click.IntRange(min=0), metavar="N",
                     help=f"show the newest N (default {report.DEFAULT_LIMIT}; 0: all)"),
    )):
        command = option(command)
    return command


def _options(ctx: click.Context, given: dict[str, Any]) -> Options:
    options = (ctx.obj or Options()).merged(given)
    places = [f"--{name}" for name, value in (("bucket", options.bucket),
              ("stack", options.stack), ("dir", options.folder)) if value is not None]
    if len(places) > 1:
        raise click.UsageError(f"choose one of {' and '.join(places)}")
    if options.json and options.csv:
        raise click.UsageError("choose one of --json and --csv")
    return options


def _reported(command: Callable[..., None]) -> Callable[..., int]:
    """Open the inbox the options name and run `command` on it; a problem is one line, exit 1."""

    @wraps(command)
    @click.pass_context
    def run(ctx: click.Context, **given: Any) -> int:
        from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError

        from .sources import aws_error, open_source, stack_bucket

        options = _options(ctx, {k: given.pop(k) for k in list(given)
                                 if k in {f.name for f in fields(Options)}})
        bucket = options.bucket
        try:
            if options.stack is not None:
                bucket = stack_bucket(options.stack)
            source = open_source(bucket, options.region, _folder(options))
            command(source, options, **given)
        except CommandError as exc:
            message = str(exc)
        except NoCredentialsError:
            message = ("no AWS credentials found: sign in (e.g. `aws sso login`, or set "
                       "AWS_PROFILE) and try again")
        except ClientError as exc:
            message = aws_error(exc, bucket)
        except BotoCoreError as exc:  # no network, an expired SSO token, a bad profile name
            message = f"AWS: {exc}"
        except BrokenPipeError:  # the reader (head, less) stopped early: not a failure
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return 0
        except OSError as exc:  # answers.md or the memory folder cannot be read or written
            message = str(exc)
        else:
            return 0
        print(f"inbox: {message}", file=sys.stderr)
        return 1

    return run


def _folder(options: Options) -> Path:
    return options.folder or Path(os.environ.get("TWIN_MEMORY_DIR", "").strip()
                                  or ".twin/memory").expanduser()


@click.group(cls=InOrder, invoke_without_command=True, epilog="""\b
examples:
  twin inbox                          list the local twin's inbox (.twin/memory)
  twin inbox --stack dev --since 7d   the dev stack's bucket, last 7 days
  twin inbox --conversation 3f2a9c    the conversation an entry came from
  twin inbox answer 9b1c "I do, on weekends."
  twin inbox stats --since 30d""")
@_source_options
@_list_options
@click.pass_context
def inbox(ctx: click.Context, **given: Any) -> int | None:
    """Contacts visitors left and questions your twin could not answer, newest first.

    Without a subcommand it lists them (as `twin inbox list`). The options may come before or
    after the subcommand's name.
    """
    ctx.obj = Options().merged(given)
    if ctx.invoked_subcommand is None:
        return ctx.invoke(list_command)
    return None


@inbox.command("list")
@_source_options
@_list_options
@_reported
def list_command(source: Source, options: Options) -> None:
    """List the inbox, or print the conversation an entry came from."""
    if options.conversation:
        conversation = source.conversation(options.conversation)
        if options.json:
            print(report.as_json(conversation))
        elif options.csv:
            fields = ("timestamp", "role", "content", "message_id")
            sys.stdout.write(report.as_csv(conversation["messages"], fields))
        else:
            print(report.conversation_text(conversation))
        return
    since = datetime.now(UTC) - parse_since(options.since) if options.since else None
    limit = report.DEFAULT_LIMIT if options.limit is None else options.limit
    listing = report.gather(source.inbox, options.kind, since, limit=limit,
                            answered=options.all)
    entries = listing.entries
    if options.json or options.csv:
        sys.stdout.write(report.as_json(entries) + "\n" if options.json
                         else report.as_csv(entries))
        if listing.more:  # on stderr: what goes to a file stays plain JSON or CSV
            print(report.more_line(limit), file=sys.stderr)
    elif not entries:
        print(report.nothing_line(source.where, options.kind, options.since, listing.hidden))
    else:
        print(report.table(entries, report.terminal_width()))
        count = f"The newest {len(entries)}" if listing.more else f"{len(entries)}"
        print(f"\n{count} in {source.where}. Answer a question: {twin_command()} inbox "
              'answer ID "your answer"; see where it came from: --conversation SESSION')
        if listing.more:
            print(report.more_line(limit))


@inbox.command("answer", epilog="""\b
examples:
  twin inbox answer 9b1c "Yes, on weekends, mostly on the Tagus."
  twin inbox answer 9b1c "Yes." --question "Do you sail?"    store your own wording
  twin inbox answer 9b1c "Only in summer." --replace         change an earlier answer
  twin inbox --stack prod answer 9b1c "..." --yes            no question asked (scripts)""")
@click.argument("question_id")
@click.argument("answer")
@click.option("--persona", "persona_dir", type=UserPath(),
              help="persona folder (default: the stack's twin:personaDir with --stack, else "
                   "TWIN_PERSONA, else personas/example)")
@click.option("--question", "reworded", metavar="TEXT",
              help="store the question in your own words rather than the visitor's")
@click.option("--replace", is_flag=True, help="replace the answer answers.md already gives")
@click.option("--yes", "-y", is_flag=True, help="write without asking for confirmation")
@_source_options
@_reported
def answer_command(source: Source, options: Options, question_id: str, answer: str,
                   persona_dir: Path | None, reworded: str | None, replace: bool,
                   yes: bool) -> None:
    """Answer a question: the answer goes into the persona's answers.md, the question is closed.

    QUESTION_ID is the question's id, or its first characters. The whole question and what
    answers.md will hold are shown first, and written only once you confirm (or with --yes).
    """
    from .answer import answer_question

    folder = persona_dir or _persona_folder(options)
    print(answer_question(source, question_id, answer, folder, confirm=_confirmation(yes),
                          question=reworded, replace=replace))


def _persona_folder(options: Options) -> Path:
    """The persona the inbox belongs to: the stack's, or the local twin's (TWIN_PERSONA)."""
    from api.config import DEFAULT_PERSONA

    from .sources import stack_persona_dir

    if options.stack is not None:
        return stack_persona_dir(options.stack)
    return Path(os.environ.get("TWIN_PERSONA", "").strip() or DEFAULT_PERSONA).expanduser()


def _confirmation(yes: bool) -> Callable[[str], bool]:
    """Shows what `answer` will write, then asks at the terminal (or --yes has agreed)."""

    def confirm(shown: str) -> bool:
        print(shown)
        if yes:
            return True
        if not sys.stdin.isatty():
            raise CommandError("nothing written: there is no terminal to confirm at; read the "
                               "question above and add --yes to write it")
        return click.confirm("Write it?", default=False)

    return confirm


@inbox.command("stats")
@_source_options
@click.option("--since", metavar="SPAN", callback=_since,
              help="the period: 12h, 30d, 8w (default: 30d)")
@click.option("--json", is_flag=True, help="print JSON")
@_reported
def stats_command(source: Source, options: Options) -> None:
    """Conversations, visitor turns, contacts and questions per week; the questions asked most."""
    from .stats import compute_stats, stats_text

    now = datetime.now(UTC)
    stats = compute_stats(source, now - parse_since(options.since or "30d"), now)
    print(report.as_json(stats) if options.json else stats_text(stats, source.where))
