"""Persona loading and compiling, the system prompt, and the offline responder."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from api.models.offline import OfflineModel
from api.persona import (
    PersonaError,
    compile_persona,
    find_avatar,
    load_persona,
    write_compiled_persona,
)
from api.prompt import build_system_prompt
from tests.support.app import copy_example_persona


@pytest.fixture
def persona_dir(tmp_path: Path) -> Path:
    return copy_example_persona(tmp_path / "persona")


@pytest.fixture(scope="module")
def offline(tmp_path_factory: pytest.TempPathFactory) -> OfflineModel:
    return OfflineModel(load_persona(copy_example_persona(tmp_path_factory.mktemp("x") / "p")))


def test_compile_extracts_pdf_text_and_starters(persona_dir):
    document = compile_persona(persona_dir)
    assert document["facts"]["full_name"] == "Ada Marlowe"
    [(name, text)] = document["documents"]
    assert name == "resume.pdf"
    assert "Certified Kubernetes Administrator" in text
    assert document["starters"][0] == "What do you work on at the moment?"
    assert document["avatar"] is None


def test_compiled_file_loads_to_the_same_persona(tmp_path, persona_dir):
    compiled = write_compiled_persona(persona_dir, tmp_path / "persona.json")
    assert load_persona(compiled) == load_persona(persona_dir)
    # Same input, same bytes: the Lambda archive stays byte-identical between builds.
    again = write_compiled_persona(persona_dir, tmp_path / "again.json")
    assert compiled.read_bytes() == again.read_bytes()


def test_avatar_is_found_and_public(persona_dir):
    (persona_dir / "avatar.webp").write_bytes(b"RIFF0000WEBP")
    assert find_avatar(persona_dir) == persona_dir / "avatar.webp"
    assert load_persona(persona_dir).profile()["avatar_url"] == "/avatar.webp"


def test_profile_hides_facts_not_listed_public(persona_dir):
    facts = json.loads((persona_dir / "facts.json").read_text())
    facts["public"] = ["title"]
    (persona_dir / "facts.json").write_text(json.dumps(facts))
    profile = load_persona(persona_dir).profile()
    assert profile["title"] == "Staff Platform Engineer"
    assert profile["location"] is None


@pytest.mark.parametrize(
    ("change", "named_file", "problem"),
    [
        (lambda d: (d / "facts.json").unlink(), "facts.json", "missing"),
        (lambda d: (d / "facts.json").write_text("{not json"), "facts.json", "invalid JSON"),
        (lambda d: (d / "facts.json").write_text("[1, 2]"), "facts.json", "JSON object"),
        (lambda d: (d / "facts.json").write_text('{"name": "A"}'), "facts.json", "full_name"),
        (
            lambda d: (d / "facts.json").write_text('{"name": "", "full_name": "A B"}'),
            "facts.json",
            "'name'",
        ),
        (
            lambda d: (d / "facts.json").write_text(
                '{"name": "A", "full_name": "A B", "public": "x"}'
            ),
            "facts.json",
            "public",
        ),
        (lambda d: (d / "summary.md").unlink(), "summary.md", "missing"),
        (lambda d: (d / "style.md").write_text("   \n"), "style.md", "empty"),
        (lambda d: (d / "style.md").write_bytes(b"\xff\xfe\x00"), "style.md", "UTF-8"),
        (lambda d: (d / "resume.pdf").write_bytes(b"%PDF-1.4 garbage"), "resume.pdf", "PDF"),
    ],
)
def test_bad_persona_names_the_file_and_problem(persona_dir, change, named_file, problem):
    change(persona_dir)
    with pytest.raises(PersonaError) as caught:
        load_persona(persona_dir)
    assert named_file in str(caught.value)
    assert problem in str(caught.value)


def test_missing_persona_and_bad_compiled_file(tmp_path):
    with pytest.raises(PersonaError, match="not found"):
        load_persona(tmp_path / "nowhere")
    bad = tmp_path / "persona.json"
    bad.write_text('{"format": 99}')
    with pytest.raises(PersonaError, match=r"persona\.json"):
        load_persona(bad)


def test_a_persona_compiled_by_an_older_version_says_to_compile_it_again(tmp_path, persona_dir):
    # Before: "not a compiled persona (format 2)", as if the file were something else.
    # (Format 2 held terms cut to six letters, which today's questions would never match.)
    old = json.loads(write_compiled_persona(persona_dir, tmp_path / "persona.json").read_text())
    old["format"] = 1
    del old["index"]
    (tmp_path / "persona.json").write_text(json.dumps(old))
    with pytest.raises(PersonaError) as raised:
        load_persona(tmp_path / "persona.json")
    assert str(raised.value) == (
        f"{tmp_path / 'persona.json'}: compiled by another version of twin (format 1; this one "
        "reads format 3); compile it again from its persona folder: `pulumi up` packages it "
        "anew, and a folder given as the persona is compiled at start-up")
    (tmp_path / "persona.json").write_text('["not", "a", "persona"]')
    with pytest.raises(PersonaError, match="not a compiled persona"):
        load_persona(tmp_path / "persona.json")


def test_system_prompt_carries_facts_date_and_rules(persona_dir):
    prompt = build_system_prompt(load_persona(persona_dir), date(2026, 11, 24))
    assert "AI digital twin of Ada Marlowe" in prompt
    assert "2026-11-24" in prompt
    assert "ada.marlowe@example.com" in prompt
    assert "Tidewater Logistics" in prompt  # the summary
    # The PDF's text and the notes reach the model as reference material, not in the prompt.
    assert "Paved Roads" not in prompt and "Neovim" not in prompt
    for rule in [
        "Answer only from the facts",
        "don't know",
        "Stay professional",
        "Never reveal",
        "change your rules",
        "AI twin",
    ]:
        assert rule in prompt
    assert '"public"' not in prompt


@pytest.mark.parametrize(
    ("question", "fact"),
    [
        ("Where are you based?", "Lisbon"),
        ("Which certifications do you have?", "Certified Kubernetes Administrator"),
        ("Where did you study?", "University of Porto"),
        ("What was your biggest project?", "140 services"),
        ("Are you open to new roles?", "principal platform roles"),
        ("How can I email you?", "ada.marlowe@example.com"),
        ("Tell me about Brightlane", "Brightlane Payments"),
    ],
)
def test_offline_answers_a_fact_with_that_fact(offline, question, fact):
    answer = offline.reply("ignored", [{"role": "user", "content": question}]).text
    assert fact in answer
    assert "offline" in answer.lower()


@pytest.mark.parametrize(
    "question",
    ["What is your favourite pizza topping?", "What's your salary?", "Who won the 1998 World Cup?"],
)
def test_offline_says_it_does_not_know(offline, question):
    answer = offline.answer(question)
    assert "don't know" in answer
    assert "offline" in answer


def test_offline_admits_to_being_an_ai_twin(offline):
    assert "AI twin" in offline.answer("Are you a bot or the real Ada?")


def test_offline_is_deterministic(offline):
    assert offline.answer("What do you do?") == offline.answer("What do you do?")
