"""Resources that appear only when their config is set: custom domain, CORS, offline model."""

from __future__ import annotations

import json

import pytest

from api.csp import content_security_policy
from tests.support.infra.stack_runs import program_for, run_program

DOMAIN = {"twin:domain": "twin.example.com", "twin:hostedZone": "example.com"}
GLOBAL_PROFILE = (
    "arn:aws:bedrock:us-east-1:123456789012:inference-profile/global.amazon.nova-2-lite-v1:0"
)


def test_custom_domain_gets_a_us_east_1_certificate_and_aliases() -> None:
    program = program_for("prod", **DOMAIN)
    certificate = program.one("aws:acm/certificate:Certificate")["state"]
    assert certificate["domainName"] == "twin.example.com"
    assert certificate["validationMethod"] == "DNS"
    assert certificate["region"] == "us-east-1"
    validation = program.one("aws:acm/certificateValidation:CertificateValidation")["state"]
    assert validation["region"] == "us-east-1"
    records = {r["name"]: r["state"] for r in program.of_type("aws:route53/record:Record")}
    assert records["twin-prod-certificate-validation"]["type"] == "CNAME"
    assert validation["validationRecordFqdns"] == [
        records["twin-prod-certificate-validation"]["fqdn"]]
    cdn = program.one("aws:cloudfront/distribution:Distribution")["state"]
    for record_type in ("a", "aaaa"):
        alias = records[f"twin-prod-alias-{record_type}"]
        assert alias["type"] == record_type.upper() and alias["name"] == "twin.example.com"
        assert alias["zoneId"] == "Z0MOCKZONE"
        assert alias["aliases"] == [{"name": cdn["domainName"], "zoneId": cdn["hostedZoneId"],
                                     "evaluateTargetHealth": False}]
    assert cdn["aliases"] == ["twin.example.com"]
    # The distribution uses the validation's ARN, so it waits until the certificate is issued.
    assert cdn["viewerCertificate"]["acmCertificateArn"] == validation["certificateArn"]
    assert cdn["viewerCertificate"]["sslSupportMethod"] == "sni-only"
    assert program.outputs["siteUrl"] == "https://twin.example.com"
    deploy = json.loads(program.deploy_policy())["Statement"]
    dns = next(s for s in deploy if s["Sid"] == "Dns")
    assert dns["Resource"] == ["arn:aws:route53:::hostedzone/Z0MOCKZONE"]


def test_allowed_origins_configure_cors_on_the_api_only() -> None:
    # API Gateway ignores an integration's CORS headers once it has a CORS configuration, so the
    # function is told nothing about the origins.
    program = program_for("dev", **{"twin:allowedOrigins": "https://www.example.com"})
    api = program.one("aws:apigatewayv2/api:Api")["state"]
    assert api["corsConfiguration"]["allowOrigins"] == ["https://www.example.com"]
    function = program.one("aws:lambda/function:Function")["state"]
    assert not [v for v in function["environment"]["variables"] if "ORIGINS" in v]


def test_embed_origins_become_frame_ancestors_and_drop_x_frame_options() -> None:
    sites = '["https://www.example.com", "https://*.example.org"]'
    program = program_for("dev", **{"twin:embedOrigins": sites})
    headers = program.one("aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy")[
        "state"]["securityHeadersConfig"]
    policy = headers["contentSecurityPolicy"]["contentSecurityPolicy"]
    assert policy == content_security_policy(["https://www.example.com", "https://*.example.org"])
    assert policy.endswith("; frame-ancestors https://www.example.com https://*.example.org")
    assert headers["contentSecurityPolicy"]["override"] is True
    # DENY would still block the listed sites: frame-ancestors alone decides who may frame.
    assert "frameOptions" not in headers
    # Embedding needs no CORS: the API stays same-origin.
    assert "corsConfiguration" not in program.one("aws:apigatewayv2/api:Api")["state"]


def test_offline_model_gets_no_bedrock_access() -> None:
    program = program_for("dev", **{"twin:modelId": "offline"})
    policy = program.one("aws:iam/rolePolicy:RolePolicy", "-function-policy")["state"]["policy"]
    actions = {a for s in json.loads(policy)["Statement"] for a in s["Action"]}
    assert not any(a.startswith("bedrock:") for a in actions)
    # The deploy role keeps only its eval grant, the same whatever the model id says.
    deploy = program.deploy_policy()
    assert {s["Sid"] for s in json.loads(deploy)["Statement"]
            if any(a.startswith("bedrock:") for a in s["Action"])} == {
        "EvalThroughProfiles", "EvalModelsThroughProfiles"}


@pytest.mark.parametrize(
    ("model", "expected"),
    [
        # A model called directly in the stack's region: that model there, nothing else.
        ("amazon.nova-micro-v1:0", [
            {"Sid": "InvokeConfiguredModel", "Effect": "Allow", "Action": ["bedrock:InvokeModel"],
             "Resource": ["arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-micro-v1:0"]},
        ]),
        # A global profile: the profile, and the model wherever it routes, only through it.
        ("global.amazon.nova-2-lite-v1:0", [
            {"Sid": "InvokeConfiguredModel", "Effect": "Allow", "Action": ["bedrock:InvokeModel"],
             "Resource": [GLOBAL_PROFILE]},
            {"Sid": "InvokeModelThroughProfile", "Effect": "Allow",
             "Action": ["bedrock:InvokeModel"],
             "Resource": ["arn:aws:bedrock:*::foundation-model/amazon.nova-2-lite-v1:0",
                          "arn:aws:bedrock:::foundation-model/amazon.nova-2-lite-v1:0"],
             "Condition": {"StringEquals": {"bedrock:InferenceProfileArn": GLOBAL_PROFILE}}},
        ]),
    ],
)
def test_bedrock_grant_follows_the_model_id(model: str, expected: list[dict]) -> None:
    program = program_for("test", **{"twin:modelId": model})
    policy = program.one("aws:iam/rolePolicy:RolePolicy", "-function-policy")["state"]["policy"]
    granted = [s for s in json.loads(policy)["Statement"] if s["Sid"].startswith("Invoke")]
    assert granted == expected
    # The deploy role's eval grant (eval.yml) does not follow the model id: the role may not
    # edit its own policy, so a model change must leave that policy as it is.
    deploy = program.deploy_policy()
    assert deploy == program_for("test").deploy_policy()
    variables = program.one("aws:lambda/function:Function")["state"]["environment"]["variables"]
    assert variables["TWIN_MODEL_ID"] == model


def test_state_bucket_and_secrets_key_are_granted_only_when_named() -> None:
    key = "arn:aws:kms:us-east-1:123456789012:key/0a1b2c3d-0000-4000-8000-0123456789ab"
    program = program_for("test", **{"twin:stateBucket": "acme-pulumi-state",
                                     "twin:secretsKeyArn": key})
    statements = json.loads(program.deploy_policy())["Statement"]
    by_sid = {s["Sid"]: s for s in statements}
    assert by_sid["StateObjects"]["Resource"] == ["arn:aws:s3:::acme-pulumi-state/.pulumi/*"]
    assert by_sid["SecretsKey"]["Resource"] == [key]
    plain = program_for("test")
    plain_sids = {s["Sid"] for s in json.loads(plain.deploy_policy())["Statement"]}
    assert not plain_sids & {"StateBucket", "StateObjects", "SecretsKey"}


def test_invalid_config_stops_the_program_with_a_clear_message() -> None:
    result = run_program("dev", {"twin:modelId": "eu.amazon.nova-micro-v1:0"})
    assert result.returncode == 3
    assert "twin:modelId uses the 'eu.' inference profile, which does not serve us-east-1" in (
        result.stderr)
    assert "pulumi config set twin:modelId" in result.stderr


def test_missing_account_config_is_named() -> None:
    result = run_program("dev", {"twin:githubRepo": ""})
    assert result.returncode == 3
    assert "twin:githubRepo is not set" in result.stderr


def test_the_eval_grant_reaches_models_only_through_an_inference_profile_of_the_region() -> None:
    program = program_for("test")
    deploy = program.deploy_policy()
    bedrock = [s for s in json.loads(deploy)["Statement"]
               if any(a.startswith("bedrock:") for a in s["Action"])]
    profiles = "arn:aws:bedrock:us-east-1:123456789012:inference-profile/*"
    assert bedrock == [
        {"Sid": "EvalThroughProfiles", "Effect": "Allow", "Action": ["bedrock:InvokeModel"],
         "Resource": [profiles]},
        {"Sid": "EvalModelsThroughProfiles", "Effect": "Allow", "Action": ["bedrock:InvokeModel"],
         "Resource": ["arn:aws:bedrock:*::foundation-model/*"],
         "Condition": {"ArnLike": {"bedrock:InferenceProfileArn": profiles}}},
    ]


def test_ci_can_look_the_zone_up_and_destroy_an_updated_boundary() -> None:
    program = program_for("prod", **DOMAIN)
    deploy = program.deploy_policy()
    by_sid = {s["Sid"]: s for s in json.loads(deploy)["Statement"]}
    # get_zone reads the zone's tags on every preview; the grant stays on that one zone.
    assert "route53:ListTagsForResource" in by_sid["Dns"]["Action"]
    assert all(":hostedzone/" in r for r in by_sid["Dns"]["Resource"])
    # A boundary an administrator updated keeps old versions, deleted before the policy.
    assert "iam:DeletePolicyVersion" in by_sid["ReadBoundary"]["Action"]
    assert by_sid["ReadBoundary"]["Resource"] == ["arn:aws:iam::123456789012:policy/twin-prod-*"]
