"""Run `__main__.py` under Pulumi's mock runtime for one stack and print what it registered.

Usage: python tests/support/infra/mock_program.py <stack> [<JSON object of extra config>
[<stack file>]] (the extra config holds twin: and aws: keys; the stack file, dev, test or prod,
gives its Pulumi.<file>.yaml to a stack of another name, such as a long one).

Config is built as the Pulumi CLI builds it: Pulumi.yaml defaults, then Pulumi.<stack>.yaml,
then the extra values. The output is one JSON document: resources (type, name, inputs,
protect, retainOnDelete, parent), invokes, stack outputs, and any argument pulumi-aws does not
declare (see argument_check.py). Each stack runs in its own
interpreter because the Pulumi runtime keeps global state.
"""

from __future__ import annotations

import functools
import json
import runpy
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))

import pulumi  # noqa: E402
import yaml  # noqa: E402
from pulumi.runtime import mocks  # noqa: E402
from pulumi.runtime.stack import run_pulumi_func  # noqa: E402
from pulumi.runtime.sync_await import _sync_await  # noqa: E402

from tests.support.infra.argument_check import ArgumentCheck  # noqa: E402
from tests.support.infra.stack_runs import ACCOUNT  # noqa: E402


def stack_config(stack: str, extra: dict[str, str]) -> dict[str, str]:
    """Project defaults, then the stack file, then extra values: all as strings."""
    project = yaml.safe_load((ROOT / "Pulumi.yaml").read_text())
    config = {
        f"twin:{key}": spec["default"]
        for key, spec in project.get("config", {}).items()
        if "default" in spec
    }
    config.update(yaml.safe_load((ROOT / f"Pulumi.{stack}.yaml").read_text())["config"])
    config.update(extra)

    def text(value: object) -> str:
        # As the CLI passes them: booleans in lower case, lists and objects as JSON.
        if isinstance(value, bool):
            return str(value).lower()
        return json.dumps(value) if isinstance(value, list | dict) else str(value)

    return {key: text(value) for key, value in config.items()}


class Mocks(pulumi.runtime.Mocks):
    """Outputs shaped like AWS's, so the program's applies run on realistic values."""

    def __init__(self, region: str) -> None:
        self.region = region
        self.invokes: list[dict] = []

    def new_resource(self, args: pulumi.runtime.MockResourceArgs):
        state = dict(args.inputs)
        name, typ, region = args.name, args.typ, self.region
        physical = f"{name}-a1b2c3d"
        # A resource that takes an ARN as input (a topic policy) keeps it.
        outputs: dict = {} if "arn" in state else {
            "arn": f"arn:aws:mock:{region}:{ACCOUNT}:{typ}/{name}"}
        if typ == "aws:s3/bucket:Bucket":
            outputs = {"bucket": physical, "arn": f"arn:aws:s3:::{physical}",
                       "bucketRegionalDomainName": f"{physical}.s3.{region}.amazonaws.com"}
        elif typ == "aws:cloudfront/distribution:Distribution":
            outputs = {"arn": f"arn:aws:cloudfront::{ACCOUNT}:distribution/E2MOCKDIST",
                       "domainName": "d1mock.cloudfront.net", "hostedZoneId": "Z2FDTNDATAQYW2"}
            physical = "E2MOCKDIST"
        elif typ == "aws:apigatewayv2/api:Api":
            physical = "mockapi123"
            outputs = {"apiEndpoint": f"https://{physical}.execute-api.{region}.amazonaws.com",
                       "executionArn": f"arn:aws:execute-api:{region}:{ACCOUNT}:{physical}"}
        elif typ == "aws:lambda/function:Function":
            arn = f"arn:aws:lambda:{region}:{ACCOUNT}:function:{physical}"
            outputs = {"arn": arn, "name": physical, "invokeArn":
                       f"arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/{arn}"
                       "/invocations", "version": "7" if state.get("publish") else "$LATEST"}
        elif typ == "aws:lambda/alias:Alias":
            arn = (f"arn:aws:lambda:{region}:{ACCOUNT}:function:{state['functionName']}:"
                   f"{state['name']}")
            outputs = {"arn": arn, "invokeArn":
                       f"arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/{arn}"
                       "/invocations"}
        elif typ == "aws:cloudwatch/logGroup:LogGroup":
            outputs = {"arn": f"arn:aws:logs:{region}:{ACCOUNT}:log-group:{state['name']}"}
        elif typ == "aws:iam/role:Role":
            outputs = {"arn": f"arn:aws:iam::{ACCOUNT}:role/{physical}", "name": physical}
        elif typ == "aws:iam/policy:Policy":
            outputs = {"arn": f"arn:aws:iam::{ACCOUNT}:policy/{state['name']}"}
        elif typ == "aws:acm/certificate:Certificate":
            outputs = {"arn": f"arn:aws:acm:{state.get('region')}:{ACCOUNT}:certificate/mock",
                       "domainValidationOptions": [{
                           "domainName": state["domainName"],
                           "resourceRecordName": f"_abc.{state['domainName']}.",
                           "resourceRecordType": "CNAME",
                           "resourceRecordValue": "_def.acm-validations.aws.",
                       }]}
        elif typ == "aws:acm/certificateValidation:CertificateValidation":
            outputs = {"certificateArn": state["certificateArn"]}
        elif typ == "aws:route53/record:Record":
            outputs = {"fqdn": state["name"]}
        elif typ == "random:index/randomPassword:RandomPassword":
            outputs = {"result": "generated0origin0secret0" + "x" * (int(state["length"]) - 24)}
        elif typ == "aws:wafv2/webAcl:WebAcl":
            physical = "0a1b2c3d-waf"
            outputs = {"arn": f"arn:aws:wafv2:{state['region']}:{ACCOUNT}:global/webacl/"
                              f"{state['name']}/{physical}"}
        elif typ == "aws:cloudwatch/metricAlarm:MetricAlarm":
            outputs = {"arn": f"arn:aws:cloudwatch:{region}:{ACCOUNT}:alarm:{state['name']}"}
        elif typ == "aws:cloudwatch/dashboard:Dashboard":
            outputs = {"dashboardArn":
                       f"arn:aws:cloudwatch::{ACCOUNT}:dashboard/{state['dashboardName']}"}
        elif typ == "aws:budgets/budget:Budget":
            outputs = {"arn": f"arn:aws:budgets::{ACCOUNT}:budget/{state['name']}"}
        elif typ == "aws:sns/topic:Topic":
            outputs = {"arn": f"arn:aws:sns:{region}:{ACCOUNT}:{state['name']}"}
        elif typ == "aws:sns/topicSubscription:TopicSubscription":
            outputs = {"arn": f"{state['topic']}:0f1e2d3c-mock"}
        return physical, {**state, **outputs}

    def call(self, args: pulumi.runtime.MockCallArgs):
        self.invokes.append({"token": args.token, "args": dict(args.args)})
        if args.token == "aws:index/getCallerIdentity:getCallerIdentity":
            return {"accountId": ACCOUNT, "arn": f"arn:aws:iam::{ACCOUNT}:user/mock",
                    "userId": "MOCK", "id": ACCOUNT}
        if args.token == "aws:index/getPartition:getPartition":
            return {"partition": "aws", "dnsSuffix": "amazonaws.com", "id": "aws",
                    "reverseDnsPrefix": "com.amazonaws"}
        if args.token == "aws:route53/getZone:getZone":
            return {"zoneId": "Z0MOCKZONE", "name": args.args["name"], "id": "Z0MOCKZONE"}
        raise NotImplementedError(f"no mock for invoke {args.token}")


class RecordingMonitor(mocks.MockMonitor):
    """Keeps the resource options the plain mock monitor drops (protect, retainOnDelete)."""

    def __init__(self, mocks_: Mocks) -> None:
        super().__init__(mocks_)
        self.options: dict[str, dict] = {}

    def RegisterResource(self, request):
        response = super().RegisterResource(request)
        self.options[response.urn] = {
            "protect": request.protect,
            "retainOnDelete": request.retainOnDelete,
            "parent": request.parent,
            "dependencies": list(request.dependencies),
        }
        return response


def _plain(value: object) -> object:
    if isinstance(value, pulumi.Asset | pulumi.Archive):
        return {"asset": type(value).__name__, "path": getattr(value, "path", None)}
    return repr(value)


def run(stack: str, extra: dict[str, str], stack_file: str | None = None) -> dict:
    """Run the program for `stack` (with `stack_file`'s config, default its own)."""
    config = stack_config(stack_file or stack, extra)
    arguments = ArgumentCheck().install()
    mock = Mocks(config["aws:region"])
    monitor = RecordingMonitor(mock)
    pulumi.runtime.set_mocks(mock, project="twin", stack=stack, preview=False, monitor=monitor)
    pulumi.runtime.set_all_config(config)

    # The Lambda package is tested on its own (tests/infra/test_package.py); here it is built
    # without installing dependencies, so these policy tests need no package registry.
    import infra.package

    with tempfile.TemporaryDirectory(prefix="twin-mock-build-") as scratch_dir:
        scratch = Path(scratch_dir)
        (scratch / "no-deps").mkdir()
        infra.package.cached_dependencies = lambda *_args: scratch / "no-deps"
        infra.package.build_package = functools.partial(infra.package.build_package,
                                                        build_dir=scratch)
        _sync_await(run_pulumi_func(lambda: runpy.run_path(str(ROOT / "__main__.py"),
                                                           run_name="__main__")))
    stack_outputs = pulumi.runtime.settings.get_root_resource().outputs
    outputs = {name: _sync_await(pulumi.Output.from_input(value).future())
               for name, value in stack_outputs.items()}
    resources = []
    for urn, registration in monitor.get_registered_resources().items():
        typ, name = urn.split("::")[2].split("$")[-1], urn.split("::")[3]
        resources.append({"urn": urn, "type": typ, "name": name, "id": registration.id,
                          "state": registration.state, **monitor.options[urn]})
    return {"config": config, "resources": resources, "invokes": mock.invokes,
            "outputs": outputs, "argumentProblems": arguments.problems,
            "checkedClasses": sorted(arguments.checked)}


if __name__ == "__main__":
    extra_config = json.loads(sys.argv[2]) if len(sys.argv) > 2 else {}
    try:
        result = run(sys.argv[1], extra_config, sys.argv[3] if len(sys.argv) > 3 else None)
    except pulumi.RunError as error:
        print(f"RunError: {error}", file=sys.stderr)
        sys.exit(3)
    json.dump(result, sys.stdout, default=_plain, indent=1)
