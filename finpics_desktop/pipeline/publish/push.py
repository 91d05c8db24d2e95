"""Publishing a picset of the library to the cloud (``push``): the curator reviews offline, then
publishes with one action.

The difference is computed first and shown before anything is sent (:func:`plan_push`): photos
new in the library, photos changed (the content the cloud would get differs from what it has),
photos the cloud has and the library no longer does, and the featured photo. Then
(:func:`push`) the library's originals go up through the upload journal and the usual
:class:`~finpics_desktop.pipeline.publish.upload.Publisher` -- byte for byte (or with the location
removed), resumable after a kill, deduplicated (what the cloud has already is not sent again),
processed by the cloud as any upload; photos gone from the library go to the *cloud's* trash,
after the new ones are in (the picset is never empty on the site); the featured photo is set
once the cloud has processed it. The picset keeps its id, so its place in the list too.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

from finpics_desktop.domain.errors import FinpicsError
from finpics_desktop.domain.keys import PhotoKey
from finpics_desktop.pipeline import curation
from finpics_desktop.pipeline.curation.leases import Lease
from finpics_desktop.pipeline.people.travel import Travelled
from finpics_desktop.pipeline.publish import contents
from finpics_desktop.pipeline.publish.journal import Journal, target_of
from finpics_desktop.pipeline.publish.upload import FileResult, Publisher, UploadReport
from finpics_desktop.ports import Backend

COVER_WAIT = 120.0  # seconds the featured photo waits for the cloud to process it


@dataclass
class PushPlan:
    picset: str
    new: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    unchanged: int = 0
    cover: str | None = None  # the library's featured photo
    cloud_cover: str | None = None
    new_picset: bool = False
    # new or changed photos whose content the cloud holds in another picset: name -> where
    elsewhere: dict[str, str] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not (self.new or self.changed or self.deleted) and (
            self.cover == self.cloud_cover)

    def lines(self) -> list[str]:
        head = f"push {self.picset} to the cloud" + (" (a new picset there)" if (
            self.new_picset) else "")
        if self.empty:
            return [f"{head}: the cloud has it as it is ({self.unchanged} photos)"]
        lines = [head + ":"]
        for label, names in (("new", self.new), ("changed", self.changed),
                             ("deleted (to the cloud's trash)", self.deleted)):
            if names:
                lines.append(f"  {label}: {len(names)}: " + ", ".join(names[:8]) + (
                    f", ... ({len(names) - 8} more)" if len(names) > 8 else ""))
        if self.unchanged:
            lines.append(f"  unchanged: {self.unchanged}")
        if self.cover != self.cloud_cover:
            lines.append(f"  featured photo: {self.cloud_cover or '(none)'} -> {self.cover}")
        lines += [f"  {name}: already on the cloud as {where} (same content)"
                  for name, where in sorted(self.elsewhere.items())]
        return lines

    def as_json(self) -> dict:
        return {"picset": self.picset, "new": self.new, "changed": self.changed,
                "deleted": self.deleted, "unchanged": self.unchanged, "cover": self.cover,
                "new_picset": self.new_picset, "same_content": self.elsewhere}


@dataclass
class PushReport:
    plan: PushPlan
    upload: UploadReport | None = None
    deleted: curation.Outcome | None = None
    cover_set: bool = False
    notes: list[str] = field(default_factory=list)
    stored: list[str] = field(default_factory=list)  # keys sent, which the cloud processes
    people: Travelled | None = None  # the names carried (``push_names``)

    @property
    def ok(self) -> bool:
        return self.upload is None or self.upload.ok


def library_file(library: Backend, photo: PhotoKey) -> Path:
    """Where the library keeps an original (the local adapter's folders)."""
    path = getattr(library.store, "path", None)
    if library.library is None or path is None:
        raise FinpicsError("push publishes a picset of the local library")
    return Path(path(library.names.pics_bucket, photo.key))


def plan_push(library: Backend, cloud: Backend, picset: str,
              transform: Callable[[bytes, str], bytes] | None = None) -> PushPlan:
    """What a push of ``picset`` would change on the cloud; nothing is sent."""
    mine = set(library.records.photo_names(picset))
    if not mine:
        raise curation.Refused(f"there is no picset {picset} with photos in the library "
                               "(`finpics-desktop picsets` lists them)")
    entry = library.records.picset(picset)
    theirs_entry = cloud.records.picset(picset)
    theirs = set(cloud.records.photo_names(picset))
    plan = PushPlan(picset, sorted(mine - theirs), deleted=sorted(theirs - mine),
                    cover=entry.cover if entry else None,
                    cloud_cover=theirs_entry.cover if theirs_entry else None,
                    new_picset=theirs_entry is None and not theirs)
    common = sorted(mine & theirs)

    def differs(name: str) -> bool:
        photo = PhotoKey(picset, name)
        stored = cloud.store.head(cloud.names.pics_bucket, photo.key)
        if stored is None or stored.sha256 is None:
            return True
        data = library_file(library, photo).read_bytes()
        if transform is not None:
            data = transform(data, name)
        return hashlib.sha256(data).hexdigest() != stored.sha256

    with ThreadPoolExecutor(8, thread_name_prefix="push-diff") as pool:
        flags = list(pool.map(differs, common))
    plan.changed = [n for n, changed in zip(common, flags, strict=True) if changed]
    plan.unchanged = len(common) - len(plan.changed)
    files = {library_file(library, PhotoKey(picset, n)): n for n in plan.new + plan.changed}
    plan.elsewhere = {files[f]: where for f, where in contents.elsewhere(
        cloud, files, picset, transform).items()}  # said, not asked: the picset is the curator's
    return plan


def push(library: Backend, cloud: Backend, picset: str, journal: Journal, *,
         transform: Callable[[bytes, str], bytes] | None = None,
         on_result: Callable[[FileResult, int, int], None] | None = None,
         plan: PushPlan | None = None, cancel: threading.Event | None = None,
         workers: int = 8) -> PushReport:
    """Bring the cloud's ``picset`` to what the library has (see the module). The push holds
    the cloud's picset from start to end (``curation.leases``): a rename, a move or a delete
    of it waits for the push, or the push for it (then the difference is taken again)."""
    cancel = cancel or threading.Event()
    c = curation.Curation(cloud, cancel=cancel)
    lease = c.hold_for_publishing(picset)
    c.exempt.add(lease.token)  # its own deletes and featured photo do not wait for it
    report = None
    try:
        report = PushReport(plan or plan_push(library, cloud, picset, transform))
        if lease.waited_for is not None and plan is not None:
            report.plan = plan_push(library, cloud, picset, transform)
            if report.plan != plan:
                report.notes.append(
                    f"the cloud's {picset} changed while this push waited for another action "
                    f"({lease.waited_for}); pushed instead: " + "; ".join(
                        line.strip() for line in report.plan.lines()[1:]))
        _push(library, cloud, picset, journal, report, c, lease, transform, on_result,
              cancel, workers)
    finally:
        with suppress(FinpicsError):  # (what stopped the push, if anything, says it)
            lease.release(report.stored if report is not None else ())
    return report


def _push(library: Backend, cloud: Backend, picset: str, journal: Journal,
          report: PushReport, c: curation.Curation, lease: Lease,
          transform: Callable[[bytes, str], bytes] | None,
          on_result: Callable[[FileResult, int, int], None] | None,
          cancel: threading.Event, workers: int) -> None:
    plan = report.plan
    names = sorted(set(library.records.photo_names(picset)))
    sources = [library_file(library, PhotoKey(picset, n)) for n in names]
    if plan.new or plan.changed or journal.find_resumable(target_of(cloud), sources, picset):
        publisher = Publisher.for_backend(cloud, journal, on_conflict="replace",
                                          workers=workers, remove_location=False,
                                          transform=transform, lease=lease)
        publisher.cancel_event = cancel  # Ctrl+C: the photos under way finish whole
        job = journal.find_resumable(target_of(cloud), sources, picset)
        report.upload = publisher.publish(sources, picset, on_result,
                                          job_id=job.id if job else None)
        report.stored = publisher.processing(report.upload)
        if cancel.is_set() or not report.upload.ok:
            return  # the rest on the next push, once every photo is there
    if plan.deleted:
        report.deleted = curation.delete(c, [f"{picset}/{n}" for n in plan.deleted])
    if plan.cover and plan.cover != plan.cloud_cover:
        report.cover_set = _set_cover_once_processed(c, picset, plan.cover, cancel)
        if not report.cover_set:
            report.notes.append(f"{plan.cover} is not processed by the cloud yet: push again "
                                "later to make it the featured photo")


def _set_cover_once_processed(c: curation.Curation, picset: str, name: str,
                              cancel: threading.Event) -> bool:
    delay, waited = 0.1, 0.0
    while c.tables.get_pics_item(picset, name) is None:
        if waited > COVER_WAIT or cancel.wait(delay):
            return False
        waited += delay
        delay = min(delay * 2, 5.0)
    curation.set_cover(c, picset, name)
    return True
