"""Both inbox stores (S3 through moto, and files): one entry per id, newest first, one notice."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from moto import mock_aws

from api.inbox import (
    claim_key,
    entry_key,
    hourly_notice_keys,
    key_time,
    new_entry,
    notice_key,
)
from api.inbox.files import FileInbox
from api.inbox.s3 import S3Inbox
from tests.support.s3 import BUCKET, OneRequestAtATime, memory_bucket

UUID = "3f2b8a4e-9c1d-4e7a-b6f0-2d5c8e1a9b73"
START = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def question(text: str, at: datetime = START, session: str | None = UUID) -> dict:
    return new_entry(
        "question", {"question": text}, session_id=session, asked=text, source="chat", now=at
    )


@pytest.fixture(params=["file", "s3"])
def inbox(request, tmp_path):
    if request.param == "file":
        yield FileInbox(tmp_path)
        return
    with mock_aws():
        yield S3Inbox(OneRequestAtATime(memory_bucket()), BUCKET)


def test_an_entry_is_stored_once(inbox):
    entry = question("Do you play the cello?")
    assert inbox.record(entry) is True
    retry = question("Do you play  the CELLO?", at=START + timedelta(seconds=3))
    assert retry["id"] == entry["id"]  # the same content in the same conversation
    assert inbox.record(retry) is False
    assert [e for _k, e in inbox.entries("question")] == [entry]


def test_entries_list_newest_first_and_stop_at_since(inbox):
    for hours in (0, 5, 1, 3):
        inbox.record(question(f"question {hours}", START + timedelta(hours=hours)))
    listed = [e["question"] for _k, e in inbox.entries("question")]
    assert listed == ["question 5", "question 3", "question 1", "question 0"]
    recent = [e["question"] for _k, e in inbox.entries("question", START + timedelta(hours=2))]
    assert recent == ["question 5", "question 3"]
    assert list(inbox.entries("contact")) == []


def test_a_claim_without_its_entry_is_finished_by_the_retry(inbox, tmp_path):
    """A crash between claiming an id and writing the entry loses nothing."""
    entry = question("Where did you study?")
    if isinstance(inbox, FileInbox):
        (tmp_path / "inbox" / "keys").mkdir(parents=True)
        (tmp_path / claim_key(entry)).write_text(entry_key(entry))
    else:
        inbox.client.put_object(Bucket=BUCKET, Key=claim_key(entry), Body=entry_key(entry).encode())
    assert inbox.record(entry) is True
    assert [k for k, _e in inbox.entries("question")] == [entry_key(entry)]


def test_concurrent_identical_records_store_one_entry(inbox):
    entry = question("What is your notice period?")
    results: list[bool] = []
    threads = [
        threading.Thread(target=lambda: results.append(inbox.record(dict(entry)))) for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(list(inbox.entries("question"))) == 1
    assert results.count(True) >= 1


def test_a_marker_is_claimed_once_and_can_be_given_back(inbox):
    key = notice_key(question("One?"))
    assert inbox.claim(key) is True
    assert inbox.claim(key) is False
    inbox.release(key)
    assert inbox.claim(key) is True


def test_notice_keys_scope_a_conversation_and_kind():
    first, second = question("One?"), question("Two?")
    other_session = question("Three?", session="0b9c7e2a-4d1f-4a8e-9c3b-5f6a7d8e9f01")
    contact = new_entry("contact", {"email": "a@b.example"}, session_id=UUID, asked=None,
                        source="form")
    assert notice_key(first) == notice_key(second)
    assert len({notice_key(first), notice_key(other_session), notice_key(contact)}) == 3


def test_without_a_conversation_contacts_are_capped_per_address_and_day():
    def contact(email: str, at: datetime) -> dict:
        return new_entry("contact", {"email": email}, session_id=None, asked=None,
                         source="form", now=at)

    day_one = notice_key(contact("a@b.example", START))
    assert notice_key(contact("A@B.example", START + timedelta(hours=1))) == day_one
    assert notice_key(contact("c@d.example", START)) != day_one
    assert notice_key(contact("a@b.example", START + timedelta(days=1))) != day_one
    assert "a@b.example" not in day_one  # no address in a key


def test_hourly_slots_belong_to_the_hour_and_kind():
    slots = hourly_notice_keys(question("Q?"), 3)
    assert slots == [f"inbox/notices/question/hour-2026-11-30T12-{n}" for n in range(3)]


def test_an_answered_question_is_saved_in_place(inbox):
    entry = question("Cello?")
    inbox.record(entry)
    [(key, stored)] = inbox.entries("question")
    inbox.save(key, {**stored, "answer": "No, piano.", "answered_at": "2026-12-01T00:00:00Z"})
    [(same_key, updated)] = inbox.entries("question")
    assert same_key == key and updated["answer"] == "No, piano."


def test_key_time_reads_the_entry_time_back():
    entry = question("When?", at=datetime(2026, 12, 1, 8, 30, 15, 123456, tzinfo=UTC))
    assert key_time(entry_key(entry)) == datetime(2026, 12, 1, 8, 30, 15, 123456, tzinfo=UTC)
    assert entry["created_at"] == "2026-12-01T08:30:15.123456Z"


def test_an_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="unknown inbox kind"):
        new_entry("complaint", {}, session_id=None, asked=None, source="form")


def test_keys_list_newest_first_without_reading_and_read_gets_one(inbox):
    entries = [question(f"question {h}", START + timedelta(hours=h)) for h in (2, 0, 1)]
    for entry in entries:
        inbox.record(entry)
    keys = inbox.keys("question")
    first = next(keys)  # lazy: the rest are listed only when asked for
    assert first == entry_key(entries[0])
    assert [first, *keys] == [entry_key(e) for e in (entries[0], entries[2], entries[1])]
    assert list(inbox.keys("question", START + timedelta(minutes=30))) == [
        entry_key(entries[0]), entry_key(entries[2])]
    assert inbox.read(first) == entries[0]
    assert list(inbox.keys("contact")) == []


def test_a_half_written_file_is_not_listed(tmp_path):
    inbox = FileInbox(tmp_path)
    entry = question("Do you sail?")
    inbox.record(entry)
    (tmp_path / "inbox" / "questions" / ".tmp-abc.json").write_text("{")  # mid-write
    assert list(inbox.keys("question")) == [entry_key(entry)]
