"""Damaged and hostile PDFs: one line from init, check, start-up and a deploy; nothing printed or
stored that drives a terminal; nothing half-written; names that collide or differ in case."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pulumi
import pytest

from api.persona import PersonaError, load_persona
from api.text import strip_controls
from tests.support.app import EXAMPLE_PERSONA, REPO
from tests.support.profile_pdf import broken_pdf, linkedin_pdf, text_pdf
from twin.cli import main as twin_main

FAULTS = ["filter", "old-filter", "xref"]


def persona(argv: list[str]) -> int:
    return twin_main(["persona", *argv])


@pytest.fixture
def persona_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "persona"
    shutil.copytree(EXAMPLE_PERSONA, folder)
    return folder


def one_line(text: str) -> str:
    lines = text.strip().splitlines()
    assert len(lines) == 1, text
    assert "Traceback" not in text
    return lines[0]


@pytest.mark.parametrize("fault", FAULTS)
def test_init_from_a_damaged_pdf_is_one_line_and_writes_nothing(fault, tmp_path, capsys):
    source = broken_pdf(tmp_path / "Profile.pdf", fault)
    folder = tmp_path / "me"
    assert persona(["init", str(folder), "--from", str(source)]) == 1
    captured = capsys.readouterr()
    line = one_line(captured.err)
    assert line.startswith(f"persona init: {source}: cannot read PDF (")
    assert captured.out == ""
    assert not folder.exists()


@pytest.mark.parametrize("fault", FAULTS)
def test_check_of_a_persona_with_a_damaged_pdf_is_one_line(fault, persona_dir, capsys):
    broken_pdf(persona_dir / "extra.pdf", fault)
    assert persona(["check", str(persona_dir)]) == 1
    line = one_line(capsys.readouterr().err)
    assert line.startswith(f"persona check failed for {persona_dir}: "
                           f"{persona_dir / 'extra.pdf'}: cannot read PDF (")


@pytest.mark.parametrize("fault", FAULTS)
def test_start_up_with_a_damaged_pdf_refuses_in_one_sentence(fault, persona_dir, tmp_path,
                                                             monkeypatch, capsys):
    broken_pdf(persona_dir / "extra.pdf", fault)
    monkeypatch.setenv("TWIN_PERSONA", str(persona_dir))
    monkeypatch.setenv("TWIN_MEMORY_DIR", str(tmp_path / "memory"))
    monkeypatch.delenv("TWIN_MODEL_ID", raising=False)
    assert twin_main(["run", "--port", "8999"]) == 2
    line = one_line(capsys.readouterr().err)
    assert line.startswith(f"twin: cannot start: {persona_dir / 'extra.pdf'}: cannot read PDF (")


@pytest.mark.parametrize("fault", FAULTS)
def test_a_deploy_refuses_a_damaged_pdf_in_one_line_without_a_traceback(fault, persona_dir,
                                                                        tmp_path):
    from infra.package import build_package

    broken_pdf(persona_dir / "extra.pdf", fault)
    with pytest.raises(pulumi.RunError) as refused:  # Pulumi prints its message, no traceback
        build_package(persona_dir, build_dir=tmp_path / "build")
    assert isinstance(refused.value, PersonaError)
    one_line(str(refused.value))
    assert f"{persona_dir / 'extra.pdf'}: cannot read PDF" in str(refused.value)
    assert not (tmp_path / "build").exists()


def run_twin(*argv: str) -> subprocess.CompletedProcess:
    """The command in its own process: pypdf's log lines would reach its stderr there, where
    pytest's own logging set-up does not hide them."""
    return subprocess.run([sys.executable, "-m", "twin", *argv], cwd=REPO, capture_output=True,
                          text=True, timeout=60, check=False)


def test_pypdf_log_lines_are_not_printed(tmp_path):
    cut = broken_pdf(tmp_path / "Cut.pdf", "xref")  # pypdf logs "EOF marker not found"
    result = run_twin("persona", "init", str(tmp_path / "a"), "--from", str(cut))
    assert result.returncode == 1
    assert one_line(result.stderr).startswith(f"persona init: {cut}: cannot read PDF")
    # A startxref a little off: pypdf repairs it and logs that it did; we print nothing of it.
    data = linkedin_pdf(tmp_path / "Profile.pdf").read_bytes()
    start = data.rindex(b"startxref\n") + len(b"startxref\n")
    end = data.index(b"\n", start)
    shifted = data[:start] + str(int(data[start:end]) - 10).encode() + data[end:]
    repaired = tmp_path / "Repaired.pdf"
    repaired.write_bytes(shifted)
    result = run_twin("persona", "init", str(tmp_path / "b"), "--from", str(repaired))
    assert (result.returncode, result.stderr) == (0, "")


ESCAPES = ["Rosa \x1b[2J\x1b[31mWhitfield\x07", "Data \x9b31mEngineer", "Edinburgh, Scotland",
           "Experience", "Acme\x1b]0;owned\x07 Corp", "Platform\x85 Engineer", "2019 - 2021",
           "Ran \x1b[8mhidden\x1b[0m pipelines.", "Top Skills", "Spark\x1b[0m"]


def test_control_characters_from_a_pdf_reach_no_output_and_no_file(tmp_path, capsys):
    source = text_pdf(tmp_path / "Profile.pdf", ESCAPES)
    folder = tmp_path / "me"
    assert persona(["init", str(folder), "--from", str(source)]) == 0
    assert persona(["check", str(folder)]) == 0
    captured = capsys.readouterr()
    written = [p.read_text() for p in folder.rglob("*") if p.is_file() and p.suffix != ".pdf"]
    for text in [captured.out, captured.err, *written]:
        assert strip_controls(text) == text
    facts = json.loads((folder / "facts.json").read_text())
    assert facts["full_name"] == "Rosa [2J[31mWhitfield"  # the escape's ESC is gone
    assert "Acme]0;owned Corp" in (folder / "starters.txt").read_text()
    [(_, document)] = load_persona(folder).documents
    assert strip_controls(document) == document and "Ran [8mhidden[0m pipelines." in document


def test_a_pdf_named_like_a_draft_file_never_replaces_it(tmp_path, capsys):
    """`--from summary.md` (a PDF whatever its name) is copied as summary.md.pdf."""
    source = tmp_path / "summary.md"
    source.write_bytes(linkedin_pdf(tmp_path / "Profile.pdf").read_bytes())
    folder = tmp_path / "me"
    assert persona(["init", str(folder), "--from", str(source)]) == 0
    assert (folder / "summary.md").read_text().startswith("# About me")
    assert (folder / "summary.md.pdf").read_bytes() == source.read_bytes()
    assert [name for name, _ in load_persona(folder).documents] == ["summary.md.pdf"]
    assert "summary.md.pdf copied" in " ".join(capsys.readouterr().out.split())


def test_a_pdf_with_an_upper_case_extension_is_read_too(tmp_path, capsys):
    source = linkedin_pdf(tmp_path / "Resume.PDF")
    folder = tmp_path / "me"
    assert persona(["init", str(folder), "--from", str(source)]) == 0
    (folder / "._Resume.PDF").write_bytes(b"\x00\x05\x16\x07 macOS metadata, not a PDF")
    [(name, text)] = load_persona(folder).documents
    assert name == "Resume.PDF" and "Harbour Bank" in text
    capsys.readouterr()
    assert persona(["check", str(folder)]) == 0
    out = capsys.readouterr().out.splitlines()
    [listed] = [line for line in out if "Resume.PDF" in line and "bytes" in line]
    assert "characters of text" in listed


def test_a_hidden_source_pdf_is_copied_under_a_name_the_compiler_reads(tmp_path, capsys):
    source = linkedin_pdf(tmp_path / ".Resume.pdf")
    folder = tmp_path / "me"
    assert persona(["init", str(folder), "--from", str(source)]) == 0
    [(name, text)] = load_persona(folder).documents
    assert name == "Resume.pdf" and "Harbour Bank" in text


def test_init_with_an_empty_folder_name_refuses(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert persona(["init", ""]) == 1
    assert one_line(capsys.readouterr().err) == (
        "persona init: the persona folder is empty; name one, e.g. personas/me")
    assert list(tmp_path.iterdir()) == []


def test_a_failure_while_writing_leaves_nothing_half_written(tmp_path, monkeypatch, capsys):
    import twin.persona.scaffold as scaffold

    source = linkedin_pdf(tmp_path / "Profile.pdf")

    def full_disk(*_args, **_kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(scaffold.shutil, "copyfile", full_disk)  # the PDF's copy, written last
    assert persona(["init", str(tmp_path / "me"), "--from", str(source)]) == 1
    assert "No space left on device" in one_line(capsys.readouterr().err)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["Profile.pdf"]  # no folder, no scratch
    existing = tmp_path / "mine"
    existing.mkdir()
    (existing / "answers.md").write_text("## Do you sail?\nYes.\n")
    assert persona(["init", str(existing), "--from", str(source)]) == 1
    assert sorted(p.name for p in existing.iterdir()) == ["answers.md"]


def test_check_prints_nothing_that_drives_a_terminal_whatever_the_files_hold(persona_dir,
                                                                             capsys):
    facts = json.loads((persona_dir / "facts.json").read_text())
    facts["title"] = "Staff \x1b]8;;https://evil.example\x07Platform\u202e Engineer"
    (persona_dir / "facts.json").write_text(json.dumps(facts))
    assert persona(["check", str(persona_dir)]) == 0
    out = capsys.readouterr().out
    assert strip_controls(out) == out
    assert "Ada Marlowe · Staff ]8;;https://evil.example" in out


def test_a_new_persona_folder_gets_the_usual_permissions(tmp_path):
    import os

    folder = tmp_path / "me"
    assert persona(["init", str(folder)]) == 0
    (tmp_path / "plain").mkdir()
    assert os.stat(folder).st_mode == os.stat(tmp_path / "plain").st_mode
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
