"""What the app tells the curator once, unasked (on the command line's stderr, in the window's
Messages panel): advice, never in the way of what the user is doing."""

from __future__ import annotations

import logging

from finpics_desktop.domain.errors import FinpicsError
from finpics_desktop.pipeline.people.reindex import upgrade_notice
from finpics_desktop.ports import Backend

log = logging.getLogger(__name__)


def older_faces_note(backend: Backend) -> str | None:
    """Once per library and face engine: its faces of an older engine would match better
    indexed again (``finpics-desktop reindex``). None when there is nothing (more) to say, or
    it cannot be told (said in the log only)."""
    try:
        return upgrade_notice(backend)
    except FinpicsError as e:
        log.info("cannot tell about older faces: %s", e)
        return None
