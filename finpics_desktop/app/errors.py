"""The one way an error becomes the line a user reads: never a traceback."""

from __future__ import annotations

from finpics_desktop.domain.errors import FinpicsError


def describe_error(error: BaseException) -> str:
    """A short reason: the project's own errors say what is wrong in the curator's words; an
    OS error its reason and file; anything else its type and message."""
    if isinstance(error, FinpicsError):
        return str(error)
    if isinstance(error, OSError):
        return f"{error.strerror or error}" + (f": {error.filename}" if error.filename else "")
    return f"{type(error).__name__}: {error}"
