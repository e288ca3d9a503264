"""The stack's abuse, cost and monitoring knobs: WAF, alarm thresholds, budget, SnapStart."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields

# AWS WAF counts at least 10 requests per window, and at most two billion.
WAF_LIMITS = (10, 2_000_000_000)


class GuardrailError(ValueError):
    """A knob has a bad value: the key, what is wrong and an example that works."""

    def __init__(self, key: str, problem: str, example: str) -> None:
        super().__init__(f"{key} {problem}")
        self.key, self.problem, self.example = key, problem, example


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


# config key -> (field, lowest, highest); a boolean's bounds are unused.
KNOBS = {
    "wafRateLimit": ("waf_rate_limit", 0, WAF_LIMITS[1]),
    "monthlyBudgetUsd": ("monthly_budget_usd", 0, 1_000_000),
    "snapStart": ("snap_start", 0, 1),
    "alarmLatencyMs": ("alarm_latency_ms", 100, 30_000),
    "alarmClientErrors": ("alarm_client_errors", 1, 1_000_000),
    "alarmServerErrors": ("alarm_server_errors", 1, 1_000_000),
    "alarmModelErrors": ("alarm_model_errors", 1, 1_000_000),
}


def _value(key: str, raw: str, default: object, low: int, high: int) -> object:
    if isinstance(default, bool):
        if raw.lower() not in ("true", "false"):
            raise GuardrailError(key, f"must be true or false, got {raw!r}", "true")
        return raw.lower() == "true"
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise GuardrailError(key, f"must be a whole number from {low} to {high}, got {raw!r}",
                             str(default or max(low, 1)))
    return int(raw)


def parse_guardrails(values: Mapping[str, str]) -> Guardrails:
    """Check the knobs' raw config strings; a missing or empty one keeps its default."""
    defaults = {f.name: f.default for f in fields(Guardrails)}
    chosen: dict[str, object] = {}
    for key, (name, low, high) in KNOBS.items():
        raw = values.get(key, "").strip()
        if raw:
            chosen[name] = _value(key, raw, defaults[name], low, high)
    waf = chosen.get("waf_rate_limit", 0)
    if waf and waf < WAF_LIMITS[0]:
        raise GuardrailError("wafRateLimit", f"must be 0 (no WAF) or at least {WAF_LIMITS[0]}, "
                             f"got {waf}", "1000")
    return Guardrails(**chosen)  # type: ignore[arg-type]
