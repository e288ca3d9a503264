"""Retrieval with a large notes/ folder: time per turn, what it adds to the app's build and to
the archive, and what it does to the prompt (README, "Measured").

The notes are generated: sentences drawn, with a fixed seed, from the example persona's own
words (so the questions hit long posting lists, as a real owner's notes would), about 2 MB.
"""

from __future__ import annotations

import gc
import json
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path
from typing import Any

from api.config import Config
from api.models import Reply
from api.persona import Persona, load_persona, write_compiled_persona
from api.prompt import reference_block, reference_hits
from api.text import WORD
from bench.report import percentiles
from bench.warm import QUESTIONS, prompt_sizes
from infra.settings import PROJECT_DIR

EXAMPLE = PROJECT_DIR / "personas" / "example"
NOTES_BYTES = 2_000_000
NOTE_BYTES = 10_000  # 200 notes of about 10 KB each
MAX_MESSAGE_CHARS = Config().max_message_chars  # the longest message the API accepts


class SameReply:
    """A model that gives one reply of a typical length, whatever it is asked."""

    name = "same-reply"
    reads_reference = True

    def reply(self, system: str, messages: list[dict[str, str]], tools: Any = None) -> Reply:
        return Reply("I led the platform team's migration to Lambda; happy to say more. " * 4)


def vocabulary(persona: Path = EXAMPLE) -> list[str]:
    """The words of the example persona's notes and summary, most frequent first."""
    text = " ".join(p.read_text(encoding="utf-8") for p in
                    [persona / "summary.md", *sorted((persona / "notes").glob("*.md"))])
    counts: dict[str, int] = {}
    for word in WORD.findall(text.lower()):
        counts[word] = counts.get(word, 0) + 1
    return sorted(counts, key=lambda w: (-counts[w], w))


def generate_notes(folder: Path, total: int = NOTES_BYTES, seed: int = 16) -> int:
    """Write about `total` bytes of notes into `folder`; return the bytes written."""
    rng = random.Random(seed)  # noqa: S311 - generated text, repeatable on purpose
    words = vocabulary()
    weights = [1 / (rank + 1) for rank in range(len(words))]  # Zipf, as in real prose
    folder.mkdir(parents=True, exist_ok=True)
    written, number = 0, 0
    while written < total:
        number += 1
        lines = [f"# Generated note {number}", "",
                 f"Source: https://example.com/notes/{number}", ""]
        size = 0
        while size < NOTE_BYTES:
            if rng.random() < 0.1:
                lines += [f"## Section {size}", ""]
            sentence = " ".join(rng.choices(words, weights, k=rng.randint(8, 20)))
            lines.append(sentence.capitalize() + ".")
            if rng.random() < 0.3:
                lines.append("")
            size += len(sentence) + 2
        data = "\n".join(lines).encode()
        (folder / f"generated-{number:04}.md").write_bytes(data)
        written += len(data)
    return written


def big_persona(scratch: Path) -> Path:
    """The example persona with about 2 MB of generated notes added."""
    folder = scratch / "big"
    shutil.copytree(EXAMPLE, folder)
    generate_notes(folder / "notes")
    return folder


def unseen_questions(count: int, seed: int = 7) -> list[str]:
    """`count` questions none asked before, from the vocabulary's words (common and rare)."""
    rng = random.Random(seed)  # noqa: S311 - repeatable on purpose
    words = vocabulary()
    return [f"What about {' '.join(rng.sample(words, rng.randint(2, 5)))}, {number}?"
            for number in range(count)]


def longest_message(variant: int, chars: int = MAX_MESSAGE_CHARS) -> str:
    """A message of `chars` characters of the notes' commonest words, each variant new."""
    words = vocabulary()[variant:variant + 400]
    return " ".join(words * (chars // len(" ".join(words)) + 1))[:chars]


def _timed(persona: Persona, message: str) -> float:
    started = time.perf_counter()
    reference_block(reference_hits(persona, message))
    return (time.perf_counter() - started) * 1000


def retrieval_per_turn(persona_dir: Path, turns: int = 400) -> dict[str, Any]:
    """Time to find and format the passages for one visitor message in a warm process.

    The headline figures are questions asked for the first time (their terms' postings may
    still need decoding); `repeated` is the same ten questions again, all cached; and
    `longest_message` a message of the longest length the API accepts, of common words, each
    one new.
    """
    persona = load_persona(persona_dir)
    gc.collect()
    gc.freeze()  # as the Lambda entry does once the app is built (api/lambda_handler.py)
    for question in QUESTIONS:
        _timed(persona, question)  # the process is warm: imports done, first decodes done
    unseen = [_timed(persona, question) for question in unseen_questions(turns)]
    repeated = [_timed(persona, QUESTIONS[turn % len(QUESTIONS)]) for turn in range(turns)]
    longest = [_timed(persona, longest_message(n)) for n in range(max(turns // 20, 5))]
    gc.unfreeze()
    return {**percentiles(unseen), "passages": len(persona.index.passages),
            "repeated": percentiles(repeated),
            "longest_message": {"chars": MAX_MESSAGE_CHARS, **percentiles(longest)}}


_BUILD = """
import json, sys, time
started = time.perf_counter()
from api.app import create_app
from api.config import Config
imported = time.perf_counter()
create_app(Config(persona_path=sys.argv[1], memory_dir=sys.argv[2]))
print(json.dumps({"app_build_ms": (time.perf_counter() - imported) * 1000}))
"""


def app_build_ms(compiled: Path, scratch: Path, runs: int) -> list[float]:
    """create_app's time with a compiled persona, each run in a fresh interpreter."""
    times = []
    for _ in range(runs):
        out = subprocess.run(  # noqa: S603 - this interpreter, fixed code
            [sys.executable, "-c", _BUILD, str(compiled), str(scratch / "memory")],
            cwd=PROJECT_DIR, capture_output=True, text=True, check=True).stdout
        times.append(json.loads(out)["app_build_ms"])
    return times


def growth(plain: Path, big: Path, notes: Path) -> dict[str, int]:
    """What 2 MB of notes add to the compiled persona, raw and deflated as in the archive."""
    plain_bytes, big_bytes = plain.read_bytes(), big.read_bytes()
    index = json.loads(big_bytes)["index"]
    notes_bytes = sum(p.stat().st_size for p in notes.glob("*") if p.is_file())
    postings = len(json.dumps({"postings": index["postings"], "lengths": index["lengths"]},
                              ensure_ascii=False).encode())
    zipped = len(zlib.compress(big_bytes, 9)) - len(zlib.compress(plain_bytes, 9))
    return {
        "notes_bytes": notes_bytes,
        "index_bytes": postings,  # the postings and lengths: the index beyond the text itself
        "compiled_growth_bytes": len(big_bytes) - len(plain_bytes),
        "zipped_growth_bytes": zipped,  # what the archive (deflate) grows by
        "growth_over_notes_and_index": round(zipped / (notes_bytes + postings), 3),
    }


def measure(runs: int = 7) -> dict[str, Any]:
    """Every figure of this module, as results.json keeps them under "knowledge"."""
    with tempfile.TemporaryDirectory(prefix="twin-knowledge-") as name:
        scratch = Path(name)
        big = big_persona(scratch)
        started = time.perf_counter()
        big_compiled = write_compiled_persona(big, scratch / "big.json")
        compile_ms = (time.perf_counter() - started) * 1000
        plain_compiled = write_compiled_persona(EXAMPLE, scratch / "plain.json")
        with_notes = app_build_ms(big_compiled, scratch, runs)
        without = app_build_ms(plain_compiled, scratch, runs)
        # The same replies for both, so the difference is what the notes add to the request.
        plain_prompt = prompt_sizes((10,), EXAMPLE, SameReply())["turn_10"]["characters"]
        big_prompt = prompt_sizes((10,), big, SameReply())["turn_10"]["characters"]
        return {
            "retrieval_per_turn": retrieval_per_turn(big),
            "compile_ms": round(compile_ms, 1),
            "app_build_ms": {"with_notes": round(statistics.median(with_notes), 1),
                             "without": round(statistics.median(without), 1),
                             "added": round(statistics.median(with_notes)
                                            - statistics.median(without), 1),
                             "runs": runs, "unit": "ms"},
            "archive": growth(plain_compiled, big_compiled, big / "notes"),
            "prompt_turn_10": {"without_notes": plain_prompt, "with_notes": big_prompt,
                               "ratio": round(big_prompt / plain_prompt, 3)},
        }


if __name__ == "__main__":
    print(json.dumps(measure(), indent=1))
