"""What the workflows promise: triggers, environments, least permissions, no cancelled
deploys, pinned actions, and a destroy that asks for confirmation before any credentials."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.support.workflows import WORKFLOWS

STACKS = ["dev", "test", "prod"]
OIDC_ONLY = {"id-token": "write", "contents": "read"}
CREDENTIALS_ACTION = "aws-actions/configure-aws-credentials@"
PINNED = re.compile(r"^\s*(?:- )?uses: [\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d+(\.\d+)*$")


def steps(job: dict) -> list[dict]:
    return job.get("steps", [])


def index_of(job: dict, matches) -> int:
    found = [i for i, step in enumerate(steps(job)) if matches(step)]
    assert found, f"no matching step in {job.get('name')}"
    return found[0]


def uses(step: dict, action: str) -> bool:
    return step.get("uses", "").startswith(action)


def runs(step: dict, text: str) -> bool:
    return text in step.get("run", "")


def aws_jobs(workflow: dict) -> dict[str, dict]:
    return {
        name: job
        for name, job in workflow["jobs"].items()
        if any(uses(step, CREDENTIALS_ACTION) for step in steps(job))
    }


# --- every workflow ---------------------------------------------------------------------


@pytest.mark.parametrize("name", ["ci.yml", "deploy.yml", "destroy.yml", "eval.yml"])
def test_every_action_is_pinned_to_a_full_commit_sha_with_its_version(name):
    lines = [line for line in (WORKFLOWS / name).read_text().splitlines() if "uses:" in line]
    assert lines
    unpinned = [line.strip() for line in lines if not PINNED.match(line)]
    assert unpinned == []


def test_each_action_is_pinned_to_the_same_commit_everywhere(workflows):
    pins: dict[str, set[str]] = {}
    for workflow in workflows.values():
        for job in workflow["jobs"].values():
            for step in steps(job):
                if "uses" in step:
                    action, sha = step["uses"].split("@")
                    pins.setdefault(action, set()).add(sha)
    assert {action: len(shas) for action, shas in pins.items()} == dict.fromkeys(pins, 1)


def test_no_shell_script_expands_an_expression_directly(workflows):
    # Inputs reach scripts through env variables, so a crafted value cannot become code.
    scripts = [
        step["run"]
        for workflow in workflows.values()
        for job in workflow["jobs"].values()
        for step in steps(job)
        if "run" in step
    ]
    assert scripts
    assert [script for script in scripts if "${{" in script] == []


def test_workflows_grant_nothing_by_default_and_every_job_has_a_timeout(workflows):
    assert workflows["deploy.yml"]["permissions"] == {}
    assert workflows["destroy.yml"]["permissions"] == {}
    assert workflows["eval.yml"]["permissions"] == {}
    assert workflows["ci.yml"]["permissions"] == {"contents": "read"}
    for workflow in workflows.values():
        for job in workflow["jobs"].values():
            assert 0 < job["timeout-minutes"] <= 60


# --- ci ---------------------------------------------------------------------------------


def test_ci_runs_the_test_command_with_a_browser_on_pushes_and_pull_requests(workflows):
    ci = workflows["ci.yml"]
    assert set(ci["on"]) == {"push", "pull_request"}
    [job] = ci["jobs"].values()
    assert job["env"]["TWIN_CHROMIUM"]
    assert any(runs(step, ".ci/run") for step in steps(job))
    assert (WORKFLOWS.parents[1] / ".ci" / "run").read_text().rstrip().endswith("make test")


def test_ci_never_touches_aws(workflows):
    ci = workflows["ci.yml"]
    assert aws_jobs(ci) == {}
    assert all("id-token" not in job.get("permissions", {}) for job in ci["jobs"].values())


# --- deploy -----------------------------------------------------------------------------


def test_deploy_runs_on_main_and_on_demand_for_a_chosen_stack(workflows):
    on = workflows["deploy.yml"]["on"]
    assert set(on) == {"push", "workflow_dispatch"}
    assert on["push"] == {"branches": ["main"]}
    stack = on["workflow_dispatch"]["inputs"]["stack"]
    assert (stack["type"], stack["options"], stack["default"]) == ("choice", STACKS, "dev")


def test_deploy_uses_the_stack_environment_oidc_only_and_never_cancels(workflows):
    [job] = workflows["deploy.yml"]["jobs"].values()
    stack = "${{ inputs.stack || 'dev' }}"
    assert job["environment"] == stack
    assert job["env"]["STACK"] == stack
    assert job["permissions"] == OIDC_ONLY
    assert job["concurrency"] == {"group": f"pulumi-{stack}", "cancel-in-progress": False}


def test_deploy_tests_then_assumes_the_role_then_deploys_then_refreshes_the_cdn(workflows):
    [job] = workflows["deploy.yml"]["jobs"].values()
    tests = index_of(job, lambda s: runs(s, ".ci/run"))
    credentials = index_of(job, lambda s: uses(s, CREDENTIALS_ACTION))
    up = index_of(job, lambda s: runs(s, 'pulumi up --stack "$STACK" --yes'))
    invalidate = index_of(job, lambda s: runs(s, "cloudfront create-invalidation"))
    summary = index_of(job, lambda s: runs(s, "GITHUB_STEP_SUMMARY"))
    assert tests < credentials < up < invalidate < summary
    assert "distributionId" in steps(job)[invalidate]["run"]
    assert "siteUrl" in steps(job)[summary]["run"]


def run_smoke_step(script: str, tmp_path: Path, status: int) -> tuple[int, str]:
    """Run the smoke step under `bash -e` (GitHub's default) with a twin that exits `status`."""
    twin = tmp_path / ".venv" / "bin" / "twin"
    twin.parent.mkdir(parents=True, exist_ok=True)
    twin.write_text(f'#!/bin/sh\necho "ok page"\necho "FAIL chat: answered 502"\nexit {status}\n')
    twin.chmod(0o755)
    summary = tmp_path / "summary.md"
    summary.write_text("")
    result = subprocess.run(
        ["bash", "-e", "-c", script],
        env={"STACK": "dev", "GITHUB_STEP_SUMMARY": str(summary), "PATH": "/usr/bin:/bin"},
        cwd=tmp_path, capture_output=True, text=True, timeout=30, check=False,
    )
    return result.returncode, summary.read_text()


def test_deploy_smoke_tests_the_stack_and_fails_the_job_on_a_failed_check(workflows, tmp_path):
    [job] = workflows["deploy.yml"]["jobs"].values()
    up = index_of(job, lambda s: runs(s, 'pulumi up --stack "$STACK" --yes'))
    invalidate = index_of(job, lambda s: runs(s, "cloudfront create-invalidation"))
    smoke = index_of(job, lambda s: runs(s, "twin smoke --stack"))
    assert up < invalidate < smoke
    step = steps(job)[smoke]
    assert step["shell"] == "bash"
    # Without pipefail, `twin smoke | tee` would report tee's success and hide a failure.
    assert "set -o pipefail" in step["run"]
    status, summary = run_smoke_step(step["run"], tmp_path, 1)
    assert status == 1
    assert "ok page\nFAIL chat: answered 502\n" in summary
    assert summary.startswith("### Smoke test") and summary.rstrip().endswith("```")
    status, summary = run_smoke_step(step["run"], tmp_path, 0)
    assert status == 0 and "FAIL chat" in summary
    # The guard itself: the same pipeline without pipefail passes, which is the trap.
    unguarded = step["run"].replace("set -o pipefail", "")
    assert run_smoke_step(unguarded, tmp_path, 1)[0] == 0


def step_output(script: str, stack_file: str, tmp_path: Path) -> str:
    """Run a step that reads Pulumi.dev.yaml and return what it writes to GITHUB_OUTPUT."""
    (tmp_path / "Pulumi.dev.yaml").write_text(stack_file)
    output = tmp_path / "output"
    output.write_text("")
    subprocess.run(
        ["bash", "-e", "-c", script],
        env={"STACK": "dev", "GITHUB_OUTPUT": str(output), "PATH": "/usr/bin:/bin"},
        cwd=tmp_path, capture_output=True, text=True, timeout=30, check=True,
    )
    return output.read_text().strip()


def test_deploy_sets_up_the_python_of_the_stacks_lambda_runtime(workflows, tmp_path):
    # The package builder compiles the function's bytecode with that version
    # (docs/lambda-package.md).
    [job] = workflows["deploy.yml"]["jobs"].values()
    read = index_of(job, lambda s: s.get("id") == "runtime")
    setup = index_of(job, lambda s: uses(s, "actions/setup-python@"))
    tests = index_of(job, lambda s: runs(s, ".ci/run"))
    assert read < setup < tests
    version = steps(job)[setup]["with"]["python-version"]
    assert version == "${{ steps.runtime.outputs.python-version }}"
    script = steps(job)[read]["run"]
    default = yaml.safe_load((WORKFLOWS.parents[1] / "Pulumi.yaml").read_text())
    default = default["config"]["lambdaRuntime"]["default"].removeprefix("python")
    assert step_output(script, "config:\n  aws:region: eu-west-1\n", tmp_path) == (
        f"python-version={default}"
    )
    stack = "config:\n  twin:lambdaRuntime: python3.12\n  twin:modelId: offline\n"
    assert step_output(script, stack, tmp_path) == "python-version=3.12"
    assert step_output(script, stack.replace("python3.12", '"python3.14"'), tmp_path) == (
        "python-version=3.14"
    )


@pytest.mark.parametrize("name", ["deploy.yml", "destroy.yml"])
def test_credentials_come_from_the_environment_role_never_from_stored_keys(workflows, name):
    [job] = aws_jobs(workflows[name]).values()
    [step] = [s for s in steps(job) if uses(s, CREDENTIALS_ACTION)]
    assert step["with"] == {
        "role-to-assume": "${{ vars.AWS_DEPLOY_ROLE_ARN }}",
        "aws-region": "${{ vars.AWS_REGION }}",
    }
    assert job["env"]["PULUMI_BACKEND_URL"] == "${{ vars.PULUMI_BACKEND_URL }}"
    assert "secrets." not in (WORKFLOWS / name).read_text()


# --- destroy ----------------------------------------------------------------------------


def test_destroy_is_manual_with_a_stack_choice_and_a_typed_confirmation(workflows):
    on = workflows["destroy.yml"]["on"]
    assert set(on) == {"workflow_dispatch"}
    inputs = on["workflow_dispatch"]["inputs"]
    assert (inputs["stack"]["type"], inputs["stack"]["options"]) == ("choice", STACKS)
    assert (inputs["confirmation"]["type"], inputs["confirmation"]["required"]) == ("string", True)


def test_destroy_shares_deploys_environment_permissions_and_concurrency(workflows):
    [job] = aws_jobs(workflows["destroy.yml"]).values()
    assert job["environment"] == "${{ inputs.stack }}"
    assert job["permissions"] == OIDC_ONLY
    assert job["concurrency"] == {
        "group": "pulumi-${{ inputs.stack }}",
        "cancel-in-progress": False,
    }
    [deploy] = workflows["deploy.yml"]["jobs"].values()
    assert deploy["concurrency"]["group"].startswith("pulumi-${{ inputs.stack")


def guard(workflow: dict) -> tuple[str, dict]:
    """The job and step that compare the confirmation with the stack."""
    for name, job in workflow["jobs"].items():
        for step in steps(job):
            if runs(step, '"$CONFIRMATION" != "destroy $STACK"'):
                return name, step
    raise AssertionError("no confirmation guard")


def test_the_guard_runs_before_any_credentials_are_requested(workflows):
    destroy = workflows["destroy.yml"]
    guard_job, guard_step = guard(destroy)
    [(aws_job_name, aws_job)] = aws_jobs(destroy).items()
    if guard_job == aws_job_name:
        credentials = index_of(aws_job, lambda s: uses(s, CREDENTIALS_ACTION))
        assert steps(aws_job).index(guard_step) < credentials
    else:
        needs = aws_job["needs"]
        assert guard_job in ([needs] if isinstance(needs, str) else needs)
        assert destroy["jobs"][guard_job]["permissions"] == {}
        assert "environment" not in destroy["jobs"][guard_job]


@pytest.mark.parametrize(
    ("stack", "confirmation", "allowed"),
    [
        ("dev", "destroy dev", True),
        ("prod", "destroy prod", True),
        ("prod", "destroy dev", False),
        ("prod", "destroy prod ", False),
        ("prod", "Destroy prod", False),
        ("prod", "", False),
        ("prod", 'x" = "x', False),
    ],
)
def test_the_guard_accepts_only_the_exact_confirmation(workflows, stack, confirmation, allowed):
    _, step = guard(workflows["destroy.yml"])
    assert step["env"] == {
        "STACK": "${{ inputs.stack }}",
        "CONFIRMATION": "${{ inputs.confirmation }}",
    }
    result = subprocess.run(
        ["bash", "-e", "-c", step["run"]],
        env={"STACK": stack, "CONFIRMATION": confirmation, "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert (result.returncode == 0) is allowed, result.stdout


def test_destroy_keeps_protected_data_and_says_what_it_kept(workflows):
    [job] = aws_jobs(workflows["destroy.yml"]).values()
    destroy = index_of(job, lambda s: runs(s, "pulumi destroy"))
    assert "--exclude-protected" in steps(job)[destroy]["run"]
    summary = steps(job)[index_of(job, lambda s: runs(s, "GITHUB_STEP_SUMMARY"))]["run"]
    assert "pulumi stack export" in summary
    assert "pulumi state unprotect" in summary


# --- eval -------------------------------------------------------------------------------


def test_eval_is_manual_and_uses_only_the_dev_deploy_role(workflows):
    evaluation = workflows["eval.yml"]
    assert set(evaluation["on"]) == {"workflow_dispatch"}
    [job] = evaluation["jobs"].values()
    assert job["environment"] == "dev" and job["env"]["STACK"] == "dev"
    assert job["permissions"] == OIDC_ONLY
    [step] = [s for s in steps(job) if uses(s, CREDENTIALS_ACTION)]
    assert step["with"] == {"role-to-assume": "${{ vars.AWS_DEPLOY_ROLE_ARN }}",
                            "aws-region": "${{ vars.AWS_REGION }}"}
    assert "secrets." not in (WORKFLOWS / "eval.yml").read_text()


def test_eval_asks_the_stacks_model_after_assuming_the_role(workflows, tmp_path):
    [job] = workflows["eval.yml"]["jobs"].values()
    read = index_of(job, lambda s: s.get("id") == "model")
    credentials = index_of(job, lambda s: uses(s, CREDENTIALS_ACTION))
    run_eval = index_of(job, lambda s: runs(s, "make eval"))
    assert read < credentials < run_eval
    assert steps(job)[run_eval]["env"] == {
        "TWIN_MODEL_ID": "${{ steps.model.outputs.id }}",
        "TWIN_BEDROCK_REGION": "${{ vars.AWS_REGION }}",
    }
    script = steps(job)[read]["run"]
    default = yaml.safe_load((WORKFLOWS.parents[1] / "Pulumi.yaml").read_text())
    default = default["config"]["modelId"]["default"]
    assert step_output(script, "config:\n  aws:region: us-east-1\n", tmp_path) == f"id={default}"
    stack = "config:\n  aws:region: eu-west-1\n  twin:modelId: eu.amazon.nova-micro-v1:0\n"
    assert step_output(script, stack, tmp_path) == "id=eu.amazon.nova-micro-v1:0"
    upload = steps(job)[index_of(job, lambda s: uses(s, "actions/upload-artifact@"))]
    assert upload["with"]["path"] == "bench/eval.json"
