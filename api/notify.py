"""Inbox entries recorded, and the owner told of new ones: by SNS with a topic, else in the log.

Every entry, from the contact form or from a model's tool call, is recorded through
`Notifier.record` (docs/architecture.md, "The inbox"). A notice is plain text the owner reads in
a mail client: what the visitor gave is on lines of its own, each starting with "> ", made
printable and with its links defanged, so visitor words never pass as the twin's or a link
the owner would follow.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from .config import INBOX_DAILY_CAP
from .errors import InboxFull
from .inbox import (
    FOLDERS,
    Entry,
    Inbox,
    claim_key,
    created,
    day_start,
    full_key,
    held_key,
    held_prefix,
    hour_prefix,
    hourly_notice_keys,
    notice_key,
)
from .text import strip_controls

log = logging.getLogger("twin")
SUBJECTS = {"contact": "Twin: a visitor left a contact", "question": "Twin: a question to answer"}
FULL_SUBJECT = "Twin: the inbox is full for today"
MAX_FIELD_CHARS = 500
NOTICES_PER_HOUR = 12  # per kind: beyond it the inbox still records, and the next notice counts
# The event of the line each new entry writes; the stack's metric filters count them.
RECORDED_EVENTS = {kind: f"{kind}_recorded" for kind in FOLDERS}


# A dot between letters (any script's, and the full-width and ideographic dots browsers read as
# one) and a web scheme: what makes a mail client turn visitor text into a link.
_DOT = re.compile(r"(?<=\w)[.\u3002\uff0e\uff61](?=[^\W\d_])")
_SCHEME = re.compile(r"(?i)\b(h)(tt)(ps?)(?=:)")


def printable(value: Any) -> str:
    """`value` on one line: controls removed, whitespace runs made one space, and anything
    still not printable shown as its code point (<U+00AD>)."""
    text = " ".join(strip_controls(str(value)).split())
    return "".join(c if c.isprintable() else f"<U+{ord(c):04X}>" for c in text)


def defang(text: str) -> str:
    """Links in visitor text made unclickable: https://pay.example/x -> hxxps://pay[.]example/x."""
    return _DOT.sub("[.]", _SCHEME.sub(r"\1xx\3", text))


def quoted(value: Any, *, links: bool = False) -> str:
    """One line of the visitor's words as a notice shows it: "> ", printable, clipped, and
    defanged (unless `links`: the address field, which the owner needs to write back to)."""
    text = printable(value)
    text = text if len(text) <= MAX_FIELD_CHARS else text[: MAX_FIELD_CHARS - 1] + "…"
    return "> " + (text if links else defang(text))


def notice_text(entry: Entry, where: str, held: int = 0) -> str:
    """The notice body: the kind, what the visitor gave (quoted), and how to read the inbox."""
    if entry["kind"] == "contact":
        lines = ["A visitor left their contact details with your twin."]
        fields = (("email", "Email"), ("name", "Name"), ("message", "Message"))
    else:
        lines = ["Your twin was asked something it could not answer."]
        fields = (("question", "Question"),)
    lines += ['Lines starting with "> " are what the visitor gave, unchecked; links in them are',
              "defanged (hxxp, [.]) so that none opens by mistake.", ""]
    for field, label in fields:
        if entry.get(field):
            lines += [f"{label}:", quoted(entry[field], links=field == "email")]
    if entry.get("asked"):
        lines += ["The visitor wrote:", quoted(entry["asked"])]
    if held:
        noun = FOLDERS[entry["kind"]] if held > 1 else entry["kind"]
        lines += ["", f"Also: {held} more {noun} came in without a notice, because the hour's "
                      f"{NOTICES_PER_HOUR} notices were used up. Your inbox has them all."]
    lines += ["", f"Read your inbox in your Twin folder with: .venv/bin/twin inbox {where}",
              "(at most one notice per conversation and kind; the inbox keeps every entry)"]
    return "\n".join(lines)


def full_text(kind: str, cap: int, where: str) -> str:
    """The one notice a day that says the cap on entries of `kind` was reached."""
    return "\n".join([
        f"Your twin's inbox took its {cap} {FOLDERS[kind]} for today (UTC), the daily cap.",
        "Until midnight UTC, visitors who leave more are told to try again tomorrow; nothing "
        "more of this kind is kept today. So many in one day may be a bot.",
        "The cap is TWIN_INBOX_DAILY_CAP (twin:inboxDailyCap on a stack).", "",
        f"Read your inbox in your Twin folder with: .venv/bin/twin inbox {where}",
    ])


class Notifier:
    """Records inbox entries, and tells the owner once per conversation and kind.

    A failed notice never reaches the visitor; a failed store does (the entry is not kept), and
    so does a full day (InboxFull).
    """

    def __init__(
        self,
        inbox: Inbox,
        *,
        topic_arn: str | None = None,
        connect_sns: Callable[[], Any] | None = None,
        where: str = "",
        daily_cap: int = INBOX_DAILY_CAP,
        persona: str = "",
    ) -> None:
        self.inbox = inbox
        # The persona's full name, kept in each entry: the owner's answer must go to this one.
        self.persona = persona
        self.topic_arn = topic_arn
        self._connect_sns = connect_sns  # makes the SNS client
        self._sns: Any = None
        self.where = where
        self.daily_cap = daily_cap  # entries kept per kind and UTC day

    def _client(self) -> Any:
        # Made on the first notice, not at cold start: most turns never notify.
        if self._sns is None and self._connect_sns is not None:
            self._sns = self._connect_sns()
        return self._sns

    def record(self, entry: Entry) -> bool:
        """Store an entry unless it is stored already, and tell the owner; True when it was new.

        Raises InboxFull when the day's entries of this kind reached the cap (nothing is kept).
        """
        if not self.inbox.has(claim_key(entry)):  # a retry of a kept entry is not a new one
            self.check_room(entry)
        if self.persona:
            entry = {**entry, "persona": self.persona}
        if not self.inbox.record(entry):
            return False
        log.info("inbox entry recorded", extra={"event": RECORDED_EVENTS[entry["kind"]]})
        self.notify(entry)
        return True

    def check_room(self, entry: Entry) -> None:
        """Raise InboxFull if the entry's kind has its cap of entries today (one listing)."""
        when = created(entry)
        start = day_start(when)
        if self.inbox.count_since(entry["kind"], start, self.daily_cap) < self.daily_cap:
            return
        log.warning("inbox entry refused: %d %s today already", self.daily_cap,
                    FOLDERS[entry["kind"]], extra={"event": "inbox_full"})
        self._tell_full(entry["kind"], start.strftime("%Y-%m-%d"))
        tomorrow = start + timedelta(days=1)
        raise InboxFull(retry_after=max(1, int((tomorrow - when).total_seconds())))

    def _tell_full(self, kind: str, day: str) -> None:
        """Tell the owner once a day that the cap was reached; never fails the request."""
        extra = {"event": f"{kind}_notice"}
        key = full_key(kind, day)
        try:
            # A read first: a flood past the cap then costs no write per refused request.
            if self.inbox.has(key) or not self.inbox.claim(key):
                return
            self._send(FULL_SUBJECT, full_text(kind, self.daily_cap, self.where),
                       f"the daily cap of {self.daily_cap} {FOLDERS[kind]} was reached", extra)
        except Exception:
            log.exception("owner notice failed", extra=extra)
            self._release([key], extra)

    def _send(self, subject: str, message: str, summary: str, extra: dict[str, str]) -> None:
        """Publish to the owner's topic, or without one, write the summary to the log."""
        if not self.topic_arn:
            log.info("owner notice: %s (no topic set; notices go here)", summary, extra=extra)
            return
        self._client().publish(TopicArn=self.topic_arn, Subject=subject, Message=message)

    def notify(self, entry: Entry) -> bool:
        """Send a notice for a new entry unless its conversation already had one; True if sent.

        The hour's slot is found before the conversation's marker is taken: with no slot free,
        the entry is held back (one marker) and its conversation may still notify later; the
        next notice that goes says how many were held back.
        """
        kind = entry["kind"]
        extra = {"event": f"{kind}_notice"}
        claimed: list[str] = []
        try:
            scope = notice_key(entry)
            if self.inbox.has(scope):
                return False
            # A ceiling per hour and kind, whatever the conversations: a bot making new ones
            # still cannot flood the owner's mailbox. One listing finds the free slots, so a
            # full hour costs a read, not a write per slot.
            slot = self._claim_slot(entry)
            if slot is None:
                self.inbox.claim(held_key(entry))
                log.warning("owner notice held back: %d %s notices this hour already",
                            NOTICES_PER_HOUR, kind, extra=extra)
                return False
            claimed.append(slot)
            if not self.inbox.claim(scope):  # another entry of this conversation came first
                self._release(claimed, extra)
                return False
            claimed.append(scope)
            held = self.inbox.markers(held_prefix(kind))
            summary = f"new {kind} {entry['id']} in the inbox" + (
                f", and {len(held)} held back this hour" if held else "")
            self._send(SUBJECTS[kind], notice_text(entry, self.where, len(held)), summary, extra)
        except Exception:
            # The entry is stored; a lost notice must not cost the visitor their answer. Its
            # markers are given back so the conversation's next entry can still notify.
            log.exception("owner notice failed", extra=extra)
            self._release(claimed, extra)
            return False
        if held:  # counted in a notice that went: the next one starts from none
            try:
                self.inbox.release_all(held)
            except Exception:
                log.exception("owner notice marker not released", extra=extra)
        return True

    def _claim_slot(self, entry: Entry) -> str | None:
        """One of the hour's free notice slots for the entry's kind, claimed; None when full."""
        taken = set(self.inbox.markers(hour_prefix(entry)))
        for key in hourly_notice_keys(entry, NOTICES_PER_HOUR):
            if key not in taken and self.inbox.claim(key):
                return key
        return None

    def _release(self, keys: list[str], extra: dict[str, str]) -> None:
        for key in keys:
            try:
                self.inbox.release(key)
            except Exception:
                log.exception("owner notice marker not released", extra=extra)
