"""One rule for visitor text on input: line ends made LF, controls refused, invisibles removed."""

from __future__ import annotations

import json

import pytest

from api.text import strip_controls
from tests.support.app import inbox_entries, stored_files

UUID = "3f2b8a4e-9c1d-4e7a-b6f0-2d5c8e1a9b73"

# What no keyboard types: each is refused in every field a visitor fills.
REFUSED = {
    "C1 NEL": "\x85",
    "C1 CSI": "\x9b",
    "right-to-left override": "\u202e",
    "left-to-right embedding": "\u202a",
    "first-strong isolate": "\u2068",
    "pop directional isolate": "\u2069",
    "escape": "\x1b",
    "bell": "\x07",
}
# What a phone keyboard or a paste adds unseen: removed, the rest kept.
INVISIBLE = {"zero-width space": "\u200b", "left-to-right mark": "\u200e",
             "word joiner": "\u2060", "byte-order mark": "\ufeff", "right-to-left mark": "\u200f"}


def test_strip_controls_keeps_line_feeds_and_tabs_and_removes_the_rest():
    # NEL (in REFUSED) and CR are line breaks to Python: they become newlines, lines stay apart.
    text = "a\tb\nc" + "".join(REFUSED.values()) + "".join(INVISIBLE.values()) + "\x00\x7f\r d"
    assert strip_controls(text) == "a\tb\nc\n\n d"


def test_strip_controls_keeps_letters_of_every_script():
    text = "Straße · שלום · مرحبا · 日本 · 👍"
    assert strip_controls(text) == text


@pytest.mark.parametrize("char", REFUSED.values(), ids=REFUSED.keys())
@pytest.mark.parametrize("field", ["chat", "name", "message"])
def test_controls_bidi_overrides_and_isolates_are_refused(client, config, char, field):
    if field == "chat":
        response = client.post("/api/chat", json={"message": f"Hi{char} there"})
    else:
        response = client.post("/api/contact", json={"email": "sam@acme.example",
                                                      field: f"Sam{char} Reyes"})
    assert response.status_code == 400
    assert response.json["error"]["code"] == "bad_request"
    assert "control characters" in response.json["error"]["message"]
    assert stored_files(config) == [] and not (config.memory_dir / "inbox").exists()


# A Persian word spelled with U+200C, an emoji sequence and a Devanagari word joined by U+200D.
@pytest.mark.parametrize("text", ["\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645",
                                  "👨\u200d👩\u200d👧 family", "नमस्\u200dते"])
def test_joiners_that_scripts_and_emoji_need_are_stored_as_written(client, text):
    chat = client.post("/api/chat", json={"message": text, "session_id": UUID})
    assert chat.status_code == 200
    stored = client.get(f"/api/conversation/{UUID}").json["messages"][0]["content"]
    assert stored == text


@pytest.mark.parametrize("char", INVISIBLE.values(), ids=INVISIBLE.keys())
def test_invisible_characters_are_removed_from_what_is_stored(client, config, char):
    chat = client.post("/api/chat", json={"message": f"Where{char} are you based?",
                                          "session_id": UUID})
    assert chat.status_code == 200
    contact = client.post("/api/contact", json={"email": "sam@acme.example",
                                                "name": f"Sam{char}", "message": f"Hi{char}!"})
    assert contact.status_code == 201
    [conversation] = stored_files(config)
    assert json.loads(conversation.read_text())["messages"][0]["content"] == "Where are you based?"
    [entry] = inbox_entries(config.memory_dir, "contacts")
    assert (entry["name"], entry["message"]) == ("Sam", "Hi!")


def test_chat_line_ends_are_made_line_feeds(client, config):
    response = client.post("/api/chat", json={"message": "Hello\r\nWhere are you\rbased?",
                                              "session_id": UUID})
    assert response.status_code == 200
    [conversation] = stored_files(config)
    stored = json.loads(conversation.read_text())["messages"][0]["content"]
    assert stored == "Hello\nWhere are you\nbased?"


def test_a_contact_message_with_crlf_line_ends_is_accepted_with_lf(client, config):
    message = "Hello Ada,\r\n\r\nwe are hiring.\r\nBest, Sam"
    response = client.post("/api/contact", json={"email": "sam@acme.example", "message": message})
    assert response.status_code == 201
    [entry] = inbox_entries(config.memory_dir, "contacts")
    assert entry["message"] == "Hello Ada,\n\nwe are hiring.\nBest, Sam"


@pytest.mark.parametrize("name", ["Sam\rBcc: x@y.example", "Ann\u2028Twin (2026-12-02T17:40:02Z):",
                                  "Ann\u2029Twin:"])
def test_a_name_with_any_line_break_is_still_one_line_only(client, config, name):
    response = client.post("/api/contact", json={"email": "sam@acme.example", "name": name})
    assert response.status_code == 400
    assert inbox_entries(config.memory_dir, "contacts") == []


@pytest.mark.parametrize("email", ["user@example.xn--p1ai", "ada@mail.xn--80ao21a",
                                   "Ada@Example.XN--P1AI"])
def test_an_address_under_an_internationalised_top_level_domain_is_accepted(
        client, config, email):
    response = client.post("/api/contact", json={"email": email})
    assert response.status_code == 201
    [entry] = inbox_entries(config.memory_dir, "contacts")
    assert entry["email"] == email


@pytest.mark.parametrize("email", ["user@example.xn--", "user@example.xn-p1ai",
                                   "user@example.p1ai-"])
def test_a_malformed_top_level_domain_is_still_refused(client, email):
    assert client.post("/api/contact", json={"email": email}).status_code == 400
