"""Visitor text made safe for the owner's terminal, and for the files the owner opens.

Visitor words reach every owner output (the table, a conversation, JSON, CSV, `answer`). A
character that is not printable (C0 and C1 controls such as ESC and BEL, carriage returns, bidi
overrides and isolates, zero-width characters, line separators, unassigned or surrogate code
points) is shown as an escape such as `\\x1b` or `\\u202e` rather than dropped, so the owner sees
that something was there and the terminal never acts on it.
"""

from __future__ import annotations

import json
import unicodedata
from typing import Any


def escape(char: str) -> str:
    """A character as a Python-style escape: \\x1b, \\u202e, \\U000e0001."""
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def printable(text: Any, one_line: bool = True) -> str:
    """`text` with every character a terminal could act on escaped.

    One line (the default): line breaks and runs of spaces become one space. Otherwise line
    breaks (\\n) are kept; a carriage return is escaped, since it lets a line overwrite itself.
    """
    out = []
    for char in "" if text is None else str(text):
        if char == "\n":
            out.append(" " if one_line else "\n")
        elif char == "\t" or unicodedata.category(char) == "Zs":  # tabs, no-break spaces
            out.append(" ")
        elif char.isprintable():
            out.append(char)
        else:
            out.append(escape(char))
    shown = "".join(out)
    return " ".join(shown.split()) if one_line else shown


def printable_json(data: Any) -> str:
    """Indented JSON whose every character is printable: readable letters stay as they are,
    anything else inside a string is written as a JSON \\u escape (still the same JSON)."""
    text = json.dumps(data, ensure_ascii=False, indent=2)
    return "".join(c if c.isprintable() or c in "\n " else _json_escape(c) for c in text)


def _json_escape(char: str) -> str:
    code = ord(char)
    if code < 0x10000:
        return f"\\u{code:04x}"
    code -= 0x10000  # outside the BMP: a UTF-16 surrogate pair, as JSON writes it
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
