"""How a curation action says no: what could not be done as asked."""

from __future__ import annotations

from finpics_desktop.domain.errors import FinpicsError


class Refused(FinpicsError):
    """An action that cannot be done as asked (an id taken, an unknown photo): nothing was
    changed (or what was begun was rolled back)."""


class Taken(Refused):
    """Another photo has the name at the destination."""
