"""Settings come from the environment once, with errors that name the variable."""

from __future__ import annotations

from pathlib import Path

import pytest

from api.config import Config, ConfigError


def test_defaults_are_offline_and_on_disk():
    config = Config.from_env({})
    assert config.offline and config.model_id == "offline"
    assert config.memory_kind == "file" and config.memory_dir == Path(".twin/memory")
    assert (
        config.max_message_chars,
        config.history_messages,
        config.max_turns,
        config.max_tokens,
    ) == (2000, 20, 50, 1000)


def test_values_are_read():
    config = Config.from_env(
        {
            "TWIN_MODEL_ID": "eu.amazon.nova-micro-v1:0",
            "TWIN_BEDROCK_REGION": "eu-west-1",
            "TWIN_MEMORY_BUCKET": "twin-memory",
            "TWIN_MAX_TURNS": "7",
        }
    )
    assert not config.offline and config.bedrock_region == "eu-west-1"
    assert config.memory_kind == "s3" and config.max_turns == 7


def test_region_falls_back_to_the_lambda_region():
    assert Config.from_env({"AWS_REGION": "us-east-1"}).bedrock_region == "us-east-1"


def test_config_is_frozen():
    with pytest.raises(AttributeError):
        Config.from_env({}).max_turns = 5  # type: ignore[misc]


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"TWIN_MAX_TURNS": "many"}, "TWIN_MAX_TURNS"),
        ({"TWIN_MAX_TURNS": "0"}, "TWIN_MAX_TURNS"),
        ({"TWIN_HISTORY_MESSAGES": "-4"}, "TWIN_HISTORY_MESSAGES"),
        ({"TWIN_MAX_MESSAGE_CHARS": "1e3"}, "TWIN_MAX_MESSAGE_CHARS"),
        ({"TWIN_MAX_TOKENS": "999999"}, "TWIN_MAX_TOKENS"),
        ({"TWIN_INBOX_DAILY_CAP": "0"}, "TWIN_INBOX_DAILY_CAP"),
        ({"TWIN_INBOX_DAILY_CAP": "lots"}, "TWIN_INBOX_DAILY_CAP"),
    ],
)
def test_bad_values_name_the_variable(env, named):
    with pytest.raises(ConfigError, match=named):
        Config.from_env(env)


def test_the_inbox_has_a_daily_cap_per_kind():
    assert Config.from_env({}).inbox_daily_cap == 200
    assert Config.from_env({"TWIN_INBOX_DAILY_CAP": "25"}).inbox_daily_cap == 25
