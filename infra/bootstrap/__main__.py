"""`python -m infra.bootstrap`: run the one-time account setup."""

import sys

from infra.bootstrap.cli import main

sys.exit(main())
