"""The lines of a PDF's text, and the one line set largest on its first page (a name, usually)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from . import PersonaError

FOOTER = re.compile(r"^Page \d+ of \d+$")


@dataclass(frozen=True)
class PdfText:
    """What the scaffold reads from a résumé or a LinkedIn export."""

    lines: tuple[str, ...]
    largest: str | None  # the text in the largest font on page 1, when it stands out


def _largest_text(page) -> str | None:
    sizes: list[tuple[float, str]] = []

    def visit(text: str, cm, tm, _font, font_size) -> None:
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


def read_pdf(path: Path) -> PdfText:
    """Extract the text lines (page footers dropped) of a PDF."""
    from pypdf import PdfReader  # the command line only: never loaded by the app
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(path)
        pages = [page.extract_text() or "" for page in reader.pages]
        largest = _largest_text(reader.pages[0]) if reader.pages else None
    except (PyPdfError, OSError, ValueError) as exc:
        raise PersonaError(f"{path}: cannot read PDF ({exc.__class__.__name__})") from None
    lines = []
    for text in pages:
        for line in text.splitlines():
            line = " ".join(line.split())
            if line and not FOOTER.match(line):
                lines.append(line)
    return PdfText(tuple(lines), largest)
