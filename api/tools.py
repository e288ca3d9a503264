"""The tools the twin may call in a turn: record a visitor's contact, record an unknown question."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from .errors import BadRequest, InboxFull
from .inbox import new_entry
from .models import ToolSpec
from .notify import Notifier
from .text import EMAIL_IN_TEXT, same_address
from .validation import MAX_NAME_CHARS, check_email, check_text

log = logging.getLogger("twin")
MAX_NOTE_CHARS = 1000
MAX_QUESTION_CHARS = 500
MAX_TOOL_CALLS = 4  # per visitor turn; more are answered with an error, not run

# Told to the model in every turn (docs/architecture.md, "Tools"); each model states them in its
# own API's shape (models/bedrock.py: tool_config).
TOOL_SPECS = (
    ToolSpec(
        name="record_contact",
        description=(
            "Pass a visitor's contact details on to the person, so they can get back to the "
            "visitor. Use only an email address the visitor wrote in this conversation."
        ),
        parameters={
            "type": "object",
            "properties": {
                "email": {"type": "string", "description": "The visitor's email address."},
                "name": {"type": "string", "description": "The visitor's name, if given."},
                "note": {"type": "string",
                         "description": "What the visitor wants, in one or two sentences."},
            },
            "required": ["email"],
        },
    ),
    ToolSpec(
        name="record_unknown_question",
        description=(
            "Record a question about the person that the facts you were given do not "
            "answer, so the person can answer it later. Call it before saying you don't know."
        ),
        parameters={
            "type": "object",
            "properties": {
                "question": {"type": "string", "description": "The question, in one line."},
            },
            "required": ["question"],
        },
    ),
)


class ToolInputError(ValueError):
    """The model called a tool with input the server refuses; the model is told why."""


@dataclass
class TurnTools:
    """The tools as bound to one visitor turn: its conversation, its question, the owner's inbox."""

    notifier: Notifier  # records each entry and tells the owner
    session_id: str
    asked: str
    message_id: str  # the visitor turn; a retry of it records the same entries
    visitor_text: str  # what the visitor wrote in the window: the only emails to record
    done: set[str] = field(default_factory=set)  # the kinds of entry this turn's calls recorded
    calls: int = 0
    _seen: set[str] = field(default_factory=set)  # entry ids already recorded in this turn

    specs = TOOL_SPECS

    def call(self, name: str, arguments: Any) -> dict[str, Any]:
        """Run a tool; raises ToolInputError for input the server refuses."""
        if not isinstance(arguments, dict):
            raise ToolInputError("The tool input must be a JSON object.")
        if self.calls >= MAX_TOOL_CALLS:
            raise ToolInputError("Too many tool calls in one turn; answer the visitor now.")
        self.calls += 1
        try:
            if name == "record_contact":
                kind, fields = "contact", {
                    "email": check_email(arguments.get("email")),
                    "name": check_text(arguments.get("name"), "name", MAX_NAME_CHARS,
                                       one_line=True),
                    "message": check_text(arguments.get("note"), "note", MAX_NOTE_CHARS),
                }
            elif name == "record_unknown_question":
                kind, fields = "question", {
                    "question": check_text(arguments.get("question"), "question",
                                           MAX_QUESTION_CHARS, required=True, one_line=True),
                }
            else:
                raise ToolInputError(f"There is no tool named {name!r}.")
        except BadRequest as exc:
            raise ToolInputError(exc.message) from None
        if kind == "contact" and not self.visitor_wrote(fields["email"]):
            raise ToolInputError(
                "Record only an email address the visitor wrote; ask them for it first.")
        try:
            result = self.record(kind, fields)
        except InboxFull:
            raise ToolInputError("The inbox takes no more of these today; tell the visitor to "
                                 "try again tomorrow.") from None
        except Exception:
            # Storage failing must not cost the visitor their answer: the model is told instead.
            log.exception("inbox entry not recorded")
            raise ToolInputError("This could not be recorded just now.") from None
        self.done.add(kind)
        return result

    def visitor_wrote(self, email: str) -> bool:
        """Whether `email` is one of the whole addresses in the visitor's text.

        Never a substring test: "smith@example.com" is not in "jsmith@example.com.au".
        """
        return any(same_address(email, written)
                   for written in EMAIL_IN_TEXT.findall(self.visitor_text))

    def record(self, kind: str, fields: dict[str, Any]) -> dict[str, Any]:
        """Store an entry once per turn and tell the owner; returns what the model is told."""
        # One entry per kind for a visitor turn (and per email, for contacts).
        identity = {"message_id": self.message_id, "email": fields.get("email")}
        entry = new_entry(kind, fields, session_id=self.session_id, asked=self.asked,
                          source="chat", identity=identity)
        if entry["id"] not in self._seen:  # the same call twice in one turn stores once
            self.notifier.record(entry)
            self._seen.add(entry["id"])
        return {"status": "recorded"}
