"""`twin`: one command for the owner, with a subcommand for each job and --help at every level."""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

import click

from twin.bootstrap import bootstrap
from twin.doctor import doctor
from twin.groups import InOrder
from twin.inbox.commands import inbox
from twin.persona.commands import persona
from twin.smoke import smoke

if TYPE_CHECKING:  # imported when a command runs, so `twin --help` starts at once
    from api.config import Config


@click.group(cls=InOrder, context_settings={"help_option_names": ["-h", "--help"]},
             epilog="Each command has its own --help, with examples.")
def cli() -> None:
    """Your AI twin: run it locally, read what visitors left, shape its persona, prepare AWS,
    check it before and after a deploy."""


@cli.command(epilog="""\b
examples:
  twin run                                   http://127.0.0.1:8000, offline model
  twin run --port 9000
  TWIN_PERSONA=personas/me twin run          your own persona
  TWIN_MODEL_ID=eu.amazon.nova-micro-v1:0 TWIN_BEDROCK_REGION=eu-west-1 twin run""")
@click.option("--host", default="127.0.0.1", show_default=True, help="address to listen on")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True,
              help="port to listen on")
def run(host: str, port: int) -> int:
    """Serve the chat page and the API locally, with the settings of the TWIN_* variables."""
    from api.config import Config, ConfigError
    from api.persona import PersonaError
    from twin.listen import ListenError, listen
    from twin.server import create_local_app

    try:
        config = usable_model(Config.from_env())
        app = create_local_app(config)
        server = listen(app, host, port)  # before saying where the twin is: the port may be taken
    except (ConfigError, PersonaError, ListenError) as exc:
        print(f"twin: cannot start: {exc}", file=sys.stderr)
        return 2
    model = "offline model" if config.offline else f"Bedrock model {config.model_id}"
    memory = f"S3 bucket {config.memory_bucket}" if config.memory_bucket else config.memory_dir
    from api.services import services

    print(f"Twin of {services(app).chat.persona.full_name} on http://{host}:{port}")
    print(f"  answering with the {model}; conversations in {memory}; Ctrl-C stops it",
          flush=True)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
    return 0


def usable_model(config: Config) -> Config:
    """Fall back to the offline model when a Bedrock model is named but no credentials exist."""
    from api.config import OFFLINE_MODEL

    if config.offline:
        return config
    import boto3

    if boto3.Session().get_credentials() is None:
        print(f"twin: no AWS credentials found; using the offline model, not {config.model_id}")
        return dataclasses.replace(config, model_id=OFFLINE_MODEL)
    return config


cli.add_command(inbox)
cli.add_command(persona)
cli.add_command(bootstrap)
cli.add_command(doctor)  # before the first deploy
cli.add_command(smoke)  # after each deploy


def main(argv: Sequence[str] | None = None) -> int:
    """Run `twin` with `argv` (default: the process's arguments); returns the exit status."""
    try:
        result = cli.main(args=list(argv) if argv is not None else None, prog_name="twin",
                          standalone_mode=False)
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.ClickException as exc:  # a usage error: the message, and how to get help
        exc.show()
        return exc.exit_code
    except click.Abort:  # Ctrl-C, or end of input at a prompt
        print("Aborted.", file=sys.stderr)
        return 1
    return result if isinstance(result, int) else 0
