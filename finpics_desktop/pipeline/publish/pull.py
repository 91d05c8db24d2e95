"""Bringing a cloud picset into the library (``pull``): for a second laptop, or for an album
the original scripts made. The photos the library does not have yet are fetched from the cloud
(the published originals, as the cloud keeps them: without the camera's location if they were
published so) and published into the library under the same picset id (so the same title and
order), processed by the library's own face engine; the featured photo is the cloud's; then the
people of the picset's photos come along (:mod:`~finpics_desktop.pipeline.people.travel`), and
the picset is linked to its cloud copy (:func:`~finpics_desktop.pipeline.publish.links.record_link`:
one identity, and the base the next push compares with).

A photo the library has already is left as it is (the library's file may keep what the cloud's
copy lost); nothing of the library is deleted. Run again, a pull fetches only what is still
missing (a pull killed midway is finished so), and brings the names changed on the cloud since.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from finpics_desktop.domain.errors import NotFound, Remedy
from finpics_desktop.domain.keys import PhotoKey
from finpics_desktop.pipeline import curation
from finpics_desktop.pipeline.people.travel import PULL, Travelled, travel
from finpics_desktop.pipeline.publish.links import record_link
from finpics_desktop.pipeline.publish.upload import DONE, FileResult, Publisher, UploadReport
from finpics_desktop.ports import Backend


class NoSuchPicset(NotFound):
    """The cloud has no picset of that id (with photos)."""


@dataclass
class PullReport:
    picset: str
    new: list[str] = field(default_factory=list)  # photos brought
    present: int = 0  # photos the library had already
    upload: UploadReport | None = None
    cover: str | None = None
    people: Travelled | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.upload is None or self.upload.ok

    def lines(self) -> list[str]:
        head = f"pull {self.picset} from the cloud: {len(self.new)} photo(s) brought"
        lines = [head + (f", {self.present} here already" if self.present else "")]
        if self.cover:
            lines.append(f"{self.cover} is the featured photo")
        lines += self.people.lines() if self.people else []
        return lines + [f"note: {n}" for n in self.notes]

    def as_json(self) -> dict:
        people = self.people
        return {"picset": self.picset, "new": self.new, "present": self.present,
                "cover": self.cover, "names": people.named if people else [],
                "conflicts": people.conflicts if people else [],
                "not_carried": people.missed if people else []}


def pull(library: Backend, cloud: Backend, picset: str, *,
         on_result: Callable[[FileResult, int, int], None] | None = None,
         cancel: threading.Event | None = None) -> PullReport:
    """Bring the cloud's ``picset`` into the library (see the module)."""
    cancel = cancel or threading.Event()
    theirs = cloud.records.photos(picset)
    if not theirs:
        raise NoSuchPicset(f"the cloud has no picset {picset} with photos", remedy=Remedy(
            command="`finpics-desktop --backend aws picsets` lists the cloud's picsets",
            window="choose a picset under finpics cloud"))
    library.check_writable("bringing a picset into it")
    mine = set(library.records.photo_names(picset))
    report = PullReport(picset, present=sum(p.name in mine for p in theirs))
    missing = [p for p in theirs if p.name not in mine]
    if missing:
        staging = Path(tempfile.mkdtemp(prefix="finpics-pull-"))
        try:
            sources = []
            for photo in missing:
                if cancel.is_set():
                    break
                path = staging / photo.name
                path.write_bytes(cloud.store.get(cloud.names.pics_bucket, photo.key.key))
                sources.append(path)
            publisher = Publisher.for_backend(library, remove_location=False)
            publisher.cancel_event = cancel
            report.upload = publisher.publish(sources, picset, on_result)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        report.new = sorted(r.name for r in report.upload.with_status(DONE))
        if cancel.is_set() or not report.upload.ok:
            report.notes.append("not every photo was brought: pull again to finish")
            return report
    entry, here = cloud.records.picset(picset), library.records.picset(picset)
    if entry and entry.cover and (here is None or here.cover != entry.cover):
        try:
            curation.set_cover(curation.Curation(library, cancel=cancel), picset, entry.cover)
            report.cover = entry.cover
        except curation.Refused as e:
            report.notes.append(f"the featured photo stays as it is: {e}")
    if cloud.private is None:
        report.notes.append("the cloud keeps no names (it has no private store): the photos "
                            "came without them")
    else:
        report.people = travel(library, cloud, [PhotoKey(picset, p.name) for p in theirs],
                               PULL)
        record_link(library, cloud, picset)  # one album in two places: the next push syncs
    return report
