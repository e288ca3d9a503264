"""`stats`: the weekly figures and the top questions of a known set of conversations."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from moto import mock_aws

from api.inbox import new_entry
from twin.inbox.sources import open_source
from twin.inbox.stats import compute_stats, normal_question, stats_text

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)  # a Thursday in ISO week 48
SINCE = NOW - timedelta(days=30)  # Tuesday 27 October, ISO week 44
BUCKET = "twin-memory-stats-test"


def at(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(tzinfo=UTC)


def conversation(session_id: str, *turns: tuple[str, str]) -> dict:
    messages = []
    for i, (moment, text) in enumerate(turns):
        messages += [{"role": "user", "content": text, "timestamp": moment, "message_id": str(i)},
                     {"role": "assistant", "content": "A reply.", "timestamp": moment,
                      "message_id": str(i)}]
    return {"session_id": session_id, "created_at": turns[0][0], "updated_at": turns[-1][0],
            "messages": messages}


CONVERSATIONS = [
    # Started before the period: only its later turn counts.
    conversation("a0000000-0000-4000-8000-000000000000",
                 ("2026-10-20T10:00:00Z", "Are you on Mastodon?"),
                 ("2026-10-27T08:00:00Z", "Where are you based?"),  # hours before the period
                 ("2026-10-28T09:00:00Z", "where are you based")),
    conversation("b0000000-0000-4000-8000-000000000000",
                 ("2026-11-03T09:00:00Z", "Where are you based?"),
                 ("2026-11-03T09:01:00Z", "Do you play chess?"),
                 ("2026-11-03T09:02:00Z", "What's your stack?")),
    conversation("c0000000-0000-4000-8000-000000000000",
                 ("2026-11-24T20:00:00Z", "WHERE ARE YOU BASED"),
                 ("2026-11-24T20:01:00Z", "do you play chess")),
    conversation("d0000000-0000-4000-8000-000000000000",
                 ("2026-11-25T07:00:00Z", "  Where are you   based? "),
                 ("2026-11-25T07:01:00Z", "What\u2019s your stack")),
    conversation("e0000000-0000-4000-8000-000000000000",
                 ("2026-09-01T07:00:00Z", "An old question, out of the period?")),
]
ENTRIES = [  # (kind, when): the contact on 26 October is in week 44 but before the period
    ("contact", "2026-10-26T10:00:00"), ("contact", "2026-11-04T10:00:00"),
    ("question", "2026-10-01T10:00:00"), ("question", "2026-11-24T20:01:00"),
    ("question", "2026-11-25T07:01:00"),
]
EXPECTED_WEEKS = [  # week, conversations, visitor turns, contacts, unknown questions
    ("2026-W44", 0, 1, 0, 0),
    ("2026-W45", 1, 3, 1, 0),
    ("2026-W46", 0, 0, 0, 0),
    ("2026-W47", 0, 0, 0, 0),
    ("2026-W48", 2, 4, 0, 2),
]
EXPECTED_TOP = [
    {"question": "Where are you based?", "count": 4},
    {"question": "Do you play chess?", "count": 2},
    {"question": "What's your stack?", "count": 2},
]


def fill(source, write_conversation) -> None:
    for i, (kind, when) in enumerate(ENTRIES):
        fields = {"question": f"Q{i}?"} if kind == "question" else {"email": f"v{i}@example.com"}
        entry = new_entry(kind, fields, session_id=None, asked=None, source="chat", now=at(when))
        assert source.inbox.record(entry)
    for record in CONVERSATIONS:
        write_conversation(f"conversations/{record['session_id']}.json", json.dumps(record))


@pytest.fixture(params=["folder", "bucket"])
def source(request, tmp_path):
    if request.param == "folder":
        found = open_source(None, None, tmp_path)

        def write(key: str, body: str) -> None:
            (tmp_path / key).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / key).write_text(body)

        fill(found, write)
        yield found
        return
    with mock_aws():
        found = open_source(BUCKET, "us-east-1", Path("unused"))
        client = found.inbox.client
        client.create_bucket(Bucket=BUCKET)
        fill(found, lambda key, body: client.put_object(Bucket=BUCKET, Key=key, Body=body))
        yield found


def test_weekly_figures_and_top_questions(source):
    stats = compute_stats(source, SINCE, NOW)
    weeks = [(w["week"], w["conversations"], w["visitor_turns"], w["contacts"],
              w["unknown_questions"]) for w in stats["weeks"]]
    assert weeks == EXPECTED_WEEKS
    assert stats["top_questions"] == EXPECTED_TOP
    assert (stats["since"], stats["until"]) == ("2026-10-27T12:00:00Z", "2026-11-26T12:00:00Z")


def test_stats_as_text(source):
    lines = stats_text(compute_stats(source, SINCE, NOW), source.where).splitlines()
    assert lines[0].startswith(f"From 2026-10-27 to 2026-11-26, {source.where}. ISO weeks")
    assert lines[2].split() == ["WEEK", "CONVERSATIONS", "VISITOR", "TURNS", "CONTACTS",
                                "UNKNOWN", "QUESTIONS"]
    assert lines[3].split() == ["2026-W44", "0", "1", "0", "0"]
    assert lines[8].split() == ["TOTAL", "3", "8", "1", "2"]
    assert lines[10:] == ["Questions asked most:", "    4  Where are you based?",
                          "    2  Do you play chess?", "    2  What's your stack?"]


def test_top_ten_only():
    from twin.inbox.sources import Source

    class Many:
        def updated_since(self, since):
            texts = [(f"2026-11-20T10:{i:02d}:00Z", f"Question number {i}?") for i in range(12)]
            yield conversation("f0000000-0000-4000-8000-000000000000", *texts, *texts[:3])

    class Empty:
        def keys(self, kind, since=None):
            return iter(())

    stats = compute_stats(Source(Empty(), Many(), "here"), SINCE, NOW)
    assert len(stats["top_questions"]) == 10
    assert [q["count"] for q in stats["top_questions"]] == [2, 2, 2] + [1] * 7


def test_normal_question():
    assert normal_question(" What\u2019s  your STACK?! ") == "what's your stack"
    assert normal_question("???") == ""


def test_stats_command(tmp_path, inbox_cli):
    from tests.support.inbox_samples import fill_folder

    root = fill_folder(tmp_path / "memory")
    code, out, _ = inbox_cli("--dir", str(root), "stats", "--since", "7d")
    assert code == 0
    total = next(line for line in out.splitlines() if line.startswith("TOTAL"))
    assert total.split() == ["TOTAL", "2", "3", "1", "1"]
    assert "    1  Do you play chess?" in out
    code, out, _ = inbox_cli("stats", "--dir", str(root), "--json")  # 30 days by default
    stats = json.loads(out)
    assert sum(w["unknown_questions"] for w in stats["weeks"]) == 2
    assert sum(w["conversations"] for w in stats["weeks"]) == 3
    assert len(stats["weeks"]) in (5, 6)
