"""A cold start as Lambda runs one: fresh extraction, the runtime's Python, the first chat turn."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import tomllib
import uuid
import zipfile
from pathlib import Path

from bench.servers import converse_server, s3_server, url_of
from infra.package import PERSONA_FILE
from infra.settings import PROJECT_DIR

MODEL_ID = "us.amazon.nova-micro-v1:0"
BUCKET = "twin-bench-memory"
REPLY = "I'm based in Lisbon, Portugal, and happy to work with teams across Europe."
# Made-up credentials: the stand-in servers accept any.
FAKE_AWS = {"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench",
            "AWS_REGION": "us-east-1", "AWS_DEFAULT_REGION": "us-east-1"}
FAKE_SESSION = {"aws_access_key_id": "bench", "aws_secret_access_key": "bench",
                "region_name": "us-east-1"}
HEAVY = ("pypdf", "pulumi", "pulumi_aws", "pytest", "moto", "playwright")

# Runs in `python3.X -I -S -B`: the stdlib, the extracted archive and boto3's folder, nothing
# else; no bytecode is written, as /var/task is read-only. Each phase is timed on its own.
SCRIPT = """
import json, os, sys, time
started = time.perf_counter()
sys.path[:0] = sys.argv[1].split(os.pathsep)
import flask  # first, only to tell its share of the import apart
flask_loaded = time.perf_counter()
from api.lambda_handler import get_app, handler
imported = time.perf_counter()
import boto3  # first, only to tell its share of the app build apart
boto3_loaded = time.perf_counter()
get_app()
built = time.perf_counter()
response = handler(json.loads(sys.argv[2]), None)
answered = time.perf_counter()
print(json.dumps({
    "import_ms": (imported - started) * 1000, "app_build_ms": (built - imported) * 1000,
    "first_request_ms": (answered - built) * 1000, "status": response["statusCode"],
    "flask_import_ms": (flask_loaded - started) * 1000,
    "boto3_import_ms": (boto3_loaded - imported) * 1000,
    "body": json.loads(response["body"]), "modules": len(sys.modules),
    "heavy": sorted(m for m in json.loads(sys.argv[3]) if m in sys.modules)}))
"""


def chat_event(message: str, session_id: str | None = None) -> dict:
    """An API Gateway payload-1.0 event for POST /api/chat, as CloudFront forwards it."""
    body = json.dumps({"message": message, **({"session_id": session_id} if session_id else {})})
    headers = {"content-type": "application/json", "accept": "application/json",
               "User-Agent": "Amazon CloudFront", "X-Forwarded-Proto": "https"}
    return {
        "version": "1.0", "resource": "/api/{proxy+}", "path": "/api/chat", "httpMethod": "POST",
        "headers": headers, "multiValueHeaders": {k: [v] for k, v in headers.items()},
        "queryStringParameters": None, "multiValueQueryStringParameters": None,
        "requestContext": {"httpMethod": "POST", "path": "/api/chat", "stage": "$default",
                           "requestId": str(uuid.uuid4())},
        "pathParameters": {"proxy": "chat"}, "stageVariables": None,
        "body": body, "isBase64Encoded": False,
    }


def boto3_folder(python: str, version: str, build_dir: Path) -> Path:
    """The project's pinned boto3, installed once into its own folder, as the runtime provides it.

    Compiled ahead of time, as a runtime's own read-only copy has to be to load quickly.
    """
    groups = tomllib.loads((PROJECT_DIR / "pyproject.toml").read_text())["dependency-groups"]
    [pin] = [p for p in groups["app"] if isinstance(p, str) and p.startswith("boto3==")]
    target = build_dir / f"{pin.replace('==', '-')}-py{version}"
    if not target.is_dir():
        build_dir.mkdir(parents=True, exist_ok=True)
        partial = Path(tempfile.mkdtemp(prefix="boto3-", dir=build_dir))
        subprocess.run(  # noqa: S603 - fixed arguments, no shell
            [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
             "--python-version", version, "--only-binary=:all:", "--no-compile",
             "--target", str(partial), pin], check=True)
        subprocess.run(  # noqa: S603
            [python, "-m", "compileall", "-q", str(partial)], check=True, capture_output=True)
        partial.rename(target)
    return target


def run_once(python: str, archive: Path, boto3_dir: Path, env: dict[str, str]) -> dict:
    """Extract the archive into a fresh folder and time one interpreter's first chat turn."""
    with tempfile.TemporaryDirectory(prefix="twin-task-") as task:
        zipfile.ZipFile(archive).extractall(task)
        path = os.pathsep.join([task, str(boto3_dir)])
        result = subprocess.run(  # noqa: S603 - the runtime's interpreter, fixed script
            [python, "-I", "-S", "-B", "-c", SCRIPT, path,
             json.dumps(chat_event("Where are you based?")), json.dumps(HEAVY)],
            env={**env, "TWIN_PERSONA": str(Path(task) / PERSONA_FILE)},
            cwd=task, capture_output=True, text=True, timeout=120, check=False,
        )
    if result.returncode != 0:
        raise RuntimeError(f"cold start failed:\n{result.stderr[-3000:]}")
    run = json.loads(result.stdout.strip().splitlines()[-1])
    if run["status"] != 200 or run["body"].get("response") != REPLY:
        raise RuntimeError(f"the first chat turn was not answered by the model: {run}")
    return run


def cold_starts(python: str, archive: Path, boto3_dir: Path, runs: int) -> list[dict]:
    """`runs` cold starts, each answered by the fake Converse endpoint and moto's S3 server."""
    with s3_server() as s3_url, converse_server(REPLY) as bedrock:
        env = {**FAKE_AWS, "PATH": os.environ.get("PATH", ""),
               "TWIN_MODEL_ID": MODEL_ID, "TWIN_MEMORY_BUCKET": BUCKET,
               "AWS_ENDPOINT_URL_S3": s3_url, "AWS_ENDPOINT_URL_BEDROCK_RUNTIME": url_of(bedrock)}
        import boto3  # the benchmark's own copy, only to create the bucket

        s3 = boto3.Session(**FAKE_SESSION).client("s3", endpoint_url=s3_url)
        s3.create_bucket(Bucket=BUCKET)
        results = [run_once(python, archive, boto3_dir, env) for _ in range(runs)]
        stored = s3.list_objects_v2(Bucket=BUCKET, Prefix="conversations/").get("KeyCount", 0)
    if stored != runs or len(bedrock.requests) != runs:  # type: ignore[attr-defined]
        raise RuntimeError(f"expected {runs} saved conversations and model calls, got {stored}")
    return results
