"""One tokenizer and one address pattern (api/text.py), as every caller uses them."""

from __future__ import annotations

import pytest

from api.models.offline import OfflineModel
from api.text import EMAIL, EMAIL_IN_TEXT, terms, words


def test_words_keep_dotted_names_and_drop_stop_words():
    assert words("What's your take on Node.js, C++ and C#?") == ["take", "node.js", "c++", "c#"]


def test_terms_stem_plurals_and_long_words_alike():
    assert terms("certified teams") == terms("certifications team") == ["certif", "team"]


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
