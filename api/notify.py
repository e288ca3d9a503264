"""Inbox entries recorded, and the owner told of new ones: by SNS with a topic, else in the log.

Every entry, from the contact form or from a model's tool call, is recorded through
`Notifier.record` (docs/architecture.md, "The inbox").
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from .inbox import FOLDERS, Entry, Inbox, hourly_notice_keys, notice_key

log = logging.getLogger("twin")
SUBJECTS = {"contact": "Twin: a visitor left a contact", "question": "Twin: a question to answer"}
MAX_FIELD_CHARS = 500
NOTICES_PER_HOUR = 12  # per kind: beyond it the inbox still records, the owner is not emailed
# The event of the line each new entry writes; the stack's metric filters count them.
RECORDED_EVENTS = {kind: f"{kind}_recorded" for kind in FOLDERS}


def _clip(value: Any) -> str:
    text = " ".join(str(value).split())
    return text if len(text) <= MAX_FIELD_CHARS else text[: MAX_FIELD_CHARS - 1] + "…"


def notice_text(entry: Entry, where: str) -> str:
    """The notice body: the kind, what the visitor gave, and how to read the inbox."""
    if entry["kind"] == "contact":
        lines = ["A visitor left their contact details with your twin.", ""]
        lines += [f"{label}: {_clip(entry[field])}" for field, label in
                  (("email", "Email"), ("name", "Name"), ("message", "Message"))
                  if entry.get(field)]
    else:
        lines = ["Your twin was asked something it could not answer.", "",
                 f"Question: {_clip(entry['question'])}"]
    if entry.get("asked"):
        lines.append(f"The visitor wrote: {_clip(entry['asked'])}")
    lines += ["", f"Read your inbox in your Twin folder with: .venv/bin/twin inbox {where}",
              "(at most one notice per conversation and kind; the inbox keeps every entry)"]
    return "\n".join(lines)


class Notifier:
    """Records inbox entries, and tells the owner once per conversation and kind.

    A failed notice never reaches the visitor; a failed store does (the entry is not kept).
    """

    def __init__(
        self,
        inbox: Inbox,
        *,
        topic_arn: str | None = None,
        connect_sns: Callable[[], Any] | None = None,
        where: str = "",
        persona: str = "",
    ) -> None:
        self.inbox = inbox
        # The persona's full name, kept in each entry: the owner's answer must go to this one.
        self.persona = persona
        self.topic_arn = topic_arn
        self._connect_sns = connect_sns  # makes the SNS client
        self._sns: Any = None
        self.where = where

    def _client(self) -> Any:
        # Made on the first notice, not at cold start: most turns never notify.
        if self._sns is None and self._connect_sns is not None:
            self._sns = self._connect_sns()
        return self._sns

    def record(self, entry: Entry) -> bool:
        """Store an entry unless it is stored already, and tell the owner; True when it was new."""
        if self.persona:
            entry = {**entry, "persona": self.persona}
        if not self.inbox.record(entry):
            return False
        log.info("inbox entry recorded", extra={"event": RECORDED_EVENTS[entry["kind"]]})
        self.notify(entry)
        return True

    def notify(self, entry: Entry) -> bool:
        """Send a notice for a new entry unless its conversation already had one; True if sent."""
        extra = {"event": f"{entry['kind']}_notice"}
        claimed: list[str] = []
        try:
            if not self.inbox.claim(notice_key(entry)):
                return False
            claimed.append(notice_key(entry))
            # A ceiling per hour and kind, whatever the conversations: a bot making new ones
            # still cannot flood the owner's mailbox (the inbox keeps every entry).
            slot = next((k for k in hourly_notice_keys(entry, NOTICES_PER_HOUR)
                         if self.inbox.claim(k)), None)
            if slot is None:
                log.warning("owner notice skipped: %d %s notices this hour already",
                            NOTICES_PER_HOUR, entry["kind"], extra=extra)
                return False
            claimed.append(slot)
            if not self.topic_arn:
                log.info("owner notice: new %s %s in the inbox (no topic set; notices go here)",
                         entry["kind"], entry["id"], extra=extra)
                return True
            self._client().publish(
                TopicArn=self.topic_arn,
                Subject=SUBJECTS[entry["kind"]],
                Message=notice_text(entry, self.where),
            )
            return True
        except Exception:
            # The entry is stored; a lost notice must not cost the visitor their answer. Its
            # markers are given back so the conversation's next entry can still notify.
            log.exception("owner notice failed", extra=extra)
            for key in claimed:
                try:
                    self.inbox.release(key)
                except Exception:
                    log.exception("owner notice marker not released", extra=extra)
            return False
