"""Bringing a cloud picset into the library (the window's *Bring to this computer* on a cloud
picset, the command line's ``pull``): its photos and its people, linked to its cloud copy. The
rules are in ``pipeline/publish/pull``. What it changed in the library is reported."""

from __future__ import annotations

import threading
from collections.abc import Callable

from finpics_desktop.app.album import Album
from finpics_desktop.app.changes import Changes
from finpics_desktop.pipeline.publish.pull import NoSuchPicset, PullReport, pull
from finpics_desktop.pipeline.publish.upload import FileResult

__all__ = ["NoSuchPicset", "PullReport", "bring_picset"]


def bring_picset(library: Album, cloud: Album, picset: str, *,
                 on_result: Callable[[FileResult, int, int], None] | None = None,
                 cancel: threading.Event | None = None) -> PullReport:
    """Bring the cloud's ``picset`` into the library (run again: only what is missing)."""
    library.check_writable("bringing a picset into it")
    report = None
    try:
        report = pull(library.backend, cloud.backend, picset, on_result=on_result,
                      cancel=cancel)
        return report
    finally:
        if report is not None:
            library.report(Changes.of(picsets=[picset], picset_list=True,
                                      photos=((picset, n) for n in report.new),
                                      everything=bool(report.people
                                                      and report.people.changed)))
