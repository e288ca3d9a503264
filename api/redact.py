"""Phone numbers and street addresses in a persona's documents, found so they can be removed.

A LinkedIn export puts its owner's phone number in the Contact column, and a résumé often
carries a home address; a document's text reaches the model and so any visitor. The persona
compiler replaces each with a marker, unless facts.json states the same number or address: what
the owner wrote there is meant to be told. `twin persona init` does the same to the summary and
notes it drafts from a PDF; files the owner writes are compiled as written (`twin persona check`
warns about a phone number in summary.md).

The patterns lean towards missing an unusual format rather than eating a date, a year range, a
version number or a company name: a number needs a "+", a leading 0, an area code in brackets,
the 3-3-4 grouping or a "Mobile"/"Phone" label to count, and an address needs a street word.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

PHONE = "phone number"
ADDRESS = "street address"
MARKS = {PHONE: "[phone number removed]", ADDRESS: "[street address removed]"}

_GROUPS = r"[\d \t().\-/]"  # digits and what separates their groups
_LABEL = r"(?:Mobile|Mob|Cell|Phone|Tel|Telephone|Home|Work|Fax|Office)"
_PHONES = [
    (re.compile(rf"\+\d{_GROUPS}{{5,22}}\d"), 8),  # +49 30 1234567, +1 (555) 123-4567
    # (555) 123-4567, but not a year in brackets: "(2019) 2020 2021"
    (re.compile(r"\((?!(?:19|20)\d\d\))\d{2,5}\)[ .\-]?\d{3,4}[ .\-]?\d{3,5}"), 9),
    (re.compile(r"\d{3}([.\-])\d{3}\1\d{4}"), 10),  # 555-123-4567, 555.123.4567
    (re.compile(r"0\d{1,4}(?:[ \-/]\d{2,8}){1,4}"), 9),  # 030 1234567, 07700 900123
    # Any grouping at all once labelled: "555 123 4567 (Mobile)", "Tel: 12 34 56 78".
    (re.compile(rf"\d{_GROUPS}{{5,20}}\d(?=\s*\({_LABEL}\))"), 7),  # the label may wrap
    (re.compile(rf"\b{_LABEL}\.?:[ \t]*(?P<number>\+?\d{_GROUPS}{{5,20}}\d)"), 7),
]
_BEFORE = re.compile(r"[\w+.,/-]\Z")  # a number inside a longer token is not a phone number
_AFTER = re.compile(r"^[\w/-]")

_CAPITAL = r"[A-ZÀ-ÝÄÖÜ]"
_QUOTE = r"['\u2019]"  # an apostrophe, straight or curly
_NAME = rf"{_CAPITAL}[\w.-]*(?:{_QUOTE}[\w.-]+)*"
# Not "Place": "won 2 First Place awards" is no address.
_STREET_WORDS = ("Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Drive|Dr|Boulevard|Blvd|Way|Court|Ct|"
                 "Square|Sq|Terrace|Parkway|Pkwy|Close|Crescent|Row|Mews|Highway|Hwy")
_UNIT = r"(?:,?[ \t]+(?:Suite|Apt\.?|Apartment|Flat|Unit|Floor)[ \t]*\w+)?"
_ADDRESSES = [
    # 221B Baker Street, 1600 Amphitheatre Parkway, 350 Fifth Avenue, Suite 3300
    re.compile(rf"\b\d{{1,5}}[A-Za-z]?,?[ \t]+(?:{_NAME}[ \t]+){{1,4}}(?:{_STREET_WORDS})\b\.?"
               rf"{_UNIT}"),
    # Friedrichstraße 123, Hauptstr. 5, Karl-Marx-Allee 90
    re.compile(rf"\b{_CAPITAL}[\w.-]*?(?i:straße|strasse|str\.|gasse|weg|platz|allee|damm)"
               rf"[ \t]+\d{{1,4}}[ \t]?[a-zA-Z]?\b"),
    # Rua Augusta, 12; Via Roma 10; Calle Mayor 5; Rue de Rivoli 12
    re.compile(rf"\b(?:Rua|Avenida|Av\.|Calle|Carrer|Avinguda|Via|Viale|Piazza|Corso|Rue|Praça|"
               rf"Largo|Travessa|Plaza|Paseo)[ \t]+(?:(?:d[aeiou]s?|de[ \t]+la|del|della)[ \t]+)?"
               rf"{_NAME}(?:[ \t]+{_NAME}){{0,3}},?[ \t]+(?:n\.?[ºo°][ \t]*)?\d{{1,4}}[A-Za-z]?\b"),
    # 12 rue de Rivoli, 8 bis avenue Foch
    re.compile(rf"\b\d{{1,4}}(?:[ \t](?:bis|ter))?,?[ \t]+(?i:rue|avenue|boulevard|chemin|impasse|"
               rf"quai|allée)[ \t]+(?:(?:de[ \t]+la|de[ \t]+l{_QUOTE}|d[eu]s?|l{_QUOTE})[ \t]*)?"
               rf"{_NAME}(?:[ \t-]{_NAME}){{0,3}}"),
    re.compile(r"\b(?:P\.?[ \t]?O\.?[ \t]?Box|Postfach)[ \t]+\d{1,6}\b"),
]


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _normal(text: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", text.casefold()).split())


def find(text: str) -> list[tuple[int, int, str]]:
    """Every phone number and street address in `text`: (start, end, kind), in order."""
    found: list[tuple[int, int, str]] = []
    for pattern, least in _PHONES:
        for match in pattern.finditer(text):
            group = "number" if "number" in pattern.groupindex else 0
            start, end = match.start(group), match.end(group)
            if (least <= len(_digits(text[start:end])) <= 15
                    and not _BEFORE.search(text[:start]) and not _AFTER.match(text[end:])):
                found.append((start, end, PHONE))
    for pattern in _ADDRESSES:
        found += [(m.start(), m.end(), ADDRESS) for m in pattern.finditer(text)]
    merged: list[tuple[int, int, str]] = []
    for start, end, kind in sorted(found, key=lambda f: (f[0], -f[1])):
        if merged and start < merged[-1][1]:  # overlapping finds are one thing, the first kind
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]), merged[-1][2])
        else:
            merged.append((start, end, kind))
    return merged


def published(texts: Iterable[str]) -> set[str]:
    """The numbers and addresses stated in `texts` (facts.json's values), as `redact` keeps them."""
    kept = set()
    for text in texts:
        for start, end, kind in find(text):
            kept.add(_digits(text[start:end]) if kind == PHONE else _normal(text[start:end]))
    return kept


def redact(text: str, keep: set[str] = frozenset()) -> str:
    """`text` with each phone number and street address replaced by a marker naming its kind.

    One in `keep` (from `published`) stays: the same digits, or the same words ignoring case and
    punctuation, as the owner wrote it in facts.json.
    """
    parts, last = [], 0
    for start, end, kind in find(text):
        value = text[start:end]
        if (_digits(value) if kind == PHONE else _normal(value)) in keep:
            continue
        parts += [text[last:start], MARKS[kind]]
        last = end
    return "".join(parts) + text[last:]


def redactions(text: str) -> Counter[str]:
    """How many of each kind `redact` removed from `text`, counted from its markers."""
    return Counter({kind: text.count(mark) for kind, mark in MARKS.items() if mark in text})
