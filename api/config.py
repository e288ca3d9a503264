"""Settings read once from the TWIN_* environment into a frozen object."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .csp import parse_embed_origins

OFFLINE_MODEL = "offline"
# The example persona, beside the code; on Lambda TWIN_PERSONA names the compiled one.
DEFAULT_PERSONA = Path(__file__).resolve().parent.parent / "personas" / "example"
MAX_BODY_BYTES = 64 * 1024
# Inbox entries kept per kind (contacts, questions) and UTC day; past it, visitors are told to
# come back tomorrow and the owner gets one notice. Bounds what a bot can store.
INBOX_DAILY_CAP = 200
SNS_TOPIC_ARN = re.compile(r"^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$")


class ConfigError(ValueError):
    """A TWIN_* variable is missing or malformed; raised at start-up, never inside a request."""


def _int(env: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, got {raw!r}") from None
    if not low <= value <= high:
        raise ConfigError(f"{name} must be between {low} and {high}, got {value}")
    return value


@dataclass(frozen=True)
class Config:
    """Everything the app needs to know about its environment."""

    model_id: str = OFFLINE_MODEL
    bedrock_region: str | None = None
    memory_bucket: str | None = None
    memory_dir: Path = Path(".twin/memory")
    persona_path: Path = DEFAULT_PERSONA
    max_message_chars: int = 2000
    history_messages: int = 20
    max_turns: int = 50
    max_tokens: int = 1000
    embed_origins: tuple[str, ...] = field(default_factory=tuple)
    max_body_bytes: int = MAX_BODY_BYTES
    retention_days: int = 7
    notify_topic_arn: str | None = None
    inbox_daily_cap: int = INBOX_DAILY_CAP
    # Set on AWS: CloudFront sends it, so a request without it did not come through CloudFront.
    origin_secret: str | None = field(default=None, repr=False)

    @property
    def offline(self) -> bool:
        return self.model_id == OFFLINE_MODEL

    @property
    def memory_kind(self) -> str:
        return "s3" if self.memory_bucket else "file"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Config:
        """Read the TWIN_* variables (docs/architecture.md, "Settings"); a bad one is named."""
        env = os.environ if environ is None else environ
        topic = env.get("TWIN_NOTIFY_TOPIC_ARN", "").strip() or None
        if topic and not SNS_TOPIC_ARN.match(topic):
            raise ConfigError(f"TWIN_NOTIFY_TOPIC_ARN must be an SNS topic ARN, got {topic!r}")
        try:
            embed_origins = parse_embed_origins(env.get("TWIN_EMBED_ORIGINS", "").split(","))
        except ValueError as error:
            raise ConfigError(f"TWIN_EMBED_ORIGINS {error}") from None
        region = env.get("TWIN_BEDROCK_REGION") or env.get("AWS_REGION") or None
        return cls(
            model_id=env.get("TWIN_MODEL_ID", "").strip() or OFFLINE_MODEL,
            bedrock_region=region,
            memory_bucket=env.get("TWIN_MEMORY_BUCKET", "").strip() or None,
            memory_dir=Path(env.get("TWIN_MEMORY_DIR", "").strip() or ".twin/memory"),
            persona_path=Path(env.get("TWIN_PERSONA", "").strip() or DEFAULT_PERSONA),
            max_message_chars=_int(env, "TWIN_MAX_MESSAGE_CHARS", 2000, 1, 20000),
            history_messages=_int(env, "TWIN_HISTORY_MESSAGES", 20, 2, 200),
            max_turns=_int(env, "TWIN_MAX_TURNS", 50, 1, 1000),
            max_tokens=_int(env, "TWIN_MAX_TOKENS", 1000, 16, 10000),
            retention_days=_int(env, "TWIN_RETENTION_DAYS", 7, 1, 3650),
            notify_topic_arn=topic,
            inbox_daily_cap=_int(env, "TWIN_INBOX_DAILY_CAP", INBOX_DAILY_CAP, 1, 100_000),
            embed_origins=embed_origins,
            origin_secret=env.get("TWIN_ORIGIN_SECRET", "").strip() or None,
        )
