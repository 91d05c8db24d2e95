"""``reindex``: index an album's photos again.

A library made by an older version of the app holds faces of an older engine (dlib's), whose
vectors the current one cannot compare with its own: until they are re-indexed, they are
searched only among themselves. ``--all`` re-indexes every photo, also on the cloud (after a
change of the detector's threshold, or originals replaced by rotated ones). Re-indexing a photo
reads its original (the album keeps it byte for byte), finds its faces again, keeps the FaceId
of every old face whose box the new one overlaps (and the photo's ImageId; the library's index
does, Rekognition gives new ids), and writes in the order processing does: faces, then the
photo's items, then the faces that are gone. The photo item is replaced only if it is still the
one read before the original (a photo published again or given a drawn face meanwhile keeps
that item; its new faces are deleted again and it is reported: run ``reindex`` again).
A face the curator removed is not brought back (its box is kept:
:mod:`~finpics_desktop.pipeline.people.removal`). People's names, rejections and faces drawn by
hand are carried over to the new faces
(:mod:`~finpics_desktop.pipeline.people.carry`), and what cannot be carried is reported. Each photo
is re-indexed holding its lock (:mod:`~finpics_desktop.pipeline.people.photo_lock`), under which its
names are read again: a naming of one of its faces waits, so a name is never written onto a face
being replaced. The lock records the photo's faces before and after: a run killed midway is
finished or rolled back photo by photo by the next run (first thing) or by the next naming on
that photo (:mod:`~finpics_desktop.pipeline.people.reindex_resume`). A ``--all`` run records
the photos it has done: one interrupted goes on where it stopped the next time
(:mod:`~finpics_desktop.pipeline.people.reindex_run`).

Plain Python over the ports, for the CLI (``finpics-desktop reindex``) and the window.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field

from finpics_desktop.domain import items
from finpics_desktop.domain.errors import FinpicsError
from finpics_desktop.domain.keys import PhotoKey
from finpics_desktop.domain.picsets import PICSET_ROOT
from finpics_desktop.pipeline.functions.process import drop_unlisted, external_image_id
from finpics_desktop.pipeline.people import graph, replaced
from finpics_desktop.pipeline.people.carry import Carrier, NotCarried, reindex_drawn
from finpics_desktop.pipeline.people.photo_lock import PhotoLocks
from finpics_desktop.pipeline.people.reindex_resume import finish
from finpics_desktop.pipeline.people.reindex_run import RunRecord, scope_of
from finpics_desktop.pipeline.people.removal import without_removed
from finpics_desktop.ports import Backend, VersionedFaceIndex

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PhotoChange:
    """What re-indexing one photo changed (``error`` set: nothing was changed)."""

    photo: str  # <picset>/<file>
    before: int = 0  # faces of the older engine
    kept: int = 0  # of which the FaceId is kept (the new box overlaps the old one)
    new: int = 0  # faces the old engine had not found
    removed: int = 0  # old faces with no new face on them
    error: str | None = None
    carried: int = 0  # names and rejections carried to faces with a new FaceId
    not_carried: tuple[NotCarried, ...] = ()

    def line(self) -> str:
        if self.error:
            return f"{self.photo}: {self.error}"
        line = (f"{self.photo}: {self.before} -> {self.kept + self.new} face(s): "
                f"{self.kept} kept, {self.new} new, {self.removed} removed")
        if self.carried:
            line += f"; {self.carried} name(s)/rejection(s) carried to new faces"
        return line + "".join(f"\n  {m.line()}" for m in self.not_carried)


@dataclass
class ReindexReport:
    engine: str  # the FaceModelVersion the photos were re-indexed with
    changes: list[PhotoChange] = field(default_factory=list)
    current: int = 0  # photos already indexed by this engine (left alone)
    cancelled: bool = False
    replaced: list[NotCarried] = field(default_factory=list)  # of photos replaced before
    resumed: int = 0  # photos an interrupted run had re-indexed already (left alone)

    @property
    def failed(self) -> list[PhotoChange]:
        return [c for c in self.changes if c.error]

    @property
    def ok(self) -> bool:
        return not self.failed and not self.cancelled

    @property
    def not_carried(self) -> list[NotCarried]:
        return self.replaced + [m for c in self.changes for m in c.not_carried]

    def summary(self) -> str:
        done = [c for c in self.changes if not c.error]
        text = (f"{len(done)} photo(s) re-indexed with {self.engine}: "
                f"{sum(c.kept for c in done)} face(s) kept, {sum(c.new for c in done)} new, "
                f"{sum(c.removed for c in done)} removed; {self.current} already current")
        if any(c.carried for c in done):
            text += f"; {sum(c.carried for c in done)} name(s)/rejection(s) carried"
        if self.not_carried:
            text += f"; {len(self.not_carried)} could not be carried (listed above)"
        if self.failed:
            text += f"; {len(self.failed)} failed"
        if self.resumed:
            text += (f"; {self.resumed} re-indexed before by the run that was interrupted "
                     "(left alone)")
        return text + ("; cancelled (run it again to go on)" if self.cancelled else "")

    def as_json(self) -> dict:
        return {
            "engine": self.engine,
            "reindexed": [{k: v for k, v in asdict(c).items()
                           if k in ("photo", "before", "kept", "new", "removed")}
                          for c in self.changes if not c.error],
            "failed": [{"photo": c.photo, "reason": c.error} for c in self.failed],
            "already_current": self.current,
            "cancelled": self.cancelled,
            "carried": sum(c.carried for c in self.changes),
            "not_carried": [asdict(m) for m in self.not_carried],
            "resumed": self.resumed,
        }


def versioned_index(backend: Backend) -> VersionedFaceIndex | None:
    """The backend's face index if its engine can change under it (the local library's)."""
    faces = backend.faces
    return faces if hasattr(faces, "outdated_faces") and hasattr(faces, "notice_once") else None


def outdated_photos(backend: Backend, picset: str | None = None,
                    every: bool = False) -> tuple[list[dict], int]:
    """The photo items to re-index (``every``: all of them, else those not indexed by the
    current engine), and how many are left alone."""
    faces = versioned_index(backend)
    if faces is None and not every:
        raise FinpicsError("a Rekognition collection has one face model, so every photo is "
                           "current: `reindex --all` indexes every photo again anyway (after "
                           "originals were replaced, say)")
    picsets = [picset] if picset else [
        i["sortkey"] for i in backend.tables.query_pics(PICSET_ROOT)]
    if picset and backend.tables.get_pics_item(PICSET_ROOT, picset) is None:
        raise FinpicsError(f"there is no picset {picset!r} in this album")
    todo, current = [], 0
    for one in picsets:
        for item in backend.tables.query_pics(one):
            if not every and (item.get("data") or {}).get(
                    "FaceModelVersion") == faces.model_version:
                current += 1
            else:
                todo.append(item)
    return todo, current


def reindex_photo(backend: Backend, item: dict, carrier: Carrier | None = None,
                  locks: PhotoLocks | None = None) -> PhotoChange:
    """Index one photo again, keeping FaceIds where the boxes overlap and carrying people's
    records to the faces that got new ones (see the module), holding the photo's lock: a
    naming of one of its faces waits, and a re-index killed midway is finished or rolled back
    by whoever takes the lock next (:mod:`~finpics_desktop.pipeline.people.reindex_resume`)."""
    photo = PhotoKey(item["primarykey"], item["sortkey"])
    if backend.private is None:
        return _reindex_photo(backend, photo, carrier, lambda state: None)
    locks = locks or PhotoLocks(backend)
    with locks.hold(photo.key, f"a re-index of {photo.image_path}") as held:
        try:
            return _reindex_photo(backend, photo, carrier,
                                  lambda state: locks.save(held, state))
        except Exception:
            if held.state:  # stopped by an error midway: undone now, or by whoever comes next
                with contextlib.suppress(Exception):
                    finish(backend, photo.key, held.state)
                    held.state = None
            raise


def _reindex_photo(backend: Backend, photo: PhotoKey, carrier: Carrier | None,
                   record: Callable[[dict], None]) -> PhotoChange:
    faces, tables = backend.faces, backend.tables
    versioned = versioned_index(backend) is not None
    # listed maybe minutes ago: the item now, which the new one replaces only if unchanged
    item = tables.get_pics_item(photo.picset, photo.name)
    if item is None:
        return PhotoChange(photo.image_path, error="removed meanwhile")
    previous = item.get("data") or {}
    old = [r["Face"] for r in previous.get("FaceRecords") or []]
    old_ids = [f["FaceId"] for f in old]
    if carrier is not None:
        carrier.refresh(old_ids)  # named since the run began, maybe
    drawn = {f["FaceId"] for f in old if carrier is not None and carrier.drawn_box(f["FaceId"])}
    state = {"old": [{"FaceId": f["FaceId"], "ImageId": f.get("ImageId")} for f in old]}
    record(state)  # before the first write: what a run killed from here on leaves is known
    try:
        data = backend.store.get(backend.names.pics_bucket, photo.key)
        reuse = {"reuse": [f for f in old if f["FaceId"] not in drawn]} if versioned else {}
        response = faces.index_faces(backend.names.pics_bucket, photo.key, data,
                                     external_image_id(photo.key), **reuse)
    except FinpicsError as e:  # the original is gone or unreadable: the photo is left as it was
        return PhotoChange(photo.image_path, error=str(e))
    response["FaceRecords"] = response["FaceRecords"] + reindex_drawn(
        backend, carrier, photo.key, data, external_image_id(photo.key),
        [f for f in old if f["FaceId"] in drawn], response["FaceRecords"], versioned)
    # a face the curator removed stays removed (deleted from the index again)
    response["FaceRecords"] = without_removed(backend, photo.key, response["FaceRecords"],
                                              set(old_ids))
    new = [r["Face"] for r in response["FaceRecords"]]
    record({**state, "new": [f["FaceId"] for f in new]})
    comparable = previous.get("FaceModelVersion") == response.get("FaceModelVersion")
    carried, missed = (carrier.carry(photo.image_path, old, new, comparable) if carrier
                       else (0, []))
    new_item = items.photo_item(photo, response)
    new_ids = set(items.face_ids(response))
    if not tables.put_pics_item_if_unchanged(new_item, item):
        # published again or a face drawn since it was read: its item stands, these faces go
        now = tables.get_pics_item(photo.picset, photo.name)
        drop_unlisted(tables, faces, new_item, kept=now)
        if carrier is not None:
            carrier.drop_records(new_ids - set(old_ids))
        return PhotoChange(photo.image_path, error="changed meanwhile: run reindex again")
    for image_item in items.image_items(photo, response):
        tables.put_image_item(image_item)
    drop_unlisted(tables, faces, item, kept=new_item)
    gone = [f for f in old_ids if f not in new_ids]
    if carrier is not None:
        carrier.forget(gone)
    kept = len(new_ids & set(old_ids))
    return PhotoChange(photo.image_path, before=len(old_ids), kept=kept,
                       new=len(new_ids) - kept, removed=len(gone), carried=carried,
                       not_carried=tuple(missed))


def reindex(
    backend: Backend,
    picset: str | None = None,
    progress: Callable[[PhotoChange, int, int], None] | None = None,
    cancel: threading.Event | None = None,
    workers: int = 2,
    every: bool = False,
    restart: bool = False,
) -> ReindexReport:
    """Re-index every photo of the album (or of ``picset``) that the current engine did not
    index (``every``: every photo), ``workers`` at a time; ``cancel`` stops it between photos
    (each is whole). With ``every`` the photos done are recorded: a run interrupted goes on
    the next time (:mod:`~finpics_desktop.pipeline.people.reindex_run`), unless ``restart``."""
    cancel = cancel or threading.Event()
    locks = PhotoLocks(backend, cancel=cancel) if backend.private is not None else None
    if locks is not None:  # what a run killed midway left: finished, or rolled back
        locks.recover_all()
    settled = replaced.settle(backend)  # replaced photos' names first: onto their new faces
    todo, current = outdated_photos(backend, picset, every)
    run = RunRecord(backend.private, scope_of(picset)) if (
        every and backend.private is not None) else None
    if run is not None and restart:
        run.end()  # what an interrupted run did is forgotten: every photo again
    before = run.begin() if run is not None else set()
    resumed = [i for i in todo if (i["primarykey"], i["sortkey"]) in before]
    todo = [i for i in todo if (i["primarykey"], i["sortkey"]) not in before]
    versioned = versioned_index(backend)
    report = ReindexReport(engine=versioned.model_version if versioned else "Rekognition",
                           current=current, replaced=settled, resumed=len(resumed))
    carrier = Carrier(backend) if backend.private is not None and todo else None
    lock = threading.Lock()

    def one(item: dict) -> None:
        if cancel.is_set():
            return
        try:
            change = reindex_photo(backend, item, carrier, locks)
        except Exception as e:  # one photo never stops the others; the reason is reported
            log.info("re-indexing %s/%s failed", item["primarykey"], item["sortkey"],
                     exc_info=True)
            change = PhotoChange(f"{item['primarykey']}/{item['sortkey']}",
                                 error=f"{type(e).__name__}: {e}")
        if run is not None and not change.error:
            try:
                run.done(item["primarykey"], item["sortkey"])
            except Exception:  # not recorded: only done again by a run after an interruption
                log.info("recording %s/%s as re-indexed failed", item["primarykey"],
                         item["sortkey"], exc_info=True)
        with lock:
            report.changes.append(change)
            if progress is not None:
                progress(change, len(report.changes), len(todo))

    with ThreadPoolExecutor(max(1, workers), thread_name_prefix="reindex") as pool:
        list(pool.map(one, todo))
    report.cancelled = cancel.is_set() and len(report.changes) < len(todo)
    if run is not None and not report.cancelled and not report.failed:
        run.end()
    if report.changes and not report.cancelled and backend.private is not None:
        _prune_graph(backend)
    report.changes.sort(key=lambda c: c.photo)
    return report


def _prune_graph(backend: Backend) -> None:
    """The similarity graph's parts of faces no longer indexed deleted (an old engine's, the
    faces replaced by the run): :func:`~finpics_desktop.pipeline.people.graph.prune`. A failure
    only leaves them to the next run."""
    try:
        versions = {f.face_id: f.model_version for f in backend.records.indexed_faces()}
        gone = graph.prune(backend.private, versions)
    except Exception:  # noqa: BLE001 - the re-index itself is done; this is housekeeping
        log.info("deleting the similarity graph of faces re-indexed failed", exc_info=True)
        return
    if gone:
        log.info("deleted %d part(s) of the similarity graph of faces no longer indexed", gone)


def upgrade_notice(backend: Backend) -> str | None:
    """What to tell the user, once per library and engine, when the library holds faces of an
    older engine; None when there is nothing (more) to say."""
    faces = versioned_index(backend)
    if faces is None:
        return None
    outdated = faces.outdated_faces()
    if not outdated or not faces.notice_once(f"reindex:{faces.model_version}"):
        return None
    return (f"this library holds {sum(outdated.values())} face(s) indexed by an older face "
            f"engine ({', '.join(outdated)}), which are only matched among themselves: run "
            "`finpics-desktop reindex` once to index them again with the current one, "
            "and searches will find more photos with fewer look-alikes")
