"""`python -m api`: clear start-up errors and the offline fallback without credentials."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from api import __main__ as cli
from api.config import Config

REPO = Path(__file__).resolve().parents[2]


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "api", *args], cwd=REPO, env=env, capture_output=True, text=True,
        timeout=60, check=False,
    )


def test_bad_setting_stops_start_up_with_one_sentence(tmp_path):
    result = run({"TWIN_MAX_TURNS": "lots", "TWIN_MEMORY_DIR": str(tmp_path)})
    assert result.returncode == 2
    assert "twin: cannot start: TWIN_MAX_TURNS must be a whole number" in result.stderr
    assert "Traceback" not in result.stderr


def test_broken_persona_names_the_file(tmp_path):
    (tmp_path / "persona").mkdir()
    result = run({"TWIN_PERSONA": str(tmp_path / "persona"), "TWIN_MEMORY_DIR": str(tmp_path)})
    assert result.returncode == 2
    assert "facts.json: file is missing" in result.stderr


def test_bedrock_model_without_credentials_falls_back_to_offline(monkeypatch, capsys):
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent/config")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    config = cli._usable_model(Config.from_env({"TWIN_MODEL_ID": "us.amazon.nova-micro-v1:0"}))
    assert config.offline
    assert "no AWS credentials" in capsys.readouterr().out


def test_bedrock_model_with_credentials_is_kept(monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    config = cli._usable_model(Config.from_env({"TWIN_MODEL_ID": "us.amazon.nova-micro-v1:0"}))
    assert config.model_id == "us.amazon.nova-micro-v1:0"
