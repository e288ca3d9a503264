"""The stack's configuration, read once into a typed, validated Settings object."""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pulumi

# The app's built-in responder: no Bedrock access needed (and none granted).
from api.config import INBOX_DAILY_CAP, OFFLINE_MODEL
from api.csp import parse_embed_origins
from api.text import EMAIL  # the app's own check; SNS confirms the address by writing to it
from infra.config_rows import Setting, SettingsError, boolean, fail, matches, one_of, whole
from infra.guardrails import WAF_LIMITS, Guardrails

PROJECT_DIR = Path(__file__).resolve().parent.parent

# CloudWatch Logs accepts only these retention periods.
LOG_RETENTION_DAYS = (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827,
                      2192, 2557, 2922, 3288, 3653)
# Cross-region inference profile prefixes and the region prefixes each one serves.
PROFILE_REGIONS = {"us": ("us-",), "eu": ("eu-",), "apac": ("ap-",), "global": ("",)}
PRICE_CLASSES = ("PriceClass_100", "PriceClass_200", "PriceClass_All")
HOSTNAME = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
GITHUB_REPO = re.compile(r"^[A-Za-z0-9-]{1,39}/[A-Za-z0-9._-]{1,100}$")
OIDC_ARN = re.compile(
    r"^arn:aws[a-z-]*:iam::\d{12}:oidc-provider/token\.actions\.githubusercontent\.com$"
)
KMS_KEY_ARN = re.compile(r"^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key/[0-9a-f-]{36}$")
REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d$")
MODEL_ID = re.compile(r"^[a-z0-9-]+(\.[a-z0-9-]+)+(:[a-z0-9]+)?$")
RUNTIME = re.compile(r"^python3\.1[2-9]$")
S3_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
ORIGIN = re.compile(r"^https://[a-z0-9.-]+(:\d+)?$")
DEFAULT_MODEL = "us.amazon.nova-micro-v1:0"


@dataclass(frozen=True)
class Settings:
    """Everything the program needs from `Pulumi.<stack>.yaml`, checked."""

    stack: str
    region: str
    model_id: str
    throttle_burst: int
    throttle_rate: float
    github_repo: str
    oidc_provider_arn: str
    memory_retention_days: int
    protect_data: bool
    log_retention_days: int
    persona_dir: Path
    lambda_memory_mb: int
    lambda_timeout_seconds: int
    lambda_runtime: str
    price_class: str
    domain: str | None = None
    hosted_zone: str | None = None
    allowed_origins: tuple[str, ...] = ()
    embed_origins: tuple[str, ...] = ()
    state_bucket: str | None = None
    secrets_key_arn: str | None = None
    alarm_email: str | None = None
    inbox_daily_cap: int = INBOX_DAILY_CAP
    guardrails: Guardrails = dataclasses.field(default_factory=Guardrails)
    # twin:originSecret, a Pulumi secret; when empty the program's generated one is used.
    origin_secret: pulumi.Output[str] | None = None

    @property
    def prefix(self) -> str:
        """The name every resource starts with, which the deploy role's permissions rely on."""
        return "twin-" + re.sub(r"[^a-z0-9-]", "-", self.stack.lower())

    @property
    def tags(self) -> dict[str, str]:
        return {"Project": "twin", "Stack": self.stack, "ManagedBy": "pulumi"}

    @property
    def python_version(self) -> str:
        return self.lambda_runtime.removeprefix("python")


def _dns_name(raw: str) -> str | None:
    # A trailing dot is DNS's fully qualified form, not part of the name.
    return raw.lower().rstrip(".") or None


def _host_name(raw: str) -> str | None:
    name = _dns_name(raw)
    return name and matches(HOSTNAME, "is not a host name: {!r}")(name)


def _waf_limit(raw: str) -> int:
    limit = whole(0, WAF_LIMITS[1])(raw)
    if 0 < limit < WAF_LIMITS[0]:
        raise ValueError(f"must be 0 (no WAF) or at least {WAF_LIMITS[0]}, got {limit}")
    return limit


def _allowed_origins(raw: str) -> tuple[str, ...]:
    origins = tuple(o.strip() for o in raw.split(",") if o.strip())
    for origin in origins:
        matches(ORIGIN, "entries must look like https://example.com, got {!r}")(origin)
    return origins


def _embed_origins(raw: str) -> tuple[str, ...]:
    """twin:embedOrigins, a list of https origins: the sites that may frame the page."""
    try:
        entries = json.loads(raw)
    except ValueError:
        entries = None
    if not isinstance(entries, list) or not all(isinstance(e, str) for e in entries):
        raise ValueError(f"must be a list of origins, got {raw!r}")
    origins = parse_embed_origins(entries)
    for origin in origins:
        if not origin.startswith("https://"):
            raise ValueError(f"entries must use https, got {origin!r}")
    return origins


# Every `twin:` key but originSecret, in Pulumi.yaml's order: key, the Settings (or Guardrails)
# field it fills, parser, example for its errors, default (none: required). Rules between keys
# follow in parse_settings.
TABLE = (
    Setting("modelId", "model_id", str, DEFAULT_MODEL, default=DEFAULT_MODEL),
    Setting("throttleBurst", "throttle_burst", whole(1, 5000), "1"),
    Setting("throttleRate", "throttle_rate", lambda raw: float(whole(1, 10000)(raw)), "1"),
    Setting("githubRepo", "github_repo", matches(GITHUB_REPO), "owner/name"),
    Setting("oidcProviderArn", "oidc_provider_arn", matches(OIDC_ARN),
            "arn:aws:iam::<account>:oidc-provider/token.actions.githubusercontent.com"),
    Setting("memoryRetentionDays", "memory_retention_days", whole(1, 3650), "1"),
    Setting("protectData", "protect_data", boolean, "true", default=False),
    Setting("logRetentionDays", "log_retention_days",
            one_of(LOG_RETENTION_DAYS, whole(1, 3653)), "14"),
    Setting("domain", "domain", _host_name, "twin.example.com", default=None),
    Setting("hostedZone", "hosted_zone", _dns_name, "example.com", default=None),
    Setting("personaDir", "persona_dir", PROJECT_DIR.joinpath, "personas/example",
            default=PROJECT_DIR / "personas/example"),
    Setting("lambdaMemoryMb", "lambda_memory_mb", whole(128, 10240), "128"),
    # API Gateway gives up on an integration after 30 seconds.
    Setting("lambdaTimeoutSeconds", "lambda_timeout_seconds", whole(3, 30), "3"),
    Setting("lambdaRuntime", "lambda_runtime",
            matches(RUNTIME, "must be python3.12 or newer, got {!r}"), "python3.13",
            default="python3.13"),
    Setting("priceClass", "price_class", one_of(PRICE_CLASSES), "PriceClass_100",
            default="PriceClass_100"),
    Setting("allowedOrigins", "allowed_origins", _allowed_origins, "https://www.example.com",
            default=()),
    Setting("embedOrigins", "embed_origins", _embed_origins, "https://www.example.com",
            default=(), path="[0]"),
    Setting("stateBucket", "state_bucket", matches(S3_BUCKET, "is not an S3 bucket name: {!r}"),
            "my-state", default=None),
    Setting("secretsKeyArn", "secrets_key_arn", matches(KMS_KEY_ARN, "is not a KMS key ARN: {!r}"),
            "arn:aws:kms:us-east-1:123456789012:key/<key-id>", default=None),
    Setting("alarmEmail", "alarm_email", matches(EMAIL, "is not an email address: {!r}"),
            "you@example.com", default=None),
    Setting("inboxDailyCap", "inbox_daily_cap", whole(1, 100_000), "200",
            default=INBOX_DAILY_CAP),
    # Guardrails' knobs: a test holds these defaults to Guardrails' own.
    Setting("wafRateLimit", "waf_rate_limit", _waf_limit, "1000", default=0),
    Setting("monthlyBudgetUsd", "monthly_budget_usd", whole(0, 1_000_000), "1", default=0),
    Setting("snapStart", "snap_start", boolean, "true", default=False),
    Setting("alarmLatencyMs", "alarm_latency_ms", whole(100, 30_000), "10000", default=10_000),
    Setting("alarmClientErrors", "alarm_client_errors", whole(1, 1_000_000), "100", default=100),
    Setting("alarmServerErrors", "alarm_server_errors", whole(1, 1_000_000), "5", default=5),
    Setting("alarmModelErrors", "alarm_model_errors", whole(1, 1_000_000), "3", default=3),
)
KEYS = tuple(row.key for row in TABLE)


def check_model_region(model_id: str, region: str) -> None:
    """Fail when the id is malformed or its inference profile does not serve the region."""
    if model_id == OFFLINE_MODEL:
        return
    if not MODEL_ID.match(model_id):
        raise fail("modelId", f"is not a Bedrock model id: {model_id!r}", DEFAULT_MODEL)
    geography = model_id.split(".", 1)[0]
    if geography in PROFILE_REGIONS and not region.startswith(PROFILE_REGIONS[geography]):
        raise fail(
            "modelId",
            f"uses the '{geography}.' inference profile, which does not serve {region}",
            model_id.replace(f"{geography}.", "global.", 1),
        )


def parse_settings(values: Mapping[str, str], stack: str, region: str) -> Settings:
    """Check raw config strings (keys without the `twin:` prefix) and build Settings."""
    if not REGION.match(region or ""):
        raise SettingsError(
            f"aws:region is not set or not valid ({region!r}). "
            "Set it with: pulumi config set aws:region us-east-1"
        )
    chosen = {row.field: row.read(values) for row in TABLE}
    guardrails = Guardrails(**{f.name: chosen.pop(f.name) for f in dataclasses.fields(Guardrails)})
    settings = Settings(stack=stack, region=region, guardrails=guardrails, **chosen)
    check_model_region(settings.model_id, region)
    if not (settings.persona_dir / "facts.json").is_file():
        raise fail("personaDir", f"has no facts.json in {settings.persona_dir}",
                   "personas/example")
    domain, zone = settings.domain, settings.hosted_zone
    if domain and not (zone and (domain == zone or domain.endswith("." + zone))):
        raise fail("hostedZone", f"must be the Route 53 zone that holds {domain}", "example.com")
    if settings.guardrails.monthly_budget_usd and not settings.alarm_email:
        raise fail("alarmEmail", "is needed with twin:monthlyBudgetUsd: it is where budget "
                   "alerts go", "you@example.com")
    return settings


# Read with get_secret, so the value stays encrypted in the state and out of the logs.
SECRET_KEYS = ("originSecret",)


def read_settings() -> Settings:
    """Read the current stack's `twin:*` and `aws:region` config (Pulumi.yaml fills defaults)."""
    config = pulumi.Config("twin")
    values = {key: value for key in KEYS if (value := config.get(key)) is not None}
    region = pulumi.Config("aws").get("region") or ""
    settings = parse_settings(values, pulumi.get_stack(), region)
    # A secret's value is known only as an Output: empty (the default) means "use a generated one".
    return dataclasses.replace(settings, origin_secret=config.get_secret("originSecret"))
