"""Words and email addresses in free text: one tokenizer and one address pattern for every use.

Retrieval (api/retrieval.py) matches questions with `terms`, `twin persona check` compares facts
with `words`, the offline model and `twin persona init` find addresses with `EMAIL_IN_TEXT`, and
the API checks a whole address with `EMAIL` and compares two with `same_address`.
`strip_controls` makes text from outside (a PDF, a visitor) safe to print on a terminal and to
store.
"""

from __future__ import annotations

import re
from functools import lru_cache

# A word: letters and digits, with "+", "#" and inner dots kept ("c++", "c#", "node.js").
WORD = re.compile(r"[a-z0-9][a-z0-9+#.]*[a-z0-9+#]|[a-z0-9]")
_STOPWORD_TEXT = """
    a about after all also am an and any are as at be been but by can could did do does
    doing for from had has have how i if in into is it its just like me might more most my
    describe explain
    no not of on or our out please so some such tell than that the their them then there
    these they this those to up us very was we were what when where which who whom why will
    with would you your yours yourself hi hello hey thanks thank ok okay know give share
    hold big many much lot lots sort type thing things something anything ever really
    usually often want think say see way anyone someone anybody somebody
"""
# Not stop-words, though common: "go", "make", "kind" and "use" name languages and tools ("Do you
# know Go?"), and a word left out here can never be found.
STOPWORDS = frozenset(_STOPWORD_TEXT.split())

# The domain of an address: labels of letters, digits and inner hyphens, then a top-level name,
# which is letters or an internationalised name in its ASCII form ("xn--p1ai" for .рф).
_DOMAIN = (r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+"
           r"(?:[A-Za-z]{2,63}|[Xx][Nn]--[A-Za-z0-9-]{1,59})")
# A whole value may use every character RFC 5322 allows in a local part; deliverability is the
# owner's to find out, this only keeps out what cannot be an address.
# RFC 5321 caps a whole address at 254 characters.
EMAIL = re.compile(
    rf"^(?=.{{1,254}}$)[A-Za-z0-9.!#$%&'*+/=?^_`{{|}}~-]{{1,64}}@(?=.{{4,253}}$){_DOMAIN}$")
# In running text only the common characters count, so quotes and brackets around an address
# are not taken for part of it; an apostrophe or "&" may stand inside one (o'brien, tom&jerry).
# A match never starts inside a longer word ("josé.ada@", "o'brien@", 70 letters then "@"): no
# address at all is better than a shorter one the visitor never wrote.
EMAIL_IN_TEXT = re.compile(
    rf"(?<![\w.%+&-])(?<!\w')"
    rf"[A-Za-z0-9._%+-](?:[A-Za-z0-9._%+&'-]{{0,62}}[A-Za-z0-9._%+-])?@{_DOMAIN}"
    r"(?![\w-])")  # nor end inside a longer word: "ada@example.comx" is no address

def same_address(a: str, b: str) -> bool:
    """Whether two whole addresses are one: the local part exactly, the domain in any case.

    Only ASCII letters are lowered (addresses here are ASCII): case-folding would make
    "straße" and "strasse" one address, and they are two.
    """
    local_a, _, domain_a = a.rpartition("@")
    local_b, _, domain_b = b.rpartition("@")
    return (local_a == local_b and domain_a.isascii() and domain_b.isascii()
            and domain_a.lower() == domain_b.lower())


# What Python counts as a line break (str.splitlines) becomes a newline, so lines stay apart:
# CR and CRLF, VT, FF, the C0 separators FS/GS/RS, NEL (U+0085), U+2028 and U+2029.
_LINE_BREAK = re.compile("\r\n|[\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
# Everything else that moves the cursor, changes colours, reorders text or hides in it: the other
# C0 controls (tab and newline stay), DEL, the C1 controls, bidi embeddings, overrides and
# isolates, the zero-width space, the LTR/RTL marks, the word joiner and the BOM. The zero-width
# joiner and non-joiner (U+200D, U+200C) stay: emoji sequences and the spelling of Persian and
# Indic scripts need them, and they move nothing on a screen.
_CONTROL = re.compile(
    "[\x00-\x08\x0e-\x1b\x1f\x7f-\x84\x86-\x9f\u200b\u200e\u200f\u202a-\u202e\u2060"
    "\u2066-\u2069\ufeff]")


def strip_controls(text: str) -> str:
    """`text` without control characters: line breaks become newlines, tabs stay, the rest goes.

    An escape sequence loses its ESC and prints as plain characters; an emoji sequence joined
    by U+200D and a Persian word spelled with U+200C are kept as written.
    """
    return _CONTROL.sub("", _LINE_BREAK.sub("\n", text))


def words(text: str) -> list[str]:
    """The lower-case words of `text` that carry meaning (stop-words left out)."""
    return [w for w in WORD.findall(text.lower().replace("'s ", " ")) if w not in STOPWORDS]


# Derivational endings, longest first, each with what replaces it; a word keeps at least
# MIN_ROOT letters. Only endings that mark the same idea go ("certification" and "certify",
# "manager" and "manage"), never a fixed prefix cut: that made "experiment" and "experience",
# "internship" and "international", "interview" and "interval" one term.
_ENDINGS = (("ifications", "ify"), ("ification", "ify"), ("ificates", "ify"),
            ("ificate", "ify"), ("ations", "ate"), ("ation", "ate"), ("ers", ""), ("er", ""))
MIN_ROOT = 4


@lru_cache(maxsize=65_536)  # compiling a large notes folder stems the same words again and again
def stem(word: str) -> str:
    """Crude but predictable: common inflections and a few derivational endings go.

    "team" and "teams", "speak" and "speaking", "start" and "started", "company" and
    "companies", "manage", "managed" and "manager" become one term; "certified" and
    "certifications" both become "certify". Nothing else is cut, so words that only begin alike
    stay apart.
    """
    if len(word) > 4 and word.endswith("ies"):
        word = word[:-3] + "y"
    elif len(word) > 4 and word.endswith(("sses", "ches", "shes", "xes")):
        word = word[:-2]
    elif len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    for suffix in ("ing", "ed"):
        root = word[: -len(suffix)]
        if word.endswith(suffix) and len(root) >= 3 and any(c in "aeiouy" for c in root):
            # "running" -> "run", "planned" -> "plan": a doubled last consonant goes too.
            word = root[:-1] if len(root) > 3 and root[-1] == root[-2] not in "aeiouls" else root
            if word.endswith("i"):  # "certified" -> "certifi" -> "certify"
                word = word[:-1] + "y"
            break
    for ending, replacement in _ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= MIN_ROOT + (ending[0] == "e"):
            word = word[: -len(ending)] + replacement
            break
    if len(word) > 3 and word.endswith("e"):  # "base" and "based", "close" and "closed"
        word = word[:-1]
    return word


def terms(text: str) -> list[str]:
    """The words of `text` as the offline model matches them: two letters or more, stemmed."""
    return [stem(w) for w in words(text) if len(w) > 1]
