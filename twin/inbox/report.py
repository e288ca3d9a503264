"""What the owner's command prints: the inbox as a table, JSON or CSV, and one conversation."""

from __future__ import annotations

import csv
import heapq
import io
import os
import shutil
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from api.inbox import Entry, Inbox, created, key_order
from twin.printable import printable, printable_json

KINDS = {"contacts": ("contact",), "questions": ("question",), None: ("contact", "question")}
CSV_FIELDS = ("id", "kind", "created_at", "source", "session_id", "email", "name", "message",
              "question", "asked", "answered_at", "answer")
# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection); a cell's
# tabs are spaces and its carriage returns escapes by then, and leading spaces are looked past.
_FORMULA_START = ("=", "+", "-", "@")
# Every line of what someone said is quoted, so no line of it can pass for a speaker's heading.
QUOTE = "  | "


DEFAULT_LIMIT = 50


def newest(inbox: Inbox, kind: str | None, since: datetime | None) -> Iterator[Entry]:
    """Entries of the chosen kinds (`contacts`, `questions` or both), newest first, each read
    only when the listing reaches it."""
    keys = heapq.merge(*(inbox.keys(k, since) for k in KINDS[kind]), key=key_order)
    return (inbox.read(key) for key in keys)


@dataclass
class Listing:
    """The newest entries to show, whether more exist, and how many answered ones were passed."""

    entries: list[Entry] = field(default_factory=list)
    more: bool = False
    hidden: int = 0


def gather(inbox: Inbox, kind: str | None, since: datetime | None, *, limit: int = 0,
           answered: bool = False) -> Listing:
    """Up to `limit` entries (0: all), newest first, answered questions only if `answered`.

    Reads one entry past the limit at most, so a full inbox costs what its newest page costs.
    """
    listing = Listing()
    for entry in newest(inbox, kind, since):
        if entry.get("answered_at") and not answered:
            listing.hidden += 1
        elif limit and len(listing.entries) >= limit:
            listing.more = True
            break
        else:
            listing.entries.append(entry)
    return listing


def more_line(limit: int) -> str:
    """What to say when the listing stopped at its limit."""
    return (f"Showing the newest {limit}; more exist: --limit {limit * 4} (or --limit 0 for "
            "all), or narrow it with --since or --kind.")


def summary(entry: Entry) -> str:
    """Who left a contact, or what was asked, in one line."""
    if entry["kind"] == "contact":
        who = f"{entry['name']} <{entry['email']}>" if entry.get("name") else entry["email"]
        text = f"{who}: {entry['message']}" if entry.get("message") else who
    else:
        text = entry["question"]
        if entry.get("answered_at"):
            text = f"[answered] {text}"
    return printable(text)


def terminal_width() -> int | None:
    """The terminal's width, or None when the output goes to a file or a pipe."""
    if sys.stdout.isatty() or os.environ.get("COLUMNS"):
        return shutil.get_terminal_size().columns
    return None


def table(entries: Iterable[Entry], width: int | None = None) -> str:
    """A fixed-width table, its last column cut to `width` when one is given."""
    rows = [("ID", "WHEN (UTC)", "KIND", "SESSION", "FROM / QUESTION")]
    rows += [(printable(e["id"][:8]), created(e).strftime("%Y-%m-%d %H:%M"), printable(e["kind"]),
              printable((e.get("session_id") or "-")[:8]), summary(e)) for e in entries]
    lines = [f"{r[0]:<8}  {r[1]:<16}  {r[2]:<8}  {r[3]:<8}  {r[4]}" for r in rows]
    if width is None:
        return "\n".join(lines)
    width = max(width, 64)  # the text column keeps at least 16 characters
    return "\n".join(line if len(line) <= width else line[: width - 1] + "…" for line in lines)


def as_json(data: Any) -> str:
    """Indented JSON, readable letters kept, anything unprintable as a \\u escape."""
    return printable_json(data)


def safe_cell(value: Any) -> str:
    """A printable CSV cell (line breaks kept) a spreadsheet shows as text, never runs."""
    text = printable(value, one_line=False)
    return "'" + text if text.lstrip().startswith(_FORMULA_START) else text


def as_csv(rows: Iterable[dict[str, Any]], fields: tuple[str, ...] = CSV_FIELDS) -> str:
    """Rows as CSV with a header line."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(fields)
    writer.writerows([safe_cell(row.get(f)) for f in fields] for row in rows)
    return out.getvalue()


def conversation_text(conversation: dict[str, Any]) -> str:
    """A conversation as the owner reads it: who said what, and when."""
    lines = [f"Conversation {printable(conversation['session_id'])}, "
             f"started {printable(conversation['created_at'])}"]
    for message in conversation["messages"]:
        who = "Visitor" if message["role"] == "user" else "Twin"
        lines += ["", f"{who} ({printable(message.get('timestamp', '?'))}):"]
        said = printable(message["content"], one_line=False).strip("\n")
        lines += [(QUOTE + line).rstrip() for line in said.split("\n")]
    return "\n".join(lines)


def nothing_line(where: str, kind: str | None, since_text: str | None, hidden: int) -> str:
    """The friendly line for an empty listing."""
    what = {"contacts": "contacts", "questions": "unanswered questions"}.get(
        kind or "", "contacts or unanswered questions")
    line = f"Nothing yet: no {what} in {where}"
    line += f" from the last {since_text}." if since_text else "."
    if hidden:
        line += f" ({hidden} answered question{'s' if hidden > 1 else ''} hidden; --all shows them)"
    return line
