"""WAF, alarms, dashboard, budget and SnapStart: each one present when on and absent when off."""

from __future__ import annotations

import json

import pytest

from infra.log_metrics import LOG_METRICS
from tests.support.infra.stack_runs import ALL_FEATURES, OWNER_EMAIL, Program, program_for
from tests.support.infra.tags import EXPECTED_TAGS, TAGGABLE, UNTAGGABLE

ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
WEB_ACL = "aws:wafv2/webAcl:WebAcl"
OPTIONAL = {WEB_ACL, ALARM, "aws:budgets/budget:Budget", "aws:lambda/alias:Alias",
            "aws:sns/topic:Topic"}


@pytest.fixture(scope="module")
def everything() -> Program:
    return program_for("prod", **ALL_FEATURES)


@pytest.fixture(scope="module")
def plain() -> Program:
    return program_for("prod")


def test_with_every_feature_off_none_of_them_exists(plain: Program) -> None:
    assert not {r["type"] for r in plain.resources} & OPTIONAL
    cdn = plain.one("aws:cloudfront/distribution:Distribution")["state"]
    assert "webAclId" not in cdn
    function = plain.one("aws:lambda/function:Function")["state"]
    assert "snapStart" not in function and "publish" not in function


def test_the_web_acl_is_in_us_east_1_on_the_distribution(everything: Program) -> None:
    acl = everything.one(WEB_ACL)["state"]
    assert acl["scope"] == "CLOUDFRONT" and acl["region"] == "us-east-1"
    assert acl["name"] == "twin-prod-web-acl" and acl["defaultAction"] == {"allow": {}}
    cdn = everything.one("aws:cloudfront/distribution:Distribution")["state"]
    assert cdn["webAclId"] == acl["arn"]
    rules = {r["name"]: r for r in acl["rules"]}
    rate = rules["rate-limit-api"]["statement"]["rateBasedStatement"]
    assert rate["limit"] == 1000 and rate["evaluationWindowSec"] == 300
    assert rate["aggregateKeyType"] == "IP"
    assert rate["scopeDownStatement"]["byteMatchStatement"] == {
        "fieldToMatch": {"uriPath": {}}, "positionalConstraint": "STARTS_WITH",
        "searchString": "/api/", "textTransformations": [{"priority": 0, "type": "NONE"}]}
    block = rules["rate-limit-api"]["action"]["block"]["customResponse"]
    assert block["responseCode"] == 429
    [body] = acl["customResponseBodies"]
    assert body["key"] == block["customResponseBodyKey"]
    assert json.loads(body["content"])["error"]["code"] == "rate_limited"
    for group in ("AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet"):
        statement = rules[group]["statement"]["managedRuleGroupStatement"]
        assert statement["vendorName"] == "AWS" and statement["name"] == group
        assert rules[group]["overrideAction"] == {"none": {}}
    # Request sampling and metrics on, for the ACL and every rule.
    for config in [acl["visibilityConfig"], *(r["visibilityConfig"] for r in acl["rules"])]:
        assert config["sampledRequestsEnabled"] is True
        assert config["cloudwatchMetricsEnabled"] is True
    assert len({r["priority"] for r in acl["rules"]}) == 3


def test_the_waf_limit_follows_the_config() -> None:
    rule = program_for("dev", **OWNER_EMAIL).one(WEB_ACL)["state"]["rules"][0]
    assert rule["statement"]["rateBasedStatement"]["limit"] == 10


def test_alarms_go_to_the_owner_topic_and_ignore_silence(everything: Program) -> None:
    topic = everything.one("aws:sns/topic:Topic")["state"]["arn"]
    api = everything.one("aws:apigatewayv2/api:Api")["id"]
    function = everything.one("aws:lambda/function:Function")["state"]["name"]
    alarms = {a["name"].removeprefix("twin-prod-"): a["state"] for a in everything.of_type(ALARM)}
    assert set(alarms) == {"function-errors", "function-throttles", "api-5xx", "api-4xx",
                           "api-latency-p95", "model-errors"}
    for alarm in alarms.values():
        assert alarm["alarmActions"] == [topic] and alarm["okActions"] == [topic]
        assert alarm["treatMissingData"] == "notBreaching"
        assert alarm["name"].startswith("twin-prod-")  # the topic policy's condition
    assert alarms["function-errors"]["dimensions"] == {"FunctionName": function}
    assert alarms["function-throttles"]["metricName"] == "Throttles"
    assert alarms["api-5xx"]["dimensions"] == {"ApiId": api}
    assert (alarms["api-5xx"]["metricName"], alarms["api-5xx"]["threshold"]) == ("5xx", 5)
    assert (alarms["api-4xx"]["metricName"], alarms["api-4xx"]["threshold"]) == ("4xx", 100)
    latency = alarms["api-latency-p95"]
    assert latency["extendedStatistic"] == "p95" and latency["threshold"] == 10000
    assert (latency["evaluationPeriods"], latency["datapointsToAlarm"]) == (3, 2)
    model = alarms["model-errors"]
    assert (model["namespace"], model["metricName"]) == ("Twin/twin-prod", "ModelErrors")


def test_alarm_thresholds_come_from_config_and_need_the_topic() -> None:
    program = program_for("dev", **OWNER_EMAIL)
    alarms = {a["name"]: a["state"] for a in program.of_type(ALARM)}
    assert alarms["twin-dev-api-latency-p95"]["threshold"] == 4000
    assert alarms["twin-dev-model-errors"]["threshold"] == 1
    assert not program_for("dev").of_type(ALARM)


def test_log_metrics_and_the_saved_query_read_the_function_log(everything: Program) -> None:
    log = everything.one("aws:cloudwatch/logGroup:LogGroup", "-function-log")["state"]["name"]
    filters = {f["state"]["name"]: f["state"]
               for f in everything.of_type("aws:cloudwatch/logMetricFilter:LogMetricFilter")}
    assert set(filters) == {f"twin-prod-{m.name}" for m in LOG_METRICS}
    for metric in LOG_METRICS:
        created = filters[f"twin-prod-{metric.name}"]
        assert created["logGroupName"] == log and created["pattern"] == metric.pattern
        assert created["metricTransformation"] == {
            "name": metric.name, "namespace": "Twin/twin-prod", "value": metric.value,
            "unit": metric.unit}
        assert "defaultValue" not in created["metricTransformation"]
    query = everything.one("aws:cloudwatch/queryDefinition:QueryDefinition")["state"]
    assert query["logGroupNames"] == [log]
    assert query["name"] == "twin/prod/slowest and failed requests"


def test_the_dashboard_shows_this_stacks_resources(everything: Program) -> None:
    dashboard = everything.one("aws:cloudwatch/dashboard:Dashboard")["state"]
    assert dashboard["dashboardName"] == "twin-prod"
    widgets = json.loads(dashboard["dashboardBody"])["widgets"]
    api = everything.one("aws:apigatewayv2/api:Api")["id"]
    function = everything.one("aws:lambda/function:Function")["state"]["name"]
    metrics = [m for w in widgets if w["type"] == "metric" for m in w["properties"]["metrics"]]
    seen = set()
    for metric in metrics:
        namespace, name, *rest = [part for part in metric if not isinstance(part, dict)]
        dimensions = dict(zip(rest[::2], rest[1::2], strict=True))
        seen.add(name)
        if namespace == "AWS/ApiGateway":
            assert dimensions == {"ApiId": api}
        elif namespace == "AWS/Lambda":
            assert dimensions == {"FunctionName": function}
        else:
            assert (namespace, dimensions) == ("Twin/twin-prod", {})
    assert {"Count", "4xx", "5xx", "Latency", "Errors"} | {m.name for m in LOG_METRICS} <= seen
    titles = {w["properties"]["title"] for w in widgets}
    assert {"Requests", "Errors", "API latency (ms)", "Model latency (ms)", "Model tokens",
            "Visitors", "Alarms"} == titles
    [alarm_widget] = [w for w in widgets if w["type"] == "alarm"]
    assert sorted(alarm_widget["properties"]["alarms"]) == sorted(
        a["state"]["arn"] for a in everything.of_type(ALARM))
    assert all(w["properties"].get("region", "us-east-1") == "us-east-1" for w in widgets)


def test_the_budget_counts_this_stacks_tags_and_alerts_the_owner(everything: Program) -> None:
    budget = everything.one("aws:budgets/budget:Budget")["state"]
    topic = everything.one("aws:sns/topic:Topic")["state"]["arn"]
    assert budget["name"] == "twin-prod-monthly" and budget["budgetType"] == "COST"
    assert (budget["limitAmount"], budget["limitUnit"], budget["timeUnit"]) == (
        "25", "USD", "MONTHLY")
    assert budget["costFilters"] == [{"name": "TagKeyValue", "values": ["user:Stack$prod"]}]
    alerts = {(n["notificationType"], n["threshold"]) for n in budget["notifications"]}
    assert alerts == {("ACTUAL", 80), ("FORECASTED", 100)}
    assert all(n["subscriberSnsTopicArns"] == [topic] and n["thresholdType"] == "PERCENTAGE"
               for n in budget["notifications"])
    # AWS Budgets may publish to the topic, for this account only.
    policy = json.loads(everything.one("aws:sns/topicPolicy:TopicPolicy")["state"]["policy"])
    [budgets] = [s for s in policy["Statement"] if s["Sid"] == "AllowThisAccountsBudgets"]
    assert budgets["Principal"] == {"Service": "budgets.amazonaws.com"}
    assert budgets["Condition"] == {"StringEquals": {"aws:SourceAccount": "123456789012"}}


def test_snapstart_publishes_a_version_behind_an_alias_the_api_calls(everything: Program) -> None:
    function = everything.one("aws:lambda/function:Function")["state"]
    assert function["snapStart"] == {"applyOn": "PublishedVersions"}
    assert function["publish"] is True
    alias = everything.one("aws:lambda/alias:Alias")["state"]
    assert alias["name"] == "live" and alias["functionName"] == function["name"]
    assert alias["functionVersion"] == function["version"] != "$LATEST"
    integration = everything.one("aws:apigatewayv2/integration:Integration")["state"]
    assert integration["integrationUri"] == alias["invokeArn"]
    permission = everything.one("aws:lambda/permission:Permission")["state"]
    assert permission["qualifier"] == "live" and permission["function"] == function["name"]


def test_without_snapstart_the_api_calls_the_function(plain: Program) -> None:
    function = plain.one("aws:lambda/function:Function")["state"]
    integration = plain.one("aws:apigatewayv2/integration:Integration")["state"]
    assert integration["integrationUri"] == function["invokeArn"]
    assert "qualifier" not in plain.one("aws:lambda/permission:Permission")["state"]


def test_every_new_resource_is_classified_and_tagged(everything: Program) -> None:
    assert everything.argument_problems == []
    types = {r["type"] for r in everything.resources} - {"pulumi:pulumi:Stack"}
    assert types <= TAGGABLE | UNTAGGABLE, f"classify new types: {types - TAGGABLE - UNTAGGABLE}"
    for resource in everything.resources:
        if resource["type"] in TAGGABLE:
            assert resource["state"].get("tags") == {**EXPECTED_TAGS, "Stack": "prod"}, (
                resource["name"])
