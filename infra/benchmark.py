"""Print the Lambda package's size and the handler's cold-start time (`make benchmark`)."""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import zipfile
from pathlib import Path

from bench.interpreters import first_on_path, runtime_python
from infra.package import PERSONA_FILE, build_package
from infra.settings import PROJECT_DIR

# Runs in a fresh `python -I -S`: only the stdlib, the extracted archive and (for the S3 case)
# the local boto3, which stands in for the one the Lambda runtime provides.
COLD_START = """
import json, os, sys, time
started = time.perf_counter()
sys.path[:0] = sys.argv[1].split(os.pathsep)
from api.lambda_handler import handler
imported = time.perf_counter()
event = {"httpMethod": "GET", "path": "/api/health", "headers": {}, "body": None,
         "queryStringParameters": None, "isBase64Encoded": False}
status = handler(event, None)["statusCode"]
answered = time.perf_counter()
heavy = sorted(m for m in ("pypdf", "pulumi", "pulumi_aws", "pytest", "moto") if m in sys.modules)
print(json.dumps({"import_ms": (imported - started) * 1000,
                  "first_ms": (answered - imported) * 1000,
                  "status": status, "heavy": heavy, "modules": len(sys.modules)}))
"""


def cold_start(python: str, task: Path, env: dict[str, str], extra_path: str = "") -> dict:
    """One fresh interpreter: import the handler and answer GET /api/health."""
    path = str(task) + (f"{os.pathsep}{extra_path}" if extra_path else "")
    result = subprocess.run(  # noqa: S603 - fixed interpreter and script
        [python, "-I", "-S", "-B", "-c", COLD_START, path],
        env=env, capture_output=True, text=True, check=True, timeout=120,
    )
    return json.loads(result.stdout)


def main(argv: list[str] | None = None) -> int:
    """Build the package and print its figures."""
    parser = argparse.ArgumentParser(prog="python -m infra.benchmark", description=__doc__)
    parser.add_argument("--runs", type=int, default=7, help="fresh interpreters per case")
    args = parser.parse_args(argv)
    python = runtime_python("3.13")
    if python is None:
        print("benchmark: Python 3.13, the Lambda runtime's version, is needed", file=sys.stderr)
        return 2
    with first_on_path(python):
        archive = build_package(PROJECT_DIR / "api" / "persona")
    with zipfile.ZipFile(archive) as package:
        infos = package.infolist()
        print(f"package   {archive.relative_to(PROJECT_DIR)}")
        print(f"  zipped      {archive.stat().st_size / 1024:8.1f} KiB")
        print(f"  unzipped    {sum(i.file_size for i in infos) / 1024:8.1f} KiB")
        print(f"  files       {len(infos):8d}")
        with tempfile.TemporaryDirectory() as scratch:
            task = Path(scratch)
            package.extractall(task)
            base = {"TWIN_PERSONA": str(task / PERSONA_FILE), "TWIN_MEMORY_DIR": scratch}
            s3 = {**base, "TWIN_MEMORY_BUCKET": "benchmark-bucket", "AWS_REGION": "us-east-1",
                  "AWS_ACCESS_KEY_ID": "benchmark", "AWS_SECRET_ACCESS_KEY": "benchmark"}
            site_packages = sysconfig.get_paths()["purelib"]
            cases = [("offline, file memory", base, ""), ("offline, S3 memory", s3, site_packages)]
            for label, env, extra in cases:
                runs = [cold_start(python, task, env, extra) for _ in range(args.runs)]
                imports = statistics.median(r["import_ms"] for r in runs)
                first = statistics.median(r["first_ms"] for r in runs)
                print(f"cold start ({label}, median of {args.runs})")
                print(f"  import      {imports:8.1f} ms")
                print(f"  build+reply {first:8.1f} ms  (status {runs[0]['status']})")
                print(f"  modules     {runs[0]['modules']:8d}  heavy: {runs[0]['heavy'] or 'none'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
