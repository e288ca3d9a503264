"""50 visitors at once on 10 conversations, over HTTP, against the file store and against S3
served by moto_server on loopback: no 500, and every acknowledged turn stored once, in order."""

from __future__ import annotations

import json
import random
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import boto3
import pytest
from botocore.config import Config as BotoConfig

from api.app import create_app
from api.config import Config
from bench.coldstart import FAKE_SESSION
from bench.servers import s3_server, serving
from twin.server import create_local_app

VISITORS, CONVERSATIONS, TURNS = 50, 10, 4
RETRIES = 20  # the page retries a busy conversation with the same message_id; so do these


def post(url: str, body: dict) -> tuple[int, dict, dict]:
    request = urllib.request.Request(f"{url}/api/chat", data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, dict(response.headers), json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), json.loads(error.read() or b"{}")


def load(url: str) -> tuple[dict[str, list[str]], Counter]:
    """Run the visitors; return each conversation's acknowledged message ids, and the statuses."""
    sessions = [str(uuid.uuid4()) for _ in range(CONVERSATIONS)]
    acknowledged: dict[str, list[tuple[int, int, str]]] = {s: [] for s in sessions}
    statuses: Counter = Counter()
    lock, start = threading.Lock(), threading.Barrier(VISITORS)

    def visitor(number: int) -> None:
        session = sessions[number % CONVERSATIONS]
        start.wait()
        for turn in range(TURNS):
            body = {"message": f"Visitor {number}, question {turn}: where are you based?",
                    "session_id": session, "message_id": str(uuid.uuid4())}
            for _ in range(RETRIES):
                status, headers, data = post(url, body)
                with lock:
                    statuses[(status, data.get("error", {}).get("code"))] += 1
                if status == 503 and data["error"]["code"] == "conversation_busy":
                    assert headers["Retry-After"].isdigit()
                    time.sleep(random.uniform(0, 0.1))  # shorter than the page waits
                    continue
                break
            if status == 200:
                with lock:
                    acknowledged[session].append((number, turn, body["message_id"]))

    threads = [threading.Thread(target=visitor, args=(n,)) for n in range(VISITORS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return acknowledged, statuses


def check(acknowledged: dict, statuses: Counter, stored: Callable[[str], list[dict]]) -> None:
    assert set(statuses) <= {(200, None), (503, "conversation_busy")}, statuses
    assert sum(len(turns) for turns in acknowledged.values()) == VISITORS * TURNS
    for session, turns in acknowledged.items():
        messages = stored(session)
        ids = [m["message_id"] for m in messages]
        # Each acknowledged turn exactly once, its question directly followed by its answer...
        assert ids[0::2] == ids[1::2]
        assert [m["role"] for m in messages] == ["user", "assistant"] * (len(messages) // 2)
        assert sorted(ids[0::2]) == sorted(message_id for _, _, message_id in turns)
        # ...and each visitor's turns in the order it sent them.
        for number in {n for n, _, _ in turns}:
            sent = [message_id for n, _, message_id in sorted(turns) if n == number]
            assert [i for i in ids[0::2] if i in sent] == sent


def test_fifty_visitors_on_the_local_server_with_the_file_store(tmp_path: Path,
                                                                example_persona: Path):
    config = Config(memory_dir=tmp_path / "memory", persona_path=example_persona)
    with serving(create_local_app(config)) as url:
        acknowledged, statuses = load(url)
    folder = tmp_path / "memory" / "conversations"
    check(acknowledged, statuses,
          lambda s: json.loads((folder / f"{s}.json").read_text())["messages"])
    assert not list(folder.glob(".tmp-*"))


@pytest.fixture(scope="module")
def moto_s3() -> Iterator[str]:
    with s3_server() as url:
        yield url


def test_fifty_visitors_on_the_app_with_s3_on_moto_server(moto_s3: str, tmp_path: Path,
                                                           example_persona: Path):
    s3 = boto3.Session(**FAKE_SESSION).client(
        "s3", endpoint_url=moto_s3, config=BotoConfig(max_pool_connections=VISITORS))
    bucket = f"twin-load-{uuid.uuid4().hex[:8]}"
    s3.create_bucket(Bucket=bucket)
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    app = create_app(Config(memory_bucket=bucket, memory_dir=tmp_path,
                            persona_path=example_persona), s3_client=s3)
    with serving(app) as url:
        acknowledged, statuses = load(url)

    def stored(session: str) -> list[dict]:
        body = s3.get_object(Bucket=bucket, Key=f"conversations/{session}.json")["Body"]
        return json.loads(body.read())["messages"]

    check(acknowledged, statuses, stored)
