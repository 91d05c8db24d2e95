"""Publishing a picset of the library to the finpics cloud in one action (the window's drag
onto *finpics cloud*, the command line's ``push``): the difference first, then the photos --
with the camera's location removed from the published copies unless the curator keeps it
(``Options.remove_location``, on by default). The rules are in ``pipeline/push``."""

from __future__ import annotations

import threading
from collections.abc import Callable

from finpics_desktop.app.albums import check_writable
from finpics_desktop.pipeline.photos.location import remove_location as strip_location
from finpics_desktop.pipeline.publish.journal import journal_for
from finpics_desktop.pipeline.publish.push import PushPlan, PushReport, plan_push, push
from finpics_desktop.pipeline.publish.upload import FileResult
from finpics_desktop.ports import Backend

__all__ = ["PushPlan", "PushReport", "difference", "publish_picset"]


def _transform(remove_location: bool):
    return strip_location if remove_location else None


def difference(library: Backend, cloud: Backend, picset: str, *,
               remove_location: bool = True) -> PushPlan:
    """What pushing ``picset`` would change on the cloud (nothing is sent)."""
    return plan_push(library, cloud, picset, _transform(remove_location))


def publish_picset(library: Backend, cloud: Backend, plan: PushPlan, *,
                   remove_location: bool = True,
                   on_result: Callable[[FileResult, int, int], None] | None = None,
                   cancel: threading.Event | None = None) -> PushReport:
    """Bring the cloud's picset to the library's (``plan``: its :func:`difference`); a push
    killed midway is resumed by the next (its upload job is in the library's journal)."""
    check_writable(cloud, "publishing into it")
    journal = journal_for(cloud, library.library.folder if library.library else None)
    try:
        return push(library, cloud, plan.picset, journal, plan=plan,
                    transform=_transform(remove_location), on_result=on_result,
                    cancel=cancel, workers=cloud.upload_workers or 8)
    finally:
        journal.close()
