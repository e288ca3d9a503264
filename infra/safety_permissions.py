"""The deploy role's access to the owner topic, alarms, dashboard, log metrics, WAF and budget.

Granted whether or not a stack turns these on, so turning one on needs no administrator.
"""

from __future__ import annotations

import pulumi

from infra.arns import Arns
from infra.policies import Statement, allow
from infra.settings import Settings
from infra.waf import WAF_REGION

TOPIC_ACTIONS = [
    "sns:CreateTopic", "sns:DeleteTopic", "sns:GetTopicAttributes", "sns:SetTopicAttributes",
    "sns:TagResource", "sns:UntagResource", "sns:ListTagsForResource", "sns:Subscribe",
    "sns:ListSubscriptionsByTopic",
]
# SNS has no subscription resource type for a policy to name: these are authorised against *.
SUBSCRIPTION_ACTIONS = ["sns:GetSubscriptionAttributes", "sns:SetSubscriptionAttributes",
                        "sns:Unsubscribe"]
ALARM_ACTIONS = ["cloudwatch:PutMetricAlarm", "cloudwatch:DescribeAlarms",
                 "cloudwatch:DeleteAlarms", "cloudwatch:TagResource", "cloudwatch:UntagResource",
                 "cloudwatch:ListTagsForResource"]
DASHBOARD_ACTIONS = ["cloudwatch:PutDashboard", "cloudwatch:GetDashboard",
                     "cloudwatch:DeleteDashboards"]
METRIC_FILTER_ACTIONS = ["logs:PutMetricFilter", "logs:DeleteMetricFilter"]
# Saved Logs Insights queries have no resource type: these are authorised against *.
QUERY_ACTIONS = ["logs:PutQueryDefinition", "logs:DescribeQueryDefinitions",
                 "logs:DeleteQueryDefinition"]
WEB_ACL_ACTIONS = ["wafv2:CreateWebACL", "wafv2:GetWebACL", "wafv2:UpdateWebACL",
                   "wafv2:DeleteWebACL", "wafv2:TagResource", "wafv2:UntagResource",
                   "wafv2:ListTagsForResource"]
BUDGET_ACTIONS = ["budgets:ModifyBudget", "budgets:ViewBudget", "budgets:TagResource",
                  "budgets:UntagResource", "budgets:ListTagsForResource"]


def statements(settings: Settings, arns: Arns) -> list[Statement]:
    """Statements for the resources these features create, each named by the stack's prefix."""
    prefix, region = settings.prefix, settings.region
    cloudwatch = lambda resource, where=region: arns.arn("cloudwatch", resource,  # noqa: E731
                                                         region=where)
    wafv2 = lambda resource: arns.arn("wafv2", f"global/{resource}", region=WAF_REGION)  # noqa: E731
    return [
        allow("OwnerTopics", TOPIC_ACTIONS, [arns.arn("sns", f"{prefix}-*", region=region)]),
        allow("OwnerSubscriptions", SUBSCRIPTION_ACTIONS, ["*"]),
        allow("Alarms", ALARM_ACTIONS, [cloudwatch(f"alarm:{prefix}-*")]),
        # Dashboards are global: their ARNs have no region.
        allow("Dashboard", DASHBOARD_ACTIONS, [cloudwatch(f"dashboard/{prefix}", "")]),
        allow("LogMetricFilters", METRIC_FILTER_ACTIONS,
              [arns.arn("logs", f"log-group:/{prefix}/*", region=region)]),
        # Read-only, and looked up like the log groups themselves.
        allow("DescribeMetricFilters", ["logs:DescribeMetricFilters"],
              [arns.arn("logs", "log-group:*", region=region)]),
        allow("QueryDefinitions", QUERY_ACTIONS, ["*"]),
        # Creating or updating a web ACL that uses AWS's managed rule groups names them too;
        # they belong to AWS, not to this account.
        allow("WebAcl", WEB_ACL_ACTIONS, [
            wafv2(f"webacl/{prefix}-*/*"),
            pulumi.Output.format("arn:{0}:wafv2:{1}:*:global/managedruleset/*/*",
                                 arns.partition, WAF_REGION)]),
        allow("Budget", BUDGET_ACTIONS, [arns.arn("budgets", f"budget/{prefix}-*")]),
    ]
