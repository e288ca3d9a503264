"""Both conversation stores: S3 (through moto) and files, including concurrent writers."""

from __future__ import annotations

import threading
import uuid
from types import SimpleNamespace

import pytest
from moto import mock_aws

from api.errors import ConversationLimit
from api.memory import utc_now
from api.memory.files import FileConversationStore
from api.memory.s3 import S3ConversationStore
from tests.support.s3 import BUCKET, OneRequestAtATime, memory_bucket


def turn(i: int, message_id: str | None = None) -> tuple[dict, dict]:
    message_id = message_id or str(uuid.uuid4())
    return (
        {
            "role": "user",
            "content": f"question {i}",
            "timestamp": utc_now(),
            "message_id": message_id,
        },
        {
            "role": "assistant",
            "content": f"answer {i}",
            "timestamp": utc_now(),
            "message_id": message_id,
        },
    )


class CountingSleep:
    def __init__(self) -> None:
        self.calls = 0
        self.lock = threading.Lock()

    def __call__(self, seconds: float) -> None:
        with self.lock:
            self.calls += 1


@pytest.fixture
def s3():
    with mock_aws():
        yield memory_bucket()


@pytest.fixture(params=["s3", "file"])
def store(request, tmp_path):
    if request.param == "file":
        yield FileConversationStore(tmp_path)
        return
    with mock_aws():
        yield S3ConversationStore(memory_bucket(), BUCKET)


SID = "3f2b8a4e-9c1d-4e7a-b6f0-2d5c8e1a9b73"


def test_create_append_read_delete(store):
    assert store.get(SID) is None
    first = store.append_turn(SID, turn(1), max_turns=10)
    assert first["session_id"] == SID and len(first["messages"]) == 2
    store.append_turn(SID, turn(2), max_turns=10)
    conversation = store.get(SID)
    assert [m["content"] for m in conversation["messages"]] == [
        "question 1",
        "answer 1",
        "question 2",
        "answer 2",
    ]
    assert conversation["created_at"] <= conversation["updated_at"]
    assert store.delete(SID) is True
    assert store.get(SID) is None
    assert store.delete(SID) is False


def test_same_message_id_is_saved_once(store):
    message_id = str(uuid.uuid4())
    store.append_turn(SID, turn(1, message_id), max_turns=10)
    again = store.append_turn(SID, turn(1, message_id), max_turns=10)
    assert len(again["messages"]) == 2
    assert len(store.get(SID)["messages"]) == 2


def test_turn_limit_is_enforced_by_the_store(store):
    store.append_turn(SID, turn(1), max_turns=1)
    with pytest.raises(ConversationLimit):
        store.append_turn(SID, turn(2), max_turns=1)
    assert len(store.get(SID)["messages"]) == 2


def _append_concurrently(store, threads: int = 20) -> list[BaseException]:
    errors: list[BaseException] = []
    barrier = threading.Barrier(threads)

    def work(i: int) -> None:
        barrier.wait()
        try:
            store.append_turn(SID, turn(i), max_turns=100)
        except BaseException as exc:  # collected and asserted on below
            errors.append(exc)

    workers = [threading.Thread(target=work, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    return errors


def test_twenty_concurrent_writers_lose_nothing_in_s3(s3):
    sleep = CountingSleep()
    store = S3ConversationStore(OneRequestAtATime(s3), BUCKET, sleep=sleep)
    assert _append_concurrently(store) == []
    messages = store.get(SID)["messages"]
    assert len(messages) == 40
    assert {m["content"] for m in messages} == (
        {f"question {i}" for i in range(20)} | {f"answer {i}" for i in range(20)}
    )
    # Each user message is directly followed by its own reply.
    assert all(messages[i]["message_id"] == messages[i + 1]["message_id"] for i in range(0, 40, 2))
    assert sleep.calls > 0, "the writers should have collided and retried"


def test_twenty_concurrent_writers_lose_nothing_on_disk(tmp_path):
    store = FileConversationStore(tmp_path)
    assert _append_concurrently(store) == []
    assert len(store.get(SID)["messages"]) == 40
    assert not list((tmp_path / "conversations").glob(".tmp-*"))


def test_s3_writes_are_conditional(s3):
    calls: list[dict] = []
    s3.meta.events.register(
        "before-parameter-build.s3.PutObject", lambda params, **_: calls.append(dict(params))
    )
    store = S3ConversationStore(s3, BUCKET)
    store.append_turn(SID, turn(1), max_turns=10)
    store.append_turn(SID, turn(2), max_turns=10)
    assert calls[0]["IfNoneMatch"] == "*" and "IfMatch" not in calls[0]
    assert calls[1]["IfMatch"].strip('"') and "IfNoneMatch" not in calls[1]
    assert calls[0]["Key"] == f"conversations/{SID}.json"


def test_s3_stale_etag_is_reapplied_not_overwritten(s3):
    store = S3ConversationStore(s3, BUCKET, sleep=lambda _s: None)
    store.append_turn(SID, turn(1), max_turns=10)
    real_read = store._read
    raced = {"done": False}

    def read_then_race(session_id):
        result = real_read(session_id)
        if not raced["done"]:  # another writer lands between our read and our write
            raced["done"] = True
            S3ConversationStore(s3, BUCKET).append_turn(session_id, turn(99), max_turns=10)
        return result

    store._read = read_then_race
    store.append_turn(SID, turn(2), max_turns=10)
    contents = [m["content"] for m in store.get(SID)["messages"]]
    assert contents == [
        "question 1",
        "answer 1",
        "question 99",
        "answer 99",
        "question 2",
        "answer 2",
    ]


def test_missing_conversation_reads_as_none_not_error(s3):
    assert S3ConversationStore(s3, BUCKET).get(str(uuid.uuid4())) is None


def test_a_botocore_without_conditional_writes_fails_at_start_up(s3):
    put_object = SimpleNamespace(input_shape=SimpleNamespace(members=dict.fromkeys(["Bucket"])))
    model = SimpleNamespace(operation_model=lambda _name: put_object)
    old_client = SimpleNamespace(meta=SimpleNamespace(service_model=model))
    with pytest.raises(RuntimeError, match="conditional writes"):
        S3ConversationStore(old_client, BUCKET)
    S3ConversationStore(s3, BUCKET)  # the pinned botocore has them
