"""A chat turn under way when its conversation is deleted: 410, and nothing comes back.

The conversation is deleted while the model is answering (the widest window a real race has),
through the store the app's DELETE route uses, against both stores.
"""

from __future__ import annotations

import uuid

import pytest

from api.app import create_app, services
from api.models import Reply
from tests.support.app import make_config
from tests.support.s3 import BUCKET

SESSION = "3f2b8a4e-9c1d-4e7a-b6f0-2d5c8e1a9b73"


class DeletesWhileAnswering:
    """A model that has the visitor delete the conversation before it answers."""

    name = "deleting"
    reads_reference = True

    def __init__(self) -> None:
        self.store = None  # the app's conversation store, set once the app is built
        self.deletes: list[bool] = []

    def reply(self, system, messages, tools=None) -> Reply:
        if len(messages) > 1:  # a conversation with history: the visitor deletes it now
            self.deletes.append(self.store.delete(SESSION))
        return Reply("An answer.")


def build(tmp_path, store: str, s3):
    model = DeletesWhileAnswering()
    env = {"TWIN_MEMORY_BUCKET": BUCKET, "AWS_REGION": "us-east-1"} if store == "s3" else {}
    app = create_app(make_config(tmp_path, **env), model=model, s3_client=s3)
    model.store = services(app).chat.store
    return model, app.test_client()


@pytest.fixture(params=["file", "s3"])
def store(request):
    if request.param == "file":
        yield "file", None
        return
    s3 = request.getfixturevalue("s3")
    yield "s3", s3


def test_a_turn_racing_a_delete_answers_410_and_never_brings_the_conversation_back(
        tmp_path, store):
    kind, s3 = store
    model, client = build(tmp_path, kind, s3)
    first = client.post("/api/chat", json={"message": "Hello", "session_id": SESSION})
    assert first.status_code == 200

    racing = client.post("/api/chat", json={"message": "Where are you based?",
                                            "session_id": SESSION,
                                            "message_id": str(uuid.uuid4())})
    assert model.deletes == [True]
    assert racing.status_code == 410
    assert racing.json["error"] == {
        "code": "conversation_deleted",
        "message": "This conversation was deleted. Start a new conversation.",
        "request_id": racing.headers["X-Request-Id"],
    }
    # Deleted means deleted: the turn in flight did not write it back.
    assert client.get(f"/api/conversation/{SESSION}").status_code == 404
    if s3 is not None:
        assert s3.list_objects_v2(Bucket=BUCKET, Prefix="conversations/")["KeyCount"] == 0
    else:
        assert list((tmp_path / "memory" / "conversations").glob("*.json")) == []


def test_after_a_delete_the_same_id_starts_a_new_empty_conversation(tmp_path, store):
    kind, s3 = store
    _, client = build(tmp_path, kind, s3)
    client.post("/api/chat", json={"message": "Hello", "session_id": SESSION})
    assert client.delete(f"/api/conversation/{SESSION}").status_code == 204
    again = client.post("/api/chat", json={"message": "Hello again", "session_id": SESSION})
    assert again.status_code == 200
    messages = client.get(f"/api/conversation/{SESSION}").json["messages"]
    assert [m["content"] for m in messages] == ["Hello again", "An answer."]


class DeletedBeforeTheWrite:
    """A moto client on which the visitor's DELETE lands between the store's read and its write.

    S3 then answers the conditional write (IfMatch on a key that is gone) with NoSuchKey.
    """

    def __init__(self, client) -> None:
        self._client = client
        self.armed = False

    def __getattr__(self, name):
        return getattr(self._client, name)

    def put_object(self, **kwargs):
        if self.armed and kwargs["Key"].startswith("conversations/"):
            self.armed = False
            self._client.delete_object(Bucket=kwargs["Bucket"], Key=kwargs["Key"])
        return self._client.put_object(**kwargs)


def test_a_delete_between_the_stores_read_and_write_is_410_not_500(tmp_path, s3):
    racing_client = DeletedBeforeTheWrite(s3)
    config = make_config(tmp_path, TWIN_MEMORY_BUCKET=BUCKET, AWS_REGION="us-east-1")
    client = create_app(config, s3_client=racing_client).test_client()
    assert client.post("/api/chat", json={"message": "Hello",
                                          "session_id": SESSION}).status_code == 200
    racing_client.armed = True
    racing = client.post("/api/chat", json={"message": "Where are you based?",
                                            "session_id": SESSION})
    assert racing.status_code == 410 and racing.json["error"]["code"] == "conversation_deleted"
    assert s3.list_objects_v2(Bucket=BUCKET, Prefix="conversations/")["KeyCount"] == 0
