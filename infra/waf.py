"""The optional AWS WAF web ACL on the distribution: a per-IP limit on /api/* and AWS's rules."""

from __future__ import annotations

import json

import pulumi_aws as aws

from api.errors import RateLimited, error_body
from infra.settings import Settings

# CloudFront uses web ACLs of scope CLOUDFRONT, which live in us-east-1.
WAF_REGION = "us-east-1"
# The window AWS WAF counts a client's requests over (twin:wafRateLimit is per 5 minutes).
RATE_WINDOW_SECONDS = 300
MANAGED_RULE_GROUPS = ("AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet")
# The common rule set blocks bodies over 8 KB with WAF's own page; a 2,000-character message can
# be larger in UTF-8. The app limits bodies itself (64 KiB, 413 in its error shape), so this rule
# only counts.
COUNT_ONLY = {"AWSManagedRulesCommonRuleSet": ["SizeRestrictions_BODY"]}
# A throttled visitor gets the API's own error shape, as the app's 429 would look.
RATE_LIMITED_BODY = json.dumps(error_body(RateLimited(), None))


def _visibility(name: str) -> dict:
    return {"cloudwatch_metrics_enabled": True, "metric_name": name,
            "sampled_requests_enabled": True}


def _rate_limit_rule(settings: Settings) -> dict:
    """Block a client IP that sends more than the limit to /api/* within five minutes."""
    return {
        "name": "rate-limit-api",
        "priority": 0,
        "action": {"block": {"custom_response": {
            "response_code": 429,
            "custom_response_body_key": "rate-limited",
            "response_headers": [{"name": "Retry-After", "value": str(RATE_WINDOW_SECONDS)}],
        }}},
        "statement": {"rate_based_statement": {
            "limit": settings.guardrails.waf_rate_limit,
            "evaluation_window_sec": RATE_WINDOW_SECONDS,
            # The viewer's address as CloudFront saw it, never a header the client controls.
            "aggregate_key_type": "IP",
            "scope_down_statement": {"byte_match_statement": {
                "field_to_match": {"uri_path": {}},
                "positional_constraint": "STARTS_WITH",
                "search_string": "/api/",
                "text_transformations": [{"priority": 0, "type": "NONE"}],
            }},
        }},
        "visibility_config": _visibility(f"{settings.prefix}-rate-limit-api"),
    }


def _managed_rule(settings: Settings, priority: int, group: str) -> dict:
    """One of AWS's managed rule groups, with the actions its rules define (except COUNT_ONLY)."""
    statement: dict = {"vendor_name": "AWS", "name": group}
    if group in COUNT_ONLY:
        statement["rule_action_overrides"] = [{"name": rule, "action_to_use": {"count": {}}}
                                              for rule in COUNT_ONLY[group]]
    return {
        "name": group,
        "priority": priority,
        "override_action": {"none": {}},
        "statement": {"managed_rule_group_statement": statement},
        "visibility_config": _visibility(f"{settings.prefix}-{group}"),
    }


def web_acl(settings: Settings) -> aws.wafv2.WebAcl | None:
    """The web ACL when twin:wafRateLimit is set, else None."""
    if not settings.guardrails.waf_rate_limit:
        return None
    return aws.wafv2.WebAcl(
        f"{settings.prefix}-waf",
        name=f"{settings.prefix}-web-acl",
        description=f"twin {settings.stack}: per-IP limit on /api/*, AWS managed rules",
        scope="CLOUDFRONT",
        region=WAF_REGION,
        default_action={"allow": {}},
        custom_response_bodies=[{"key": "rate-limited", "content": RATE_LIMITED_BODY,
                                 "content_type": "APPLICATION_JSON"}],
        rules=[_rate_limit_rule(settings)] + [
            _managed_rule(settings, priority, group)
            for priority, group in enumerate(MANAGED_RULE_GROUPS, start=1)
        ],
        visibility_config=_visibility(f"{settings.prefix}-web-acl"),
        tags=settings.tags,
    )
