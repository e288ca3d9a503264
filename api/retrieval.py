"""A small BM25F index over a persona's passages, built when the persona is compiled.

Each passage (api/passages.py) has a title field (a heading, a note's title, the question an
answer answers) and a body. BM25F weighs a term's frequency in each field (the title counts
double), normalised by that field's length, and a term's weight falls with the number of
passages holding it.

A passage must do more than score: it must also cover most of the question. Coverage is the share
of the question's term weight (idf) that the passage holds, a word the persona never uses weighing
the most. So "favourite football team" does not match a passage about remote teams: "team" is
common and cheap, "favourite" and "football" are what the question is about. When the question
names something the persona names ("your stint at Brightlane"), its unknown words weigh less: the
name is the subject. A question about pay is answered only by a passage that speaks of pay. An
owner's answer is held to more: the question it answers must itself be mostly covered by the
visitor's words.

Hand-written rather than a library: the Lambda archive carries no numpy or search engine, and
this is under two hundred lines, tested against scores worked out by hand.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import combinations
from typing import Any

from .passages import KINDS, Passage
from .text import terms

K1 = 1.2  # how fast repeated terms stop adding to the score
B = 0.75  # how much a long field is discounted
WEIGHTS = (2.0, 1.0)  # title, body
MIN_SCORE = 1.0  # below this a passage is noise, whatever it covers
MIN_COVERAGE = 0.5  # share of the question's term weight a passage must hold
# Only a message's weightiest terms are scored, so its candidates always come from exact set
# arithmetic (at most 255 groups): a 2,000-character message of common words took 270 ms with
# 2 MB of notes when every passage holding any of its words was scored, 2 ms with eight terms.
MAX_QUERY_TERMS = 8
# A capitalised word after the first of a sentence: a name, when the index holds it.
_NAME = re.compile(r"(?<![.!?]\s)(?<!^)(?<![.!?])\b[A-Z][A-Za-z0-9+#.]*[A-Za-z0-9+#]")
# Pay: a question about it is answered only from a passage that speaks of pay, never from one
# that merely shares its other words ("What does a Kubernetes administrator earn?"). "Earn" asks
# about pay but does not answer it: "a platform earns trust" says nothing of a salary.
ASKS_PAY = frozenset(terms("earn earns earning salary salaries wage wages pay paid income "
                           "compensation remuneration"))
SPEAKS_OF_PAY = frozenset(terms("salary salaries wage wages pay paid income compensation "
                                "remuneration"))
# Words that only frame a question about something the persona names ("your stint at
# Brightlane", "your time at N26"): unheld, they weigh little, so the name decides.
FRAMING = frozenset(terms("time stint journey spell tenure period days years role job work "
                          "story experience responsibilities duties highlight highlights "
                          "achievements position title tasks"))
REFERENCE_TAG = "reference"  # passages travel to a model inside <reference> ... </reference>
# Whatever may read as the tag's "<" to a model: the character (fullwidth and small forms are
# made "<" first) and its HTML escapes; then an optional slash and a word.
_TAG = re.compile(r"(<|&lt;?|&#0*60;?|&#x0*3c;?)(\s*[/\u2044\u2215]?\s*)([^\W\d_][^\s<>&/]{0,40})",
                  re.IGNORECASE)
# Letters of other scripts that look like the tag's (e, c, n, r, f): Cyrillic, Greek, Armenian.
_LOOKALIKES = str.maketrans("еЕεΕҽсСϲϹոʀғ", "eeeeeccccnrf")


@dataclass(frozen=True)
class Hit:
    """A passage that matched a question: its BM25F score and its coverage of the question."""

    passage: Passage
    score: float
    coverage: float



def _folded(word: str) -> str:
    """A word as it looks: accents, lookalike letters and case gone."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", word)
                    if not unicodedata.combining(c))
    return plain.translate(_LOOKALIKES).casefold()


def neutralise(text: str) -> str:
    """`text` unable to open or close the reference tag: a visitor who writes it could otherwise
    pass their words off as the owner's (only what a model reads is changed, never a record).

    The text is NFKC-normalised (a fullwidth less-than sign is "<") and loses its invisible
    format characters (soft hyphens, zero-width spaces), so a tag spelled with them is found; a
    "<" or an HTML-escaped one before a word that looks like the tag's, in any script, becomes
    U+2039, a single angle quotation mark.
    """
    text = "".join(c for c in unicodedata.normalize("NFKC", text)
                   if unicodedata.category(c) != "Cf")

    def defuse(match: re.Match[str]) -> str:
        if not _folded(match.group(3)).startswith(REFERENCE_TAG):
            return match.group(0)
        return f"\u2039{match.group(2)}{match.group(3)}"

    return _TAG.sub(defuse, text)


class Index:
    """BM25F over passages' title and body; built once, then searched for every question.

    The compiled persona keeps each term's postings as one string ("passage,title tf,body tf,..."),
    which JSON reads fast; a term's postings are decoded the first time a question uses it, so a
    large notes folder costs little at start-up.
    """

    MAX_DECODED = 4096  # terms kept decoded; past this the cache starts again

    def __init__(self, passages: list[Passage], postings: dict[str, str],
                 lengths: list[list[int]]) -> None:
        if len(lengths) != len(passages):
            raise ValueError("the index does not match its passages")
        self.passages = passages
        self.postings = postings  # term -> "passage,title tf,body tf,passage,..."
        self.lengths = lengths  # per passage: [title terms, body terms]
        count = max(len(lengths), 1)
        self.average = [max(sum(row[f] for row in lengths) / count, 1.0) for f in (0, 1)]
        self._decoded: dict[str, dict[int, tuple[float, int]]] = {}

    @classmethod
    def build(cls, passages: list[Passage]) -> Index:
        postings: dict[str, list[str]] = {}
        lengths = []
        for i, passage in enumerate(passages):
            fields = [Counter(terms(passage.title)), Counter(terms(passage.text))]
            lengths.append([sum(fields[0].values()), sum(fields[1].values())])
            for term in sorted(fields[0].keys() | fields[1].keys()):
                postings.setdefault(term, []).append(f"{i},{fields[0][term]},{fields[1][term]}")
        return cls(passages, {t: ",".join(row) for t, row in postings.items()}, lengths)

    def held_by(self, term: str) -> int:
        """How many passages hold `term`."""
        row = self.postings.get(term)
        return row.count(",") // 3 + 1 if row else 0

    def idf(self, term: str) -> float:
        """Robertson's idf, never negative; a term no passage holds weighs the most."""
        held = self.held_by(term)
        return math.log(1 + (len(self.passages) - held + 0.5) / (held + 0.5))

    def _matches(self, term: str) -> dict[int, tuple[float, int]]:
        """passage -> (the term's BM25F saturation in it, before idf; its title tf)."""
        found = self._decoded.get(term)
        if found is None:
            numbers = [int(n) for n in self.postings[term].split(",")]
            found = {}
            for j in range(0, len(numbers), 3):
                i, in_title, in_body = numbers[j:j + 3]
                if not 0 <= i < len(self.lengths):
                    raise ValueError(f"the index names passage {i}, which does not exist")
                length = self.lengths[i]
                tf = sum(WEIGHTS[f] * n / (1 - B + B * length[f] / self.average[f])
                         for f, n in ((0, in_title), (1, in_body)) if n)
                found[i] = (tf * (K1 + 1) / (tf + K1), in_title)
            if len(self._decoded) >= self.MAX_DECODED:
                self._decoded.clear()
            self._decoded[term] = found
        return found

    def weights(self, question: str) -> dict[str, float]:
        """Each term of the question with its weight, its idf: a term no passage holds weighs
        the most. But a question naming something the persona names (a capitalised word past
        the first, such as an employer) gives its unheld FRAMING words half the rarest held
        term's weight: "your stint at Brightlane" is about Brightlane, while in "a Kubernetes
        tattoo" or "a boat licence" the tattoo or the licence is the subject. Only the
        MAX_QUERY_TERMS weightiest terms count, so a long message costs what a question does."""
        rarest = math.log(1 + (len(self.passages) - 0.5) / 1.5)  # a term held by one passage
        names = {t for word in _NAME.findall(question) for t in terms(word)
                 if t in self.postings}
        weight = {t: rarest / 2 if names and t in FRAMING and t not in self.postings
                  else self.idf(t) for t in set(terms(question))}
        kept = sorted(weight, key=lambda t: (-weight[t], t))[:MAX_QUERY_TERMS]
        return {t: weight[t] for t in kept}

    @staticmethod
    def _candidates(known: dict[str, dict[int, Any]], weight: dict[str, float],
                    need: float) -> set[int]:
        """The passages that hold terms weighing `need` or more: only those can cover the
        question, so only those are scored. Set intersections do the work, not Python loops."""
        need -= 1e-9  # a passage at exactly the limit counts
        found: set[int] = set()
        for size in range(1, len(known) + 1):
            for group in combinations(known, size):
                held = [weight[t] for t in group]
                # The smallest groups that weigh enough: a larger one adds no new passage.
                if sum(held) >= need and sum(held) - min(held) < need:
                    first, *rest = (known[t].keys() for t in group)
                    found |= set(first).intersection(*rest)
        return found

    def search(self, question: str, limit: int = 3,
               kinds: Iterable[str] = KINDS) -> list[Hit]:
        """Passages of `kinds` scoring MIN_SCORE or more that cover the question, best first."""
        weight = self.weights(question)
        total = sum(weight.values())
        if not total:
            return []
        known = {t: self._matches(t) for t in weight if t in self.postings}
        asks_pay = bool(weight.keys() & ASKS_PAY)
        candidates = self._candidates(known, weight, total * MIN_COVERAGE)
        allowed = set(kinds)
        hits: list[tuple[float, int, Hit]] = []
        for i in candidates:
            passage = self.passages[i]
            if passage.kind not in allowed:
                continue
            held = [(t, known[t][i]) for t in known if i in known[t]]
            if asks_pay and not SPEAKS_OF_PAY & {t for t, _ in held}:
                continue  # asks what someone earns; this passage says nothing of pay
            score = sum(weight[t] * saturation for t, (saturation, _) in held)
            if score < MIN_SCORE:
                continue
            common = {t for t, (_, in_title) in held if in_title or passage.kind != "answer"}
            if passage.kind == "answer":
                # Only the question answered counts, and it must be about what was asked.
                asked = set(terms(passage.title))
                closeness = sum(self.idf(t) for t in common) / max(
                    sum(self.idf(t) for t in asked), 1e-9)
                if closeness < MIN_COVERAGE:
                    continue
            coverage = sum(weight[t] for t in common) / total
            if coverage >= MIN_COVERAGE:
                hits.append((-score, i, Hit(passage, score, coverage)))
        return [hit for _, _, hit in sorted(hits)[:limit]]

    def to_document(self) -> dict[str, Any]:
        """The index as the compiled persona stores it (JSON)."""
        return {"passages": [[p.kind, p.title, p.text, p.origin, p.source]
                             for p in self.passages],
                "postings": self.postings, "lengths": self.lengths}

    @classmethod
    def from_document(cls, doc: dict[str, Any]) -> Index:
        passages = [Passage(str(k), str(t), str(x), str(o), str(s) if s else None)
                    for k, t, x, o, s in doc["passages"]]
        postings = doc["postings"]
        if not isinstance(postings, dict) or not all(
                isinstance(row, str) for row in postings.values()):
            raise ValueError("the index's postings are not strings")
        return cls(passages, postings, doc["lengths"])
