"""The benchmark's arithmetic and verdicts; the benchmark itself runs with `make bench` only."""

from __future__ import annotations

import shutil

from api.config import Config
from api.persona import write_compiled_persona
from bench.knowledge import (
    generate_notes,
    growth,
    longest_message,
    retrieval_per_turn,
    unseen_questions,
)
from bench.report import check_targets, median_of, percentiles
from bench.warm import QUESTIONS
from tests.support.app import EXAMPLE_PERSONA


def results(cold_ms: float, p50: float, zipped: int, page: int, ratio: float,
            retrieval: float = 1, added: float = 10, growth: float = 0.5,
            notes_ratio: float = 1.1) -> dict:
    return {
        "cold_start": {"total": {"median": cold_ms}},
        "warm_turn_overhead": {"file": {"p50": p50}},
        "package": {"zipped_bytes": zipped},
        "page": {"total_bytes": {"median": page}},
        "prompt": {"turn_50_over_turn_10": ratio},
        "knowledge": {"retrieval_per_turn": {"p95": retrieval}, "app_build_ms": {"added": added},
                      "archive": {"growth_over_notes_and_index": growth},
                      "prompt_turn_10": {"ratio": notes_ratio}},
    }


def test_each_target_is_judged_on_its_own_figure():
    verdicts = check_targets(results(299.9, 4.99, 1_999_999, 39_999, 1.2, 4.99, 99.9, 1.0, 1.2))
    assert [v["met"] for v in verdicts] == [True] * 9
    verdicts = check_targets(results(300, 5, 2_000_000, 40_000, 1.21, 5, 100, 1.01, 1.21))
    assert [v["met"] for v in verdicts] == [False] * 9  # "under" excludes the limit itself


def test_a_figure_not_measured_is_not_called_met():
    figures = results(100, 1, 1, 1, 1.0)
    figures["page"] = None
    verdicts = {v["figure"]: v["met"] for v in check_targets(figures)}
    assert verdicts["page.total_bytes.median"] is None


def test_medians_and_percentiles_name_their_units():
    runs = [{"ms": 3.0, "b": 10}, {"ms": 1.0, "b": 30}, {"ms": 2.0, "b": 20}]
    assert median_of(runs, "ms", "ms") == {"median": 2.0, "unit": "ms", "runs": [3.0, 1.0, 2.0]}
    assert median_of(runs, "b", "bytes")["median"] == 20
    spread = percentiles([float(n) for n in range(1, 101)])
    assert (spread["p50"], spread["p95"]) == (50.5, 95.05)
    assert (spread["unit"], spread["turns"]) == ("ms", 100)


def test_the_warm_and_prompt_measurements_run_against_the_app(tmp_path, example_persona):
    # Tiny loads, no timing asserted: only that `make bench` still drives the real app.
    from api.config import Config
    from bench.warm import overhead_ms, prompt_sizes, request_log_to_devnull, timed_app

    with request_log_to_devnull():
        app, model = timed_app(Config(memory_dir=tmp_path, persona_path=example_persona))
        samples = overhead_ms(app, model, conversations=2, turns=3)
    assert len(samples["overhead"]) == len(samples["fsync"]) == 4
    sizes = prompt_sizes((1, 3))
    assert [sizes[t]["messages"] for t in ("turn_1", "turn_3")] == [1, 5]
    assert sizes["turn_3"]["characters"] > sizes["turn_1"]["characters"] > 0


def test_generated_notes_are_repeatable_and_measured_as_make_bench_does(tmp_path):
    written = generate_notes(tmp_path / "a" / "notes", total=50_000)
    assert generate_notes(tmp_path / "b" / "notes", total=50_000) == written >= 50_000
    first = sorted((tmp_path / "a" / "notes").iterdir())
    assert [p.read_bytes() for p in first] == [
        p.read_bytes() for p in sorted((tmp_path / "b" / "notes").iterdir())]
    folder = tmp_path / "persona"
    shutil.copytree(EXAMPLE_PERSONA, folder)
    shutil.copytree(tmp_path / "a" / "notes", folder / "notes", dirs_exist_ok=True)
    timed = retrieval_per_turn(folder, turns=20)
    # New questions, the repeated ten, and messages of the longest length the API accepts.
    assert timed["turns"] == timed["repeated"]["turns"] == 20
    assert timed["longest_message"]["chars"] == Config().max_message_chars == 2000
    assert timed["longest_message"]["turns"] == 5
    questions = unseen_questions(20)
    assert len(set(questions)) == 20 and not set(questions) & set(QUESTIONS)
    assert len({longest_message(n) for n in range(5)}) == 5
    assert all(len(longest_message(n)) == 2000 for n in range(5))
    plain = write_compiled_persona(EXAMPLE_PERSONA, tmp_path / "plain.json")
    big = write_compiled_persona(folder, tmp_path / "big.json")
    grown = growth(plain, big, tmp_path / "a" / "notes")
    assert grown["notes_bytes"] == written and grown["zipped_growth_bytes"] > 0
