"""The argument check itself: it must catch what the mock runtime lets through."""

from __future__ import annotations

import warnings

from tests.support.infra.argument_check import _hints, check_value


def lifecycle_rules() -> object:
    with warnings.catch_warnings():
        # Loading pulumi-aws's s3 module warns about its own deprecated *V2 aliases.
        warnings.simplefilter("ignore", DeprecationWarning)
        from pulumi_aws.s3.bucket_lifecycle_configuration import BucketLifecycleConfiguration
    return _hints(BucketLifecycleConfiguration._internal_init)["rules"]


def test_a_misspelt_nested_key_is_reported() -> None:
    problems: list[str] = []
    rules = [{"id": "expire", "status": "Enabled", "filter": {"prefixx": ""},
              "expiration": {"days": 7}}]
    check_value(rules, lifecycle_rules(), "rules", problems)
    assert problems == [
        "rules[0].filter.prefixx: BucketLifecycleConfigurationRuleFilterArgsDict has no such field"
    ]


def test_a_missing_required_key_is_reported() -> None:
    problems: list[str] = []
    check_value([{"id": "expire", "filter": {"prefix": ""}}], lifecycle_rules(), "rules",
                problems)
    assert problems == ["rules[0]: BucketLifecycleConfigurationRuleArgsDict needs ['status']"]


def test_a_correct_value_passes() -> None:
    problems: list[str] = []
    rules = [{"id": "expire", "status": "Enabled", "filter": {"prefix": ""},
              "expiration": {"days": 7}, "noncurrent_version_expiration": {"noncurrent_days": 1}}]
    check_value(rules, lifecycle_rules(), "rules", problems)
    assert problems == []
