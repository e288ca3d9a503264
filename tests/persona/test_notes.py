"""A persona's notes/ folder: titles and sources, bad files that never stop start-up or a
package, and what `twin persona check` says about them."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from api.app import create_app
from api.notes import MAX_NOTE_BYTES, parse_note, read_notes, utf8_name
from api.passages import MAX_PASSAGE_CHARS, note_passages
from api.persona import load_persona, write_compiled_persona
from tests.support.app import EXAMPLE_PERSONA, make_config
from twin.cli import main
from twin.persona import notes_check
from twin.persona.check import check_persona, require_valid_persona


@pytest.fixture
def persona(tmp_path):
    folder = tmp_path / "persona"
    shutil.copytree(EXAMPLE_PERSONA, folder)
    shutil.rmtree(folder / "notes")
    (folder / "notes").mkdir()
    return folder


def test_a_note_has_a_title_a_source_and_its_text():
    note, problems = parse_note("talk.md", "# My talk\n\nSource: https://example.com/t\n\nBody.\n")
    assert (note.title, note.source, note.text, problems) == (
        "My talk", "https://example.com/t", "Body.", [])


@pytest.mark.parametrize("link", ["http://example.com/t", "javascript:alert(1)",
                                  "https://example.com/\x1b[2J", 'https://e.com/"><b>'])
def test_a_source_that_is_not_a_plain_https_link_is_left_out(link):
    note, problems = parse_note("talk.txt", f"Source: {link}\nBody.")
    assert note.source is None and note.text == "Body."
    assert problems == ["its Source line is not an https:// link; the link was left out"]
    assert note.title == "talk"  # no heading: the file's name


def write_bad_notes(folder):
    notes = folder / "notes"
    (notes / "latin1.md").write_bytes("# Café\n\ncaf\xe9 au lait".encode("latin-1"))
    (notes / "empty.md").write_text("  \n\n")
    (notes / "image.md").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (notes / "slides.pdf").write_bytes(b"%PDF-1.4")
    # Over 1 MB, cut inside a two-byte character: the note is kept, cut at the limit.
    (notes / "huge.md").write_text("# Huge\n\n" + "é" * MAX_NOTE_BYTES, encoding="utf-8")
    (notes / "good.md").write_text("# Kites\n\nI build kites from bamboo.\n")


def test_bad_notes_never_stop_start_up_or_the_package(persona, tmp_path):
    write_bad_notes(persona)
    folder = read_notes(persona)
    assert [n.name for n in folder.notes] == ["good.md", "huge.md"]
    huge = next(n for n in folder.notes if n.name == "huge.md")
    assert len(huge.text.encode()) <= MAX_NOTE_BYTES
    # A million characters with no sentence end or space still gives bounded passages.
    pieces = note_passages(huge)
    assert len(pieces) >= 1000 and max(len(p.text) for p in pieces) <= MAX_PASSAGE_CHARS
    # Start-up (the folder compiled) and packaging (check, then the compiled file) both go on.
    client = create_app(make_config(tmp_path, TWIN_PERSONA=str(persona))).test_client()
    reply = client.post("/api/chat", json={"message": "Do you build kites?"}).json["response"]
    assert "bamboo" in reply
    require_valid_persona(persona)
    compiled = write_compiled_persona(persona, tmp_path / "persona.json")
    assert "bamboo" in load_persona(compiled).index.search("kites")[0].passage.text


def test_check_names_each_bad_note_and_says_what_was_done(persona, capsys):
    write_bad_notes(persona)
    assert main(["persona", "check", str(persona)]) == 0  # warnings, not errors
    out = capsys.readouterr().out
    expected = {
        "notes/latin1.md": "not UTF-8 text: skipped",
        "notes/empty.md": "empty: skipped",
        "notes/image.md": "binary, not text: skipped",
        "notes/slides.pdf": "not a .md or .txt file: skipped",
        "notes/huge.md": f"over {MAX_NOTE_BYTES:,} bytes: only the first",
    }
    for name, said in expected.items():
        assert f"warning  {name}: {said}" in out
    assert "notes/good.md" in out and "1 passage, 'Kites'" in out


def test_check_lists_passages_sources_duplicates_and_secrets(persona):
    notes = persona / "notes"
    (notes / "a.md").write_text("# A\n\nSource: https://example.com/a\n\nSame text.\n")
    (notes / "b.md").write_text("# B\n\nSame text.\n")
    (notes / "keys.md").write_text("# Keys\n\nMy deploy key: AKIAABCDEFGHIJKLMNOP\n\n"
                                   "db password: hunter2hunter2\n")
    report = check_persona(persona)
    rows = {name: note for name, _size, note in report.files}
    assert rows["notes/a.md"] == "1 passage, 'A', cites https://example.com/a"
    assert "notes/b.md: the same text as notes/a.md" in "\n".join(report.warnings)
    secrets = [w for w in report.warnings if w.startswith("notes/keys.md")]
    assert secrets == [
        "notes/keys.md: line 3 looks like an AWS access key; the twin quotes notes to visitors, "
        "so remove it",
        "notes/keys.md: line 5 looks like a password or key; the twin quotes notes to visitors, "
        "so remove it",
    ]
    assert "AKIAABCDEFGHIJKLMNOP" not in "\n".join(report.warnings)  # never echoed


def test_the_example_persona_has_notes_and_no_warnings():
    report = check_persona(EXAMPLE_PERSONA)
    notes = [row for row in report.files if row[0].startswith("notes/")]
    assert 10 <= len(notes) <= 20
    assert report.warnings == [] and report.errors == []


def test_a_note_name_with_terminal_controls_is_printed_escaped(persona):
    (persona / "notes" / "evil\u202egnp.md").write_text("# Evil\n\nText.\n")
    (persona / "notes" / "bell\x07.md").write_bytes(b"\x00binary")
    report = check_persona(persona)
    printed = "\n".join([*(name for name, _, _ in report.files), *report.warnings])
    assert "notes/evil\\u202egnp.md" in printed and "notes/bell\\x07.md" in printed
    assert all(line.isprintable() for line in printed.splitlines())


def test_a_note_or_pdf_whose_name_is_not_utf8_is_skipped_and_named(persona, tmp_path, capsys):
    # Before: the compiled persona could not be written (UnicodeEncodeError) and check said
    # nothing. Such names arrive with surrogate escapes: b"caf\xe9.md" is "caf\udce9.md".
    notes = os.fsencode(persona / "notes")
    with open(os.path.join(notes, b"caf\xe9.md"), "wb") as file:
        file.write(b"# Cafe\n\nI like coffee.\n")
    with open(os.path.join(os.fsencode(persona), b"cv\xe9.pdf"), "wb") as file:
        file.write((persona / "resume.pdf").read_bytes())
    assert not utf8_name("caf\udce9.md") and utf8_name("café.md")
    compiled = write_compiled_persona(persona, tmp_path / "persona.json")
    persona_read = load_persona(compiled)
    assert "cv\udce9.pdf" not in dict(persona_read.documents)
    assert not persona_read.index.search("coffee")
    assert main(["persona", "check", str(persona)]) == 0
    out = capsys.readouterr().out
    assert ("warning  notes/caf\\udce9.md: its file name is not valid UTF-8: skipped "
            "(rename it)") in out
    assert ("warning  cv\\udce9.pdf: its file name is not valid UTF-8, so the PDF is not "
            "read; rename it") in out
    assert all(line.isprintable() for line in out.splitlines())


def test_a_notes_folder_that_cannot_be_read_is_a_stated_problem(persona, monkeypatch, tmp_path):
    unreadable = persona / "notes"
    real_iterdir = Path.iterdir

    def iterdir(path):
        if path == unreadable:
            raise PermissionError(13, "Permission denied")
        return real_iterdir(path)

    monkeypatch.setattr(Path, "iterdir", iterdir)
    found = read_notes(persona)
    assert found.folder_problem == "cannot be read (Permission denied): no notes were read"
    write_compiled_persona(persona, tmp_path / "persona.json")  # packaging goes on
    assert "notes: cannot be read (Permission denied): no notes were read" in (
        check_persona(persona).warnings)


def test_a_notes_file_instead_of_a_folder_is_warned_about(persona):
    shutil.rmtree(persona / "notes")
    (persona / "notes").write_text("# Not a folder\n\nText.\n")
    assert ("notes: a file, not a folder: no notes were read (notes go in a folder)"
            in check_persona(persona).warnings)


def test_check_warns_when_the_notes_grow_large(persona, monkeypatch):
    (persona / "notes" / "a.md").write_text("# A\n\n" + "word " * 40)
    assert not [w for w in check_persona(persona).warnings if "bytes in all" in w]
    monkeypatch.setattr(notes_check, "LARGE_NOTES_BYTES", 100)
    [warning] = [w for w in check_persona(persona).warnings if "bytes in all" in w]
    assert warning == ("notes/: 205 bytes in all; every byte goes into the Lambda archive, so "
                       "keep notes under 100 bytes")


def test_a_notes_control_and_invisible_characters_go_at_compile_time(persona):
    # Before: kept, so "</ref\u200berence>" or a bidi override reached the index and the model.
    (persona / "notes" / "a.md").write_text(
        "# Ki\u200btes\n\nI build \u202ekites\u202c from bamboo </ref\u200berence>\x1b[2J.\n")
    [note] = read_notes(persona).notes
    assert note.title == "Kites"
    assert note.text == "I build kites from bamboo </reference>[2J."
