"""Conversations in S3, written with conditional requests so concurrent turns are never lost."""

from __future__ import annotations

import json
import random
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from botocore.config import Config as BotoConfig
from botocore.exceptions import ClientError, HTTPClientError
from botocore.exceptions import ConnectionError as BotoConnectionError

from ..errors import ConversationBusy
from . import RETRY_AFTER_SECONDS, Conversation, Message, apply_turn, conversation_key, unavailable

# A conflicting write is re-read and re-applied; these bound how long a turn waits for its slot.
MAX_ATTEMPTS = 12
BASE_DELAY = 0.02
MAX_DELAY = 0.5
_CONFLICT = {"PreconditionFailed", "ConditionalRequestConflict"}
_MISSING = {"NoSuchKey", "404", "NotFound"}
# S3 answers these when it is briefly unable to serve; anything else is a fault to log (500).
_UNAVAILABLE = {"InternalError", "ServiceUnavailable", "SlowDown", "RequestTimeout", "500", "503"}
# Short timeouts and a few retries keep a stuck S3 call well inside the function's 29 s.
CLIENT_CONFIG = BotoConfig(connect_timeout=2, read_timeout=5,
                           retries={"mode": "standard", "total_max_attempts": 3})


class ConflictError(ConversationBusy):
    """Too many concurrent writers; the turn was not saved (503 conversation_busy)."""


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


@contextmanager
def unavailable_as_503() -> Iterator[None]:
    """S3 timing out, unreachable or briefly failing becomes 503 memory_unavailable."""
    try:
        yield
    except (HTTPClientError, BotoConnectionError) as exc:
        raise unavailable(f"S3 {exc.__class__.__name__}") from exc
    except ClientError as exc:
        if _code(exc) in _UNAVAILABLE:
            raise unavailable(f"S3 {_code(exc)}") from exc
        raise


def head_exists(client: Any, bucket: str, key: str) -> bool:
    """Whether an object exists, from a HEAD: nothing downloaded or parsed."""
    try:
        client.head_object(Bucket=bucket, Key=key)
    except ClientError as exc:
        if _code(exc) in _MISSING:
            return False
        raise
    return True


class S3ConversationStore:
    """Keeps each conversation at `conversations/<session_id>.json` in one bucket."""

    kind = "s3"

    def __init__(self, client: Any, bucket: str, sleep: Any = time.sleep) -> None:
        check_conditional_writes(client)
        self.client = client
        self.bucket = bucket
        self.sleep = sleep

    def _read(self, session_id: str) -> tuple[Conversation | None, str | None]:
        with unavailable_as_503():
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
        self, session_id: str, turn: tuple[Message, Message], max_turns: int, *,
        existed: bool = False,
    ) -> Conversation:
        for attempt in range(MAX_ATTEMPTS):
            current, etag = self._read(session_id)
            updated = apply_turn(current, session_id, turn, max_turns, existed=existed)
            if updated is None:
                assert current is not None
                return current
            condition = {"IfMatch": etag} if etag else {"IfNoneMatch": "*"}
            try:
                with unavailable_as_503():
                    self.client.put_object(
                        Bucket=self.bucket,
                        Key=conversation_key(session_id),
                        Body=json.dumps(updated, ensure_ascii=False).encode(),
                        ContentType="application/json",
                        **condition,
                    )
                return updated
            except ClientError as exc:
                # A conflict, or the object deleted since it was read (IfMatch on a missing key
                # answers NoSuchKey): read again, and the rule decides (apply_turn).
                if _code(exc) not in _CONFLICT | _MISSING:
                    raise
            # Full jitter keeps racing writers from retrying in lock-step.
            self.sleep(random.uniform(0, min(MAX_DELAY, BASE_DELAY * 2**attempt)))  # noqa: S311
        # Nothing of this turn was written; the client retries it with the same message_id.
        raise ConflictError(retry_after=RETRY_AFTER_SECONDS)

    def exists(self, session_id: str) -> bool:
        with unavailable_as_503():
            return head_exists(self.client, self.bucket, conversation_key(session_id))

    def delete(self, session_id: str) -> bool:
        if not self.exists(session_id):
            return False
        with unavailable_as_503():
            self.client.delete_object(Bucket=self.bucket, Key=conversation_key(session_id))
        return True
