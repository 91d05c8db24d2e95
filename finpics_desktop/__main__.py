"""``python -m finpics_desktop``: the same entry point as the ``finpics-desktop`` command."""

import sys

from finpics_desktop.cli import main

if __name__ == "__main__":  # a spawned child (the window's publishing process) imports this
    sys.exit(main())
