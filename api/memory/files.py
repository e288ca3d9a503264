"""Conversations as JSON files on disk, replaced atomically under a lock.

A folder that cannot be read or written (gone, full, not ours) answers 503 memory_unavailable,
as S3 does when it fails: the trace goes to the log, never to the visitor.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from . import Conversation, Message, apply_turn, conversation_key, log, unavailable

try:  # POSIX: also serialise separate processes sharing the folder
    import fcntl
except ImportError:  # pragma: no cover - Windows keeps the in-process lock only
    fcntl = None  # type: ignore[assignment]


def write_atomically(path: Path, data: bytes) -> None:
    """Write a temporary file beside `path` and rename it over: readers never see half a file."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@contextmanager
def oserror_as_503() -> Iterator[None]:
    """The folder failing (OSError) becomes 503 memory_unavailable; the trace is logged."""
    try:
        yield
    except OSError as exc:
        log.error("memory folder failed", exc_info=True)
        raise unavailable(exc.__class__.__name__) from exc


class FileConversationStore:
    """Keeps each conversation in `<root>/conversations/<session_id>.json`."""

    kind = "file"

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self._lock = threading.Lock()

    def _path(self, session_id: str) -> Path:
        return self.root / conversation_key(session_id)

    @contextmanager
    def _locked(self) -> Iterator[None]:
        folder = self.root / "conversations"
        folder.mkdir(parents=True, exist_ok=True)
        with self._lock, open(folder / ".lock", "a") as handle:
            if fcntl:
                fcntl.flock(handle, fcntl.LOCK_EX)
            yield

    def _read(self, session_id: str) -> Conversation | None:
        try:
            return json.loads(self._path(session_id).read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None

    def get(self, session_id: str) -> Conversation | None:
        with oserror_as_503():
            return self._read(session_id)

    def append_turn(
        self, session_id: str, turn: tuple[Message, Message], max_turns: int, *,
        existed: bool = False,
    ) -> Conversation:
        with oserror_as_503(), self._locked():
            current = self._read(session_id)
            updated = apply_turn(current, session_id, turn, max_turns, existed=existed)
            if updated is None:
                assert current is not None
                return current
            # dumps, not dump: one call to the C encoder, not one write per token.
            write_atomically(self._path(session_id),
                             json.dumps(updated, ensure_ascii=False).encode())
            return updated

    def exists(self, session_id: str) -> bool:
        with oserror_as_503():
            return self._path(session_id).is_file()

    def delete(self, session_id: str) -> bool:
        with oserror_as_503(), self._locked():
            try:
                self._path(session_id).unlink()
            except FileNotFoundError:
                return False
            return True
