"""Command groups that list their subcommands in the order an owner meets them."""

from __future__ import annotations

import click


class InOrder(click.Group):
    """Lists its commands in the order they were added, not alphabetically."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(self.commands)
