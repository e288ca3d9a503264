"""Ask the twin every case of cases.json through the real app, and score the replies.

The offline responder answers by default; Bedrock does when TWIN_MODEL_ID names a model and AWS
credentials exist.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import shutil
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from api.app import create_app
from api.config import OFFLINE_MODEL, Config
from api.persona import ANSWERS_FILE, answer_block, load_persona
from api.retrieval import Hit
from bench.eval.scorer import YEAR, Knowledge, score

PROJECT_DIR = Path(__file__).resolve().parents[2]
CASES = Path(__file__).resolve().parent / "cases.json"
RETRIES = 3  # on 429 and 503, after the Retry-After the API sends
RECALL_AT = 3  # a labelled case's passage must be among this many retrieved


def load_cases(path: Path = CASES) -> dict[str, Any]:
    """The versioned case file."""
    return json.loads(path.read_text(encoding="utf-8"))


def persona_for(cases: dict[str, Any], scratch: Path) -> Path:
    """A copy of the cases' persona with the cases' owner answers in its answers.md."""
    folder = scratch / "persona"
    shutil.copytree(PROJECT_DIR / cases["persona"], folder)
    answers = "".join("\n" + answer_block(a["question"], a["answer"])
                      for a in cases.get("answers", []))
    if answers:
        with (folder / ANSWERS_FILE).open("a", encoding="utf-8") as file:
            file.write(answers)
    return folder


def knowledge_of(persona_dir: Path, employers: list[str]) -> Knowledge:
    """The employers the cases name, and every year the persona's own text mentions."""
    persona = load_persona(persona_dir)
    text = json.dumps(persona.facts) + persona.summary + "".join(t for _, t in persona.documents)
    text += "".join(p.text for p in persona.index.passages)  # notes and answers too
    years = set(YEAR.findall(text)) | {str(datetime.now(UTC).year)}
    return Knowledge(frozenset(employers), frozenset(years))


def ask(client: Any, question: str) -> tuple[int, str]:
    """One question in a new conversation: the status and the reply (or the error's message)."""
    body = {"message": question, "session_id": str(uuid.uuid4())}
    for attempt in range(RETRIES + 1):
        response = client.post("/api/chat", data=json.dumps(body),
                               content_type="application/json")
        data = response.get_json(silent=True) or {}
        if response.status_code in (429, 503) and attempt < RETRIES:
            time.sleep(min(int(response.headers.get("Retry-After", "5")), 10))
            continue
        if response.status_code == 200:
            return 200, data["response"]
        return response.status_code, data.get("error", {}).get("code", "")
    raise AssertionError("unreachable")


def labelled(hit: Hit, label: list[str]) -> bool:
    """Whether a retrieved passage is the one a case names: its file, and a phrase of its text
    (a file alone would count any of a long note's passages as the right one)."""
    origin, phrase = label
    return hit.passage.origin == origin and phrase.lower() in hit.passage.text.lower()


def recall(persona_dir: Path, cases: dict[str, Any]) -> dict[str, Any]:
    """Retrieval alone: for each case labelled with a `passage` ([file, phrase]), whether that
    passage is among the top RECALL_AT the index returns for the question."""
    index = load_persona(persona_dir).index
    with_label = [c for c in cases["cases"] if c.get("passage")]
    missed = [c["id"] for c in with_label
              if not any(labelled(hit, c["passage"])
                         for hit in index.search(c["question"], limit=RECALL_AT))]
    found = len(with_label) - len(missed)
    return {"labelled": len(with_label), "found": found, "at": RECALL_AT,
            "recall": round(found / len(with_label), 3) if with_label else None,
            "missed": missed}


def run(config: Config, cases: dict[str, Any], **clients: Any) -> dict[str, Any]:
    """Ask every case and return the report: per case, per category and overall."""
    with tempfile.TemporaryDirectory(prefix="twin-eval-") as scratch:
        persona_dir = persona_for(cases, Path(scratch))
        knowledge = knowledge_of(persona_dir, cases["employers"])
        retrieval = recall(persona_dir, cases)
        config = dataclasses.replace(config, persona_path=persona_dir,
                                     memory_dir=Path(scratch) / "memory", memory_bucket=None)
        client = create_app(config, **clients).test_client()
        log = logging.getLogger("twin")
        level = log.level  # as the app set it up
        # One line per case is the report's job, not the log's: the owner-notice cap alone would
        # print dozens of "held back" warnings before the table.
        log.setLevel(logging.ERROR)
        try:
            results = []
            for case in cases["cases"]:
                status, reply = ask(client, case["question"])
                failures = (score(case, reply, knowledge) if status == 200
                            else [f"answered {status} {reply}"])
                results.append({"id": case["id"], "category": case["category"],
                                "passed": not failures, "failures": failures, "reply": reply})
        finally:
            log.setLevel(level)
    categories: dict[str, dict[str, Any]] = {}
    for result in results:
        totals = categories.setdefault(result["category"], {"passed": 0, "total": 0})
        totals["total"] += 1
        totals["passed"] += result["passed"]
    for totals in categories.values():
        totals["pass_rate"] = round(totals["passed"] / totals["total"], 3)
    passed = sum(r["passed"] for r in results)
    # The language category needs a model that translates: the offline twin's target leaves it out.
    others = [r for r in results if r["category"] != "language"]
    return {
        "cases_version": cases["version"], "model": config.model_id,
        "generated_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "summary": {"passed": passed, "total": len(results),
                    "pass_rate": round(passed / len(results), 3),
                    "pass_rate_without_language": round(
                        sum(r["passed"] for r in others) / max(len(others), 1), 3)},
        "retrieval": retrieval, "categories": categories, "cases": results,
    }


def summary(report: dict[str, Any]) -> str:
    """The report's per-category table, in Markdown (a terminal and a job summary read it)."""
    lines = [f"Eval of the twin (model `{report['model']}`, cases v{report['cases_version']})",
             "", "| category | passed | pass rate |", "|---|---|---|"]
    for name, totals in report["categories"].items():
        lines.append(f"| {name} | {totals['passed']}/{totals['total']} | "
                     f"{totals['pass_rate']:.0%} |")
    total = report["summary"]
    lines.append(f"| **all** | {total['passed']}/{total['total']} | {total['pass_rate']:.0%} |")
    if "pass_rate_without_language" in total:
        lines.append(f"| all but language | | {total['pass_rate_without_language']:.0%} |")
    retrieval = report.get("retrieval")
    if retrieval and retrieval.get("labelled"):
        lines += ["", f"Retrieval: the labelled passage among the top {retrieval['at']} for "
                      f"{retrieval['found']} of {retrieval['labelled']} questions "
                      f"(recall@{retrieval['at']} {retrieval['recall']:.0%})"
                      + (f"; missed: {', '.join(retrieval['missed'])}"
                         if retrieval["missed"] else "")]
    failed = [r for r in report["cases"] if not r["passed"]]
    if failed:
        lines += ["", "Failed cases:", ""]
        lines += [f"- `{r['id']}`: {'; '.join(r['failures'])}" for r in failed]
    return "\n".join(lines)


def model_from_env(config: Config) -> tuple[Config, str | None]:
    """Bedrock when TWIN_MODEL_ID names a model and credentials exist, else the offline model."""
    if config.offline:
        return config, None
    import boto3

    if boto3.Session().get_credentials() is None:
        note = f"no AWS credentials found, so the offline model answers, not {config.model_id}"
        return dataclasses.replace(config, model_id=OFFLINE_MODEL), note
    return config, None

