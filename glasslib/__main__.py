"""``python -m glasslib``: see :mod:`glasslib.cli`."""

import sys

from .cli import main

sys.exit(main())
