"""Publishing a picset of the library to the finpics cloud in one action (the window's drag
onto *finpics cloud*, the command line's ``push``): the difference first, then the photos --
with the camera's location removed from the published copies unless the curator keeps it (the
cloud album's publishing policy, :attr:`Album.strips_location`). The rules are in
``pipeline/publish/push``. A push done reports what it changed on the cloud album."""

from __future__ import annotations

import threading
from collections.abc import Callable

from finpics_desktop.app.album import Album
from finpics_desktop.app.changes import Changes
from finpics_desktop.pipeline.photos.location import remove_location as strip_location
from finpics_desktop.pipeline.publish.push import PushPlan, PushReport, plan_push, push
from finpics_desktop.pipeline.publish.upload import FileResult

__all__ = ["PushPlan", "PushReport", "difference", "publish_picset"]


def _transform(cloud: Album):
    return strip_location if cloud.strips_location else None


def difference(library: Album, cloud: Album, picset: str,
               choice: str | None = None) -> PushPlan:
    """What pushing ``picset`` would change on the cloud (nothing is sent); ``choice``: keep
    (``"keep"``) or overwrite (``"overwrite"``) what changed on the cloud since the last push."""
    return plan_push(library.backend, cloud.backend, picset, _transform(cloud), choice)


def publish_picset(library: Album, cloud: Album, plan: PushPlan, *,
                   on_result: Callable[[FileResult, int, int], None] | None = None,
                   cancel: threading.Event | None = None) -> PushReport:
    """Bring the cloud's picset to the library's (``plan``: its :func:`difference`); a push
    killed midway is resumed by the next (its upload job is in the library's journal)."""
    cloud.check_writable("publishing into it")
    home = library.backend.library
    try:
        with cloud.journal(home.folder if home else None) as journal:
            return push(library.backend, cloud.backend, plan.picset, journal, plan=plan,
                        transform=_transform(cloud), on_result=on_result, cancel=cancel,
                        workers=cloud.backend.upload_workers or 8)
    finally:
        cloud.report(Changes.of(picsets=list(dict.fromkeys(
                                    p for p in (plan.picset, plan.cloud_id, plan.cloud_picset)
                                    if p)), picset_list=True,
                                photos=((plan.cloud_id, n) for n in [
                                    *plan.new, *plan.changed, *plan.deleted,
                                    *(n for r in plan.renamed for n in r)])))
