"""The config reader: defaults, stack values and the errors a user sees for bad values."""

from __future__ import annotations

import json
import re

import pytest
import yaml

from infra.config_rows import REQUIRED
from infra.guardrails import Guardrails
from infra.settings import KEYS, PROJECT_DIR, SECRET_KEYS, TABLE, SettingsError, parse_settings
from tests.support.infra.settings import GOOD


def test_good_values_become_typed_settings() -> None:
    settings = parse_settings(GOOD, "Dev_1", "us-west-2")
    assert settings.throttle_burst == 10 and settings.throttle_rate == 5.0
    assert settings.protect_data is False and settings.domain is None
    assert settings.prefix == "twin-dev-1"
    assert settings.tags == {"Project": "twin", "Stack": "Dev_1", "ManagedBy": "pulumi"}
    assert settings.python_version == "3.13"
    assert settings.model_id == "us.amazon.nova-micro-v1:0"
    assert settings.inbox_daily_cap == 200
    assert parse_settings({**GOOD, "inboxDailyCap": "40"}, "dev", "us-west-2").inbox_daily_cap == 40


@pytest.mark.parametrize(
    ("change", "region", "message"),
    [
        ({"modelId": "us.amazon.nova-micro-v1:0"}, "eu-west-1", "does not serve eu-west-1"),
        ({"modelId": "apac.amazon.nova-micro-v1:0"}, "us-east-1", "does not serve us-east-1"),
        ({"modelId": "Nova Micro"}, "us-east-1", "is not a Bedrock model id"),
        ({"throttleBurst": "-1"}, "us-east-1", "twin:throttleBurst must be a whole number"),
        ({"throttleRate": ""}, "us-east-1", "twin:throttleRate is not set"),
        ({"logRetentionDays": "13"}, "us-east-1", "twin:logRetentionDays must be one of"),
        ({"lambdaTimeoutSeconds": "60"}, "us-east-1", "from 3 to 30"),
        ({"protectData": "yes"}, "us-east-1", "twin:protectData must be true or false"),
        ({"githubRepo": "just-a-name"}, "us-east-1", "twin:githubRepo is not valid"),
        ({"oidcProviderArn": "arn:aws:iam::1:oidc-provider/x"}, "us-east-1",
         "twin:oidcProviderArn is not valid"),
        ({"domain": "twin.example.com"}, "us-east-1", "twin:hostedZone must be the Route 53"),
        ({"domain": "twin.example.com", "hostedZone": "other.org"}, "us-east-1",
         "twin:hostedZone must be the Route 53 zone that holds twin.example.com"),
        ({"allowedOrigins": "http://insecure.example.com"}, "us-east-1", "twin:allowedOrigins"),
        ({"embedOrigins": "https://www.example.com"}, "us-east-1",
         "twin:embedOrigins must be a list of origins"),
        ({"embedOrigins": "[1]"}, "us-east-1",
         "Set it with: pulumi config set --path 'twin:embedOrigins[0]' https://www.example.com"),
        ({"embedOrigins": '["http://www.example.com"]'}, "us-east-1",
         "twin:embedOrigins entries must use https"),
        ({"embedOrigins": '["https://www.example.com/blog"]'}, "us-east-1",
         "twin:embedOrigins entries must look like https://www.example.com"),
        ({"embedOrigins": '["https://a.example.com; script-src *"]'}, "us-east-1",
         "twin:embedOrigins entries must look like"),
        ({"personaDir": "no/such/folder"}, "us-east-1", "twin:personaDir has no facts.json"),
        ({"priceClass": "PriceClass_Cheap"}, "us-east-1", "twin:priceClass must be one of"),
        ({"secretsKeyArn": "alias/pulumi"}, "us-east-1", "twin:secretsKeyArn is not a KMS"),
        ({"alarmEmail": "owner@"}, "us-east-1", "twin:alarmEmail is not an email address"),
        ({"alarmEmail": "a b@example.com"}, "us-east-1", "twin:alarmEmail is not an email"),
        ({"wafRateLimit": "5"}, "us-east-1", "twin:wafRateLimit must be 0 (no WAF) or at least"),
        ({"wafRateLimit": "-1"}, "us-east-1", "twin:wafRateLimit must be a whole number"),
        ({"monthlyBudgetUsd": "12.5"}, "us-east-1", "twin:monthlyBudgetUsd must be a whole"),
        ({"snapStart": "on"}, "us-east-1", "twin:snapStart must be true or false"),
        ({"monthlyBudgetUsd": "10"}, "us-east-1",
         "twin:alarmEmail is needed with twin:monthlyBudgetUsd: it is where budget alerts go"),
        ({"alarmLatencyMs": "50000"}, "us-east-1", "twin:alarmLatencyMs must be a whole number"),
        ({"alarmModelErrors": "0"}, "us-east-1", "twin:alarmModelErrors must be a whole number"),
        ({"inboxDailyCap": "0"}, "us-east-1", "twin:inboxDailyCap must be a whole number"),
        ({}, "", "aws:region is not set"),
    ],
)
def test_bad_values_name_the_key(change: dict, region: str, message: str) -> None:
    with pytest.raises(SettingsError, match="pulumi config set") as error:
        parse_settings({**GOOD, **change}, "dev", region)
    assert message in str(error.value)


def test_embed_origins_are_a_list_of_https_origins() -> None:
    assert parse_settings(GOOD, "dev", "us-east-1").embed_origins == ()
    assert parse_settings({**GOOD, "embedOrigins": "[]"}, "dev", "us-east-1").embed_origins == ()
    values = {**GOOD, "embedOrigins": '["https://www.example.com", "https://*.example.org"]'}
    assert parse_settings(values, "dev", "us-east-1").embed_origins == (
        "https://www.example.com", "https://*.example.org")
def test_guardrails_default_to_off_and_read_their_keys() -> None:
    assert parse_settings(GOOD, "dev", "us-east-1").guardrails == Guardrails()
    assert Guardrails().waf_rate_limit == 0 and Guardrails().snap_start is False
    knobs = {"alarmEmail": "me@example.com", "wafRateLimit": "2000", "monthlyBudgetUsd": "25",
             "snapStart": "true",
             "alarmLatencyMs": "8000", "alarmClientErrors": "50", "alarmServerErrors": "2",
             "alarmModelErrors": "1"}
    assert parse_settings({**GOOD, **knobs}, "dev", "us-east-1").guardrails == Guardrails(
        waf_rate_limit=2000, monthly_budget_usd=25, snap_start=True, alarm_latency_ms=8000,
        alarm_client_errors=50, alarm_server_errors=2, alarm_model_errors=1)


def test_geography_prefixes_fit_their_regions() -> None:
    for model, region in [("eu.amazon.nova-micro-v1:0", "eu-central-1"),
                          ("apac.amazon.nova-micro-v1:0", "ap-southeast-2"),
                          ("global.amazon.nova-micro-v1:0", "sa-east-1"),
                          ("amazon.nova-micro-v1:0", "us-east-1"), ("offline", "eu-west-3")]:
        assert parse_settings({**GOOD, "modelId": model}, "dev", region).model_id == model


def test_pulumi_yaml_documents_every_key_the_program_reads() -> None:
    project = yaml.safe_load((PROJECT_DIR / "Pulumi.yaml").read_text())
    assert project["name"] == "twin" and project["runtime"]["name"] == "python"
    declared = project["config"]
    assert set(declared) == set(KEYS) | set(SECRET_KEYS)
    for key, spec in declared.items():
        assert spec["type"] in {"string", "integer", "boolean", "array"}, key
        assert len(spec["description"]) > 20, key
    # The per-account keys have no default, so the CLI asks for them before anything runs.
    assert {k for k, spec in declared.items() if "default" not in spec} == {
        "githubRepo", "oidcProviderArn"}


def test_every_row_is_declared_in_pulumi_yaml_with_the_same_default() -> None:
    declared = yaml.safe_load((PROJECT_DIR / "Pulumi.yaml").read_text())["config"]
    unset = parse_settings(GOOD, "dev", "us-east-1")
    for row in TABLE:
        assert row.key in declared, row.key
        if row.default is not REQUIRED:
            # As the CLI passes Pulumi.yaml's default: anything but a string as JSON.
            default = declared[row.key]["default"]
            text = default if isinstance(default, str) else json.dumps(default)
            assert parse_settings({**GOOD, row.key: text}, "dev", "us-east-1") == unset, row.key


def test_every_row_names_its_key_and_how_to_set_it() -> None:
    # No row accepts "?!". The domain is there so that a bad hostedZone is checked against it.
    good = {**GOOD, "domain": "twin.example.com", "hostedZone": "example.com"}
    for row in TABLE:
        with pytest.raises(SettingsError) as error:
            parse_settings({**good, row.key: "?!"}, "dev", "us-east-1")
        message = str(error.value)
        assert message.startswith(f"twin:{row.key} "), message
        hint = rf"\. Set it with: pulumi config set (--path ')?twin:{row.key}\b"
        assert re.search(hint, message), message
        if row.default is REQUIRED:
            with pytest.raises(SettingsError, match=rf"^twin:{row.key} is not set\. Set it with"):
                parse_settings({**good, row.key: ""}, "dev", "us-east-1")


@pytest.mark.parametrize(
    ("stack", "burst", "rate", "retention", "protect", "logs"),
    [("dev", 10, 5, 7, False, 14), ("test", 10, 5, 7, False, 14),
     ("prod", 20, 10, 365, True, 90)],
)
def test_stack_files_hold_each_environment(stack: str, burst: int, rate: int, retention: int,
                                           protect: bool, logs: int) -> None:
    config = yaml.safe_load((PROJECT_DIR / f"Pulumi.{stack}.yaml").read_text())["config"]
    assert config["twin:throttleBurst"] == burst and config["twin:throttleRate"] == rate
    assert config["twin:memoryRetentionDays"] == retention
    assert config["twin:protectData"] is protect and config["twin:logRetentionDays"] == logs
    declared = set(yaml.safe_load((PROJECT_DIR / "Pulumi.yaml").read_text())["config"])
    assert {k.split(":", 1)[1] for k in config if k.startswith("twin:")} <= declared
    values = {k.split(":", 1)[1]: str(v).lower() if isinstance(v, bool) else str(v)
              for k, v in config.items() if k.startswith("twin:")}
    parse_settings({**GOOD, **values}, stack, config["aws:region"])
