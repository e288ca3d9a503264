"""Listing the inbox: each format, --since, --kind, --all and --conversation, in a folder and S3."""

from __future__ import annotations

import csv
import io
import json

from api.inbox import new_entry
from api.inbox.files import FileInbox
from tests.support.inbox_samples import CHESS, HIRE, SHOES, fill_folder, sample_entries
from twin.inbox.report import CSV_FIELDS

QUESTION, CONTACT, OLD_QUESTION = (e["id"] for e in sample_entries())


def rows(out: str) -> list[str]:
    """The table's data lines (between the header and the closing hint)."""
    lines = out.splitlines()
    assert lines[0].split() == ["ID", "WHEN", "(UTC)", "KIND", "SESSION", "FROM", "/", "QUESTION"]
    return lines[1 : lines.index("")]


def test_table_lists_everything_newest_first(where, inbox_cli):
    code, out, err = inbox_cli(*where)
    assert (code, err) == (0, "")
    table = rows(out)
    assert [line.split()[0] for line in table] == [QUESTION[:8], CONTACT[:8], OLD_QUESTION[:8]]
    assert table[0].split()[3:] == ["question", CHESS[:8], "Do", "you", "play", "chess?"]
    assert "contact   3f2a9c20  @Bob <bob@example.com>: =HYPERLINK(" in table[1]
    assert "3 in " in out


def test_json_holds_the_whole_entries(where, inbox_cli):
    code, out, _ = inbox_cli(*where, "--json")
    assert code == 0
    listed = json.loads(out)
    assert [e["id"] for e in listed] == [QUESTION, CONTACT, OLD_QUESTION]
    assert listed[1] == sample_entries()[1] | {"id": CONTACT}
    assert listed[2]["asked"] == "And your shoe size?"


def test_csv_cells_never_run_as_formulas(where, inbox_cli):
    code, out, _ = inbox_cli(*where, "--csv")
    assert code == 0
    reader = csv.DictReader(io.StringIO(out))
    assert tuple(reader.fieldnames) == CSV_FIELDS
    listed = list(reader)
    assert [r["id"] for r in listed] == [QUESTION, CONTACT, OLD_QUESTION]
    assert listed[1]["message"] == '\'=HYPERLINK("http://evil.example","click")'
    assert listed[1]["name"] == "'@Bob"
    assert listed[1]["email"] == "bob@example.com"
    assert listed[0]["question"] == "Do you play chess?"


def test_since_keeps_only_recent_entries(where, inbox_cli):
    spans = {"3h": [QUESTION], "7d": [QUESTION, CONTACT], "2w": [QUESTION, CONTACT, OLD_QUESTION]}
    for span, expected in spans.items():
        code, out, _ = inbox_cli(*where, "--since", span, "--json")
        assert (code, [e["id"] for e in json.loads(out)]) == (0, expected), span


def test_kind_keeps_one_kind(where, inbox_cli):
    for kind, expected in {"contacts": [CONTACT], "questions": [QUESTION, OLD_QUESTION]}.items():
        # Options are accepted after the command as well as before it.
        code, out, _ = inbox_cli("list", *where, "--kind", kind, "--json")
        assert (code, [e["id"] for e in json.loads(out)]) == (0, expected), kind


def test_conversation_an_entry_came_from(where, inbox_cli):
    code, out, _ = inbox_cli(*where, "--conversation", CHESS)
    assert code == 0
    assert out.splitlines()[0].startswith(f"Conversation {CHESS}, started ")
    assert "Visitor (" in out and "Do you play chess?" in out and "reply to Hello" in out
    code, out, _ = inbox_cli(*where, "--conversation", "7C1D", "--json")  # a unique prefix
    assert code == 0
    assert json.loads(out)["session_id"] == SHOES
    code, out, _ = inbox_cli(*where, "--conversation", HIRE, "--csv")
    assert list(csv.reader(io.StringIO(out)))[1][1:3] == ["user", "Are you open to work?"]


def test_conversation_errors(where, inbox_cli):
    errors = {
        "3f2a9c": "inbox: 2 conversations start with '3f2a9c'; give more characters",
        "abcdef": "inbox: no conversation 'abcdef' in ",
        "../../etc/passwd": "inbox: '../../etc/passwd' is not a session id",
    }
    for session, message in errors.items():
        code, out, err = inbox_cli(*where, "--conversation", session)
        assert (code, out) == (1, ""), session
        assert err.startswith(message) and err.count("\n") == 1, err


def test_nothing_yet_is_a_friendly_line(tmp_path, s3, inbox_cli):
    code, out, err = inbox_cli("--dir", str(tmp_path / "never-used"))
    assert (code, err) == (0, "")
    assert out == (f"Nothing yet: no contacts or unanswered questions in folder "
                   f"{tmp_path / 'never-used'}.\n")
    s3.create_bucket(Bucket="twin-empty-memory")
    code, out, _ = inbox_cli("--bucket", "twin-empty-memory", "--kind", "contacts",
                             "--since", "7d")
    assert (code, out) == (0, "Nothing yet: no contacts in bucket twin-empty-memory "
                              "from the last 7d.\n")
    code, out, _ = inbox_cli("--bucket", "twin-empty-memory", "--json")
    assert (code, json.loads(out)) == (0, [])


def test_answered_questions_are_hidden_unless_all(tmp_path, inbox_cli):
    root = fill_folder(tmp_path / "memory")
    inbox = FileInbox(root)
    for key, entry in list(inbox.entries("question")):
        inbox.save(key, {**entry, "answered_at": "2030-01-01T00:00:00.000Z", "answer": "No."})
    code, out, _ = inbox_cli("--dir", str(root), "--json")
    assert [e["id"] for e in json.loads(out)] == [CONTACT]
    code, out, _ = inbox_cli("--dir", str(root), "--all")
    assert "[answered] Do you play chess?" in out and "@Bob" in out
    code, out, _ = inbox_cli("--dir", str(root), "--kind", "questions")
    assert (code, out) == (0, f"Nothing yet: no unanswered questions in folder {root}. "
                              "(2 answered questions hidden; --all shows them)\n")


def test_folder_defaults_to_twin_memory_dir(tmp_path, monkeypatch, inbox_cli):
    monkeypatch.setenv("TWIN_MEMORY_DIR", str(fill_folder(tmp_path / "elsewhere")))
    code, out, _ = inbox_cli("--kind", "contacts", "--json")
    assert (code, [e["id"] for e in json.loads(out)]) == (0, [CONTACT])


def test_visitor_text_cannot_drive_the_terminal(tmp_path, inbox_cli):
    sneaky = "Hi\x1b[2J\x1b]0;owned\x07 there\rX"
    FileInbox(tmp_path).record(new_entry("question", {"question": sneaky}, session_id=None,
                                         asked=sneaky, source="chat"))
    code, out, _ = inbox_cli("--dir", str(tmp_path))
    assert code == 0
    assert "\x1b" not in out and "\x07" not in out and "\r" not in out
    assert "Hi\\x1b[2J\\x1b]0;owned\\x07 there\\x0dX" in out  # escaped, so the owner sees it


def test_a_narrow_terminal_cuts_the_last_column(where, inbox_cli, monkeypatch):
    monkeypatch.setenv("COLUMNS", "70")
    _, out, _ = inbox_cli(*where)
    table = rows(out)
    assert all(len(line) <= 70 for line in table)
    assert table[1].endswith("…")


def test_a_pipe_gets_whole_lines(where, inbox_cli, monkeypatch):
    monkeypatch.delenv("COLUMNS")
    _, out, _ = inbox_cli(*where, "--kind", "contacts")
    assert rows(out)[0].endswith('=HYPERLINK("http://evil.example","click")')
