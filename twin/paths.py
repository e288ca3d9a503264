"""The path type every `twin` option and argument uses: `~` means the owner's home folder."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import click


class UserPath(click.Path):
    """A click.Path that expands a leading `~`, which a quoted value (`FROM='~/Profile.pdf'`, or
    a make variable) brings in unexpanded; the value becomes a pathlib.Path."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(path_type=Path, **kwargs)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, (str, Path)):
            value = os.path.expanduser(value)
        return super().convert(value, param, ctx)
