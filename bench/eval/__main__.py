"""`make eval`: score the twin's answers per category; write bench/eval.json."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from api.config import Config
from bench.eval.runner import REPORT, load_cases, model_from_env, run, summary


def main(argv: list[str] | None = None) -> int:
    """Run the cases against the configured model, print the table, write the report."""
    parser = argparse.ArgumentParser(prog="python -m bench.eval", description=__doc__)
    parser.add_argument("--output", type=Path, default=REPORT, help="where to write the report")
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
    args.output.write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n",
                           encoding="utf-8")
    print(summary(report))
    print(f"\nwritten to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
