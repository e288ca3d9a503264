"""Retrieval (api/retrieval.py): BM25F scores worked out by hand, coverage, and the cases a
newcomer hit with the offline twin."""

from __future__ import annotations

import math
import shutil

import pytest

from api.models.offline import UNKNOWN, OfflineModel
from api.passages import Passage, build_passages
from api.persona import load_persona
from api.retrieval import MAX_QUERY_TERMS, MIN_SCORE, Index
from api.text import stem, terms
from tests.support.app import EXAMPLE_PERSONA

TINY = [
    Passage("note", "Sailing", "I sail boats.", "notes/a.md"),  # title [sail], body [sail, boat]
    Passage("note", "Work", "I build platforms.", "notes/b.md"),  # [work], [build, platfo]
    Passage("note", "Boats", "Boats and more boats.", "notes/c.md"),  # [boat], [boat, boat]
]


def test_inflections_match_but_stay_distinct_words():
    assert terms("team teams") == ["team", "team"]
    assert terms("speaking started companies running") == terms("speak start company run")
    assert terms("based closed managed") == terms("base close manage")
    assert terms("certified certifications certificate") == ["certify"] * 3
    assert terms("manage managed manager managers") == ["manag"] * 4


@pytest.mark.parametrize("words", [("experiment", "experience"),
                                   ("internship", "internal", "international"),
                                   ("interview", "interval")])
def test_words_that_only_begin_alike_stay_apart(words):
    # Before: every word was cut to six letters, so each group here was one term, and "Did you
    # do an internship?" was answered from the passage about internal developer platforms.
    assert len({stem(word) for word in words}) == len(words)


def test_go_make_and_kind_are_words_that_matter():
    # Before: stop-words, so "Do you know Go?" had no terms at all and got the greeting.
    assert terms("Do you know Go?") == ["go"]
    assert terms("make kind use") == ["mak", "kind", "use"]


def test_a_bm25f_score_matches_the_one_worked_out_by_hand():
    index = Index.build(TINY)
    # "sail" is held by one passage of three: idf = ln(1 + (3 - 1 + 0.5) / (1 + 0.5)).
    idf = math.log(1 + 2.5 / 1.5)
    # Passage 0: once in a title of average length (x 2.0) and once in a body of average length
    # (x 1.0), so tf = 3.0; BM25 saturation with k1 = 1.2: 3.0 * 2.2 / (3.0 + 1.2).
    expected = idf * 3.0 * 2.2 / 4.2
    [hit] = index.search("Sailing?")
    assert hit.passage is TINY[0]
    assert hit.score == pytest.approx(expected) == pytest.approx(1.5413, abs=1e-4)
    assert hit.coverage == 1.0


# Four passages whose fields are not all of average length: titles of 1, 3, 1 and 1 terms
# (average 1.5), bodies of 2, 2, 3 and 4 terms (average 2.75).
KITES = [
    Passage("note", "Kites", "Flying kites.", "notes/a.md"),  # [kite], [fly, kite]
    Passage("note", "Kites kites rigging", "Kite lines.", "notes/b.md"),  # [kite, kite, rig]
    Passage("note", "Boats", "Sailing boats on rivers.", "notes/c.md"),  # [boat], [sail, boat,
    Passage("note", "Work", "Building platforms every day.", "notes/d.md"),  # river], 4 terms
]


def test_length_normalisation_matches_the_scores_worked_out_by_hand():
    index = Index.build(KITES)
    assert index.average == [1.5, 2.75]
    idf = math.log(1 + (4 - 2 + 0.5) / (2 + 0.5))  # "kite" is in two passages of four: ln 2
    body = 1 / (1 - 0.75 + 0.75 * 2 / 2.75)  # once in a body of 2 terms: 1.2571
    # Passage 0: once in a title of 1 term (shorter than average, so it counts for more):
    # 2.0 x 1 / (0.25 + 0.75 x 1 / 1.5) = 2.6667; tf 3.9238, saturated 1.6848.
    short = 2.0 / (1 - 0.75 + 0.75 * 1 / 1.5) + body
    # Passage 1: twice in a title of 3 terms: 2.0 x 2 / (0.25 + 0.75 x 3 / 1.5) = 2.2857;
    # tf 3.5429, saturated 1.6434: more often, but in a longer title, so it scores less.
    long = 2.0 * 2 / (1 - 0.75 + 0.75 * 3 / 1.5) + body
    first, second = index.search("kites")
    assert (first.passage, second.passage) == (KITES[0], KITES[1])
    assert first.score == pytest.approx(idf * short * 2.2 / (short + 1.2))
    assert first.score == pytest.approx(1.1678, abs=1e-4)
    assert second.score == pytest.approx(idf * long * 2.2 / (long + 1.2))
    assert second.score == pytest.approx(1.1391, abs=1e-4)


def test_a_common_term_scores_under_the_threshold():
    # "boat" is in two passages: idf = ln(1 + 1.5 / 2.5) = 0.47; passage 2 has tf 2.0 in its
    # title and 2 x 1.0 in its body: 0.47 * 4 * 2.2 / 5.2 = 0.795, under MIN_SCORE.
    index = Index.build(TINY)
    assert math.log(1.6) * 4 * 2.2 / 5.2 < MIN_SCORE
    assert index.search("boats") == []


def test_a_passage_must_cover_most_of_the_question():
    # "football" is in no passage, so it weighs the most: ln(1 + 3.5 / 0.5) = ln 8. "sail"
    # covers 0.98 / (0.98 + 2.08) = 0.32 of the question, under one half.
    assert Index.build(TINY).search("sailing football") == []


def test_the_index_survives_the_compiled_document():
    index = Index.build(TINY)
    again = Index.from_document(index.to_document())
    assert again.passages == TINY
    assert again.search("sailing")[0].score == index.search("sailing")[0].score


def test_a_damaged_index_is_refused():
    document = Index.build(TINY).to_document()
    assert document["postings"]["sail"] == "0,1,1"  # passage, title tf, body tf
    with pytest.raises(ValueError):
        Index.from_document({**document, "lengths": document["lengths"][:2]})
    document["postings"]["sail"] = "7,1,1"  # a passage that does not exist
    with pytest.raises(ValueError):
        Index.from_document(document).search("sailing")


def test_passages_cover_facts_summary_documents_answers_and_notes():
    from api.notes import Note

    passages = build_passages(
        {"name": "A", "full_name": "A B", "location": "Lisbon"}, "I sail.\n\nI build.",
        [("cv.pdf", "Experience\n2020 - 2022: Engineer, Acme. Built the billing system.")],
        [("Do you sail?", "Yes.")], [Note("n.md", "Talk", "https://example.com/t", "A talk.")])
    kinds = [(p.kind, p.origin) for p in passages]
    assert kinds == [("fact", "facts.json"), ("summary", "summary.md"),
                     ("summary", "summary.md"), ("document", "cv.pdf"),
                     ("answer", "answers.md"), ("note", "notes/n.md")]
    # A role is one passage titled with its section and role, so "what did you do at Acme"
    # finds its description.
    role = passages[3]
    assert role.title == "Experience 2020 - 2022: Engineer, Acme"
    assert role.text == "2020 - 2022: Engineer, Acme. Built the billing system."
    assert passages[-1].source == "https://example.com/t"


@pytest.fixture(scope="module")
def offline() -> OfflineModel:
    return OfflineModel(load_persona(EXAMPLE_PERSONA))


@pytest.fixture
def answered(tmp_path) -> OfflineModel:
    folder = tmp_path / "persona"
    shutil.copytree(EXAMPLE_PERSONA, folder)
    (folder / "answers.md").write_text(
        "## What's your favourite football club?\n\nSporting, since I was a child.\n\n"
        "## What's your notice period?\n\n"
        "Three months, so I could start a new role in the spring.\n")
    return OfflineModel(load_persona(folder))


def test_team_alone_does_not_match_the_remote_teams_line(offline):
    # Before: the remote-work line and the whole summary, because "team" matched "teams".
    answer = offline.answer("What's your favourite football team?")
    assert answer.startswith(UNKNOWN)


class Recorder:
    specs = ()

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict]] = []

    def call(self, name, arguments):
        self.calls.append((name, arguments))
        return {"status": "recorded"}


def test_an_unmatched_question_is_recorded(offline):
    tools = Recorder()
    offline.reply("", [{"role": "user", "content": "What's your favourite football team?"}], tools)
    assert tools.calls == [("record_unknown_question",
                            {"question": "What's your favourite football team?"})]


def test_an_owners_answer_is_used_for_its_own_question_and_a_paraphrase(answered):
    assert "Sporting" in answered.answer("What's your favourite football club?")
    assert "Sporting" in answered.answer("Which football club do you support?")
    assert "Three months" in answered.answer("How long is your notice period?")


@pytest.mark.parametrize("question", ["What is your favourite film?",
                                      "What's your favourite colour?"])
def test_an_owners_answer_is_not_taken_by_a_near_question(answered, question):
    # Before: the football answer, because "favourite" was shared.
    assert answered.answer(question).startswith(UNKNOWN)


def test_the_career_question_is_not_answered_with_the_notice_period(answered):
    # Before: "Where did you start your career?" got the notice-period answer.
    answer = answered.answer("Where did you start your career?")
    assert "Quarry Labs" in answer and "Three months" not in answer


def test_a_note_answers_and_the_offline_twin_cites_its_source(offline):
    answer = offline.answer("What editor do you use?")
    assert "Neovim" in answer
    assert answer.endswith("Source: https://example.com/ada-marlowe/posts/tools")


def test_a_passage_without_a_source_cites_nothing(offline):
    assert "Source:" not in offline.answer("Where are you based?")


def test_a_question_of_stop_words_is_unknown_and_recorded(offline):
    # Before: no terms meant the greeting, and nothing was recorded.
    tools = Recorder()
    reply = offline.reply("", [{"role": "user", "content": "Can you tell me more about it?"}],
                          tools)
    assert reply.text.startswith(UNKNOWN)
    assert tools.calls == [("record_unknown_question",
                            {"question": "Can you tell me more about it?"})]


@pytest.mark.parametrize("greeting", ["Hi!", "Hello there", "Good morning", "Hey, it's me"])
def test_a_greeting_is_greeted_and_not_recorded(offline, greeting):
    tools = Recorder()
    reply = offline.reply("", [{"role": "user", "content": greeting}], tools)
    assert reply.text.startswith("Hi! I'm Ada's AI twin") and tools.calls == []


@pytest.mark.parametrize("said", ["Thanks!", "Thank you", "ok", "Ok, thanks", "\U0001f44d",
                                  "Great, thank you very much."])
def test_thanks_is_not_a_question_to_record(offline, said):
    tools = Recorder()
    reply = offline.reply("", [{"role": "user", "content": said}], tools)
    assert not reply.text.startswith(UNKNOWN) and tools.calls == []


@pytest.mark.parametrize("asked", ["What do you do", "Tell me more", "Who are you",
                                   "ok so what do you do", "Can you tell me more about it"])
def test_a_question_without_a_question_mark_is_still_recorded(offline, asked):
    tools = Recorder()
    reply = offline.reply("", [{"role": "user", "content": asked}], tools)
    if reply.text.startswith(UNKNOWN):
        assert tools.calls == [("record_unknown_question", {"question": asked})]
    else:  # answered from a passage: fine too, as long as it is not taken for thanks
        assert "You're welcome" not in reply.text


def test_a_greeting_with_a_question_is_the_question(offline):
    assert offline.answer("Hi, what is your favourite film?").startswith(UNKNOWN)


def test_a_skill_that_was_a_stop_word_is_answered(offline):
    assert "Python and Go" in offline.answer("Do you know Go?")


@pytest.mark.parametrize("question", ["How much does a Kubernetes administrator earn?",
                                      "How much do you earn?",
                                      "What does a platform engineer earn?"])
def test_a_question_about_pay_is_not_answered_from_a_passage_without_it(offline, question):
    # Before: the certifications passage (it holds "Kubernetes" and "Administrator"), and a talk
    # where "a platform earns trust".
    answer = offline.answer(question)
    assert answer.startswith(UNKNOWN) and "Certified" not in answer and "trust" not in answer


@pytest.mark.parametrize("question", ["Do you have a Kubernetes tattoo?",
                                      "Do you know a good Python joke?"])
def test_a_name_the_persona_holds_does_not_carry_an_unrelated_subject(offline, question):
    assert offline.answer(question).startswith(UNKNOWN)


@pytest.fixture
def with_roles(tmp_path) -> OfflineModel:
    """The example persona with two role notes as `twin persona init` drafts them, with no
    description: a title, dates and a link."""
    folder = tmp_path / "persona"
    shutil.copytree(EXAMPLE_PERSONA, folder)
    (folder / "notes" / "n26-engineer.md").write_text(
        "# Engineer at N26\n\n2014 - 2017\n\nSource: https://example.com/roles\n")
    (folder / "notes" / "n26-senior-engineer.md").write_text(
        "# Senior Engineer at N26\n\n2017 - 2019\n")
    return OfflineModel(load_persona(folder))


@pytest.mark.parametrize("question", ["Tell me about your time at N26",
                                      "Tell me about your stint at N26",
                                      "Describe your journey at N26"])
def test_a_filler_word_does_not_sink_a_question_that_names_an_employer(with_roles, question):
    # Before: "stint" and "journey", in no passage, weighed the most and the answer was unknown.
    assert "at N26" in with_roles.answer(question)


def test_a_role_note_is_quoted_with_its_title(with_roles):
    # Before: "2014 - 2017 2017 - 2019 Source: ...", with no role and no company.
    answer = with_roles.answer("What did you do at N26?")
    assert "Engineer at N26: 2014 - 2017" in answer
    assert "Senior Engineer at N26: 2017 - 2019" in answer


def test_an_unheld_word_still_sinks_a_question_without_a_name(offline):
    # The subject of "a boat licence" is the licence: the sailing passage does not answer it.
    assert offline.answer("Do you have a boat licence?").startswith(UNKNOWN)


def test_only_the_weightiest_query_terms_are_scored():
    index = Index.build(TINY)
    message = " ".join(f"word{i}" for i in range(40)) + " sailing"
    weights = index.weights(message)
    assert len(weights) == MAX_QUERY_TERMS
    assert "sail" not in weights  # held by a passage, so it weighs less than the unheld words
