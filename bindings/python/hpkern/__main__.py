"""``python -m hpkern``: the command line (see :mod:`hpkern.cli`)."""

import sys

from .cli import main

sys.exit(main())
