"""`python -m api.inbox`: the owner's command (see api/inbox/cli.py)."""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
