"""A quoted `~` (`make persona FROM='~/Profile.pdf'`) means the owner's home, in every command."""

from __future__ import annotations

from tests.support import profile_pdf
from twin.cli import main


def test_persona_commands_expand_a_tilde(tmp_path, monkeypatch, capsys):
    home = tmp_path / "home"
    home.mkdir()
    profile_pdf.linkedin_pdf(home / "Profile.pdf")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(tmp_path)  # where an unexpanded "~/me" would land
    assert main(["persona", "init", "~/me", "--from", "~/Profile.pdf"]) == 0
    assert (home / "me" / "facts.json").is_file() and (home / "me" / "Profile.pdf").is_file()
    assert not (tmp_path / "~").exists()
    assert main(["persona", "check", "~/me"]) == 0
    assert main(["persona", "prompt", "~/me"]) == 0
    assert "file not found" not in capsys.readouterr().err
