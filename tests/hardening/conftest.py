"""Shared by the hardening tests: an S3 client that fails on cue, and a visitor's chat call."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError, ReadTimeoutError
from moto import mock_aws

BUCKET = "twin-hardening-memory"


def client_error(code: str, status: int) -> ClientError:
    """An error as S3 answers it, with a detail that must never reach a visitor."""
    return ClientError({"Error": {"Code": code, "Message": "arn:aws:s3:::secret detail"},
                        "ResponseMetadata": {"HTTPStatusCode": status}}, "S3")


def timeout() -> ReadTimeoutError:
    return ReadTimeoutError(endpoint_url="https://s3.amazonaws.com")


class FaultyClient:
    """Passes calls to a real (moto) client, except the faults queued for an operation.

    A fault is an exception to raise instead of the call, or ("after", exception) to make the
    call and then raise, as when S3 stored a write but its answer never arrived.
    """

    def __init__(self, client: Any) -> None:
        self._client = client
        self.faults: dict[str, list[Any]] = {}
        self.calls: dict[str, int] = {}
        self._lock = threading.Lock()

    def fail(self, operation: str, *faults: Any) -> None:
        self.faults.setdefault(operation, []).extend(faults)

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._client, name)
        if not callable(attribute):
            return attribute

        def call(*args: Any, **kwargs: Any) -> Any:
            with self._lock:
                self.calls[name] = self.calls.get(name, 0) + 1
                fault = self.faults.get(name, []).pop(0) if self.faults.get(name) else None
            if isinstance(fault, tuple):
                attribute(*args, **kwargs)
                raise fault[1]
            if fault is not None:
                raise fault
            return attribute(*args, **kwargs)

        return call


@pytest.fixture
def s3() -> Any:
    """A versioned memory bucket in moto, as deployed."""
    with mock_aws():
        client = boto3.client("s3", region_name="us-east-1")
        client.create_bucket(Bucket=BUCKET)
        client.put_bucket_versioning(Bucket=BUCKET,
                                     VersioningConfiguration={"Status": "Enabled"})
        yield client


@pytest.fixture
def send() -> Callable[..., Any]:
    """POST one chat message through a Flask test client."""

    def post(client: Any, message: str, session_id: str, message_id: str) -> Any:
        return client.post("/api/chat", json={"message": message, "session_id": session_id,
                                              "message_id": message_id})

    return post
