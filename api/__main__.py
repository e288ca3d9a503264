"""Run the twin locally: the API and the chat page from one process (`make run`)."""

from __future__ import annotations

import argparse
import dataclasses
import sys

from .config import OFFLINE_MODEL, Config, ConfigError
from .personas import PersonaError


def _usable_model(config: Config) -> Config:
    """Fall back to the offline model when a Bedrock model is named but no credentials exist."""
    if config.offline:
        return config
    import boto3

    if boto3.Session().get_credentials() is None:
        print(f"twin: no AWS credentials found; using the offline model, not {config.model_id}")
        return dataclasses.replace(config, model_id=OFFLINE_MODEL)
    return config


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, build the local app and serve it until interrupted."""
    parser = argparse.ArgumentParser(prog="python -m api", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=8000, help="port to listen on")
    args = parser.parse_args(argv)
    try:
        config = _usable_model(Config.from_env())
        from .local import create_local_app

        app = create_local_app(config)
    except (ConfigError, PersonaError) as exc:
        print(f"twin: cannot start: {exc}", file=sys.stderr)
        return 2
    model = "offline model" if config.offline else f"Bedrock model {config.model_id}"
    memory = f"S3 bucket {config.memory_bucket}" if config.memory_bucket else config.memory_dir
    print(f"Twin of {app.extensions['twin'].persona.full_name} on http://{args.host}:{args.port}")
    print(f"  answering with the {model}; conversations in {memory}")
    app.run(host=args.host, port=args.port, debug=False, threaded=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
