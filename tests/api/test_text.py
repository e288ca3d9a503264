"""One tokenizer and one address pattern (api/text.py), as every caller uses them."""

from __future__ import annotations

import pytest

from api.models.offline import OfflineModel
from api.text import EMAIL, EMAIL_IN_TEXT, strip_controls, terms, words


def test_words_keep_dotted_names_and_drop_stop_words():
    assert words("What's your take on Node.js, C++ and C#?") == ["take", "node.js", "c++", "c#"]


def test_terms_stem_plurals_and_derived_words_alike():
    assert terms("certified teams") == terms("certifications team") == ["certify", "team"]


@pytest.mark.parametrize("text, found", [
    ("mail me at ada@example.com.", "ada@example.com"),
    ("(ada.lee@mail.example.org)", "ada.lee@mail.example.org"),
    ("'sam+twin@acme.example'", "sam+twin@acme.example"),
    ("write to sean.o'brien@example.com", "sean.o'brien@example.com"),
    ("tom&jerry@example.com", "tom&jerry@example.com"),
    ("<ada@example.com>, or https://example.com/ada@example.org", "ada@example.com"),
])
def test_an_address_in_text_is_found_whole(text, found):
    assert EMAIL_IN_TEXT.search(text).group(0) == found


@pytest.mark.parametrize("written", [
    "a" * 70 + ".smith@acme.example",  # a local part over 64 characters
    "josé.ada@example.com",  # letters the pattern does not take
])
def test_an_address_is_never_cut_to_one_nobody_wrote(written):
    text = f"write to {written} please"
    assert EMAIL_IN_TEXT.search(text) is None
    assert OfflineModel.contact_request("I'd like to hire you, " + text) is None


def test_a_whole_address_is_at_most_254_characters():
    local = "a" * 64
    domain = ".".join(["b" * 60] * 3) + ".example"
    assert EMAIL.match(f"{local}@{domain[:189]}")
    assert len(f"{local}@{domain}") > 254 and not EMAIL.match(f"{local}@{domain}")


# An emoji sequence joined by U+200D and a Persian word spelled with U+200C: kept as they are.
JOINED = "family 👨\u200d👩\u200d👧 and \u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"


@pytest.mark.parametrize("written, shown", [
    ("a tab\there\nand a second line", "a tab\there\nand a second line"),
    ("\x1b[31mred\x1b[0m and a bell\x07", "[31mred[0m and a bell"),
    ("C1: \x9b31m and \x80-\x9f gone", "C1: 31m and - gone"),
    ("NUL\x00, DEL\x7f and \x1f unit separator", "NUL, DEL and  unit separator"),
    ("AWS Billing \u202eknab\u202c", "AWS Billing knab"),
    ("isolates \u2066x\u2069 \u2067y\u2068, embedded \u202ax\u202b", "isolates x y, embedded x"),
    ("zero\u200bwidth\u200e\u200f\u2060\ufeff", "zerowidth"),
    (JOINED, JOINED),
    ("windows\r\nline\rends", "windows\nline\nends"),
    ("NEL\x85 LS\u2028 PS\u2029 VT\x0b FF\x0c end", "NEL\n LS\n PS\n VT\n FF\n end"),
    ("é, ß, 東京, emoji 🚀, em dash —, ·", "é, ß, 東京, emoji 🚀, em dash —, ·"),
])
def test_strip_controls_keeps_text_and_drops_what_drives_a_terminal(written, shown):
    assert strip_controls(written) == shown
    assert strip_controls(shown) == shown  # stripping twice changes nothing more


def test_strip_controls_leaves_no_character_a_terminal_acts_on():
    every = "".join(chr(c) for c in range(0x3000)) + "\ufeff\ufffe"
    left = strip_controls(every)
    acting = [c for c in left if c not in "\n\t" and (
        ord(c) < 0x20 or 0x7f <= ord(c) <= 0x9f or c in "\u200b\u200e\u200f"
        or 0x202a <= ord(c) <= 0x202e or 0x2066 <= ord(c) <= 0x2069 or c in "\u2060\ufeff")]
    assert acting == []
    assert "\u2028" not in left and "\u2029" not in left and "\r" not in left
