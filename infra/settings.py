"""The stack's configuration, read once into a typed, validated Settings object."""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pulumi

# The app's built-in responder: no Bedrock access needed (and none granted).
from api.config import OFFLINE_MODEL
from api.csp import parse_embed_origins
from infra.guardrails import KNOBS, GuardrailError, Guardrails, parse_guardrails

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
# Deliberately loose: SNS checks the address by sending the confirmation email.
EMAIL = re.compile(r"^[^@\s]{1,64}@[A-Za-z0-9.-]{1,252}\.[A-Za-z]{2,63}$")
MODEL_ID = re.compile(r"^[a-z0-9-]+(\.[a-z0-9-]+)+(:[a-z0-9]+)?$")
DEFAULT_MODEL = "us.amazon.nova-micro-v1:0"


class SettingsError(pulumi.RunError):
    """A config value is missing or invalid; the message names the key and how to fix it."""


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
    guardrails: Guardrails = field(default_factory=Guardrails)
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


def _fail(key: str, problem: str, example: str) -> SettingsError:
    return SettingsError(
        f"twin:{key} {problem}. Set it with: pulumi config set twin:{key} {example}"
    )


def _int(values: Mapping[str, str], key: str, low: int, high: int) -> int:
    raw = values.get(key, "").strip()
    if not raw:
        raise _fail(key, "is not set", str(low))
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise _fail(key, f"must be a whole number from {low} to {high}, got {raw!r}", str(low))
    return int(raw)


def _text(values: Mapping[str, str], key: str, pattern: re.Pattern[str], example: str) -> str:
    raw = values.get(key, "").strip()
    if not raw:
        raise _fail(key, "is not set", example)
    if not pattern.match(raw):
        raise _fail(key, f"is not valid: {raw!r}", example)
    return raw


def check_model_region(model_id: str, region: str) -> None:
    """Fail when the id is malformed or its inference profile does not serve the region."""
    if model_id == OFFLINE_MODEL:
        return
    if not MODEL_ID.match(model_id):
        raise _fail("modelId", f"is not a Bedrock model id: {model_id!r}", DEFAULT_MODEL)
    geography = model_id.split(".", 1)[0]
    if geography in PROFILE_REGIONS and not region.startswith(PROFILE_REGIONS[geography]):
        raise _fail(
            "modelId",
            f"uses the '{geography}.' inference profile, which does not serve {region}",
            model_id.replace(f"{geography}.", "global.", 1),
        )


def _embed_origins(raw: str) -> tuple[str, ...]:
    """twin:embedOrigins, a list of https origins: the sites that may frame the page."""
    if not raw.strip():
        return ()

    def fail(problem: str) -> SettingsError:
        return SettingsError(
            f"twin:embedOrigins {problem}. Set it with: "
            "pulumi config set --path 'twin:embedOrigins[0]' https://www.example.com"
        )

    try:
        entries = json.loads(raw)
    except ValueError:
        entries = None
    if not isinstance(entries, list) or not all(isinstance(e, str) for e in entries):
        raise fail(f"must be a list of origins, got {raw!r}")
    try:
        origins = parse_embed_origins(entries)
    except ValueError as error:
        raise fail(str(error)) from None
    for origin in origins:
        if not origin.startswith("https://"):
            raise fail(f"entries must use https, got {origin!r}")
    return origins


def parse_settings(values: Mapping[str, str], stack: str, region: str) -> Settings:
    """Check raw config strings (keys without the `twin:` prefix) and build Settings."""
    if not REGION.match(region or ""):
        raise SettingsError(
            f"aws:region is not set or not valid ({region!r}). "
            "Set it with: pulumi config set aws:region us-east-1"
        )
    model_id = values.get("modelId", "").strip() or DEFAULT_MODEL
    check_model_region(model_id, region)
    protect = values.get("protectData", "false").strip().lower()
    if protect not in ("true", "false"):
        raise _fail("protectData", f"must be true or false, got {protect!r}", "true")
    retention = _int(values, "logRetentionDays", 1, 3653)
    if retention not in LOG_RETENTION_DAYS:
        raise _fail("logRetentionDays", f"must be one of {LOG_RETENTION_DAYS}", "14")
    runtime = values.get("lambdaRuntime", "").strip() or "python3.13"
    if not re.match(r"^python3\.1[2-9]$", runtime):
        raise _fail("lambdaRuntime", f"must be python3.12 or newer, got {runtime!r}", "python3.13")
    price_class = values.get("priceClass", "").strip() or "PriceClass_100"
    if price_class not in PRICE_CLASSES:
        raise _fail("priceClass", f"must be one of {PRICE_CLASSES}", "PriceClass_100")
    persona_dir = PROJECT_DIR / (values.get("personaDir", "").strip() or "personas/example")
    if not (persona_dir / "facts.json").is_file():
        raise _fail("personaDir", f"has no facts.json in {persona_dir}", "personas/example")
    domain = values.get("domain", "").strip().lower().rstrip(".") or None
    zone = values.get("hostedZone", "").strip().lower().rstrip(".") or None
    if domain and not HOSTNAME.match(domain):
        raise _fail("domain", f"is not a host name: {domain!r}", "twin.example.com")
    if domain and not (zone and (domain == zone or domain.endswith("." + zone))):
        raise _fail("hostedZone", f"must be the Route 53 zone that holds {domain}", "example.com")
    origins = tuple(o.strip() for o in values.get("allowedOrigins", "").split(",") if o.strip())
    for origin in origins:
        if not re.match(r"^https://[a-z0-9.-]+(:\d+)?$", origin):
            raise _fail("allowedOrigins", f"entries must look like https://example.com, got "
                        f"{origin!r}", "https://www.example.com")
    embed_origins = _embed_origins(values.get("embedOrigins", ""))
    state_bucket = values.get("stateBucket", "").strip() or None
    if state_bucket and not re.match(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", state_bucket):
        raise _fail("stateBucket", f"is not an S3 bucket name: {state_bucket!r}", "my-state")
    secrets_key = values.get("secretsKeyArn", "").strip() or None
    if secrets_key and not KMS_KEY_ARN.match(secrets_key):
        raise _fail("secretsKeyArn", f"is not a KMS key ARN: {secrets_key!r}",
                    "arn:aws:kms:us-east-1:123456789012:key/<key-id>")
    alarm_email = values.get("alarmEmail", "").strip() or None
    if alarm_email and not (len(alarm_email) <= 254 and EMAIL.match(alarm_email)):
        raise _fail("alarmEmail", f"is not an email address: {alarm_email!r}",
                    "you@example.com")
    try:
        guardrails = parse_guardrails(values)
    except GuardrailError as error:
        raise _fail(error.key, error.problem, error.example) from None
    if guardrails.monthly_budget_usd and not alarm_email:
        raise _fail("alarmEmail", "is needed with twin:monthlyBudgetUsd: it is where budget "
                    "alerts go", "you@example.com")
    return Settings(
        stack=stack,
        region=region,
        model_id=model_id,
        throttle_burst=_int(values, "throttleBurst", 1, 5000),
        throttle_rate=float(_int(values, "throttleRate", 1, 10000)),
        github_repo=_text(values, "githubRepo", GITHUB_REPO, "owner/name"),
        oidc_provider_arn=_text(values, "oidcProviderArn", OIDC_ARN,
                                "arn:aws:iam::<account>:oidc-provider/"
                                "token.actions.githubusercontent.com"),
        memory_retention_days=_int(values, "memoryRetentionDays", 1, 3650),
        protect_data=protect == "true",
        log_retention_days=retention,
        persona_dir=persona_dir,
        lambda_memory_mb=_int(values, "lambdaMemoryMb", 128, 10240),
        # API Gateway gives up on an integration after 30 seconds.
        lambda_timeout_seconds=_int(values, "lambdaTimeoutSeconds", 3, 30),
        lambda_runtime=runtime,
        price_class=price_class,
        domain=domain,
        hosted_zone=zone,
        allowed_origins=origins,
        embed_origins=embed_origins,
        state_bucket=state_bucket,
        secrets_key_arn=secrets_key,
        alarm_email=alarm_email,
        guardrails=guardrails,
    )


KEYS = ("modelId", "throttleBurst", "throttleRate", "githubRepo", "oidcProviderArn",
        "memoryRetentionDays", "protectData", "logRetentionDays", "domain", "hostedZone",
        "personaDir", "lambdaMemoryMb", "lambdaTimeoutSeconds", "lambdaRuntime", "priceClass",
        "allowedOrigins", "embedOrigins", "stateBucket", "secretsKeyArn", "alarmEmail", *KNOBS)
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
