"""`python -m api.inbox`: the owner lists, answers and counts what visitors left with the twin."""

from __future__ import annotations

import argparse
import os
import sys
from datetime import UTC, datetime
from pathlib import Path

from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError

from ..config import DEFAULT_PERSONA
from . import report
from .answer import answer_question
from .sources import CommandError, Source, aws_error, open_source, parse_since, stack_bucket
from .stats import compute_stats, stats_text

_EPILOG = """examples:
  python -m api.inbox                          list the local twin's inbox (.twin/memory)
  python -m api.inbox --stack dev --since 7d   the dev stack's bucket, last 7 days
  python -m api.inbox --conversation 3f2a9c    the conversation an entry came from
  python -m api.inbox answer 9b1c "I do, on weekends."
  python -m api.inbox stats --since 30d"""


def _since(text: str) -> str:
    try:
        parse_since(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return text.strip().lower()


def _source_options(parser: argparse.ArgumentParser, default: object) -> None:
    # Accepted before or after the command; a command's copy never overrides the main one.
    group = parser.add_argument_group("where the inbox is (one of)")
    group.add_argument("--bucket", default=default, help="the stack's memory bucket (S3)")
    group.add_argument("--stack", default=default,
                       help="read that stack's bucket (runs `pulumi stack output memoryBucket`)")
    group.add_argument("--dir", type=Path, default=default,
                       help="the local memory folder (default: TWIN_MEMORY_DIR or .twin/memory)")
    group.add_argument("--region", default=default, help="the bucket's region (optional)")


def _list_options(parser: argparse.ArgumentParser, default: object) -> None:
    flag = False if default is None else default
    parser.add_argument("--since", type=_since, default=default, metavar="SPAN",
                        help="only entries from the last SPAN: 12h, 7d, 2w")
    parser.add_argument("--kind", choices=("contacts", "questions"), default=default)
    parser.add_argument("--all", action="store_true", default=flag,
                        help="list answered questions too")
    parser.add_argument("--conversation", metavar="SESSION", default=default,
                        help="print the conversation with this session id (or its start)")
    formats = parser.add_mutually_exclusive_group()
    formats.add_argument("--json", action="store_true", default=flag, help="print JSON")
    formats.add_argument("--csv", action="store_true", default=flag, help="print CSV")


def build_parser() -> argparse.ArgumentParser:
    """The command line: `list` (the default), `answer` and `stats`."""
    parser = argparse.ArgumentParser(
        prog="python -m api.inbox", description="Contacts visitors left and questions your twin "
        "could not answer, newest first.", epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    _source_options(parser, None)
    _list_options(parser, None)
    parser.set_defaults(command="list")
    commands = parser.add_subparsers(dest="command", metavar="{list,answer,stats}")
    listing = commands.add_parser("list", help="list the inbox (the default)")
    _source_options(listing, argparse.SUPPRESS)
    _list_options(listing, argparse.SUPPRESS)
    answer = commands.add_parser("answer", help="answer a question: it goes into answers.md")
    _source_options(answer, argparse.SUPPRESS)
    answer.add_argument("question_id", help="the question's id, or its first characters")
    answer.add_argument("answer", help="your answer, in your own words")
    answer.add_argument("--persona", type=Path, default=None,
                        help="persona folder (default: TWIN_PERSONA or api/persona)")
    stats = commands.add_parser("stats", help="conversations, turns, contacts, questions per week")
    _source_options(stats, argparse.SUPPRESS)
    stats.add_argument("--since", type=_since, default=argparse.SUPPRESS, metavar="SPAN",
                       help="the period: 12h, 30d, 8w (default: 30d)")
    stats.add_argument("--json", action="store_true", default=argparse.SUPPRESS)
    return parser


def list_inbox(args: argparse.Namespace, source: Source) -> None:
    """Print the inbox, or the conversation asked for."""
    if args.conversation:
        conversation = source.conversation(args.conversation)
        if args.json:
            print(report.as_json(conversation))
        elif args.csv:
            fields = ("timestamp", "role", "content", "message_id")
            sys.stdout.write(report.as_csv(conversation["messages"], fields))
        else:
            print(report.conversation_text(conversation))
        return
    since = datetime.now(UTC) - parse_since(args.since) if args.since else None
    everything = report.gather(source.inbox, args.kind, since)
    entries = everything if args.all else [e for e in everything if not e.get("answered_at")]
    if args.json:
        print(report.as_json(entries))
    elif args.csv:
        sys.stdout.write(report.as_csv(entries))
    elif not entries:
        hidden = len(everything) - len(entries)
        print(report.nothing_line(source.where, args.kind, args.since, hidden))
    else:
        print(report.table(entries, report.terminal_width()))
        print(f"\n{len(entries)} in {source.where}. Answer a question: python -m api.inbox "
              'answer ID "your answer"; see where it came from: --conversation SESSION')


def _persona(args: argparse.Namespace) -> Path:
    return args.persona or Path(os.environ.get("TWIN_PERSONA") or DEFAULT_PERSONA)


def _folder(args: argparse.Namespace) -> Path:
    return args.dir or Path(os.environ.get("TWIN_MEMORY_DIR", "").strip() or ".twin/memory")


def run(args: argparse.Namespace, bucket: str | None) -> None:
    """Run the chosen command against the bucket, or the local folder when there is none."""
    source = open_source(bucket, args.region, _folder(args))
    if args.command == "answer":
        print(answer_question(source, args.question_id, args.answer, _persona(args)))
    elif args.command == "stats":
        now = datetime.now(UTC)
        stats = compute_stats(source, now - parse_since(args.since or "30d"), now)
        print(report.as_json(stats) if args.json else stats_text(stats, source.where))
    else:
        list_inbox(args, source)


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run it; one line on stderr and a non-zero status on failure."""
    args = build_parser().parse_args(argv)
    chosen = [name for name in ("bucket", "stack", "dir") if getattr(args, name) is not None]
    if len(chosen) > 1:
        print(f"inbox: choose one of --{' and --'.join(chosen)}", file=sys.stderr)
        return 2
    bucket = args.bucket
    try:
        if args.stack is not None:
            bucket = stack_bucket(args.stack)
        run(args, bucket)
    except CommandError as exc:
        message = str(exc)
    except NoCredentialsError:
        message = ("no AWS credentials found: sign in (e.g. `aws sso login`, or set AWS_PROFILE) "
                   "and try again")
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
