"""``finpics-desktop``, the command line: with no command it opens the window. The commands
are grouped by feature: publishing and browsing (``main``), curation (``curate``), people
(``people``), the cloud (``cloud``), with what they accept and their exit codes (``args``)."""

from finpics_desktop.cli.main import COMMANDS, main

__all__ = ["COMMANDS", "main"]
