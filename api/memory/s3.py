"""Conversations in S3, written with conditional requests so concurrent turns are never lost."""

from __future__ import annotations

import json
import random
import time
from typing import Any

from botocore.exceptions import ClientError

from . import Conversation, Message, apply_turn, conversation_key

# A conflicting write is re-read and re-applied; these bound how long a turn waits for its slot.
MAX_ATTEMPTS = 12
BASE_DELAY = 0.02
MAX_DELAY = 0.5
_CONFLICT = {"PreconditionFailed", "ConditionalRequestConflict"}
_MISSING = {"NoSuchKey", "404", "NotFound"}


class ConflictError(RuntimeError):
    """Too many concurrent writers; the turn could not be saved."""


def check_conditional_writes(client: Any) -> None:
    """Fail at start-up, not on a visitor's turn, if this botocore cannot send IfMatch."""
    members = client.meta.service_model.operation_model("PutObject").input_shape.members
    if not {"IfMatch", "IfNoneMatch"} <= members.keys():
        raise RuntimeError(
            "this boto3/botocore is too old for S3 conditional writes (PutObject IfMatch); "
            "add boto3 to the `lambda` dependency group so the package carries a newer one"
        )


def _code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


class S3ConversationStore:
    """Keeps each conversation at `conversations/<session_id>.json` in one bucket."""

    kind = "s3"

    def __init__(self, client: Any, bucket: str, sleep: Any = time.sleep) -> None:
        check_conditional_writes(client)
        self.client = client
        self.bucket = bucket
        self.sleep = sleep

    def _read(self, session_id: str) -> tuple[Conversation | None, str | None]:
        try:
            obj = self.client.get_object(Bucket=self.bucket, Key=conversation_key(session_id))
        except ClientError as exc:
            if _code(exc) in _MISSING:
                return None, None
            raise
        return json.loads(obj["Body"].read()), obj["ETag"]

    def get(self, session_id: str) -> Conversation | None:
        return self._read(session_id)[0]

    def append_turn(
        self, session_id: str, turn: tuple[Message, Message], max_turns: int
    ) -> Conversation:
        for attempt in range(MAX_ATTEMPTS):
            current, etag = self._read(session_id)
            updated = apply_turn(current, session_id, turn, max_turns)
            if updated is None:
                assert current is not None
                return current
            condition = {"IfMatch": etag} if etag else {"IfNoneMatch": "*"}
            try:
                self.client.put_object(
                    Bucket=self.bucket,
                    Key=conversation_key(session_id),
                    Body=json.dumps(updated, ensure_ascii=False).encode(),
                    ContentType="application/json",
                    **condition,
                )
                return updated
            except ClientError as exc:
                if _code(exc) not in _CONFLICT:
                    raise
            # Full jitter keeps racing writers from retrying in lock-step.
            self.sleep(random.uniform(0, min(MAX_DELAY, BASE_DELAY * 2**attempt)))  # noqa: S311
        raise ConflictError(f"gave up after {MAX_ATTEMPTS} conflicting writes")

    def delete(self, session_id: str) -> bool:
        try:  # a HEAD: no need to download and parse the conversation to know it exists
            self.client.head_object(Bucket=self.bucket, Key=conversation_key(session_id))
        except ClientError as exc:
            if _code(exc) in _MISSING:
                return False
            raise
        self.client.delete_object(Bucket=self.bucket, Key=conversation_key(session_id))
        return True
