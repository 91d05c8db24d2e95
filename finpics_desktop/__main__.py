"""``python -m finpics_desktop``: the same entry point as the ``finpics-desktop`` command."""

import sys

from finpics_desktop.cli import main

sys.exit(main())
