"""What `twin smoke` and `twin doctor` print: one line per check, or one JSON document."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Check:
    """One check's outcome; `detail` says what was seen and, on failure, what to do."""

    name: str
    ok: bool
    detail: str = ""


def passed(name: str, detail: str = "") -> Check:
    return Check(name, True, detail)


def failed(name: str, detail: str) -> Check:
    return Check(name, False, detail)


def one_line(text: object, limit: int = 300) -> str:
    """Text from a server or AWS made safe for a terminal: printable, one line, bounded."""
    cleaned = "".join(c if c.isprintable() else " " for c in str(text))
    cleaned = " ".join(cleaned.split())
    return cleaned if len(cleaned) <= limit else cleaned[:limit - 1] + "…"


def report(checks: list[Check], as_json: bool) -> int:
    """Print the checks and return the exit status: 0 when every check passed, else 1."""
    ok = all(check.ok for check in checks)
    if as_json:
        print(json.dumps({"ok": ok, "checks": [asdict(check) for check in checks]}, indent=2))
    else:
        for check in checks:
            line = f"{'ok' if check.ok else 'FAIL'} {check.name}"
            print(f"{line}: {check.detail}" if check.detail else line)
    return 0 if ok else 1
