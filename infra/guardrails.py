"""The stack's abuse, cost and monitoring knobs: WAF, alarm thresholds, budget, SnapStart."""

from __future__ import annotations

from dataclasses import dataclass

# AWS WAF counts at least 10 requests per window, and at most two billion.
WAF_LIMITS = (10, 2_000_000_000)


@dataclass(frozen=True)
class Guardrails:
    """The knobs, with the values a stack gets when it sets none."""

    # Requests per 5 minutes per client IP on /api/*; 0 means no WAF.
    waf_rate_limit: int = 0
    # A monthly AWS Budget in US dollars for this stack's tagged resources; 0 means none.
    monthly_budget_usd: int = 0
    # Lambda SnapStart on a published version, served through an alias.
    snap_start: bool = False
    # Alarm thresholds: p95 API latency, and 4xx, 5xx and model errors per 5 minutes.
    alarm_latency_ms: int = 10_000
    alarm_client_errors: int = 100
    alarm_server_errors: int = 5
    alarm_model_errors: int = 3
