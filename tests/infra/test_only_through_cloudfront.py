"""CloudFront sends the API a secret header that the function requires; nothing else has it."""

from __future__ import annotations

from api.origin import HEADER as ORIGIN_HEADER  # CloudFront sends the header the app checks
from tests.support.infra.stack_runs import ALL_FEATURES, Program, program_for

DISTRIBUTION = "aws:cloudfront/distribution:Distribution"


def origins(program: Program) -> dict[str, dict]:
    return {o["originId"]: o for o in program.one(DISTRIBUTION)["state"]["origins"]}


def function_secret(program: Program) -> str:
    function = program.one("aws:lambda/function:Function")["state"]
    return function["environment"]["variables"]["TWIN_ORIGIN_SECRET"]


def test_the_api_origin_alone_sends_the_functions_secret(program: Program) -> None:
    by_id = origins(program)
    secret = function_secret(program)
    assert by_id["api"]["customHeaders"] == [{"name": ORIGIN_HEADER, "value": secret}]
    assert "customHeaders" not in by_id["site"]
    generated = program.one("random:index/randomPassword:RandomPassword")
    assert generated["name"] == f"twin-{program.stack}-origin-secret"
    assert generated["state"]["length"] >= 32 and generated["state"]["special"] is False
    assert secret == generated["state"]["result"]


def test_the_secret_stays_a_secret_in_the_state(program: Program) -> None:
    cdn = program.one(DISTRIBUTION)["name"]
    function = program.one("aws:lambda/function:Function")["name"]
    assert {(cdn, "origins"), (function, "environment")} <= program.secret_inputs
    assert "originSecret" not in str(program.outputs)
    assert function_secret(program) not in str(program.outputs)


def test_a_configured_secret_replaces_the_generated_one() -> None:
    program = program_for("prod", **ALL_FEATURES)
    assert function_secret(program) == ALL_FEATURES["twin:originSecret"]
    assert origins(program)["api"]["customHeaders"][0]["value"] == function_secret(program)
