"""`twin`: one command with --help at every level, and `twin run`'s clear start-up errors."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from api.config import Config
from twin.cli import main, usable_model
from twin.listen import ListenError, listen

REPO = Path(__file__).resolve().parents[2]
COMMANDS = ("run", "inbox", "persona", "bootstrap", "doctor", "smoke")


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "twin", "run", *args], cwd=REPO, env=env, capture_output=True,
        text=True, timeout=60, check=False,
    )


@pytest.mark.parametrize(("group", "commands"), [
    ([], COMMANDS), (["inbox"], ("list", "answer", "stats")),
    (["persona"], ("init", "check", "prompt")),
])
def test_commands_are_listed_in_the_order_an_owner_meets_them(group, commands, capsys):
    assert main([*group, "--help"]) == 0
    out = capsys.readouterr().out
    listed = [line.split()[0] for line in out.split("Commands:")[1].splitlines() if line.strip()
              and line.startswith("  ") and not line.startswith("   ")]
    assert tuple(listed[:len(commands)]) == commands


@pytest.mark.parametrize("command", [
    ["run"], ["inbox"], ["inbox", "list"], ["inbox", "answer"], ["inbox", "stats"], ["persona"],
    ["persona", "init"], ["persona", "check"], ["persona", "prompt"], ["bootstrap"], ["doctor"],
    ["smoke"],
])
def test_every_command_has_help(command, capsys):
    assert main([*command, "--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"Usage: twin {' '.join(command)}")
    assert len(out.split("\n\n")[1].strip()) > 20  # a sentence saying what it does


@pytest.mark.parametrize("group", ["run", "inbox", "persona", "bootstrap", "doctor", "smoke"])
def test_each_command_shows_examples(group, capsys):
    assert main([group, "--help"]) == 0
    examples = capsys.readouterr().out.split("examples:")[1]
    assert f"twin {group}" in examples


def test_the_console_script_is_declared():
    text = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    assert '[project.scripts]\ntwin = "twin.cli:main"' in text


def test_an_unknown_command_is_a_usage_error(capsys):
    assert main(["serve"]) == 2
    assert "No such command 'serve'" in capsys.readouterr().err


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
    config = usable_model(Config.from_env({"TWIN_MODEL_ID": "us.amazon.nova-micro-v1:0"}))
    assert config.offline
    assert "no AWS credentials" in capsys.readouterr().out


def test_bedrock_model_with_credentials_is_kept(monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    config = usable_model(Config.from_env({"TWIN_MODEL_ID": "us.amazon.nova-micro-v1:0"}))
    assert config.model_id == "us.amazon.nova-micro-v1:0"


def test_twin_help_loads_neither_flask_nor_aws_nor_pulumi():
    probe = ("import sys; from twin.cli import main; main(['--help']); "
             "print(sorted({m.split('.')[0] for m in sys.modules} & "
             "{'flask', 'boto3', 'botocore', 'pulumi', 'pypdf'}))")
    result = subprocess.run([sys.executable, "-c", probe], cwd=REPO, capture_output=True,
                            text=True, timeout=60, check=True)
    assert result.stdout.strip().splitlines()[-1] == "[]"


def unwritable_folders(tmp_path: Path) -> list[Path]:
    """Folders no conversation can be written to, whoever runs the tests (root included)."""
    (tmp_path / "a-file").write_text("not a folder\n")
    folders = [tmp_path / "a-file", tmp_path / "a-file" / "memory"]
    if Path("/proc/self").is_dir():  # Linux: a virtual file system refuses new files to all
        folders.append(Path("/proc/nope"))
    return folders


def test_an_unwritable_memory_folder_stops_start_up_with_one_sentence(tmp_path):
    for folder in unwritable_folders(tmp_path):
        with taken_port() as port:  # so a server that did start would stop at once
            result = run({"TWIN_MEMORY_DIR": str(folder)}, "--port", str(port))
        assert result.returncode == 2, folder
        [line] = result.stderr.splitlines()
        assert line.startswith("twin: cannot start: TWIN_MEMORY_DIR must be a folder"), line
        assert repr(str(folder)) in line
        assert result.stdout == ""


@contextmanager
def taken_port() -> Iterator[int]:
    """A loopback port another program listens on."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        yield taken.getsockname()[1]


def test_a_port_in_use_is_one_line_before_anything_is_announced(tmp_path):
    with taken_port() as port:
        result = run({"TWIN_MEMORY_DIR": str(tmp_path)}, "--port", str(port))
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"twin: cannot start: port {port} on 127.0.0.1 is in use by another program; try "
        f"another: make run PORT={port + 1}, or twin run --port {port + 1}"]
    assert result.stdout == ""  # no "Twin of ... on http://..." for an address it never served


def test_run_serves_without_a_development_server_warning_and_stops_on_ctrl_c(tmp_path):
    with socket.socket() as probe:  # a port that was free a moment ago
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {"TWIN_MEMORY_DIR": str(tmp_path), "PATH": os.environ.get("PATH", "")}
    process = subprocess.Popen([sys.executable, "-m", "twin", "run", "--port", str(port)],
                               cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    try:
        health = None
        for _ in range(200):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health",
                                            timeout=2) as response:
                    health = json.load(response)
                break
            except OSError:
                time.sleep(0.05)
        assert health == {"status": "ok", "model": "offline", "memory": "file"}
    finally:
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=20)
    assert process.returncode == 0, err
    assert out.startswith(f"Twin of Ada Marlowe on http://127.0.0.1:{port}\n")
    assert "development server" not in err and "Traceback" not in err


def test_an_address_of_another_machine_is_one_line(tmp_path):
    host = "192.0.2.1"  # a documentation address, never this machine's
    result = run({"TWIN_MEMORY_DIR": str(tmp_path)}, "--host", host, "--port", "8000")
    assert result.returncode == 2
    [line] = result.stderr.splitlines()
    assert line.startswith(f"twin: cannot start: cannot listen on {host}:8000: ")
    assert result.stdout == ""


def test_a_host_name_that_does_not_resolve_is_one_sentence(monkeypatch):
    def unresolved(*_args, **_kwargs):  # as the resolver answers, without asking one
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", unresolved)
    with pytest.raises(ListenError) as raised:
        listen(lambda environ, start_response: [], "twin.invalid", 8000)
    assert str(raised.value) == ("cannot listen on twin.invalid:8000: no such address on this "
                                 "machine; try --host 127.0.0.1")
