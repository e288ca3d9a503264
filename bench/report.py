"""The benchmark's figures as one JSON document, checked against the targets, and as a table."""

from __future__ import annotations

import statistics
from typing import Any

# The page's first load (HTML + CSS + JS), in bytes: `make test` holds the page's files to it too.
PAGE_WEIGHT_BYTES = 40_000

# The project's targets (docs/measured.md): where the figure sits in results.json, the limit,
# a label, and whether the limit itself passes ("no more than") or not ("under").
TARGETS = [
    (("cold_start", "total", "median"), 300, "Lambda-true cold start, ms", False),
    (("warm_turn_overhead", "file", "p50"), 5, "warm overhead p50 (file store), ms", False),
    (("package", "zipped_bytes"), 2_000_000, "archive zipped, bytes", False),
    (("page", "total_bytes", "median"), PAGE_WEIGHT_BYTES, "page weight (HTML+CSS+JS), bytes",
     False),
    (("prompt", "turn_50_over_turn_10"), 1.2, "prompt turn 50 / turn 10", True),
    # With about 2 MB of generated notes (bench/knowledge.py).
    (("knowledge", "retrieval_per_turn", "p95"), 5, "retrieval per turn p95, 2 MB notes, ms",
     False),
    (("knowledge", "app_build_ms", "added"), 100, "app build added by 2 MB notes, ms", False),
    (("knowledge", "archive", "growth_over_notes_and_index"), 1.0,
     "archive growth / (notes + index)", True),
    (("knowledge", "prompt_turn_10", "ratio"), 1.2, "prompt turn 10, 2 MB notes / none", True),
]


def median_of(runs: list[dict], key: str, unit: str) -> dict[str, Any]:
    """The median of one figure over several runs, with its unit and the runs themselves."""
    values = [round(run[key], 1) for run in runs]
    middle = statistics.median(values)
    return {"median": int(middle) if unit == "bytes" else round(middle, 1), "unit": unit,
            "runs": values}


def percentiles(samples: list[float], unit: str = "ms") -> dict[str, Any]:
    """p50 and p95 of many samples."""
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return {"p50": round(cuts[49], 2), "p95": round(cuts[94], 2), "unit": unit,
            "turns": len(samples)}


def lookup(results: dict, path: tuple[str, ...]) -> Any:
    value: Any = results
    for key in path:
        value = value.get(key) if isinstance(value, dict) else None
    return value


def check_targets(results: dict) -> list[dict[str, Any]]:
    """Each target with the measured figure and whether it is met (None when not measured)."""
    checked = []
    for path, limit, label, inclusive in TARGETS:
        measured = lookup(results, path)
        met = None if measured is None else measured <= limit if inclusive else measured < limit
        checked.append({"figure": ".".join(path), "label": label, "target": limit,
                        "measured": measured, "met": met})
    return checked


def _row(name: str, value: Any, unit: str = "") -> str:
    return f"  {name:<34} {value!s:>12} {unit}"


def table(results: dict) -> str:
    """The figures as a plain-text table."""
    cold, warm, package = results["cold_start"], results["warm_turn_overhead"], results["package"]
    lines = [f"package {package['path']}",
             _row("zipped", package["zipped_bytes"], "bytes"),
             _row("unzipped", package["unzipped_bytes"], "bytes"),
             f"cold start, Python {cold['python']}, median of {cold['runs']} fresh extractions",
             _row("import", cold["import"]["median"], "ms"),
             _row("  of which Flask", cold["flask_import"]["median"], "ms"),
             _row("app build", cold["app_build"]["median"], "ms"),
             _row("  of which importing boto3", cold["boto3_import"]["median"], "ms"),
             _row("first request", cold["first_request"]["median"], "ms"),
             _row("total", cold["total"]["median"], "ms"),
             _row("modules loaded", cold["modules"]),
             "warm per-turn overhead around the model"]
    for store, figures in warm.items():
        lines.append(_row(f"{store} store p50 / p95", f"{figures['p50']} / {figures['p95']}",
                          f"ms over {figures['turns']} turns"))
        if figures["fsync_p50"]:
            lines.append(_row("  of which fsync, p50", figures["fsync_p50"], "ms"))
    page = results.get("page")
    if page:
        lines.append(f"page in Chromium {page['chromium']}, median of {page['runs']} loads")
        for kind in ("html", "css", "js", "total"):
            lines.append(_row(f"{kind} bytes", page[f"{kind}_bytes"]["median"], "bytes"))
        lines.append(_row("gzipped", page["gzipped_bytes"]["median"], "bytes"))
        lines.append(_row("time to type", page["time_to_type"]["median"], "ms"))
        lines.append(_row("first reply after Enter", page["first_reply"]["median"], "ms"))
    else:
        lines.append("page: not measured (no Chromium)")
    lines.append("prompt sent to the model")
    for turn, size in results["prompt"].items():
        if isinstance(size, dict):
            lines.append(_row(turn.replace("_", " "), size["characters"],
                              f"chars, ~{size['estimated_tokens']} tokens"))
    knowledge = results.get("knowledge")
    if knowledge:
        retrieval, build = knowledge["retrieval_per_turn"], knowledge["app_build_ms"]
        archive, prompt = knowledge["archive"], knowledge["prompt_turn_10"]
        lines += [f"knowledge: {archive['notes_bytes']:,} bytes of generated notes, "
                  f"{retrieval['passages']:,} passages",
                  _row("retrieval p50 / p95, new questions",
                       f"{retrieval['p50']} / {retrieval['p95']}",
                       f"ms over {retrieval['turns']} turns"),
                  _row("retrieval p95, repeated / longest message",
                       f"{retrieval['repeated']['p95']} / "
                       f"{retrieval['longest_message']['p95']}", "ms"),
                  _row("compile (start-up, package)", knowledge["compile_ms"], "ms"),
                  _row("app build with / without", f"{build['with_notes']} / "
                       f"{build['without']}", "ms"),
                  _row("archive growth, zipped", archive["zipped_growth_bytes"], "bytes"),
                  _row("prompt turn 10 with / without", f"{prompt['with_notes']} / "
                       f"{prompt['without_notes']}", "chars")]
    lines.append("targets")
    for target in results["targets"]:
        verdict = {True: "met", False: "MISSED", None: "not measured"}[target["met"]]
        lines.append(f"  {target['label']:<34} {target['measured']!s:>12}  target "
                     f"{target['target']}: {verdict}")
    return "\n".join(lines)
