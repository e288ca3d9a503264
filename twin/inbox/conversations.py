"""The stored conversations as the owner's command reads them: listed, found by prefix, read."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from api.memory import Conversation, conversation_key


class Conversations(Protocol):
    """The stored conversations, read-only."""

    def find(self, prefix: str) -> list[str]:
        """Session ids starting with `prefix`."""
        ...

    def get(self, session_id: str) -> Conversation | None:
        """One conversation, or None."""
        ...

    def updated_since(self, since: datetime) -> Iterator[Conversation]:
        """Every conversation written at or after `since` (older ones hold no newer turns)."""
        ...


class FolderConversations:
    """Conversations in `<root>/conversations/`."""

    def __init__(self, root: Path) -> None:
        self.folder = Path(root) / "conversations"

    def find(self, prefix: str) -> list[str]:
        if not self.folder.is_dir():
            return []
        return sorted(p.stem for p in self.folder.glob(f"{prefix}*.json"))

    def get(self, session_id: str) -> Conversation | None:
        path = self.folder / f"{session_id}.json"
        return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None

    def updated_since(self, since: datetime) -> Iterator[Conversation]:
        for path in sorted(self.folder.glob("*.json")) if self.folder.is_dir() else []:
            if path.stat().st_mtime >= since.timestamp():
                yield json.loads(path.read_text(encoding="utf-8"))


class BucketConversations:
    """Conversations under `conversations/` in the memory bucket."""

    def __init__(self, client: Any, bucket: str) -> None:
        self.client = client
        self.bucket = bucket

    def _objects(self, prefix: str = "") -> Iterator[dict[str, Any]]:
        paginator = self.client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=f"conversations/{prefix}"):
            yield from (o for o in page.get("Contents", []) if o["Key"].endswith(".json"))

    def _read(self, key: str) -> Conversation:
        return json.loads(self.client.get_object(Bucket=self.bucket, Key=key)["Body"].read())

    def find(self, prefix: str) -> list[str]:
        return sorted(o["Key"].split("/", 1)[1].removesuffix(".json")
                      for o in self._objects(prefix))

    def get(self, session_id: str) -> Conversation | None:
        # Listed first: a missing key reads as "not found" whatever the owner's permissions.
        key = conversation_key(session_id)
        return self._read(key) if any(o["Key"] == key for o in self._objects(session_id)) else None

    def updated_since(self, since: datetime) -> Iterator[Conversation]:
        for item in self._objects():
            if item["LastModified"] >= since:
                yield self._read(item["Key"])
