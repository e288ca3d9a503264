"""The app factory: `create_app` builds the Flask app and everything it serves with."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from flask import Flask

from .chat import ChatService
from .config import Config
from .errors import register_error_handlers
from .hooks import register_request_hooks
from .inbox import Inbox
from .logs import configure_logging
from .memory import ConversationStore
from .models import Model
from .notify import Notifier
from .origin import register_origin_check
from .persona import Persona, load_persona
from .routes import bp
from .services import EXTENSION, Services, services

__all__ = ["build_model", "create_app", "services"]


def build_model(config: Config, persona: Persona, bedrock_client: Any = None) -> Model:
    """The offline responder, or Bedrock when TWIN_MODEL_ID names a model."""
    if config.offline:
        from .models.offline import OfflineModel

        return OfflineModel(persona)
    from .models.bedrock import CLIENT_CONFIG, BedrockModel

    if bedrock_client is None:
        import boto3

        bedrock_client = boto3.client(
            "bedrock-runtime", region_name=config.bedrock_region, config=CLIENT_CONFIG
        )
    return BedrockModel(bedrock_client, config.model_id, config.max_tokens)


def build_conversation_store(config: Config, s3_client: Any) -> ConversationStore:
    """S3 (through `s3_client`) when TWIN_MEMORY_BUCKET is set, else files in TWIN_MEMORY_DIR."""
    if config.memory_bucket:
        from .memory.s3 import S3ConversationStore

        return S3ConversationStore(s3_client, config.memory_bucket)
    from .memory.files import FileConversationStore

    return FileConversationStore(config.memory_dir)


def build_inbox(config: Config, s3_client: Any) -> Inbox:
    """The inbox beside the conversations: the same bucket (same client), or the same folder."""
    if config.memory_bucket:
        from .inbox.s3 import S3Inbox

        return S3Inbox(s3_client, config.memory_bucket)
    from .inbox.files import FileInbox

    return FileInbox(config.memory_dir)


def _s3_client() -> Any:
    import boto3

    from .memory.s3 import CLIENT_CONFIG

    return boto3.client("s3", config=CLIENT_CONFIG)


# A notice must never hold a visitor's request: short timeouts, one retry.
SNS_TIMEOUTS = {"connect_timeout": 2, "read_timeout": 3,
                "retries": {"mode": "standard", "total_max_attempts": 2}}


def build_notifier(config: Config, inbox: Inbox, sns_client: Any = None,
                   persona: str = "") -> Notifier:
    """Owner notices through SNS when TWIN_NOTIFY_TOPIC_ARN is set, else to the log."""

    def connect_sns() -> Any:
        if sns_client is not None:
            return sns_client
        import boto3
        from botocore.config import Config as BotoConfig

        assert config.notify_topic_arn
        # The topic's own region, which the ARN names, may differ from the function's.
        return boto3.client("sns", region_name=config.notify_topic_arn.split(":")[3],
                            config=BotoConfig(**SNS_TIMEOUTS))

    where = f"--bucket {config.memory_bucket}" if config.memory_bucket else (
        f"--dir {config.memory_dir}")
    return Notifier(inbox, topic_arn=config.notify_topic_arn, connect_sns=connect_sns,
                    where=where, daily_cap=config.inbox_daily_cap, persona=persona)


def create_app(
    config: Config | None = None,
    *,
    model: Model | None = None,
    store: ConversationStore | None = None,
    inbox: Inbox | None = None,
    today: Callable[[], date] | None = None,
    bedrock_client: Any = None,
    s3_client: Any = None,
    sns_client: Any = None,
) -> Flask:
    """Build the app from `config` (default: the environment).

    Tests and the bench pass their own parts instead of the ones built here: a `model` to answer
    with, a conversation `store` or an `inbox`, the clock that dates the prompt (`today`), or AWS
    clients (stubbed or pointed at moto).
    """
    config = config or Config.from_env()
    configure_logging()
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = config.max_body_bytes
    app.json.sort_keys = False  # keep the documented field order
    persona = load_persona(config.persona_path)
    if config.memory_bucket and s3_client is None and (store is None or inbox is None):
        s3_client = _s3_client()  # one client, one connection pool, for conversations and inbox
    if inbox is None:
        inbox = build_inbox(config, s3_client)
    notifier = build_notifier(config, inbox, sns_client, persona.full_name)
    chat = ChatService(
        persona,
        model if model is not None else build_model(config, persona, bedrock_client),
        store if store is not None else build_conversation_store(config, s3_client),
        notifier,
        history_messages=config.history_messages,
        max_turns=config.max_turns,
        today=today,
    )
    app.extensions[EXTENSION] = Services(config, chat)
    register_request_hooks(app)
    if config.origin_secret:
        # After the request hooks, so a refusal is answered and logged like any error.
        register_origin_check(app, config.origin_secret)
    register_error_handlers(app)
    app.register_blueprint(bp)
    return app
