"""Where the owner's command reads: the stack's bucket (the owner's credentials) or a folder."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from api.inbox import Inbox
from api.memory import Conversation

from .conversations import BucketConversations, Conversations, FolderConversations

if TYPE_CHECKING:
    from botocore.exceptions import ClientError

DEFAULT_PERSONA_DIR = "personas/example"  # twin:personaDir's default (infra/settings.py)
_SINCE = re.compile(r"^\s*(\d{1,5})\s*([hdw])\s*$")
_UNITS = {"h": "hours", "d": "days", "w": "weeks"}
_SESSION = re.compile(r"^[0-9a-f-]{1,36}$")
_REFUSED = {"ExpiredToken", "InvalidAccessKeyId", "SignatureDoesNotMatch", "InvalidToken"}
_DENIED = {"AccessDenied", "403", "AllAccessDisabled"}


class CommandError(Exception):
    """A problem the owner can fix, told in one line; the command exits non-zero."""


def parse_since(text: str) -> timedelta:
    """`7d`, `12h` or `2w` as a time span."""
    match = _SINCE.match(text.lower())
    if not match or int(match.group(1)) == 0:
        raise ValueError(f"{text!r} is not a time span; use a number and h, d or w, like 7d")
    return timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})


def stack_bucket(stack: str) -> str:
    """The stack's memory bucket, from `pulumi stack output memoryBucket --stack <stack>`."""
    from twin.stack import StackError, run_pulumi

    try:
        bucket = run_pulumi(stack, ["stack", "output", "memoryBucket"], "memoryBucket",
                            "pass --bucket NAME instead (the stack's memoryBucket output)")
    except StackError as error:
        raise CommandError(str(error)) from None
    if not bucket.strip():
        raise CommandError(f"stack {stack!r} has no memoryBucket output (deploy it first)")
    return bucket.strip()


def stack_persona_dir(stack: str) -> Path:
    """The folder the stack deploys (twin:personaDir, relative to the project, as the Pulumi
    program reads it), from `pulumi config --json --stack <stack>`."""
    from twin.stack import PROJECT_DIR, StackError, config

    try:
        value = config(stack, "pass --persona DIR instead").get("twin:personaDir", "").strip()
    except StackError as error:
        raise CommandError(str(error)) from None
    return PROJECT_DIR / (value or DEFAULT_PERSONA_DIR)


@dataclass
class Source:
    """The inbox and the conversations of one deployment (or of the local twin)."""

    inbox: Inbox
    conversations: Conversations
    where: str

    def conversation(self, session: str) -> Conversation:
        """The conversation whose session id is `session` or starts with it."""
        session = session.strip().lower()
        if not _SESSION.match(session):
            raise CommandError(f"{session!r} is not a session id")
        found = self.conversations.find(session)
        matches = [session] if session in found else found
        if len(matches) > 1:
            raise CommandError(f"{len(matches)} conversations start with {session!r}; "
                               "give more characters")
        conversation = self.conversations.get(matches[0]) if matches else None
        if conversation is None:
            raise CommandError(f"no conversation {session!r} in {self.where} (it may have "
                               "expired, or the visitor deleted it)")
        return conversation


def open_source(bucket: str | None, region: str | None, folder: Path) -> Source:
    """The bucket when one is named (boto3's default credentials), else the folder."""
    if bucket is not None:
        if not bucket.strip():
            raise CommandError("the bucket name is empty")
        import boto3

        from api.inbox.s3 import S3Inbox

        client = boto3.client("s3", region_name=region)
        return Source(S3Inbox(client, bucket), BucketConversations(client, bucket),
                      f"bucket {bucket}")
    from api.inbox.files import FileInbox

    return Source(FileInbox(folder), FolderConversations(folder), f"folder {folder}")


def aws_error(exc: ClientError, bucket: str | None) -> str:
    """One line for an S3 error the owner can act on."""
    code = str(exc.response.get("Error", {}).get("Code", ""))
    if code == "NoSuchBucket":
        return (f"no such bucket: {bucket} (check the name; `pulumi stack output memoryBucket "
                "--stack <stack>` prints it)")
    if code in _DENIED:
        return (f"access denied to bucket {bucket}: reading the inbox needs s3:ListBucket and "
                "s3:GetObject on it, answering also s3:PutObject")
    if code in _REFUSED:
        return f"AWS refused your credentials ({code}); sign in again, e.g. `aws sso login`"
    return f"S3 said {code or 'an error'} for bucket {bucket}"
