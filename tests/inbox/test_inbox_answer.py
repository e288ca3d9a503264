"""`answer`: the pair lands in answers.md once, the question is closed, and the twin then knows."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from api.app import create_app
from api.config import Config
from api.inbox import new_entry
from api.inbox.files import FileInbox
from api.persona import load_persona, parse_answers
from tests.support.inbox_samples import NOW, fill_folder, sample_entries

QUESTION, CONTACT, OLD_QUESTION = (e["id"] for e in sample_entries())


@pytest.fixture
def persona(example_persona) -> Path:
    return example_persona


def listed(inbox_cli, where, *options) -> dict[str, dict]:
    code, out, _ = inbox_cli(*where, "--json", *options)
    assert code == 0
    return {e["id"]: e for e in json.loads(out)}


def test_answer_goes_into_answers_md_and_closes_the_question(where, persona, inbox_cli):
    assert not (persona / "answers.md").exists()
    code, out, err = inbox_cli(*where, "answer", QUESTION[:5], "Yes, badly.",
                               "--persona", str(persona), "--yes")
    assert (code, err) == (0, "")
    assert (persona / "answers.md").read_text() == "## Do you play chess?\n\nYes, badly.\n"
    assert out.splitlines()[:2] == [f"Question {QUESTION[:8]}, asked on "
                                    f"{NOW - timedelta(hours=1):%Y-%m-%d %H:%M} UTC:",
                                    "  | Do you play chess?"]
    assert out.splitlines()[-1] == (
        f"Added an answer to 'Do you play chess?' in {persona / 'answers.md'}; the question is "
        "marked answered. The twin uses it from its next start (restart `twin run`) or deploy "
        "(`pulumi up`).")
    assert QUESTION not in listed(inbox_cli, where)
    closed = listed(inbox_cli, where, "--all")[QUESTION]
    assert closed["answer"] == "Yes, badly." and closed["answered_at"] >= closed["created_at"]
    assert closed["question"] == "Do you play chess?"  # the rest of the entry is kept

    # A second answer is appended below the first, and the file still loads.
    code, _, _ = inbox_cli(*where, "answer", OLD_QUESTION, "  43 (EU).\nWide feet.  ",
                           "--persona", str(persona), "--yes")
    assert code == 0
    text = (persona / "answers.md").read_text()
    assert text.endswith("Yes, badly.\n\n## What is your shoe size?\n\n43 (EU).\nWide feet.\n")
    assert load_persona(persona).answers == (
        ("Do you play chess?", "Yes, badly."), ("What is your shoe size?", "43 (EU).\nWide feet."))
    assert listed(inbox_cli, where).keys() == {CONTACT}


EXISTING = ("# My answers\n\n## do you play CHESS\nOnly on Sundays.\n\n"
            "## What is your shoe size?\n\n43.")  # no final newline


def test_the_same_answer_again_is_one_unchanged_line(tmp_path, persona, inbox_cli):
    root = fill_folder(tmp_path / "memory")
    (persona / "answers.md").write_text(EXISTING)
    code, out, err = inbox_cli("--dir", str(root), "answer", QUESTION, " Only on Sundays. ",
                               "--persona", str(persona))  # nothing to write: nothing to confirm
    assert (code, err) == (0, "")
    assert out == (f"Unchanged: {persona / 'answers.md'} already gives this answer to "
                   "'Do you play chess?'; the question is marked answered.\n")
    assert (persona / "answers.md").read_text() == EXISTING
    assert listed(inbox_cli, ["--dir", str(root)], "--all")[QUESTION]["answer"] == (
        "Only on Sundays.")


def test_a_different_answer_is_refused_without_replace(tmp_path, persona, inbox_cli):
    root = fill_folder(tmp_path / "memory")
    (persona / "answers.md").write_text(EXISTING)
    code, out, err = inbox_cli("--dir", str(root), "answer", QUESTION, "Something else.",
                               "--persona", str(persona), "--yes")
    assert (code, out) == (1, "")
    assert err == (f"inbox: {persona / 'answers.md'} already answers 'Do you play chess?' "
                   "differently ('Only on Sundays.'); nothing changed. To replace that answer, "
                   "add --replace\n")
    assert (persona / "answers.md").read_text() == EXISTING
    assert QUESTION in listed(inbox_cli, ["--dir", str(root)])  # still open


def test_replace_changes_that_answer_and_keeps_the_rest(tmp_path, persona, inbox_cli):
    root = fill_folder(tmp_path / "memory")
    (persona / "answers.md").write_text(EXISTING)
    code, out, _ = inbox_cli("--dir", str(root), "answer", QUESTION, "Every day now.",
                             "--persona", str(persona), "--yes", "--replace")
    assert code == 0
    assert f"Replaces in {persona / 'answers.md'}:" in out
    assert out.splitlines()[-1].startswith("Replaced the answer to 'Do you play chess?' in ")
    assert (persona / "answers.md").read_text() == (
        "# My answers\n\n## Do you play chess?\n\nEvery day now.\n\n"
        "## What is your shoe size?\n\n43.")
    assert listed(inbox_cli, ["--dir", str(root)], "--all")[QUESTION]["answer"] == (
        "Every day now.")
    code, _, _ = inbox_cli("--dir", str(root), "answer", OLD_QUESTION, "44.", "--yes",
                           "--persona", str(persona), "--replace")  # the last one too
    assert code == 0
    assert (persona / "answers.md").read_text().endswith(
        "Every day now.\n\n## What is your shoe size?\n\n44.\n")


def test_an_existing_file_without_a_final_newline_is_appended_cleanly(tmp_path, persona,
                                                                      inbox_cli):
    root = fill_folder(tmp_path / "memory")
    (persona / "answers.md").write_text("## Do you like tea?\nYes.")
    assert inbox_cli("--dir", str(root), "answer", QUESTION, "Yes.",
                     "--persona", str(persona), "--yes")[0] == 0
    assert parse_answers((persona / "answers.md").read_text(), persona) == [
        ["Do you like tea?", "Yes."], ["Do you play chess?", "Yes."]]


def ambiguous_prefix(inbox: FileInbox) -> str:
    """Record questions until two ids share their first character; return that character."""
    seen: dict[str, str] = {}
    for i in range(17):  # 16 hex digits: the 17th question must repeat one
        entry = new_entry("question", {"question": f"Question {i}?"}, session_id=None,
                          asked=None, source="chat")
        inbox.record(entry)
        if entry["id"][0] in seen:
            return entry["id"][0]
        seen[entry["id"][0]] = entry["id"]
    raise AssertionError("unreachable")


def test_unknown_ambiguous_or_contact_ids_are_refused(tmp_path, persona, inbox_cli):
    root = fill_folder(tmp_path / "memory")
    where = ["--dir", str(root)]
    prefix = ambiguous_prefix(FileInbox(root))
    cases = {
        "ffffffffffff": "inbox: no question 'ffffffffffff' in folder ",
        "zz\x1b[2J": "inbox: 'zz\\x1b[2J' is not a question id",
        prefix: f"inbox: '{prefix}' matches ",
        CONTACT[:6]: f"inbox: '{CONTACT[:6]}' is a contact, not a question",
        " ": "inbox: give the question's id",
    }
    for question_id, message in cases.items():
        code, out, err = inbox_cli(*where, "answer", question_id, "An answer.",
                                   "--persona", str(persona), "--yes")
        assert (code, out) == (1, ""), question_id
        assert err.startswith(message) and err.count("\n") == 1, err
    assert not (persona / "answers.md").exists()
    assert all("answered_at" not in e for e in listed(inbox_cli, where, "--all").values())


@pytest.mark.parametrize(("answers_md", "answer", "message"), [
    (None, "   ", "inbox: the answer is empty"),
    (None, "Yes.\n## Also: a heading", "inbox: a line of the answer starts with '## '"),
    ("Some notes without any heading.\n", "Yes.", "answers.md: write each question as a '## '"),
])
def test_answers_that_would_break_answers_md_are_refused(tmp_path, persona, inbox_cli,
                                                         answers_md, answer, message):
    root = fill_folder(tmp_path / "memory")
    if answers_md is not None:
        (persona / "answers.md").write_text(answers_md)
    code, _, err = inbox_cli("--dir", str(root), "answer", QUESTION, answer,
                             "--persona", str(persona), "--yes")
    assert code == 1 and message in err and err.count("\n") == 1
    after = (persona / "answers.md").read_text() if answers_md is not None else None
    assert after == answers_md
    assert QUESTION in listed(inbox_cli, ["--dir", str(root)])  # still open


def test_an_unwritable_answers_md_is_one_line(tmp_path, persona, inbox_cli):
    root = fill_folder(tmp_path / "memory")
    (persona / "answers.md").mkdir()  # not a file: writing it fails as a read-only one would
    code, _, err = inbox_cli("--dir", str(root), "answer", QUESTION, "Yes.",
                             "--persona", str(persona), "--yes")
    assert code == 1 and "answers.md" in err and err.count("\n") == 1
    assert QUESTION in listed(inbox_cli, ["--dir", str(root)])


def test_the_persona_must_be_a_folder(tmp_path, inbox_cli):
    root = fill_folder(tmp_path / "memory")
    (tmp_path / "compiled.json").write_text("{}")
    (tmp_path / "not-a-persona").mkdir()
    for path, message in ((tmp_path / "compiled.json", "not a persona folder (answers go in"),
                          (tmp_path / "not-a-persona", "not a persona folder (it has no facts")):
        code, _, err = inbox_cli("--dir", str(root), "answer", QUESTION, "Yes.",
                                 "--persona", str(path))
        assert code == 1 and message in err


def test_persona_defaults_to_twin_persona(tmp_path, persona, monkeypatch, inbox_cli):
    monkeypatch.setenv("TWIN_PERSONA", str(persona))
    root = fill_folder(tmp_path / "memory")
    assert inbox_cli("--dir", str(root), "answer", QUESTION, "Yes.", "--yes")[0] == 0
    assert (persona / "answers.md").read_text() == "## Do you play chess?\n\nYes.\n"


def test_the_twin_knows_the_answer_after_a_restart(tmp_path, persona, inbox_cli):
    config = Config.from_env({"TWIN_MEMORY_DIR": str(tmp_path / "memory"),
                              "TWIN_PERSONA": str(persona)})
    question = "What is your favourite board game?"

    def ask() -> str:
        response = create_app(config).test_client().post("/api/chat", json={"message": question})
        assert response.status_code == 200
        return response.get_json()["response"]

    assert "I don't know" in ask()
    code, out, _ = inbox_cli("--dir", str(tmp_path / "memory"), "--kind", "questions", "--json")
    [entry] = json.loads(out)
    assert entry["question"] == question and entry["source"] == "chat"

    code, _, _ = inbox_cli("--dir", str(tmp_path / "memory"), "answer", entry["id"][:6],
                           "Go, the board game. I play it most weekends.", "--persona",
                           str(persona), "--yes")
    assert code == 0
    reply = ask()  # a new app: what a restart (or a redeploy) does
    assert "Go, the board game. I play it most weekends." in reply
    assert "I don't know" not in reply
    code, out, _ = inbox_cli("--dir", str(tmp_path / "memory"), "--kind", "questions")
    assert out.startswith("Nothing yet: no unanswered questions in folder ")
