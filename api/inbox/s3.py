"""The inbox in the memory bucket, created with conditional writes so retries store one entry."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from itertools import islice
from typing import Any

from botocore.exceptions import ClientError

from ..memory.s3 import head_exists, unavailable_as_503
from . import FOLDERS, Entry, ReadsByKey, claim_key, entry_key, key_time

_EXISTS = {"PreconditionFailed", "ConditionalRequestConflict"}


def _code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


class S3Inbox(ReadsByKey):
    """Keeps entries under `inbox/` in one bucket."""

    kind = "s3"

    def __init__(self, client: Any, bucket: str) -> None:
        self.client = client
        self.bucket = bucket

    def _create(self, key: str, body: bytes) -> bool:
        try:
            self.client.put_object(Bucket=self.bucket, Key=key, Body=body, IfNoneMatch="*")
        except ClientError as exc:
            if _code(exc) in _EXISTS:
                return False
            raise
        return True

    def record(self, entry: Entry) -> bool:
        with unavailable_as_503():  # S3 briefly failing is a 503 the visitor may retry
            return self._record(entry)

    def _record(self, entry: Entry) -> bool:
        key = entry_key(entry)
        if not self._create(claim_key(entry), key.encode()):
            claimed = self.client.get_object(Bucket=self.bucket, Key=claim_key(entry))
            key = claimed["Body"].read().decode().strip()
            if not key or head_exists(self.client, self.bucket, key):
                return False
            # The claim exists but its entry was never written: finish the earlier attempt.
        self.save(key, entry)
        return True

    def claim(self, key: str) -> bool:
        return self._create(key, b"")

    def release(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=key)

    def has(self, key: str) -> bool:
        with unavailable_as_503():  # asked before every entry is recorded: S3 failing is a 503
            return head_exists(self.client, self.bucket, key)

    def markers(self, prefix: str) -> list[str]:
        paginator = self.client.get_paginator("list_objects_v2")
        return [item["Key"] for page in paginator.paginate(Bucket=self.bucket, Prefix=prefix)
                for item in page.get("Contents", [])]

    def release_all(self, keys: list[str]) -> None:
        for start in range(0, len(keys), 1000):  # DeleteObjects takes up to 1,000 keys a call
            batch = [{"Key": key} for key in keys[start:start + 1000]]
            self.client.delete_objects(Bucket=self.bucket,
                                       Delete={"Objects": batch, "Quiet": True})

    def count_since(self, kind: str, since: datetime, limit: int) -> int:
        # Keys only, newest first: a listing page holds 1,000, so a day's cap costs one request.
        with unavailable_as_503():
            return sum(1 for _ in islice(self.keys(kind, since), limit))

    def keys(self, kind: str, since: datetime | None = None) -> Iterator[str]:
        # S3 lists keys in order, newest first here, a page at a time: a listing that stops
        # early asks for no more pages.
        paginator = self.client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=f"inbox/{FOLDERS[kind]}/"):
            for item in page.get("Contents", []):
                key = item["Key"]
                if not key.endswith(".json"):
                    continue
                if since and key_time(key) < since:
                    return
                yield key

    def read(self, key: str) -> Entry:
        return json.loads(self.client.get_object(Bucket=self.bucket, Key=key)["Body"].read())

    def save(self, key: str, entry: Entry) -> None:
        self.client.put_object(
            Bucket=self.bucket,
            Key=key,
            Body=json.dumps(entry, ensure_ascii=False).encode(),
            ContentType="application/json",
        )
