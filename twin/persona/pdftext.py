"""The text set largest on a profile's first page: the owner's name, usually."""

from __future__ import annotations

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
