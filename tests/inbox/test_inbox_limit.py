"""The listing reads the newest entries only: a limit, and a line when more exist (folder, S3)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import boto3
import pytest
from moto import mock_aws

from api.inbox import new_entry
from api.inbox.files import FileInbox
from api.inbox.s3 import S3Inbox
from tests.support.inbox_samples import BUCKET

START = datetime.now(UTC) - timedelta(days=1)
QUESTIONS, CONTACTS = 90, 30


def fill(inbox) -> list[str]:
    """Questions and contacts a minute apart (every fourth a contact); their ids, newest first."""
    ids = []
    for i in range(QUESTIONS + CONTACTS):
        at = START + timedelta(minutes=i)
        entry = (new_entry("contact", {"email": f"v{i}@example.com"}, session_id=None,
                           asked=None, source="form", now=at) if i % 4 == 3 else
                 new_entry("question", {"question": f"Question {i}?"}, session_id=None,
                           asked=None, source="chat", now=at))
        assert inbox.record(entry)
        ids.append(entry["id"])
    return ids[::-1]


@pytest.fixture(params=["folder", "bucket"])
def full(request, tmp_path, monkeypatch):
    """(the command-line place, the ids newest first, the entries read so far)."""
    reads: list[str] = []
    store = FileInbox if request.param == "folder" else S3Inbox
    original = store.read

    def counted(self, key):
        reads.append(key)
        return original(self, key)

    monkeypatch.setattr(store, "read", counted)
    if request.param == "folder":
        ids = fill(FileInbox(tmp_path / "memory"))
        reads.clear()
        yield ["--dir", str(tmp_path / "memory")], ids, reads
        return
    with mock_aws():
        client = boto3.client("s3", region_name="us-east-1")
        client.create_bucket(Bucket=BUCKET)
        ids = fill(S3Inbox(client, BUCKET))
        reads.clear()
        yield ["--bucket", BUCKET], ids, reads


def test_the_default_listing_shows_the_newest_fifty_and_says_more_exist(full, inbox_cli):
    where, ids, reads = full
    code, out, err = inbox_cli(*where)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert [line.split()[0] for line in lines[1:51]] == [i[:8] for i in ids[:50]]
    assert lines[51] == "" and lines[52].startswith("The newest 50 in ")
    assert lines[53] == ("Showing the newest 50; more exist: --limit 200 (or --limit 0 for all), "
                         "or narrow it with --since or --kind.")
    assert len(reads) == 51  # the fifty shown, and one to know that more exist


def test_limit_and_its_note_in_every_format(full, inbox_cli):
    where, ids, reads = full
    code, out, err = inbox_cli(*where, "--limit", "7", "--json")
    assert code == 0 and [e["id"] for e in json.loads(out)] == ids[:7]
    assert err == ("Showing the newest 7; more exist: --limit 28 (or --limit 0 for all), or "
                   "narrow it with --since or --kind.\n")  # beside the JSON, never in it
    assert len(reads) == 8
    code, out, err = inbox_cli(*where, "--limit", "3", "--csv", "--kind", "contacts")
    assert len(out.splitlines()) == 4 and "more exist" in err
    code, out, err = inbox_cli(*where, "--limit", "0", "--json")
    assert (len(json.loads(out)), err) == (QUESTIONS + CONTACTS, "")
    code, out, err = inbox_cli(*where, "--limit", str(QUESTIONS + CONTACTS), "--json")
    assert (len(json.loads(out)), err) == (QUESTIONS + CONTACTS, "")  # exactly all: no note


def test_answered_questions_do_not_use_up_the_limit(tmp_path, inbox_cli):
    root = tmp_path / "memory"
    inbox = FileInbox(root)
    ids = fill(inbox)
    for key in list(inbox.keys("question"))[:5]:
        inbox.save(key, {**inbox.read(key), "answered_at": "2030-01-01T00:00:00.000Z"})
    shown = [e["id"] for e in json.loads(inbox_cli("--dir", str(root), "--limit", "4",
                                                   "--json")[1])]
    unanswered = [i for i in ids if not inbox.read(next(inbox_key(inbox, i))).get("answered_at")]
    assert shown == unanswered[:4]
    assert json.loads(inbox_cli("--dir", str(root), "--limit", "4", "--all", "--json")[1])[0][
        "id"] == ids[0]


def inbox_key(inbox, entry_id):
    return (k for kind in ("question", "contact") for k in inbox.keys(kind)
            if k.endswith(f"-{entry_id}.json"))


def test_stats_and_answer_read_no_entry_they_do_not_need(full, inbox_cli, example_persona):
    where, ids, reads = full
    code, out, _ = inbox_cli(*where, "stats", "--since", "7d")
    assert code == 0 and "TOTAL" in out
    assert reads == []  # counted from the keys alone
    question = ids[1]  # entry 118: a question (every fourth, 119 the newest, is a contact)
    code, _, err = inbox_cli(*where, "answer", question[:10], "Yes.", "--yes", "--persona",
                             str(example_persona))
    assert (code, err) == (0, "")
    assert len(reads) == 1  # found by the id in its key


@pytest.mark.parametrize("limit", ["-1", "many"])
def test_a_bad_limit_is_a_usage_error(limit, capsys):
    from tests.support.inbox_samples import twin_inbox

    assert twin_inbox(["--limit", limit]) == 2
    assert "Invalid value for '--limit'" in capsys.readouterr().err
