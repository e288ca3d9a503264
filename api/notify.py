"""Notices to the owner about new inbox entries: SNS when a topic is set, else the log."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from .inbox import Entry, Inbox, hourly_notice_keys, notice_key
from .logs import current_request_id

log = logging.getLogger("twin")
SUBJECTS = {"contact": "Twin: a visitor left a contact", "question": "Twin: a question to answer"}
MAX_FIELD_CHARS = 500
NOTICES_PER_HOUR = 12  # per kind: beyond it the inbox still records, the owner is not emailed



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
    lines += ["", f"List your inbox with: python -m api.inbox {where}",
              "(at most one notice per conversation and kind; the inbox keeps every entry)"]
    return "\n".join(lines)


class Notifier:
    """Tells the owner once per conversation and kind; a failure never reaches the visitor."""

    def __init__(
        self,
        inbox: Inbox,
        *,
        topic_arn: str | None = None,
        sns_client: Callable[[], Any] | None = None,
        where: str = "",
    ) -> None:
        self.inbox = inbox
        self.topic_arn = topic_arn
        self._sns_factory = sns_client
        self._sns: Any = None
        self.where = where

    def _client(self) -> Any:
        # Made on the first notice, not at cold start: most turns never notify.
        if self._sns is None and self._sns_factory is not None:
            self._sns = self._sns_factory()
        return self._sns

    def notify(self, entry: Entry) -> bool:
        """Send a notice for a new entry unless its conversation already had one; True if sent."""
        extra = {"request_id": current_request_id(), "event": f"{entry['kind']}_notice"}
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
