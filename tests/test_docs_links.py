"""The README and docs/: every relative link and #anchor resolves, and every document is linked."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
DOCUMENTS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
FENCE = re.compile(r"^```.*?^```", re.M | re.S)
CODE_SPAN = re.compile(r"`[^`\n]*`")
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")


def prose(text: str) -> str:
    """The text a reader sees as prose: code blocks and code spans hold no links."""
    return CODE_SPAN.sub("", FENCE.sub("", text))


def anchors(path: Path) -> set[str]:
    """The #anchors GitHub gives a document's headings: lower case, punctuation dropped, spaces
    made hyphens, and -1, -2... after a heading that repeats an earlier one."""
    found: set[str] = set()
    for heading in re.findall(r"^#{1,6} +(.+?) *$", FENCE.sub("", path.read_text()), re.M):
        slug = re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-")
        candidate, n = slug, 0
        while candidate in found:
            n += 1
            candidate = f"{slug}-{n}"
        found.add(candidate)
    return found


def relative_links(path: Path) -> list[str]:
    return [target for target in LINK.findall(prose(path.read_text()))
            if not re.match(r"[a-z][a-z+.-]*:", target)]  # https:, mailto: and the like


def broken(path: Path) -> list[str]:
    problems = []
    for target in relative_links(path):
        file_part, _, anchor = target.partition("#")
        linked = (path.parent / file_part).resolve() if file_part else path
        if not linked.exists():
            problems.append(f"{target}: no file {file_part}")
        elif anchor and linked.suffix == ".md" and anchor not in anchors(linked):
            problems.append(f"{target}: no heading #{anchor} in {linked.name}")
    return problems


@pytest.mark.parametrize("path", DOCUMENTS, ids=[p.relative_to(REPO).as_posix() for p in DOCUMENTS])
def test_every_relative_link_and_anchor_resolves(path: Path) -> None:
    assert broken(path) == []


def test_every_document_in_docs_is_linked_from_the_readme() -> None:
    readme = REPO / "README.md"
    linked = {(readme.parent / t.partition("#")[0]).resolve() for t in relative_links(readme)}
    assert [p.name for p in DOCUMENTS[1:] if p.resolve() not in linked] == []


def test_a_broken_link_or_anchor_is_found(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    (tmp_path / "other.md").write_text("# Other\n\n## Costs\n\n## Costs\n")
    page.write_text(
        "# Page\n\n## The owner's side: who wrote\n\n"
        "[ok](#the-owners-side-who-wrote) [ok](other.md#costs-1) [ok](https://example.com)\n"
        "`[not a link](nowhere.md)`\n\n```md\n[not a link](nowhere.md)\n```\n"
        "[gone](missing.md) [no such heading](other.md#prices) [here](#costs)\n")
    assert broken(page) == ["missing.md: no file missing.md",
                            "other.md#prices: no heading #prices in other.md",
                            "#costs: no heading #costs in page.md"]
