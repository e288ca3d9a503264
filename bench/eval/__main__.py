"""`make eval`: score the twin's answers per category; write .twin/bench/eval.json.

With --save (`make eval SAVE=1`) the tracked bench/eval.json instead.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import bench
from api.config import Config
from bench.eval.runner import load_cases, model_from_env, run, summary


def main(argv: list[str] | None = None) -> int:
    """Run the cases against the configured model, print the table, write the report."""
    parser = argparse.ArgumentParser(prog="python -m bench.eval", description=__doc__)
    parser.add_argument("--save", action="store_true",
                        help="update the tracked bench/eval.json (default: .twin/bench/)")
    parser.add_argument("--output", type=Path, help="write the report here instead")
    parser.add_argument("--summary", type=Path, metavar="REPORT",
                        help="print the table of an existing report and exit")
    args = parser.parse_args(argv)
    if args.summary:
        print(summary(json.loads(args.summary.read_text(encoding="utf-8"))))
        return 0
    config, note = model_from_env(Config.from_env())
    if note:
        print(f"eval: {note}", file=sys.stderr)
    report = run(config, load_cases())
    output = bench.output_path(args.output, "eval.json", save=args.save)
    output.write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(summary(report))
    print(f"\nwritten to {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
