"""What `make bench` and `make eval` measure: the app as Lambda runs it, the page, the answers."""

from __future__ import annotations

from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
# Where a run writes unless told otherwise: .twin is not tracked, so trying `make bench` or
# `make eval` leaves the working tree clean. The tracked figures under bench/ change only when
# asked (--save; `make bench SAVE=1`), when they are meant to go into a commit.
SCRATCH_DIR = PROJECT_DIR / ".twin" / "bench"


def output_path(given: Path | None, name: str, *, save: bool) -> Path:
    """The file a run writes: `given`, else the tracked bench/<name> with `save`, else scratch."""
    if given is not None:
        return given
    path = PROJECT_DIR / "bench" / name if save else SCRATCH_DIR / name
    path.parent.mkdir(parents=True, exist_ok=True)
    return path
