"""The optional monthly AWS Budget for this stack's tagged resources, alerting the owner."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from infra.notify import OwnerTopic
from infra.settings import Settings

# (kind, percent of the budget): spent so far, and what AWS forecasts for the whole month.
ALERTS = (("ACTUAL", 80), ("FORECASTED", 100))


def cost_filter(settings: Settings) -> dict:
    """Costs of resources tagged Stack=<stack>, once that tag is a cost allocation tag."""
    return {"name": "TagKeyValue", "values": [f"user:Stack${settings.stack}"]}


def monthly_budget(settings: Settings, owner: OwnerTopic | None) -> aws.budgets.Budget | None:
    """The budget when twin:monthlyBudgetUsd is set (settings require twin:alarmEmail then)."""
    if not settings.guardrails.monthly_budget_usd or owner is None:
        return None
    return aws.budgets.Budget(
        f"{settings.prefix}-budget",
        # Budget names are unique per account: the prefix keeps stacks apart.
        name=f"{settings.prefix}-monthly",
        budget_type="COST",
        limit_amount=str(settings.guardrails.monthly_budget_usd),
        limit_unit="USD",
        time_unit="MONTHLY",
        cost_filters=[cost_filter(settings)],
        notifications=[
            {"notification_type": kind, "comparison_operator": "GREATER_THAN",
             "threshold": percent, "threshold_type": "PERCENTAGE",
             "subscriber_sns_topic_arns": [owner.topic.arn]}
            for kind, percent in ALERTS
        ],
        tags=settings.tags,
        # AWS Budgets checks when the budget is saved that it may publish to the topic: the
        # topic policy allowing budgets.amazonaws.com must exist first.
        opts=pulumi.ResourceOptions(depends_on=[owner.policy]),
    )
