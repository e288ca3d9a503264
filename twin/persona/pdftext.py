"""Reading a profile's layout: the text set largest on page 1 (the owner's name, usually), and
the space that sets paragraphs apart."""

from __future__ import annotations

from itertools import pairwise
from typing import Any


def largest_text(page: Any) -> str | None:
    """The text in the largest type on a pypdf page, when it stands out from the rest."""
    sizes: list[tuple[float, str]] = []

    def visit(text: str, cm: Any, tm: Any, _font: Any, font_size: Any) -> None:
        if text.strip():
            # The size on the page is the font size scaled by the text and current matrices.
            scale = (abs(tm[0] * tm[3] - tm[1] * tm[2]) * abs(cm[0] * cm[3] - cm[1] * cm[2])) ** 0.5
            sizes.append((round(float(font_size) * scale, 1), text))

    page.extract_text(visitor_text=visit)
    if not sizes:
        return None
    ordered = sorted(size for size, _ in sizes)
    biggest, median = ordered[-1], ordered[len(ordered) // 2]
    if biggest < median * 1.3:  # nothing stands out: no name to find this way
        return None
    return " ".join("".join(t for s, t in sizes if s == biggest).split()) or None


def _y(cm: Any, tm: Any) -> float:
    """Where the text sits on the page, up from the bottom: the text matrix moved by the current
    transformation matrix."""
    return float(tm[4] * cm[1] + tm[5] * cm[3] + cm[5])


def text_with_gaps(page: Any) -> str:
    """The page's text as pypdf extracts it, with a blank line wherever the page leaves more
    space between two lines of a column than between most lines: a paragraph break.

    A profile's Summary sets its paragraphs apart by space alone; the text has no mark of it.
    When the drawn pieces cannot be matched with the extracted lines, the text comes back as
    extracted, with no breaks, rather than with wrong ones.
    """
    pieces: list[tuple[float, str]] = []

    def visit(text: str, cm: Any, tm: Any, _font: Any, _size: Any) -> None:
        if text.strip():
            pieces.append((_y(cm, tm), "".join(text.split())))

    text = page.extract_text(visitor_text=visit) or ""
    lines = text.splitlines()
    heights: list[float | None] = []
    for line in lines:  # each line's height on the page: that of its first piece
        squashed, seen = "".join(line.split()), ""
        heights.append(pieces[0][0] if squashed and pieces else None)
        while pieces and len(seen) < len(squashed):
            seen += pieces.pop(0)[1]
        if seen != squashed:
            return text
    known = [height for height in heights if height is not None]
    steps = sorted(a - b for a, b in pairwise(known) if a > b)  # down the page: one line apart
    if not steps:
        return text
    usual = steps[len(steps) // 2]
    out: list[str] = []
    above: float | None = None
    for line, height in zip(lines, heights, strict=True):
        if height is not None:
            if above is not None and above - height > usual * 1.6:
                out.append("")
            above = height
        out.append(line)
    return "\n".join(out)

