"""The inbox as JSON files under the local memory folder, laid out as in the bucket.

What a visitor's request does here (record, claim, release) answers 503 when the folder fails,
as the conversations do; the owner's commands (entries, save) see the OSError itself.
"""

from __future__ import annotations

import heapq
import json
import os
from collections.abc import Iterator
from datetime import datetime
from itertools import islice
from pathlib import Path

from ..memory.files import oserror_as_503, write_atomically
from . import FOLDERS, Entry, ReadsByKey, claim_key, entry_key, key_time


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, data)


def _create(path: Path, data: bytes) -> bool:
    """Create `path` only if it does not exist (the local twin of S3's IfNoneMatch)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    return True


class FileInbox(ReadsByKey):
    """Keeps entries in `<root>/inbox/...`, beside the conversations."""

    kind = "file"

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def record(self, entry: Entry) -> bool:
        with oserror_as_503():
            return self._record(entry)

    def _record(self, entry: Entry) -> bool:
        key = entry_key(entry)
        claim = self.root / claim_key(entry)
        if not _create(claim, key.encode()):
            key = claim.read_text(encoding="utf-8").strip()
            if not key or (self.root / key).is_file():
                return False
            # The claim exists but its entry was never written: finish the earlier attempt.
        _write(self.root / key, json.dumps(entry, ensure_ascii=False).encode())
        return True

    def claim(self, key: str) -> bool:
        with oserror_as_503():
            return _create(self.root / key, b"")

    def release(self, key: str) -> None:
        with oserror_as_503():
            (self.root / key).unlink(missing_ok=True)

    def has(self, key: str) -> bool:
        with oserror_as_503():
            return (self.root / key).is_file()

    def markers(self, prefix: str) -> list[str]:
        folder, _, start = prefix.rpartition("/")
        with oserror_as_503():
            if not (self.root / folder).is_dir():
                return []
            return sorted(f"{folder}/{p.name}" for p in (self.root / folder).iterdir()
                          if p.name.startswith(start))

    def release_all(self, keys: list[str]) -> None:
        for key in keys:
            self.release(key)

    def count_since(self, kind: str, since: datetime, limit: int) -> int:
        # Names only, never an entry, and no more than `limit` of them taken off the heap.
        with oserror_as_503():
            return sum(1 for _ in islice(self.keys(kind, since), limit))

    def keys(self, kind: str, since: datetime | None = None) -> Iterator[str]:
        folder = self.root / "inbox" / FOLDERS[kind]
        if not folder.is_dir():
            return
        # A folder lists in no order: a heap hands out the newest names one at a time, without
        # sorting all of them for a listing that wants the first few. Dot files are half-written.
        with os.scandir(folder) as found:
            names = [e.name for e in found if e.name.endswith(".json") and e.name[0] != "."]
        heapq.heapify(names)
        while names:
            key = f"inbox/{FOLDERS[kind]}/{heapq.heappop(names)}"
            if since and key_time(key) < since:
                return
            yield key

    def read(self, key: str) -> Entry:
        return json.loads((self.root / key).read_text(encoding="utf-8"))

    def save(self, key: str, entry: Entry) -> None:
        _write(self.root / key, json.dumps(entry, ensure_ascii=False).encode())
