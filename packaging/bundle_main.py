"""The bundle's entry point (``finpics-desktop.spec``): the ``finpics-desktop`` command."""

import multiprocessing
import sys

from finpics_desktop.cli import main

if __name__ == "__main__":
    multiprocessing.freeze_support()  # the window's publishing process runs this executable
    sys.exit(main())
