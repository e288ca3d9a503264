"""Policies over every resource the program registers, for each of the three stack files."""

from __future__ import annotations

import json
import re
from fnmatch import fnmatch

from api.csp import CONTENT_SECURITY_POLICY, REFERRER_POLICY
from infra.cdn import ALL_VIEWER_EXCEPT_HOST_HEADER, CACHING_DISABLED, CACHING_OPTIMIZED
from tests.support.infra.policy_check import listed, statements
from tests.support.infra.stack_runs import ACCOUNT_CONFIG, Program
from tests.support.infra.tags import EXPECTED_TAGS, TAGGABLE, UNTAGGABLE

BUCKET = "aws:s3/bucket:Bucket"


def for_bucket(program: Program, typ: str, bucket: dict) -> dict:
    found = [r for r in program.of_type(typ) if r["state"]["bucket"] == bucket["id"]]
    assert len(found) == 1, f"{bucket['name']} has {len(found)} {typ}"
    return found[0]["state"]


def test_every_bucket_is_private_encrypted_and_tls_only(program: Program) -> None:
    buckets = program.of_type(BUCKET)
    assert {b["name"] for b in buckets} == {f"twin-{program.stack}-site",
                                            f"twin-{program.stack}-memory"}
    for bucket in buckets:
        assert "acl" not in bucket["state"] and "policy" not in bucket["state"]
        block = for_bucket(program, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
                           bucket)
        assert all(block[k] is True for k in ("blockPublicAcls", "blockPublicPolicy",
                                              "ignorePublicAcls", "restrictPublicBuckets"))
        ownership = for_bucket(program, "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
                               bucket)
        assert ownership["rule"] == {"objectOwnership": "BucketOwnerEnforced"}
        sse = for_bucket(program, "aws:s3/bucketServerSideEncryptionConfiguration:"
                         "BucketServerSideEncryptionConfiguration", bucket)
        assert sse["rules"][0]["applyServerSideEncryptionByDefault"]["sseAlgorithm"] == "AES256"
        policy = statements(for_bucket(program, "aws:s3/bucketPolicy:BucketPolicy", bucket)
                            ["policy"])
        arn = bucket["state"]["arn"]
        assert {
            "Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*",
            "Action": "s3:*", "Resource": [arn, f"{arn}/*"],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        } in policy
        for statement in policy:
            if statement["Effect"] == "Allow":
                assert statement["Principal"] != "*" and "AWS" not in statement["Principal"]


def test_site_bucket_is_readable_only_by_this_distribution(program: Program) -> None:
    site = program.one(BUCKET, "-site")
    distribution = program.one("aws:cloudfront/distribution:Distribution")
    policy = statements(for_bucket(program, "aws:s3/bucketPolicy:BucketPolicy", site)["policy"])
    grants = [s for s in policy if s["Effect"] == "Allow"]
    only_this_distribution = {"StringEquals": {"AWS:SourceArn": distribution["state"]["arn"]}}
    cloudfront = {"Service": "cloudfront.amazonaws.com"}
    assert grants == [
        {"Sid": "AllowThisDistributionOnly", "Effect": "Allow", "Principal": cloudfront,
         "Action": "s3:GetObject", "Resource": f"{site['state']['arn']}/*",
         "Condition": only_this_distribution},
        # A missing page is a 404, not S3's 403.
        {"Sid": "MissingPagesAreNotFound", "Effect": "Allow", "Principal": cloudfront,
         "Action": "s3:ListBucket", "Resource": site["state"]["arn"],
         "Condition": only_this_distribution},
    ]
    memory = program.one(BUCKET, "-memory")
    memory_policy = for_bucket(program, "aws:s3/bucketPolicy:BucketPolicy", memory)["policy"]
    assert [s["Effect"] for s in statements(memory_policy)] == ["Deny"]


def test_integration_is_lambda_proxy_with_payload_1_0(program: Program) -> None:
    registered = program.one("aws:apigatewayv2/integration:Integration")
    integration = registered["state"]
    function = program.one("aws:lambda/function:Function")["state"]
    assert integration["integrationType"] == "AWS_PROXY"
    assert integration["payloadFormatVersion"] == "1.0"
    assert integration["integrationUri"] == function["invokeArn"]
    route = program.one("aws:apigatewayv2/route:Route")["state"]
    assert route["routeKey"] == "ANY /api/{proxy+}"
    assert route["target"] == f"integrations/{registered['id']}"


def test_stage_is_default_throttled_and_logged(program: Program) -> None:
    stage = program.one("aws:apigatewayv2/stage:Stage")["state"]
    assert stage["name"] == "$default" and stage["autoDeploy"] is True
    routes = stage["defaultRouteSettings"]
    assert routes["throttlingBurstLimit"] == int(program.config["twin:throttleBurst"])
    assert routes["throttlingRateLimit"] == float(program.config["twin:throttleRate"])
    log = program.one("aws:cloudwatch/logGroup:LogGroup", "-api-access-log")["state"]
    assert stage["accessLogSettings"]["destinationArn"] == log["arn"]
    assert "requestId" in json.loads(stage["accessLogSettings"]["format"])
    assert log["retentionInDays"] == int(program.config["twin:logRetentionDays"])
    permission = program.one("aws:lambda/permission:Permission")["state"]
    api = program.one("aws:apigatewayv2/api:Api")["state"]
    assert permission["principal"] == "apigateway.amazonaws.com"
    assert permission["sourceArn"] == f"{api['executionArn']}/*/*"
    assert "corsConfiguration" not in api


def test_function_is_arm64_with_the_configured_environment(program: Program) -> None:
    function = program.one("aws:lambda/function:Function")["state"]
    memory = program.one(BUCKET, "-memory")["state"]
    log = program.one("aws:cloudwatch/logGroup:LogGroup", "-function-log")["state"]
    assert function["architectures"] == ["arm64"]
    assert function["runtime"] == "python3.13"
    assert function["handler"] == "api.lambda_handler.handler"
    assert function["memorySize"] == 512 and function["timeout"] == 29
    assert function["environment"]["variables"] == {
        "TWIN_MODEL_ID": program.config["twin:modelId"],
        "TWIN_BEDROCK_REGION": program.config["aws:region"],
        "TWIN_MEMORY_BUCKET": memory["bucket"],
        "TWIN_PERSONA": "/var/task/persona.json",
        "TWIN_RETENTION_DAYS": program.config["twin:memoryRetentionDays"],
        "TWIN_INBOX_DAILY_CAP": "200",  # Pulumi.yaml's default
        # The value CloudFront sends (tests/infra/test_only_through_cloudfront.py).
        "TWIN_ORIGIN_SECRET": function["environment"]["variables"]["TWIN_ORIGIN_SECRET"],
    }
    assert function["loggingConfig"]["logFormat"] == "JSON"
    assert function["loggingConfig"]["logGroup"] == log["name"]
    assert log["retentionInDays"] == int(program.config["twin:logRetentionDays"])
    assert function["code"]["asset"] == "FileArchive"


def all_policies(program: Program) -> list[tuple[str, dict]]:
    found = []
    for resource in program.resources:
        state = resource["state"]
        for key in ("policy", "assumeRolePolicy"):
            if isinstance(state.get(key), str):
                found += [(resource["name"], s) for s in statements(state[key])]
    return found


def test_no_statement_grants_every_action(program: Program) -> None:
    policies = all_policies(program)
    assert len(policies) > 20
    for name, statement in policies:
        actions = listed(statement["Action"])
        assert "*" not in actions, name
        if statement["Effect"] == "Allow":
            assert not any(a.endswith(":*") for a in actions), (name, actions)
    # Attached policies are the deploy role's own, never one of AWS's broad managed policies.
    own = {r["state"]["arn"] for r in program.of_type("aws:iam/policy:Policy")}
    deploy = program.one("aws:iam/role:Role", "-deploy")["state"]["name"]
    for attachment in program.of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment"):
        assert attachment["state"]["policyArn"] in own
        assert attachment["state"]["role"] == deploy
    for role in program.of_type("aws:iam/role:Role"):
        assert "managedPolicyArns" not in role["state"]


def test_function_role_has_exactly_the_permissions_it_needs(program: Program) -> None:
    memory = program.one(BUCKET, "-memory")["state"]["arn"]
    log = program.one("aws:cloudwatch/logGroup:LogGroup", "-function-log")["state"]["arn"]
    policy = program.one("aws:iam/rolePolicy:RolePolicy", "-function-policy")["state"]["policy"]
    granted = {s["Sid"]: (s["Action"], s["Resource"], s.get("Condition"))
               for s in statements(policy)}
    profile = ("arn:aws:bedrock:us-east-1:123456789012:inference-profile/"
               "us.amazon.nova-micro-v1:0")
    assert granted == {
        "InvokeConfiguredModel": (["bedrock:InvokeModel"], [profile], None),
        # The model in whichever region the profile routes to, and only through the profile.
        "InvokeModelThroughProfile": (
            ["bedrock:InvokeModel"], ["arn:aws:bedrock:*::foundation-model/amazon.nova-micro-v1:0"],
            {"StringEquals": {"bedrock:InferenceProfileArn": profile}}),
        "ReadAndWriteConversations": (["s3:DeleteObject", "s3:GetObject", "s3:PutObject"],
                                      [f"{memory}/conversations/*"], None),
        "ReadAndWriteInbox": (["s3:GetObject", "s3:PutObject"], [f"{memory}/inbox/*"], None),
        "ReleaseNoticeMarkers": (["s3:DeleteObject"], [f"{memory}/inbox/notices/*"], None),
        "ListConversations": (["s3:ListBucket"], [memory], None),
        "WriteOwnLogs": (["logs:CreateLogStream", "logs:PutLogEvents"], [f"{log}:*"], None),
    }
    role = program.one("aws:iam/role:Role", "-fn-role")["state"]
    trust = statements(role["assumeRolePolicy"])
    assert trust == [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
                      "Action": "sts:AssumeRole"}]
    boundary = program.one("aws:iam/policy:Policy", "-boundary")["state"]
    assert role["permissionsBoundary"] == boundary["arn"]
    # The boundary leaves room for every grant, or the function would be denied at run time.
    ceiling = statements(boundary["policy"])
    for actions, resources, _ in granted.values():
        for action, resource in ((a, r) for a in actions for r in resources):
            assert any(action in s["Action"] and any(fnmatch(resource, p) for p in s["Resource"])
                       for s in ceiling), (action, resource)


def test_every_argument_is_one_pulumi_aws_declares(program: Program) -> None:
    # The mock runtime accepts any nested key; `pulumi up` would not.
    assert program.argument_problems == []
    created = {r["type"].rsplit(":", 1)[-1] for r in program.resources
               if r["type"] != "pulumi:pulumi:Stack"}
    assert created <= set(program.checked_classes), created - set(program.checked_classes)


def test_deploy_role_trusts_only_this_repo_environment(program: Program) -> None:
    role = program.one("aws:iam/role:Role", "-deploy")
    trust = statements(role["state"]["assumeRolePolicy"])
    assert trust == [{
        "Effect": "Allow",
        "Principal": {"Federated": ACCOUNT_CONFIG["twin:oidcProviderArn"]},
        "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": {"StringEquals": {
            "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
            "token.actions.githubusercontent.com:sub":
                f"repo:octo-org/twin:environment:{program.stack}",
        }},
    }]
    assert role["retainOnDelete"] is True
    assert program.outputs["deployRoleArn"] == role["state"]["arn"]


def test_deploy_role_is_scoped_to_this_stack(program: Program) -> None:
    policy = program.deploy_policy()
    boundary = program.one("aws:iam/policy:Policy", "-boundary")["state"]["arn"]
    role_arn = program.one("aws:iam/role:Role", "-deploy")["state"]["arn"]
    prefix = f"twin-{program.stack}-"
    by_sid = {s["Sid"]: s for s in statements(policy)}
    # Resources AWS cannot narrow are the only ones left open.
    open_sids = {s for s, st in by_sid.items() if "*" in listed(st["Resource"])}
    assert open_sids == {"AccessLogDelivery", "OwnerSubscriptions", "QueryDefinitions"}
    for sid in ("StackBuckets", "SiteObjects", "EmptyMemory"):
        assert all(r.startswith(f"arn:aws:s3:::{prefix}") for r in by_sid[sid]["Resource"])
    assert by_sid["Function"]["Resource"] == [
        f"arn:aws:lambda:us-east-1:123456789012:function:{prefix}*"]
    assert by_sid["GrantOnlyWithinBoundary"]["Condition"] == {
        "StringEquals": {"iam:PermissionsBoundary": boundary}}
    assert by_sid["NeverChangeOwnPermissions"]["Effect"] == "Deny"
    _, managed = program.role_policies("-deploy")
    assert by_sid["NeverChangeOwnPermissions"]["Resource"] == [
        role_arn, *(p["state"]["arn"] for p in managed)]
    assert "iam:PutRolePolicy" in by_sid["NeverChangeOwnPermissions"]["Action"]
    grants = {a for s in by_sid.values() if s["Effect"] == "Allow" for a in listed(s["Action"])}
    # It can neither write a new boundary nor attach or retarget policies.
    assert not grants & {"iam:CreatePolicy", "iam:CreatePolicyVersion", "iam:AttachRolePolicy",
                         "iam:UpdateAssumeRolePolicy", "iam:SetDefaultPolicyVersion"}
    # It may empty an unprotected memory bucket on destroy but never read conversations.
    memory_objects = [s for s in by_sid.values()
                      if any(r.startswith(f"arn:aws:s3:::{prefix}memory-") for r in
                             listed(s["Resource"]))]
    assert memory_objects and all("s3:GetObject" not in s["Action"] for s in memory_objects)


def test_memory_bucket_retention_and_protection(program: Program) -> None:
    memory = program.one(BUCKET, "-memory")
    protected = program.config["twin:protectData"] == "true"
    assert memory["protect"] is protected
    assert memory["state"]["forceDestroy"] is (not protected)
    assert (program.stack == "prod") is protected
    versioning = for_bucket(program, "aws:s3/bucketVersioning:BucketVersioning", memory)
    assert versioning["versioningConfiguration"]["status"] == "Enabled"
    rules = for_bucket(program, "aws:s3/bucketLifecycleConfiguration:"
                       "BucketLifecycleConfiguration", memory)["rules"]
    expire = next(r for r in rules if r["id"] == "expire-conversations")
    assert expire["status"] == "Enabled"
    assert expire["expiration"]["days"] == int(program.config["twin:memoryRetentionDays"])
    assert expire["noncurrentVersionExpiration"]["noncurrentDays"] == 1


def test_api_behaviour_is_uncached_and_never_rewritten(program: Program) -> None:
    cdn = program.one("aws:cloudfront/distribution:Distribution")["state"]
    api = program.one("aws:apigatewayv2/api:Api")["state"]
    assert not cdn.get("customErrorResponses")
    [behaviour] = cdn["orderedCacheBehaviors"]
    assert behaviour["pathPattern"] == "/api/*" and behaviour["targetOriginId"] == "api"
    assert behaviour["cachePolicyId"] == CACHING_DISABLED
    assert behaviour["originRequestPolicyId"] == ALL_VIEWER_EXCEPT_HOST_HEADER
    assert behaviour["viewerProtocolPolicy"] == "https-only"
    assert set(behaviour["allowedMethods"]) == {"GET", "HEAD", "OPTIONS", "PUT", "POST",
                                                "PATCH", "DELETE"}
    origins = {o["originId"]: o for o in cdn["origins"]}
    assert "https://" + origins["api"]["domainName"] == api["apiEndpoint"]
    assert origins["api"]["customOriginConfig"]["originProtocolPolicy"] == "https-only"
    oac = program.one("aws:cloudfront/originAccessControl:OriginAccessControl")
    assert origins["site"]["originAccessControlId"] == oac["id"]
    default = cdn["defaultCacheBehavior"]
    assert default["cachePolicyId"] == CACHING_OPTIMIZED and default["compress"] is True
    assert default["viewerProtocolPolicy"] == "redirect-to-https"
    assert cdn["httpVersion"] == "http2and3" and cdn["isIpv6Enabled"] is True
    assert cdn["priceClass"] == "PriceClass_100"


def test_response_headers_match_the_local_server(program: Program) -> None:
    policy = program.one("aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy")["state"]
    headers = policy["securityHeadersConfig"]
    assert headers["contentSecurityPolicy"]["contentSecurityPolicy"] == CONTENT_SECURITY_POLICY
    # No twin:embedOrigins in the stack files: no site may frame the page.
    assert CONTENT_SECURITY_POLICY.endswith("; frame-ancestors 'none'")
    assert headers["referrerPolicy"]["referrerPolicy"] == REFERRER_POLICY
    assert headers["frameOptions"] == {"frameOption": "DENY", "override": True}
    assert headers["contentTypeOptions"]["override"] is True
    assert headers["strictTransportSecurity"]["accessControlMaxAgeSec"] >= 31536000
    cdn = program.one("aws:cloudfront/distribution:Distribution")
    ids = {cdn["state"]["defaultCacheBehavior"]["responseHeadersPolicyId"],
           cdn["state"]["orderedCacheBehaviors"][0]["responseHeadersPolicyId"]}
    assert ids == {program.one("aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy")
                   ["id"]}


def test_everything_taggable_is_tagged(program: Program) -> None:
    types = {r["type"] for r in program.resources}
    assert types <= TAGGABLE | UNTAGGABLE, f"classify new types: {types - TAGGABLE - UNTAGGABLE}"
    for resource in program.resources:
        if resource["type"] in TAGGABLE:
            tags = resource["state"].get("tags", {})
            assert tags == {**EXPECTED_TAGS, "Stack": program.stack}, resource["name"]


def test_site_files_have_types_and_cache_rules(program: Program) -> None:
    objects = {o["state"]["key"]: o["state"] for o in
               program.of_type("aws:s3/bucketObjectv2:BucketObjectv2")}
    assert objects["index.html"]["contentType"] == "text/html; charset=utf-8"
    assert objects["index.html"]["cacheControl"] == "no-cache"
    # The avatar keeps the name the API gives it, and embed.js the one owners paste into their
    # sites; both are revalidated. Everything else the page loads is hashed.
    assert objects["embed.js"]["contentType"] == "text/javascript; charset=utf-8"
    assert objects["embed.js"]["cacheControl"] == "no-cache"
    assets = [k for k in objects
              if k not in ("index.html", "embed.js") and not k.startswith("avatar.")]
    assert assets and all(objects[k]["cacheControl"].endswith("immutable") for k in assets)
    for key in assets:
        assert f"/{key}" in objects["index.html"]["content"]
    assert all(o["contentType"] for o in objects.values())
    # The page's modules import each other by the hashed names they are uploaded under.
    imports = [name for key in assets
               for name in re.findall(r'from "\./([^"]+)"', objects[key].get("content") or "")]
    assert imports and all(name in assets for name in imports), imports


def test_outputs_are_the_documented_ones(program: Program) -> None:
    assert set(program.outputs) == {"siteUrl", "apiUrl", "distributionId", "siteBucket",
                                    "memoryBucket", "functionName", "deployRoleArn",
                                    "logGroupName", "apiEndpoint", "embedOrigins"}
    assert program.outputs["siteUrl"] == "https://d1mock.cloudfront.net"
    assert program.outputs["apiEndpoint"] == \
        program.one("aws:apigatewayv2/api:Api")["state"]["apiEndpoint"]
    assert program.outputs["embedOrigins"] == []
    assert program.outputs["apiUrl"] == "https://d1mock.cloudfront.net/api"
    assert program.outputs["memoryBucket"] == program.one(BUCKET, "-memory")["state"]["bucket"]


def test_no_domain_resources_without_a_domain(program: Program) -> None:
    assert not program.of_type("aws:acm/certificate:Certificate")
    assert not program.of_type("aws:route53/record:Record")
    cdn = program.one("aws:cloudfront/distribution:Distribution")["state"]
    assert cdn["viewerCertificate"] == {"cloudfrontDefaultCertificate": True}
    assert not cdn.get("aliases")
