"""S3 for the tests: a memory bucket in moto set up as deployed, and clients that misbehave.

Call these inside `moto.mock_aws()`; nothing here reaches AWS.
"""

from __future__ import annotations

import threading
from typing import Any

import boto3
from botocore.exceptions import ClientError, ReadTimeoutError

BUCKET = "twin-memory-test"


def memory_bucket() -> Any:
    """An S3 client with BUCKET created in moto, versioned like the deployed memory bucket."""
    client = boto3.client("s3", region_name="us-east-1")
    client.create_bucket(Bucket=BUCKET)
    # Versioned as in production; it also keeps moto from closing a replaced object's buffer
    # while another thread is still reading it.
    client.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
    return client


class Wrapped:
    """A client whose calls go through `_call(name, method, args, kwargs)`; other attributes
    pass through unchanged."""

    def __init__(self, client: Any) -> None:
        self._client = client
        self._lock = threading.Lock()

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._client, name)
        if not callable(attribute):
            return attribute
        return lambda *args, **kwargs: self._call(name, attribute, args, kwargs)

    def _call(self, name: str, method: Any, args: tuple, kwargs: dict) -> Any:
        raise NotImplementedError


class OneRequestAtATime(Wrapped):
    """Make each moto call atomic, as each real S3 request is.

    moto checks a write's precondition and stores the object in two steps that threads can
    interleave; real S3 evaluates IfMatch/IfNoneMatch atomically. The store's read and its
    conditional write are still separate calls, so writers still race exactly as they would
    against S3.
    """

    def _call(self, name: str, method: Any, args: tuple, kwargs: dict) -> Any:
        with self._lock:
            return method(*args, **kwargs)


def client_error(code: str, status: int) -> ClientError:
    """An error as S3 answers it, with a detail that must never reach a visitor."""
    return ClientError({"Error": {"Code": code, "Message": "arn:aws:s3:::secret detail"},
                        "ResponseMetadata": {"HTTPStatusCode": status}}, "S3")


def timeout() -> ReadTimeoutError:
    return ReadTimeoutError(endpoint_url="https://s3.amazonaws.com")


class FaultyClient(Wrapped):
    """Passes calls to a real (moto) client, except the faults queued for an operation.

    A fault is an exception to raise instead of the call, or ("after", exception) to make the
    call and then raise, as when S3 stored a write but its answer never arrived.
    """

    def __init__(self, client: Any) -> None:
        super().__init__(client)
        self.faults: dict[str, list[Any]] = {}
        self.calls: dict[str, int] = {}

    def fail(self, operation: str, *faults: Any) -> None:
        self.faults.setdefault(operation, []).extend(faults)

    def _call(self, name: str, method: Any, args: tuple, kwargs: dict) -> Any:
        with self._lock:
            self.calls[name] = self.calls.get(name, 0) + 1
            fault = self.faults.get(name, []).pop(0) if self.faults.get(name) else None
        if isinstance(fault, tuple):
            method(*args, **kwargs)
            raise fault[1]
        if fault is not None:
            raise fault
        return method(*args, **kwargs)
