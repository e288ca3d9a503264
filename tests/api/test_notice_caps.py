"""The caps on the owner's notices and on the inbox, on both inbox stores.

An hour's notices: a conversation whose entry found no free slot may still notify later, and
the next notice that goes says how many were held back; a full hour costs no more S3 writes than
a normal one. A day's entries: past the cap, nothing more is kept, the visitor is told to come
back tomorrow, and the owner is told once.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import boto3
import pytest
from moto import mock_aws

from api.app import create_app
from api.inbox import new_entry
from api.inbox.files import FileInbox
from api.inbox.s3 import S3Inbox
from api.notify import NOTICES_PER_HOUR, Notifier
from tests.support.app import UUID, inbox_entries, make_config
from tests.support.s3 import BUCKET, FaultyClient, memory_bucket
from tests.support.scripted import ToolCall

NOON = datetime(2026, 11, 30, 12, 5, tzinfo=UTC)
WRITES = ("put_object", "delete_object", "delete_objects", "copy_object")


def contact(email: str, at: datetime, session: str | None = None) -> dict:
    return new_entry("contact", {"email": email}, session_id=session, asked=None, source="form",
                     now=at)


class Mailbox:
    """An SNS client that keeps what it was asked to publish."""

    def __init__(self) -> None:
        self.sent: list[dict] = []

    def publish(self, **kwargs) -> dict:
        self.sent.append(kwargs)
        return {"MessageId": str(len(self.sent))}


@pytest.fixture
def s3():
    with mock_aws():
        yield FaultyClient(memory_bucket())  # counts every call it passes on


@pytest.fixture(params=["file", "s3"])
def inbox(request, tmp_path):
    if request.param == "file":
        return FileInbox(tmp_path)
    return S3Inbox(request.getfixturevalue("s3"), BUCKET)


def notifier(inbox, mailbox: Mailbox, daily_cap: int = 200) -> Notifier:
    return Notifier(inbox, topic_arn="arn:aws:sns:us-east-1:123456789012:owner",
                    connect_sns=lambda: mailbox, where="--dir x", daily_cap=daily_cap)


def fill_the_hour(owner: Notifier, at: datetime) -> None:
    for n in range(NOTICES_PER_HOUR):
        assert owner.record(contact(f"bot{n}@spam.example", at)) is True


def test_a_conversation_held_back_by_a_full_hour_still_notifies_later(inbox):
    mailbox = Mailbox()
    owner = notifier(inbox, mailbox)
    fill_the_hour(owner, NOON)
    assert len(mailbox.sent) == NOTICES_PER_HOUR

    # A real visitor, in the same hour: recorded, no notice, and the conversation not spent.
    owner.record(new_entry("question", {"question": "Cello?"}, session_id=UUID, asked="Cello?",
                           source="chat", now=NOON))
    owner.record(contact("ada@real.example", NOON + timedelta(minutes=1), session=UUID))
    assert len(mailbox.sent) == NOTICES_PER_HOUR + 1  # the question: its own kind's slots
    # The next hour, that conversation's next contact gets through, and counts the one held.
    later = contact("ada@real.example", NOON + timedelta(hours=1), session=UUID)
    later["message"] = "Me again."
    later["id"] = "again"
    owner.record(later)
    notice = mailbox.sent[-1]
    assert notice["Subject"] == "Twin: a visitor left a contact"
    assert "Also: 1 more contact came in without a notice" in notice["Message"]
    assert "Your inbox has them all." in notice["Message"]
    assert len(list(inbox.entries("contact"))) == NOTICES_PER_HOUR + 2


def test_the_digest_counts_every_entry_held_back_then_starts_again(inbox):
    mailbox = Mailbox()
    owner = notifier(inbox, mailbox)
    fill_the_hour(owner, NOON)
    for n in range(5):
        owner.record(contact(f"late{n}@spam.example", NOON + timedelta(minutes=10)))
    owner.record(contact("next@hour.example", NOON + timedelta(hours=1)))
    assert "Also: 5 more contacts came in without a notice" in mailbox.sent[-1]["Message"]
    owner.record(contact("after@hour.example", NOON + timedelta(hours=1, minutes=1)))
    assert "Also:" not in mailbox.sent[-1]["Message"]


def writes(client: FaultyClient) -> int:
    return sum(client.calls.get(name, 0) for name in WRITES)


def test_a_full_hour_costs_no_more_writes_than_a_normal_one(s3):
    owner = notifier(S3Inbox(s3, BUCKET), Mailbox())
    before = writes(s3)
    owner.record(contact("first@acme.example", NOON))
    normal = writes(s3) - before
    for n in range(1, NOTICES_PER_HOUR):
        owner.record(contact(f"bot{n}@spam.example", NOON))
    before = writes(s3)
    owner.record(contact("held@spam.example", NOON))  # the hour is full now
    full = writes(s3) - before
    assert normal == 4  # the entry's claim, the entry, the hour's slot, the address's marker
    assert full <= normal  # the entry's claim, the entry, the held-back marker


def test_notices_are_printable_quote_the_visitor_and_defang_links(inbox):
    mailbox = Mailbox()
    owner = notifier(inbox, mailbox)
    entry = new_entry("contact", {
        "email": "billing@aws-billing.example",
        "name": "AWS Billing \u202eknab\u00ad\x1b[31m",
        "message": "Pay now at https://pay.example.com/x or www.evil.example\n"
                   "Twin (2026-12-02T17:40:02Z):\nYes, send the deposit.",
    }, session_id=None, asked=None, source="form", now=NOON)
    owner.record(entry)
    [notice] = mailbox.sent
    text = notice["Message"]
    assert text.isascii() or all(c.isprintable() or c == "\n" for c in text)
    assert "\u202e" not in text and "\x1b" not in text and "\u00ad" not in text
    assert "> AWS Billing knab<U+00AD>[31m" in text.splitlines()
    [message] = [line for line in text.splitlines() if line.startswith("> Pay now")]
    assert "hxxps://pay[.]example[.]com/x" in message and "www[.]evil[.]example" in message
    assert "https://" not in text.replace(".venv", "")
    # The visitor's lines all start with "> ": none can stand as a line of the notice's own.
    assert not any(line.startswith("Twin (") for line in text.splitlines())
    assert "> billing@aws-billing.example" in text.splitlines()  # an address to write back to


def test_past_the_daily_cap_nothing_is_kept_and_the_owner_is_told_once(inbox):
    mailbox = Mailbox()
    owner = notifier(inbox, mailbox, daily_cap=3)
    at = datetime(2026, 11, 30, 23, 0, tzinfo=UTC)
    for n in range(3):
        owner.record(contact(f"v{n}@acme.example", at))
    from api.errors import InboxFull

    for n in range(2):
        with pytest.raises(InboxFull) as refused:
            owner.record(contact(f"more{n}@acme.example", at + timedelta(minutes=n)))
    assert refused.value.retry_after == 3600 - 60  # until midnight UTC
    assert len(list(inbox.entries("contact"))) == 3
    full = [m for m in mailbox.sent if m["Subject"] == "Twin: the inbox is full for today"]
    assert len(full) == 1 and "took its 3 contacts for today" in full[0]["Message"]
    # Questions have their own cap; the next day starts again.
    owner.record(new_entry("question", {"question": "Q?"}, session_id=UUID, asked="Q?",
                           source="chat", now=at))
    assert owner.record(contact("new@acme.example", at + timedelta(hours=2))) is True


def test_a_full_inbox_is_a_documented_503_for_the_contact_form(tmp_path, log_lines):
    config = make_config(tmp_path, TWIN_INBOX_DAILY_CAP="2")
    client = create_app(config).test_client()
    for n in range(2):
        assert client.post("/api/contact", json={"email": f"v{n}@a.example"}).status_code == 201
    refused = client.post("/api/contact", json={"email": "late@a.example"})
    assert refused.status_code == 503
    assert refused.json["error"] == {
        "code": "inbox_full",
        "message": "The twin cannot take more messages today. Please try again tomorrow.",
        "request_id": refused.headers["X-Request-Id"],
    }
    assert 0 < int(refused.headers["Retry-After"]) <= 86400
    assert len(inbox_entries(config.memory_dir, "contacts")) == 2
    told = [json.loads(line) for line in log_lines if "daily cap" in line]
    assert [t["message"] for t in told] == [
        "owner notice: the daily cap of 2 contacts was reached (no topic set; notices go here)"]
    assert told[0]["request_id"] == refused.headers["X-Request-Id"]
    spec = client.get("/api/openapi.json").json
    assert spec["paths"]["/api/contact"]["post"]["responses"]["503"]["description"].count(
        "inbox_full")


def test_a_retry_of_a_kept_contact_is_not_refused_by_a_full_day(inbox):
    # The visitor's first 201 was lost; they send the same form again after the day filled up.
    owner = notifier(inbox, Mailbox(), daily_cap=1)
    at = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
    assert owner.record(contact("first@acme.example", at)) is True
    assert owner.record(contact("first@acme.example", at)) is False  # kept already, no 503
    from api.errors import InboxFull

    with pytest.raises(InboxFull):
        owner.record(contact("second@acme.example", at))


def test_a_full_inbox_is_told_to_the_model_and_the_chat_goes_on(tmp_path, model):
    config = make_config(tmp_path, TWIN_INBOX_DAILY_CAP="1")
    client = create_app(config, model=model).test_client()
    model.queue(ToolCall("record_unknown_question", {"question": "Cello?"}), "Noted.")
    model.queue(ToolCall("record_unknown_question", {"question": "Oboe?"}), "Sorry.")
    client.post("/api/chat", json={"message": "Do you play the cello?", "session_id": UUID})
    second = client.post("/api/chat", json={"message": "The oboe?", "session_id": UUID})
    assert second.status_code == 200 and second.json["response"] == "Sorry."
    assert "try again tomorrow" in model.turns[1].tool_runs[0].error
    assert len(inbox_entries(config.memory_dir, "questions")) == 1


def test_the_cap_counts_from_the_keys_alone(s3):
    inbox = S3Inbox(s3, BUCKET)
    for n in range(5):
        inbox.record(contact(f"v{n}@acme.example", NOON - timedelta(hours=n * 6)))
    gets = s3.calls.get("get_object", 0)
    assert inbox.count_since("contact", NOON.replace(hour=0, minute=0), 10) == 3
    assert inbox.count_since("contact", NOON.replace(hour=7, minute=0), 10) == 1
    assert inbox.count_since("contact", NOON - timedelta(days=2), 3) == 3
    assert s3.calls.get("get_object", 0) == gets
    assert boto3.client("s3", region_name="us-east-1").list_objects_v2(
        Bucket=BUCKET, Prefix="inbox/contacts/")["KeyCount"] == 5


def test_a_flood_past_the_daily_cap_costs_no_writes(s3):
    mailbox = Mailbox()
    owner = notifier(S3Inbox(s3, BUCKET), mailbox, daily_cap=2)
    from api.errors import InboxFull

    for n in range(2):
        owner.record(contact(f"v{n}@acme.example", NOON))
    with pytest.raises(InboxFull):  # the first refused: the owner is told
        owner.record(contact("third@acme.example", NOON))
    assert mailbox.sent[-1]["Subject"] == "Twin: the inbox is full for today"
    before = writes(s3)
    for n in range(5):
        with pytest.raises(InboxFull):
            owner.record(contact(f"flood{n}@spam.example", NOON))
    assert writes(s3) == before
