"""The owner's inbox: contacts visitors left and questions the twin could not answer.

Each entry is one small JSON object under `inbox/contacts/` or `inbox/questions/`, keyed by an
inverted timestamp so a plain listing returns the newest first. An entry's id is a hash of what it
holds, claimed once under `inbox/keys/`, so a retried request stores one entry.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

Entry = dict[str, Any]

FOLDERS = {"contact": "contacts", "question": "questions"}
# Keys sort newest first: 10**16 microseconds after 1970 is the year 2286.
_STAMP_BASE = 10**16
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def entry_id(kind: str, session_id: str | None, fields: dict[str, Any]) -> str:
    """A stable id for the same kind, conversation and content (so retries store one entry)."""
    normal = {k: " ".join(str(v).split()).casefold() for k, v in sorted(fields.items()) if v}
    raw = json.dumps([kind, session_id, normal], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


def new_entry(
    kind: str,
    fields: dict[str, Any],
    *,
    session_id: str | None,
    asked: str | None,
    source: str,
    now: datetime | None = None,
    identity: dict[str, Any] | None = None,
) -> Entry:
    """An inbox entry: when, what kind, the fields given, the conversation and the question.

    `identity` (default: the fields) is what makes two entries the same one: for a chat turn,
    its message id, so a retried turn whose model words the question anew stores it once.
    """
    if kind not in FOLDERS:
        raise ValueError(f"unknown inbox kind {kind!r}")
    now = now or datetime.now(UTC)
    return {
        "id": entry_id(kind, session_id, fields if identity is None else identity),
        "kind": kind,
        "created_at": now.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "source": source,
        "session_id": session_id,
        "asked": asked,
        **fields,
    }


def created(entry: Entry) -> datetime:
    """When the entry was recorded."""
    return datetime.strptime(entry["created_at"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)


def entry_key(entry: Entry) -> str:
    """Where the entry lives: newest first within its kind's folder."""
    when = created(entry) - _EPOCH
    micros = (when.days * 86400 + when.seconds) * 10**6 + when.microseconds  # exact, no float
    return f"inbox/{FOLDERS[entry['kind']]}/{_STAMP_BASE - micros:016d}-{entry['id']}.json"


def key_time(key: str) -> datetime:
    """The time an entry key encodes, read without fetching the entry."""
    stamp = key.rsplit("/", 1)[-1].split("-", 1)[0]
    return _EPOCH + timedelta(microseconds=_STAMP_BASE - int(stamp))


def claim_key(entry: Entry) -> str:
    """The marker that says an entry with this id was stored (it holds the entry's key)."""
    return f"inbox/keys/{entry['id']}"


def notice_key(entry: Entry) -> str:
    """The marker that caps owner notices at one per conversation and kind.

    A contact left without a conversation is capped per address and day instead.
    """
    scope = entry.get("session_id")
    if not scope:
        email = str(entry.get("email", "")).casefold().encode()
        scope = f"email-{hashlib.sha256(email).hexdigest()[:16]}-{entry['created_at'][:10]}"
    return f"inbox/notices/{entry['kind']}/{scope}"


def hourly_notice_keys(entry: Entry, per_hour: int) -> list[str]:
    """The hour's notice slots for the entry's kind: a ceiling whatever the visitors do."""
    return [f"{hour_prefix(entry)}{n}" for n in range(per_hour)]


def hour_prefix(entry: Entry) -> str:
    """What the keys of the hour's notice slots for the entry's kind start with."""
    return f"inbox/notices/{entry['kind']}/hour-{entry['created_at'][:13]}-"


def held_prefix(kind: str) -> str:
    """What the markers of entries held back from a notice (the hour was full) start with."""
    return f"inbox/notices/{kind}/held-"


def held_key(entry: Entry) -> str:
    """The marker of one entry held back: the next notice that goes counts it, then drops it."""
    return f"{held_prefix(entry['kind'])}{entry['id']}"


def full_key(kind: str, day: str) -> str:
    """The marker of the one notice that the day's cap on entries of `kind` was reached."""
    return f"inbox/notices/{kind}/full-{day}"


def day_start(when: datetime) -> datetime:
    """Midnight UTC at the start of `when`'s day: the daily cap counts from there."""
    return when.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


def key_id(key: str) -> str:
    """The entry id an entry key ends with (`inbox/<folder>/<stamp>-<id>.json`)."""
    return key.rsplit("/", 1)[-1].removesuffix(".json").split("-", 1)[1]


def key_order(key: str) -> str:
    """What sorts entry keys of any kind newest first: the key's name (its stamp counts down)."""
    return key.rsplit("/", 1)[-1]


class ReadsByKey:
    """`entries` for a store that has `keys` and `read`: each entry read only when reached."""

    def keys(self, kind: str, since: datetime | None = None) -> Iterator[str]:
        raise NotImplementedError

    def read(self, key: str) -> Entry:
        raise NotImplementedError

    def entries(self, kind: str, since: datetime | None = None) -> Iterator[tuple[str, Entry]]:
        for key in self.keys(kind, since):
            yield key, self.read(key)


class Inbox(Protocol):
    """Where inbox entries are kept: the memory bucket when deployed, a folder locally."""

    def record(self, entry: Entry) -> bool:
        """Store the entry once; False when an entry with the same id is already stored."""
        ...

    def claim(self, key: str) -> bool:
        """Create the marker `key`; True only for the caller that created it."""
        ...

    def release(self, key: str) -> None:
        """Remove the marker `key`, so a notice that could not be sent may be tried again."""
        ...

    def has(self, key: str) -> bool:
        """Whether the marker `key` exists (a read, no write)."""
        ...

    def markers(self, prefix: str) -> list[str]:
        """The keys of the markers that start with `prefix` (one listing, nothing read)."""
        ...

    def release_all(self, keys: list[str]) -> None:
        """Remove these markers (held-back entries a notice has now counted)."""
        ...

    def count_since(self, kind: str, since: datetime, limit: int) -> int:
        """How many entries of `kind` were recorded since `since`, counting at most `limit`.

        Read from the keys alone (they encode the time), newest first: at most `limit` keys.
        """
        ...

    def keys(self, kind: str, since: datetime | None = None) -> Iterator[str]:
        """The keys of one kind's entries, newest first, stopping before `since`.

        Lazy, and no entry is read: a listing of the newest few reads only those few.
        """
        ...

    def read(self, key: str) -> Entry:
        """The entry stored at `key`."""
        ...

    def entries(self, kind: str, since: datetime | None = None) -> Iterator[tuple[str, Entry]]:
        """(key, entry) pairs of one kind, newest first, stopping before `since`."""
        ...

    def save(self, key: str, entry: Entry) -> None:
        """Replace the entry at `key` (the owner marking a question answered)."""
        ...
