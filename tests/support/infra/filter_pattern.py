"""CloudWatch Logs JSON filter patterns, evaluated the way CloudWatch does, for the forms we use.

Supported: `{ <expr> }` where <expr> joins comparisons with `&&`, `||` and parentheses, and a
comparison is `$.field = "text"`, `$.field != "text"`, `$.field <op> number` (op one of
`= != < <= > >=`) or `$.field IS TRUE|FALSE|NULL`. A missing field never matches. Anything else
raises, so a pattern this evaluator cannot read fails its test instead of passing unread.
"""

from __future__ import annotations

import json
import re

TOKEN = re.compile(r'\s*(\|\||&&|\(|\)|\$\.[A-Za-z_][A-Za-z0-9_]*|IS|TRUE|FALSE|NULL'
                   r'|!=|<=|>=|=|<|>|"[^"]*"|-?\d+(?:\.\d+)?)')
MISSING = object()


class UnsupportedPattern(ValueError):
    """The pattern uses syntax this evaluator does not implement."""


def _tokens(text: str) -> list[str]:
    tokens, position = [], 0
    while position < len(text.rstrip()):
        found = TOKEN.match(text, position)
        if not found:
            raise UnsupportedPattern(f"cannot read {text[position:]!r}")
        tokens.append(found.group(1))
        position = found.end()
    return tokens


def _field(line: dict, selector: str) -> object:
    value: object = line
    for part in selector.removeprefix("$.").split("."):
        if not isinstance(value, dict) or part not in value:
            return MISSING
        value = value[part]
    return value


def _compare(value: object, op: str, literal: str) -> bool:
    if value is MISSING:
        return False
    if literal.startswith('"'):
        if op not in ("=", "!="):
            raise UnsupportedPattern(f"{op} on text")
        return (value == literal[1:-1]) == (op == "=")
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    number = float(literal)
    return {"=": value == number, "!=": value != number, "<": value < number,
            "<=": value <= number, ">": value > number, ">=": value >= number}[op]


def matches(pattern: str, line: str) -> bool:
    """Whether a JSON log line matches the filter pattern."""
    body = pattern.strip()
    if not (body.startswith("{") and body.endswith("}")):
        raise UnsupportedPattern("only JSON patterns, { ... }")
    tokens = _tokens(body[1:-1])
    record = json.loads(line)

    def expression(i: int) -> tuple[bool, int]:
        result, i = term(i)
        while i < len(tokens) and tokens[i] in ("||", "&&"):
            right, j = term(i + 1)
            result = (result or right) if tokens[i] == "||" else (result and right)
            i = j
        return result, i

    def term(i: int) -> tuple[bool, int]:
        if tokens[i] == "(":
            result, i = expression(i + 1)
            if tokens[i] != ")":
                raise UnsupportedPattern("unbalanced parentheses")
            return result, i + 1
        selector, op, literal = tokens[i:i + 3]
        if not selector.startswith("$."):
            raise UnsupportedPattern(f"expected a $.field, got {selector!r}")
        value = _field(record, selector)
        if op == "IS":
            expected = {"TRUE": True, "FALSE": False, "NULL": None}[literal]
            return value is not MISSING and value is expected, i + 3
        return _compare(value, op, literal), i + 3

    result, end = expression(0)
    if end != len(tokens):
        raise UnsupportedPattern(f"unread tokens {tokens[end:]}")
    return result


def metric_value(value: str, line: str) -> float:
    """What a matching line adds to the metric: a constant or a `$.field` of the line."""
    if value.startswith("$."):
        found = _field(json.loads(line), value)
        if isinstance(found, bool) or not isinstance(found, int | float):
            raise AssertionError(f"{value} is not a number in {line}")
        return float(found)
    return float(value)
