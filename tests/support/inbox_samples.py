"""A known inbox and its conversations, written to a folder or to a (moto) bucket, and the
command that reads them."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from api.inbox import new_entry
from api.inbox.files import FileInbox
from api.inbox.s3 import S3Inbox
from twin.cli import main as twin_main

BUCKET = "twin-memory-inbox-test"
NOW = datetime.now(UTC)
# Two sessions share the prefix 3f2a9c, so that prefix alone is ambiguous.
CHESS = "3f2a9c10-0000-4000-8000-00000000000a"
HIRE = "3f2a9c20-0000-4000-8000-00000000000b"
SHOES = "7c1d0000-0000-4000-8000-00000000000c"


def stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def conversation(session_id: str, started: datetime, *texts: str) -> dict:
    """A stored conversation: each visitor text gets a reply, one minute apart."""
    messages = []
    for i, text in enumerate(texts):
        at = stamp(started + timedelta(minutes=i))
        messages += [
            {"role": "user", "content": text, "timestamp": at, "message_id": f"m{i}"},
            {"role": "assistant", "content": f"reply to {text}", "timestamp": at,
             "message_id": f"m{i}"},
        ]
    return {"session_id": session_id, "created_at": stamp(started),
            "updated_at": messages[-1]["timestamp"], "messages": messages}


def sample_entries() -> list[dict]:
    """A question an hour old, a contact two days old, a question ten days old."""
    return [
        new_entry("question", {"question": "Do you play chess?"}, session_id=CHESS,
                  asked="Do you play chess?", source="chat", now=NOW - timedelta(hours=1)),
        new_entry("contact", {"email": "bob@example.com", "name": "@Bob",
                              "message": '=HYPERLINK("http://evil.example","click")'},
                  session_id=HIRE, asked=None, source="form", now=NOW - timedelta(days=2)),
        new_entry("question", {"question": "What is your shoe size?"}, session_id=SHOES,
                  asked="And your shoe size?", source="chat", now=NOW - timedelta(days=10)),
    ]


def sample_conversations() -> list[dict]:
    return [
        conversation(CHESS, NOW - timedelta(hours=1, minutes=5), "Hello", "Do you play chess?"),
        conversation(HIRE, NOW - timedelta(days=2), "Are you open to work?"),
        conversation(SHOES, NOW - timedelta(days=10), "And your shoe size?"),
    ]


def fill_folder(root: Path) -> Path:
    inbox = FileInbox(root)
    for entry in sample_entries():
        assert inbox.record(entry)
    (root / "conversations").mkdir(parents=True, exist_ok=True)
    for record in sample_conversations():
        path = root / "conversations" / f"{record['session_id']}.json"
        path.write_text(json.dumps(record), encoding="utf-8")
    return root


def fill_bucket(client) -> None:
    client.create_bucket(Bucket=BUCKET)
    inbox = S3Inbox(client, BUCKET)
    for entry in sample_entries():
        assert inbox.record(entry)
    for record in sample_conversations():
        client.put_object(Bucket=BUCKET, Key=f"conversations/{record['session_id']}.json",
                          Body=json.dumps(record).encode())


def twin_inbox(argv: list[str]) -> int:
    """`twin inbox ...` in this process; returns its exit status."""
    return twin_main(["inbox", *argv])
