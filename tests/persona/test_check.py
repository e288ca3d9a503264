"""`check` and `prompt`: the report, each warning, errors that name the file, deploys refusing."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import boto3
import pytest
from botocore.stub import ANY, Stubber

from api.app import create_app
from api.models.bedrock import tool_config
from api.persona import PersonaError, load_persona
from api.prompt import build_system_prompt
from api.tools import TOOL_SPECS
from tests.support.app import REPO, copy_example_persona, make_config
from tests.support.profile_pdf import scanned_pdf
from twin.cli import main as twin_main
from twin.persona.check import check_persona

TOOL_CONFIG = tool_config(TOOL_SPECS)  # the tools in the shape Bedrock is sent them


def main(argv: list[str]) -> int:
    """`twin persona ...` in this process."""
    return twin_main(["persona", *argv])


@pytest.fixture
def persona_dir(tmp_path: Path) -> Path:
    return copy_example_persona(tmp_path / "persona")


def edit_facts(folder: Path, **changes) -> None:
    facts = json.loads((folder / "facts.json").read_text())
    facts.update(changes)
    kept = {k: v for k, v in facts.items() if v is not None}
    (folder / "facts.json").write_text(json.dumps(kept))


def test_check_reports_the_example_persona_with_no_warnings(persona_dir, capsys):
    assert main(["check", str(persona_dir)]) == 0
    out = capsys.readouterr().out
    for name in ("facts.json", "summary.md", "style.md", "starters.txt", "resume.pdf"):
        size = (persona_dir / name).stat().st_size
        assert f"{name}" in out and f"{size:,} bytes" in out
    prompt = build_system_prompt(load_persona(persona_dir), date.today())
    assert f"{len(prompt):,} chars" in out
    assert "per 1,000 turns" in out and "$0.035 per million tokens" in out
    assert "Ada Marlowe · Staff Platform Engineer · Lisbon, Portugal" in out
    assert "No warnings." in out


def test_check_figures_the_cost_from_the_prompt(persona_dir):
    report = check_persona(persona_dir, today=date(2026, 11, 24))
    assert report.errors == [] and report.warnings == []
    prompt = build_system_prompt(load_persona(persona_dir), date(2026, 11, 24))
    assert report.prompt_chars == len(prompt)
    assert report.tool_chars == len(json.dumps(TOOL_CONFIG))
    estimated = -(-(report.prompt_chars + report.tool_chars) // 4)
    assert report.cost_per_thousand_turns() == pytest.approx(estimated * 1000 * 0.035 / 1e6)


@pytest.mark.parametrize(
    ("change", "named_file", "problem"),
    [
        (lambda d: (d / "facts.json").write_text("{not json"), "facts.json", "invalid JSON"),
        (lambda d: (d / "summary.md").unlink(), "summary.md", "missing"),
        (lambda d: (d / "resume.pdf").write_bytes(b"%PDF-1.4 garbage"), "resume.pdf", "PDF"),
        (lambda d: (d / "answers.md").write_text("## Do you sail?\n"), "answers.md", "no answer"),
        (lambda d: (d / "summary.md").write_text("word " * 110_000), "summary.md",
         "more than Nova Micro can read"),
    ],
)
def test_check_fails_naming_the_file(persona_dir, capsys, change, named_file, problem):
    change(persona_dir)
    assert main(["check", str(persona_dir)]) == 1
    error = capsys.readouterr().err
    assert f"{persona_dir / named_file}" in error and problem in error


@pytest.mark.parametrize(
    ("change", "named_file", "words"),
    [
        (lambda d: (d / "starters.txt").unlink(), "starters.txt", "no starter questions"),
        (lambda d: (d / "summary.md").write_text(
            (d / "summary.md").read_text() + "x" * 3000), "summary.md", "characters; write 200"),
        (lambda d: scanned_pdf(d / "scan.pdf"), "scan.pdf", "no text can be extracted"),
        (lambda d: (d / "summary.md").write_text((d / "summary.md").read_text() + "\nCall me on "
                                                 "+351 912 345 678."), "summary.md", "phone"),
        (lambda d: edit_facts(d, title=None), "facts.json", "no 'title'"),
        (lambda d: edit_facts(d, location=""), "facts.json", "no 'location'"),
        (lambda d: edit_facts(d, hobby="competitive underwater hockey"), "facts.json",
         "'hobby' appears nowhere but facts.json"),
        # One tokenizer: a dotted name is one word, so "Node" and "JS" apart are not "Node.js".
        (lambda d: (edit_facts(d, stack="Node.js and Vue.js"), (d / "summary.md").write_text(
            (d / "summary.md").read_text() + "\nI like Node and JS.")), "facts.json",
         "'stack' appears nowhere but facts.json"),
        (lambda d: edit_facts(d, public=["title", "salary"]), "facts.json",
         "'public' lists salary"),
        (lambda d: edit_facts(d, email="you@example.com"), "facts.json",
         "placeholder: email"),
        (lambda d: (d / "style.md").write_text("<!-- How you talk -->\n- Direct."), "style.md",
         "template's comment"),
        (lambda d: (d / "answers.md").write_text("Answers:\n## Do you sail?\nYes, on the Tagus."),
         "answers.md", "before the first '## ' question"),
        (lambda d: (d / "answers.md").write_text("## Do you sail?\nYes.\n## Do you sail?\nOn the "
                                                 "Tagus."), "answers.md", "answered 2 times"),
        (lambda d: (d / "answers.md").write_text("## Do you sail?\nYes.\n### Where?\nTagus."),
         "answers.md", "'Where?' is not a '## ' question"),
    ],
)
def test_each_warning_names_its_file_and_does_not_fail(persona_dir, capsys, change, named_file,
                                                       words):
    change(persona_dir)
    assert main(["check", str(persona_dir)]) == 0
    out = capsys.readouterr().out
    [warning] = [line for line in out.splitlines() if line.startswith("  warning  ")]
    assert f"{persona_dir / named_file}:" in warning and words in warning
    assert "1 warning:" in out


def test_a_dotted_name_in_the_facts_is_found_written_the_same_way(persona_dir, capsys):
    edit_facts(persona_dir, stack="Node.js and Vue.js")
    summary = persona_dir / "summary.md"
    summary.write_text(summary.read_text() + "\nMost of my front ends are Vue.js on Node.js.")
    assert main(["check", str(persona_dir)]) == 0
    assert "No warnings." in capsys.readouterr().out


def test_a_prompt_over_the_budget_is_a_warning(persona_dir, capsys):
    assert main(["check", str(persona_dir), "--budget", "500"]) == 0
    [warning] = [line for line in capsys.readouterr().out.splitlines() if "warning  " in line]
    assert "system prompt: about" in warning and "over the budget of 500" in warning


def test_a_deploy_refuses_a_failing_persona_with_the_check_message(persona_dir, tmp_path, capsys):
    from infra.package import build_package

    (persona_dir / "facts.json").write_text('{"name": "Ada"}')
    assert main(["check", str(persona_dir)]) == 1
    printed = capsys.readouterr().err.strip()
    with pytest.raises(PersonaError) as refused:
        build_package(persona_dir, build_dir=tmp_path / "build")  # refused before any install
    assert str(refused.value) == printed
    assert "facts.json: 'full_name' is required" in printed
    assert not (tmp_path / "build").exists()


def test_prompt_prints_what_the_model_receives(persona_dir, tmp_path, capsys):
    client = boto3.client("bedrock-runtime", region_name="us-east-1",
                          aws_access_key_id="testing", aws_secret_access_key="testing")
    sent: list[dict] = []
    client.meta.events.register("before-parameter-build.bedrock-runtime.Converse",
                                lambda params, **_: sent.append(params))
    with Stubber(client) as stubber:
        stubber.add_response(
            "converse",
            {"output": {"message": {"role": "assistant", "content": [{"text": "Lisbon."}]}},
             "stopReason": "end_turn", "usage": {"inputTokens": 1, "outputTokens": 1,
                                                 "totalTokens": 2}, "metrics": {"latencyMs": 1}},
            {"modelId": ANY, "system": ANY, "messages": ANY, "inferenceConfig": ANY,
             "toolConfig": TOOL_CONFIG},
        )
        app = create_app(make_config(tmp_path, TWIN_MODEL_ID="us.amazon.nova-micro-v1:0"),
                         bedrock_client=client, today=lambda: date(2026, 11, 24))
        assert app.test_client().post("/api/chat", json={"message": "Where?"}).status_code == 200
    system, _cache_point = sent[0]["system"]
    assert main(["prompt", str(persona_dir), "--date", "2026-11-24"]) == 0
    assert capsys.readouterr().out == system["text"] + "\n"


def test_the_command_runs_and_the_loader_imports_none_of_it(persona_dir):
    result = subprocess.run([sys.executable, "-m", "twin", "persona", "check",
                             str(persona_dir)],
                            cwd=REPO, capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    assert "No warnings." in result.stdout
    probe = ("import sys, api.persona; print(sorted(m for m in sys.modules if m == 'pypdf' or "
             "m.startswith(('twin', 'fpdf'))))")
    loaded = subprocess.run([sys.executable, "-c", probe], cwd=REPO, capture_output=True,
                            text=True, timeout=60, check=True)
    assert loaded.stdout.strip() == "[]"
