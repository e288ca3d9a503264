"""S3 failing or timing out: the documented status, nothing half-written, the retry succeeds."""

from __future__ import annotations

import json
import uuid

import pytest

from api.app import create_app
from api.memory.s3 import MAX_ATTEMPTS, S3ConversationStore
from tests.support.app import make_config
from tests.support.s3 import BUCKET, FaultyClient, client_error, timeout


@pytest.fixture
def twin(s3, tmp_path, model):
    """The app on a faulty S3; the scripted model shows which turns reached it."""
    faulty = FaultyClient(s3)
    config = make_config(tmp_path, TWIN_MEMORY_BUCKET=BUCKET)
    # Conflicts retry at once in these tests.
    store = S3ConversationStore(faulty, BUCKET, sleep=lambda _seconds: None)
    app = create_app(config, model=model, store=store, s3_client=faulty)
    return app.test_client(), faulty, model


def stored(s3, session_id: str) -> list[str] | None:
    """The message ids of the stored conversation, in order, straight from the bucket."""
    try:
        body = s3.get_object(Bucket=BUCKET, Key=f"conversations/{session_id}.json")["Body"]
    except s3.exceptions.NoSuchKey:
        return None
    return [m["message_id"] for m in json.loads(body.read())["messages"]]


def assert_error(response, status: int, code: str) -> None:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.json["error"]["code"] == code
    assert response.headers["Retry-After"].isdigit()
    assert "arn:aws" not in response.get_data(as_text=True)


# A failed read comes before the model is asked; a failed write comes after it answered.
@pytest.mark.parametrize(("operation", "fault", "answered"), [
    ("get_object", client_error("InternalError", 500), False),
    ("get_object", timeout(), False),
    ("put_object", client_error("SlowDown", 503), True),
    ("put_object", timeout(), True),
])
def test_a_failing_read_or_write_is_503_and_the_retry_is_saved_once(
        twin, s3, send, operation, fault, answered):
    web, faulty, model = twin
    for _ in range(2 + answered):
        model.queue("I'm based in Lisbon.")
    session, first, second = (str(uuid.uuid4()) for _ in range(3))
    assert send(web, "Where are you based?", session, first).status_code == 200
    faulty.fail(operation, fault)
    assert_error(send(web, "What do you do?", session, second), 503, "memory_unavailable")
    assert stored(s3, session) == [first, first]  # nothing of the failed turn
    assert send(web, "What do you do?", session, second).status_code == 200
    assert stored(s3, session) == [first, first, second, second]


def test_a_write_that_landed_but_timed_out_is_answered_from_the_record(twin, s3, send):
    web, faulty, model = twin
    model.queue("I'm based in Lisbon.")
    session, message = str(uuid.uuid4()), str(uuid.uuid4())
    faulty.fail("put_object", ("after", timeout()))
    assert_error(send(web, "Where are you based?", session, message), 503, "memory_unavailable")
    retry = send(web, "Where are you based?", session, message)
    assert retry.json["response"] == "I'm based in Lisbon."  # the saved reply...
    assert len(model.turns) == 1  # ...not a second answer
    assert stored(s3, session) == [message, message]


def test_a_turn_that_never_gets_its_write_slot_is_busy_and_writes_nothing(twin, s3, send):
    web, faulty, model = twin
    # The busy turn is answered but never saved, so its retry is answered anew.
    model.queue("I'm based in Lisbon.").queue("I build platforms.").queue("I build platforms.")
    session, first, second = (str(uuid.uuid4()) for _ in range(3))
    assert send(web, "Where are you based?", session, first).status_code == 200
    faulty.fail("put_object", *[client_error("PreconditionFailed", 412)] * MAX_ATTEMPTS)
    busy = send(web, "What do you do?", session, second)
    assert_error(busy, 503, "conversation_busy")
    assert busy.headers["Retry-After"] == "1"
    assert stored(s3, session) == [first, first]
    assert send(web, "What do you do?", session, second).status_code == 200
    assert stored(s3, session) == [first, first, second, second]


@pytest.mark.parametrize(("method", "operation"), [("get", "get_object"),
                                                    ("delete", "head_object"),
                                                    ("delete", "delete_object")])
def test_reading_or_deleting_a_conversation_while_s3_fails_is_503(twin, s3, send, method,
                                                                   operation):
    web, faulty, model = twin
    model.queue("I'm based in Lisbon.")
    session, message = str(uuid.uuid4()), str(uuid.uuid4())
    assert send(web, "Where are you based?", session, message).status_code == 200
    faulty.fail(operation, timeout())
    url = f"/api/conversation/{session}"
    assert_error(web.open(url, method=method.upper()), 503, "memory_unavailable")
    assert stored(s3, session) == [message, message]
    assert web.open(url, method=method.upper()).status_code in (200, 204)


def test_a_misconfigured_bucket_is_an_internal_error_that_says_nothing(twin, send, caplog):
    web, faulty, _model = twin  # nothing queued: the turn fails before the model is asked
    faulty.fail("get_object", client_error("AccessDenied", 403))
    response = send(web, "Where are you based?", str(uuid.uuid4()), str(uuid.uuid4()))
    assert response.status_code == 500 and response.json["error"]["code"] == "internal"
    assert "arn:aws" not in response.get_data(as_text=True)
    assert "AccessDenied" in caplog.text  # for the owner, in the log, with the request id


@pytest.mark.parametrize("fault", [client_error("SlowDown", 503), timeout()])
def test_a_contact_while_s3_fails_its_first_read_is_503_and_keeps_nothing(twin, s3, fault):
    # Recording first asks whether the entry is kept already (a HEAD): that failing is the
    # contact form's 503 too, never a 500.
    web, faulty, _ = twin
    faulty.fail("head_object", fault)
    response = web.post("/api/contact", json={"email": "sam@acme.example"})
    assert_error(response, 503, "contact_unavailable")
    assert s3.list_objects_v2(Bucket=BUCKET, Prefix="inbox/contacts/")["KeyCount"] == 0
    assert web.post("/api/contact", json={"email": "sam@acme.example"}).status_code == 201
