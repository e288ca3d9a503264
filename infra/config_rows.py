"""A `twin:` config key as one row of a table, and the parsers rows are built from.

A parser gets the key's value, set and stripped, and returns the field's value or raises
ValueError saying what is wrong; the row adds the key and the command that sets it right.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import pulumi

Parse = Callable[[str], Any]
REQUIRED = object()


class SettingsError(pulumi.RunError):
    """A config value is missing or invalid; the message names the key and how to fix it."""


def fail(key: str, problem: str, example: str, path: str = "") -> SettingsError:
    target = f"--path 'twin:{key}{path}'" if path else f"twin:{key}"
    return SettingsError(
        f"twin:{key} {problem}. Set it with: pulumi config set {target} {example}"
    )


@dataclass(frozen=True)
class Setting:
    """A key, the field it fills, its parser, a value its errors suggest, and its default
    (without one, the key must be set)."""

    key: str
    field: str
    parse: Parse
    example: str
    default: object = REQUIRED
    # A list is set one entry at a time, so its hint needs `--path 'twin:<key>[0]'`.
    path: str = ""

    def read(self, values: Mapping[str, str]) -> Any:
        raw = values.get(self.key, "").strip()
        if not raw and self.default is REQUIRED:
            raise fail(self.key, "is not set", self.example, self.path)
        try:
            return self.parse(raw) if raw else self.default
        except ValueError as error:
            raise fail(self.key, str(error), self.example, self.path) from None


def whole(low: int, high: int) -> Callable[[str], int]:
    def parse(raw: str) -> int:
        if raw.isdigit() and low <= int(raw) <= high:
            return int(raw)
        raise ValueError(f"must be a whole number from {low} to {high}, got {raw!r}")
    return parse


def matches(pattern: re.Pattern[str], problem: str = "is not valid: {!r}") -> Parse:
    """`problem` shows the value where it says {!r}."""
    def parse(raw: str) -> str:
        if pattern.match(raw):
            return raw
        raise ValueError(problem.format(raw))
    return parse


def one_of(options: tuple[Any, ...], parse: Parse = str) -> Parse:
    def parse_one(raw: str) -> Any:
        if (value := parse(raw)) in options:
            return value
        raise ValueError(f"must be one of {options}")
    return parse_one


def boolean(raw: str) -> bool:
    if raw.lower() in ("true", "false"):
        return raw.lower() == "true"
    raise ValueError(f"must be true or false, got {raw!r}")
