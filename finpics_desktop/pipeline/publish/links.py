"""Which cloud picset a library picset is the copy of (item 1 of issue 24 builds the full
identity; this is the one record ``pull`` writes, in one call, :func:`link`): the library's
private store, partition ``link``, sort key the library's picset id -> ``{"cloud": the cloud
album's identity, "picset": the cloud's picset id, "at"}``."""

from __future__ import annotations

import time

from finpics_desktop.ports import Backend

LINK = "link"


def link(library: Backend, cloud: Backend, picset: str, cloud_picset: str) -> None:
    """Record that the library's ``picset`` is the copy of the cloud's ``cloud_picset``."""
    if library.private is None:
        return
    current = linked(library, cloud, picset)
    if current != cloud_picset:
        library.private.put(LINK, picset, {"cloud": cloud.identity, "picset": cloud_picset,
                                           "at": time.time()})


def linked(library: Backend, cloud: Backend, picset: str) -> str | None:
    """The cloud picset the library's ``picset`` is linked to on ``cloud`` (None: none)."""
    doc = library.private.get(LINK, picset) if library.private is not None else None
    if doc is None or doc.doc.get("cloud") != cloud.identity:
        return None
    return doc.doc.get("picset")
