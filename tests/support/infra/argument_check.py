"""Check every argument the program passes against pulumi-aws's own declared types.

Pulumi's mock runtime accepts any nested dict, so a misspelt key (`"filter": {"prefixx": ""}`)
would pass every policy test and fail only at `pulumi up`. Each resource class's
`_internal_init` is wrapped to walk its keyword arguments through the `*ArgsDict` TypedDicts
that pulumi-aws declares: an unknown key or a missing required one is recorded.
"""

from __future__ import annotations

import functools
import importlib
import inspect
import pkgutil
import sys
import typing
from typing import Any

import pulumi

# The provider packages (and pulumi-aws modules) whose resources the program may create.
AWS_MODULES = ("acm", "apigatewayv2", "budgets", "cloudfront", "cloudwatch", "iam", "lambda_",
               "route53", "s3", "sns", "wafv2")
MODULES = (*(f"pulumi_aws.{name}" for name in AWS_MODULES), "pulumi_random")


def _hints(obj: Any) -> dict[str, Any]:
    namespace = {**vars(sys.modules[obj.__module__]), "Output": pulumi.Output, "T": Any}
    return typing.get_type_hints(obj, globalns=namespace)


def _typed_dicts(annotation: Any) -> list[type]:
    found = [annotation] if typing.is_typeddict(annotation) else []
    for argument in typing.get_args(annotation):
        found += _typed_dicts(argument)
    return found


def check_value(value: Any, annotation: Any, path: str, problems: list[str]) -> None:
    """Record keys of `value` (and of the dicts inside it) that `annotation` does not declare."""
    declared = _typed_dicts(annotation)
    if not declared:
        return
    if isinstance(value, list | tuple):
        for index, item in enumerate(value):
            check_value(item, annotation, f"{path}[{index}]", problems)
    elif isinstance(value, dict):
        shape = declared[0]
        fields = _hints(shape)
        for key, item in value.items():
            if key in fields:
                check_value(item, fields[key], f"{path}.{key}", problems)
            else:
                problems.append(f"{path}.{key}: {shape.__name__} has no such field")
        missing = set(shape.__required_keys__) - set(value)
        if missing:
            problems.append(f"{path}: {shape.__name__} needs {sorted(missing)}")


class ArgumentCheck:
    """Wraps the resource classes of MODULES; `problems` and `checked` fill in as they are used."""

    def __init__(self) -> None:
        self.problems: list[str] = []
        self.checked: set[str] = set()

    def _wrap(self, cls: type) -> None:
        init = cls._internal_init  # type: ignore[attr-defined]
        fields = _hints(init)

        @functools.wraps(init)
        def checked_init(resource: Any, resource_name: str, opts: Any = None, **kwargs: Any) -> Any:
            self.checked.add(cls.__name__)
            for key, value in kwargs.items():
                check_value(value, fields.get(key), f"{cls.__name__}({resource_name}).{key}",
                            self.problems)
            return init(resource, resource_name, opts, **kwargs)

        cls._internal_init = checked_init  # type: ignore[attr-defined]

    def install(self) -> ArgumentCheck:
        for name in MODULES:
            package = importlib.import_module(name)
            # pulumi-aws loads a module's __init__ on first attribute access; do it now, so
            # importing the submodules below cannot race it.
            hasattr(package, "__all__")
            for info in pkgutil.iter_modules(package.__path__):
                if info.name.startswith("_"):
                    continue
                module = importlib.import_module(f"{package.__name__}.{info.name}")
                for cls in vars(module).values():
                    if (inspect.isclass(cls) and cls.__module__ == module.__name__
                            and issubclass(cls, pulumi.CustomResource)):
                        self._wrap(cls)
        return self
