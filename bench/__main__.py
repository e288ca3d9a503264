"""`make bench`: build the Lambda package, measure it and the app, print and save the figures.

Written to .twin/bench/results.json; with --save (`make bench SAVE=1`) to bench/results.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import bench
from bench import coldstart, knowledge, page, report, warm
from bench.interpreters import first_on_path, runtime_python
from infra.package import BUILD_DIR, build_package
from infra.settings import PROJECT_DIR


def runtime_version() -> str:
    """The Python version of Pulumi.yaml's default twin:lambdaRuntime, e.g. "3.13"."""
    text = (PROJECT_DIR / "Pulumi.yaml").read_text(encoding="utf-8")
    return re.search(r"lambdaRuntime:\s+type: string\s+default: python(3\.\d+)", text)[1]


def measure(python: str, version: str, runs: int, page_runs: int) -> dict:
    """Every figure of the benchmark, in the shape results.json keeps."""
    with first_on_path(python):
        archive = build_package(PROJECT_DIR / "personas" / "example", version)
    infos = zipfile.ZipFile(archive).infolist()
    results: dict = {
        "package": {"path": archive.relative_to(PROJECT_DIR).as_posix(),
                    "zipped_bytes": archive.stat().st_size,
                    "unzipped_bytes": sum(i.file_size for i in infos), "files": len(infos)},
    }
    print(f"cold start: {runs} runs", file=sys.stderr)
    boto3_dir = coldstart.boto3_folder(python, version, BUILD_DIR.parent / "bench")
    cold = coldstart.cold_starts(python, archive, boto3_dir, runs)
    for run in cold:
        run["total_ms"] = run["import_ms"] + run["app_build_ms"] + run["first_request_ms"]
    full_version = subprocess.run(  # noqa: S603 - the runtime's interpreter, fixed code
        [python, "-c", "import platform; print(platform.python_version())"],
        capture_output=True, text=True, check=True).stdout.strip()
    results["cold_start"] = {
        "python": full_version, "runs": runs, "modules": cold[0]["modules"],
        "heavy_modules": cold[0]["heavy"], "status": cold[0]["status"],
        **{phase: report.median_of(cold, f"{phase}_ms", "ms")
           for phase in ("import", "app_build", "first_request", "total", "flask_import",
                         "boto3_import")},
    }
    print("warm turns", file=sys.stderr)
    results["warm_turn_overhead"] = {
        store: {**report.percentiles(samples["overhead"]),
                "fsync_p50": round(statistics.median(samples["fsync"]), 2)}
        for store, samples in warm.warm_overhead().items()}
    results["page"] = None
    if page_runs and Path(page.chromium_path()).is_file():
        print(f"page: {page_runs} loads", file=sys.stderr)
        loads = page.page_runs(page_runs)
        results["page"] = {
            "runs": page_runs, "chromium": loads[0]["chromium"],
            **{f"{kind}_bytes": report.median_of(loads, f"{kind}_bytes", "bytes")
               for kind in ("html", "css", "js", "total", "gzipped")},
            "time_to_type": report.median_of(loads, "time_to_type_ms", "ms"),
            "first_reply": report.median_of(loads, "first_reply_ms", "ms"),
        }
    prompt = warm.prompt_sizes()
    prompt["turn_50_over_turn_10"] = round(
        prompt["turn_50"]["characters"] / prompt["turn_10"]["characters"], 3)
    results["prompt"] = prompt
    print("knowledge: 2 MB of generated notes", file=sys.stderr)
    results["knowledge"] = knowledge.measure()
    return results


def main(argv: list[str] | None = None) -> int:
    """Measure, print the table, write the figures (bench/results.json with --save)."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--runs", type=int, default=9, help="cold starts (fresh extractions)")
    parser.add_argument("--page-runs", type=int, default=5, help="page loads (0: skip)")
    parser.add_argument("--save", action="store_true",
                        help="update the tracked bench/results.json (default: .twin/bench/)")
    parser.add_argument("--output", type=Path, help="write the JSON here instead")
    args = parser.parse_args(argv)
    version = runtime_version()
    python = runtime_python(version)
    if python is None:
        print(f"bench: Python {version}, the Lambda runtime's version, is not installed; "
              f"install it and put python{version} on PATH", file=sys.stderr)
        return 2
    load_before = os.getloadavg()[0]
    results = {
        "generated_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "machine": {"cpus": os.cpu_count(), "arch": platform.machine(),
                    "load_average_1m_before": round(load_before, 2)},
        **measure(python, version, args.runs, args.page_runs),
    }
    results["machine"]["load_average_1m_after"] = round(os.getloadavg()[0], 2)
    results["targets"] = report.check_targets(results)
    output = bench.output_path(args.output, "results.json", save=args.save)
    output.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    print(report.table(results))
    print(f"written to {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
