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
from finpics_desktop.domain.errors import FinpicsError
from finpics_desktop.pipeline.audit import audit
from finpics_desktop.pipeline.photos.public_copy import public_copy
from finpics_desktop.pipeline.publish.push import PushPlan, PushReport, plan_push, push
from finpics_desktop.pipeline.publish.push_names import marks, push_names
from finpics_desktop.pipeline.publish.upload import FileResult

__all__ = ["PushPlan", "PushReport", "difference", "publish_picset"]


def _transform(cloud: Album):
    return public_copy if cloud.strips_location else None


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
    report = None
    try:
        before = _marks_before(cloud, plan)
        with cloud.journal(home.folder if home else None) as journal:
            report = push(library.backend, cloud.backend, plan.picset, journal, plan=plan,
                          transform=_transform(cloud), on_result=on_result, cancel=cancel,
                          workers=cloud.backend.upload_workers or 8)
        done = report.plan  # (taken again if the push waited for another action)
        if done.dropped:  # deleted in the library: no names, nothing public left to audit
            return report
        if report.ok and not (cancel and cancel.is_set()):  # the names go after the photos
            report.people = push_names(library.backend, cloud.backend, plan.picset,
                                       report.stored, before, cancel, target=done.cloud_id,
                                       kept=done.sync.kept_names if done.sync else ())
        report.notes += _audit_notes(cloud, done.cloud_id)
        return report
    finally:
        people = report.people if report is not None else None
        cloud.report(Changes.of(picsets=list(dict.fromkeys(
                                    p for p in (plan.picset, plan.cloud_id, plan.cloud_picset,
                                                *(c.source for c in plan.carried),
                                                *(c.to for c in plan.carried))
                                    if p)), picset_list=True,
                                photos=[*((plan.cloud_id, n) for n in [
                                    *plan.new, *plan.changed, *plan.deleted,
                                    *(n for r in plan.renamed for n in r)]),
                                    *((c.source, c.cloud_name) for c in plan.carried),
                                    *((c.to, c.name) for c in plan.carried)],
                                everything=bool(people and people.changed)))


def _marks_before(cloud: Album, plan: PushPlan) -> dict[str, str | None]:
    """The cloud's run marks of the photos the push replaces, where they are before it (the
    picset and the photos renamed by the push keep their items)."""
    sync = plan.sync
    now = sync.cloud_picset if sync is not None and sync.exists else plan.cloud_id
    back = {new: old for old, new in plan.renamed}
    found = marks(cloud.backend, now, [back.get(n, n) for n in plan.changed])
    return {n: found[back.get(n, n)] for n in plan.changed}


def _audit_notes(cloud: Album, picset: str) -> list[str]:
    """What the public can read of the picset just pushed that it should not (``audit``)."""
    try:
        found = audit(cloud.backend, picsets=[picset], access=False)
    except FinpicsError as e:
        return [f"the published copies could not be audited: {e}"]
    return [f"published, and public: {leak.line()} (`finpics-desktop --backend aws audit "
            "--fix` strips it)" for leak in found.remaining]
