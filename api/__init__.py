"""Twin's chat API: a Flask app that answers visitors as a person's AI twin."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from flask import Flask, Response, g, request

from .chat import ChatService
from .config import Config
from .errors import register_error_handlers
from .inbox import Inbox
from .logs import configure_logging, register_request_log
from .memory import ConversationStore
from .models import Model
from .notify import Notifier
from .origin import register_origin_check
from .personas import Persona, load_persona


@dataclass(frozen=True)
class Services:
    """What the routes use, built once per process."""

    config: Config
    persona: Persona
    model: Model
    store: ConversationStore
    chat: ChatService
    inbox: Inbox
    notifier: Notifier


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


def build_store(config: Config, s3_client: Any = None) -> tuple[ConversationStore, Inbox]:
    """S3 when TWIN_MEMORY_BUCKET is set, else JSON files under TWIN_MEMORY_DIR."""
    if config.memory_bucket:
        from .inbox.s3 import S3Inbox
        from .memory.s3 import CLIENT_CONFIG, S3ConversationStore

        if s3_client is None:
            import boto3

            s3_client = boto3.client("s3", config=CLIENT_CONFIG)
        return (S3ConversationStore(s3_client, config.memory_bucket),
                S3Inbox(s3_client, config.memory_bucket))
    from .inbox.files import FileInbox
    from .memory.files import FileConversationStore

    return FileConversationStore(config.memory_dir), FileInbox(config.memory_dir)


# A notice must never hold a visitor's request: short timeouts, one retry.
SNS_TIMEOUTS = {"connect_timeout": 2, "read_timeout": 3,
                "retries": {"mode": "standard", "total_max_attempts": 2}}


def build_notifier(config: Config, inbox: Inbox, sns_client: Any = None) -> Notifier:
    """Owner notices through SNS when TWIN_NOTIFY_TOPIC_ARN is set, else to the log."""

    def make_client() -> Any:
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
    return Notifier(inbox, topic_arn=config.notify_topic_arn, sns_client=make_client, where=where)


def _register_headers(app: Flask, config: Config) -> None:
    @app.before_request
    def _request_id() -> None:
        context = request.environ.get("awsgi.context")
        g.request_id = getattr(context, "aws_request_id", None) or uuid.uuid4().hex

    @app.after_request
    def _headers(response: Response) -> Response:
        response.headers["X-Request-Id"] = g.get("request_id") or ""
        if request.path.startswith("/api/") or response.mimetype == "application/json":
            response.headers["Cache-Control"] = "no-store"
            response.headers["X-Content-Type-Options"] = "nosniff"
        origin = request.headers.get("Origin")
        if origin and origin in config.allowed_origins:
            response.headers["Access-Control-Allow-Origin"] = origin
            response.headers["Access-Control-Allow-Methods"] = "GET, POST, DELETE, OPTIONS"
            response.headers["Access-Control-Allow-Headers"] = "Content-Type"
            response.headers["Access-Control-Max-Age"] = "600"
            response.vary.add("Origin")
        return response


def create_app(
    config: Config | None = None,
    *,
    bedrock_client: Any = None,
    s3_client: Any = None,
    sns_client: Any = None,
) -> Flask:
    """Build the app; AWS clients may be passed in (stubbed in tests), else made once here."""
    config = config or Config.from_env()
    configure_logging()
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = config.max_body_bytes
    app.json.sort_keys = False  # keep the documented field order
    persona = load_persona(config.persona_path)
    model = build_model(config, persona, bedrock_client)
    store, inbox = build_store(config, s3_client)
    notifier = build_notifier(config, inbox, sns_client)
    chat = ChatService(
        persona,
        model,
        store,
        inbox,
        notifier,
        history_messages=config.history_messages,
        max_turns=config.max_turns,
    )
    app.extensions["twin"] = Services(config, persona, model, store, chat, inbox, notifier)
    _register_headers(app, config)
    register_request_log(app)
    if config.origin_secret:
        # After the request id and the timer, so a refusal is answered and logged like any error.
        register_origin_check(app, config.origin_secret)
    register_error_handlers(app)
    from .routes import bp

    app.register_blueprint(bp)
    return app
