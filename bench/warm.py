"""Warm turns through the Lambda entry's path (aws-wsgi into Flask), and the prompt's size."""

from __future__ import annotations

import json
import logging
import math
import os
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import awsgi
from flask import Flask

from api.app import build_model, create_app
from api.config import Config
from api.logs import JsonFormatter, configure_logging
from api.models import Reply
from api.models.bedrock import tool_config
from api.persona import load_persona
from bench.coldstart import FAKE_SESSION, chat_event
from bench.servers import s3_server

BUCKET = "twin-bench-warm"
# What visitors ask, in a loop; the offline model's answers quote the persona's notes.
QUESTIONS = [
    "What do you work on at the moment?", "Which technologies are you strongest in?",
    "What was your biggest project?", "Are you open to new roles?", "Where are you based?",
    "What did you study?", "How many years of experience do you have?",
    "Tell me about your time at Brightlane Payments.", "Do you mentor other engineers?",
    "What do you do outside work?",
]
CHARS_PER_TOKEN = 4  # a rough rule for English text; the model's own tokenizer differs


class TimedModel:
    """Wraps the app's model and adds up the time spent inside it, to subtract from each turn.

    It stands in for the deployed model, which reads the reference passages: each turn finds
    them, as on Lambda with Bedrock, whatever model it wraps."""

    reads_reference = True

    def __init__(self, model: Any) -> None:
        self.model, self.name, self.spent, self.calls = model, model.name, 0.0, []

    def reply(self, system: str, messages: list[dict[str, str]], tools: Any = None) -> Reply:
        started = time.perf_counter()
        try:
            return self.model.reply(system, messages, tools)
        finally:
            self.spent += time.perf_counter() - started
            self.calls.append((system, messages, tools))


def timed_app(config: Config, **clients: Any) -> tuple[Flask, TimedModel]:
    """The app as create_app builds it, answering with its model wrapped in a TimedModel."""
    model = TimedModel(build_model(config, load_persona(config.persona_path)))
    return create_app(config, model=model, **clients), model


@contextmanager
def request_log_to_devnull() -> Iterator[None]:
    """Format the request log as on Lambda, but write it nowhere, for the block's duration."""
    configure_logging()  # as the app sets it up, so what is restored afterwards is the same
    log = logging.getLogger("twin")
    saved = log.handlers[:]
    with open(os.devnull, "w") as sink:
        handler = logging.StreamHandler(sink)
        handler.setFormatter(JsonFormatter())
        log.handlers[:] = [handler]
        try:
            yield
        finally:
            log.handlers[:] = saved


@contextmanager
def timed_fsync() -> Iterator[list[float]]:
    """Add up the time spent in os.fsync (the file store's wait for the disk), per call."""
    spent: list[float] = []
    real = os.fsync

    def fsync(fd: int) -> None:
        started = time.perf_counter()
        try:
            real(fd)
        finally:
            spent.append(time.perf_counter() - started)

    os.fsync = fsync
    try:
        yield spent
    finally:
        os.fsync = real


def overhead_ms(app: Flask, model: TimedModel, conversations: int, turns: int) -> dict:
    """Per turn: the time to answer through aws-wsgi less the time inside the model, and of
    that, the time the file store waited for the disk (fsync)."""
    context = SimpleNamespace(aws_request_id="bench")
    sessions = [str(uuid.uuid4()) for _ in range(conversations)]
    overhead, disk = [], []
    with timed_fsync() as fsyncs:
        for turn in range(turns):
            for session in sessions:
                event = chat_event(QUESTIONS[turn % len(QUESTIONS)], session)
                model.spent, fsyncs[:] = 0.0, []
                started = time.perf_counter()
                response = awsgi.response(app, event, context)
                elapsed = time.perf_counter() - started
                if int(response["statusCode"]) != 200:
                    raise RuntimeError(f"warm turn failed: {response['body']}")
                overhead.append((elapsed - model.spent) * 1000)
                disk.append(sum(fsyncs) * 1000)
    # The first turn of each conversation warms the caches.
    return {"overhead": overhead[conversations:], "fsync": disk[conversations:]}


@contextmanager
def warm_apps(scratch: Path) -> Iterator[dict[str, tuple[Flask, TimedModel]]]:
    """The offline app on the file store, and on moto's S3 server over loopback."""
    import boto3

    with s3_server() as url:
        s3 = boto3.Session(**FAKE_SESSION).client("s3", endpoint_url=url)
        s3.create_bucket(Bucket=BUCKET)
        yield {
            "file": timed_app(Config(memory_dir=scratch / "memory")),
            "s3": timed_app(Config(memory_bucket=BUCKET), s3_client=s3),
        }


def warm_overhead(conversations: int = 10, turns: int = 21) -> dict[str, dict]:
    """Per-turn overhead and fsync samples for each store."""
    with tempfile.TemporaryDirectory(prefix="twin-warm-") as scratch, \
            request_log_to_devnull(), warm_apps(Path(scratch)) as apps:
        return {kind: overhead_ms(app, model, conversations, turns)
                for kind, (app, model) in apps.items()}


def prompt_sizes(at_turns: tuple[int, ...] = (1, 10, 50), persona_path: Path | None = None,
                 answer: Any = None) -> dict[str, dict[str, int]]:
    """What the model is sent at given turns of one conversation: characters, estimated tokens.

    `answer`, a model, replaces the offline one (to compare two personas with the same replies).
    """
    with tempfile.TemporaryDirectory(prefix="twin-prompt-") as scratch, request_log_to_devnull():
        config = Config(memory_dir=Path(scratch), max_turns=max(at_turns))
        if persona_path is not None:
            config = replace(config, persona_path=persona_path)
        if answer is None:
            app, model = timed_app(config)
        else:
            model = TimedModel(answer)
            app = create_app(config, model=model)
        client, session = app.test_client(), str(uuid.uuid4())
        for turn in range(max(at_turns)):
            body = {"message": QUESTIONS[turn % len(QUESTIONS)], "session_id": session}
            response = client.post("/api/chat", data=json.dumps(body),
                                   content_type="application/json")
            if response.status_code != 200:
                raise RuntimeError(f"turn {turn + 1} failed: {response.get_json()}")
    sizes = {}
    for turn in at_turns:
        system, messages, tools = model.calls[turn - 1]
        # The system prompt, the window of history (with the reference passages of the last
        # message) and the tool definitions all go to the model.
        tool_chars = len(json.dumps(tool_config(tools.specs))) if tools is not None else 0
        characters = len(system) + tool_chars + sum(
            len(m["content"]) + len(m.get("reference", "")) for m in messages)
        sizes[f"turn_{turn}"] = {"characters": characters, "messages": len(messages),
                                 "system_characters": len(system), "tool_characters": tool_chars,
                                 "estimated_tokens": math.ceil(characters / CHARS_PER_TOKEN)}
    return sizes
