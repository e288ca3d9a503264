"""A small evaluator of identity-policy documents: is this action on this ARN allowed?"""

from __future__ import annotations

import json
from fnmatch import fnmatchcase


def statements(policy: str) -> list[dict]:
    return json.loads(policy)["Statement"]


def listed(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else value


def _matches(statement: dict, action: str, resource: str) -> bool:
    # Action names are case-insensitive in IAM; ARNs are not.
    actions = [a.lower() for a in listed(statement["Action"])]
    return (any(fnmatchcase(action.lower(), a) for a in actions)
            and any(fnmatchcase(resource, r) for r in listed(statement["Resource"])))


def allows(policy: str | list[dict], action: str, resource: str) -> bool:
    """True when an Allow statement names the action and resource and no Deny does.

    Conditions are not evaluated: a conditional Allow counts as an Allow.
    """
    found = statements(policy) if isinstance(policy, str) else policy
    if any(s["Effect"] == "Deny" and _matches(s, action, resource) for s in found):
        return False
    return any(s["Effect"] == "Allow" and _matches(s, action, resource) for s in found)
