"""The one way an error becomes the line a user reads: never a traceback; in the window with
the window's own way out (its Settings), on the command line with its options."""

from __future__ import annotations

from finpics_desktop.domain.errors import FinpicsError


def describe_error(error: BaseException, *, command_line: bool = False) -> str:
    """A short reason: the project's own errors say what is wrong in the curator's words and
    what to do where the curator is -- in the window (never a command-line option), or on
    the command line (``command_line``: its options and commands); an OS error its reason and
    file; anything else its type and message."""
    if isinstance(error, FinpicsError):
        return str(error) if command_line else error.for_window()
    if isinstance(error, OSError):
        return f"{error.strerror or error}" + (f": {error.filename}" if error.filename else "")
    return f"{type(error).__name__}: {error}"


def settings_section(error: BaseException) -> str:
    """The section of the window's Settings where what is wrong is set right ("" if none)."""
    remedy = error.remedy if isinstance(error, FinpicsError) else None
    return remedy.settings if remedy is not None else ""
