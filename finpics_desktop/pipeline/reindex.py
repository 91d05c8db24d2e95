"""``reindex``: index a library's photos again with the current face engine.

A library made by an older version of the app holds faces of an older engine (dlib's), whose
vectors the current one cannot compare with its own: until they are re-indexed, they are
searched only among themselves. Re-indexing a photo reads its original (the library keeps it
byte for byte), finds its faces with the current engine, keeps the FaceId of every old face
whose box the new one overlaps (and the photo's ImageId), and writes in the order processing
does: faces, then the photo's items, then the faces that are gone. A photo cut short by a crash
stays outdated (its item still names the old engine) and is simply re-indexed next time; the
stray faces such a crash may leave are what ``check --repair`` removes.

Plain Python over the ports, for the CLI (``finpics-desktop reindex``) and the window.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field

from finpics_desktop.domain import items
from finpics_desktop.domain.errors import FinpicsError
from finpics_desktop.domain.keys import PhotoKey
from finpics_desktop.domain.picsets import PICSET_ROOT
from finpics_desktop.pipeline.process import external_image_id
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

    def line(self) -> str:
        if self.error:
            return f"{self.photo}: {self.error}"
        return (f"{self.photo}: {self.before} -> {self.kept + self.new} face(s): "
                f"{self.kept} kept, {self.new} new, {self.removed} removed")


@dataclass
class ReindexReport:
    engine: str  # the FaceModelVersion the photos were re-indexed with
    changes: list[PhotoChange] = field(default_factory=list)
    current: int = 0  # photos already indexed by this engine (left alone)
    cancelled: bool = False

    @property
    def failed(self) -> list[PhotoChange]:
        return [c for c in self.changes if c.error]

    @property
    def ok(self) -> bool:
        return not self.failed and not self.cancelled

    def summary(self) -> str:
        done = [c for c in self.changes if not c.error]
        text = (f"{len(done)} photo(s) re-indexed with {self.engine}: "
                f"{sum(c.kept for c in done)} face(s) kept, {sum(c.new for c in done)} new, "
                f"{sum(c.removed for c in done)} removed; {self.current} already current")
        if self.failed:
            text += f"; {len(self.failed)} failed"
        return text + ("; cancelled (run it again to go on)" if self.cancelled else "")

    def as_json(self) -> dict:
        return {
            "engine": self.engine,
            "reindexed": [{k: v for k, v in asdict(c).items() if k != "error"}
                          for c in self.changes if not c.error],
            "failed": [{"photo": c.photo, "reason": c.error} for c in self.failed],
            "already_current": self.current,
            "cancelled": self.cancelled,
        }


def versioned_index(backend: Backend) -> VersionedFaceIndex | None:
    """The backend's face index if its engine can change under it (the local library's)."""
    faces = backend.faces
    return faces if hasattr(faces, "outdated_faces") and hasattr(faces, "notice_once") else None


def outdated_photos(backend: Backend, picset: str | None = None) -> tuple[list[dict], int]:
    """The photo items not indexed by the current engine, and how many are."""
    faces = versioned_index(backend)
    if faces is None:
        raise FinpicsError("re-indexing is for the local library: a Rekognition collection has "
                           "one face model for all its faces")
    picsets = [picset] if picset else [
        i["sortkey"] for i in backend.tables.query_pics(PICSET_ROOT)]
    if picset and backend.tables.get_pics_item(PICSET_ROOT, picset) is None:
        raise FinpicsError(f"there is no picset {picset!r} in this library")
    todo, current = [], 0
    for one in picsets:
        for item in backend.tables.query_pics(one):
            if (item.get("data") or {}).get("FaceModelVersion") == faces.model_version:
                current += 1
            else:
                todo.append(item)
    return todo, current


def reindex_photo(backend: Backend, item: dict) -> PhotoChange:
    """Index one photo again, keeping FaceIds where the boxes overlap (see the module)."""
    faces, tables = versioned_index(backend), backend.tables
    photo = PhotoKey(item["primarykey"], item["sortkey"])
    previous = item.get("data") or {}
    old_ids = items.face_ids(previous)
    try:
        data = backend.store.get(backend.names.pics_bucket, photo.key)
        response = faces.index_faces(
            backend.names.pics_bucket, photo.key, data, external_image_id(photo.key),
            reuse=[r["Face"] for r in previous.get("FaceRecords") or []])
    except FinpicsError as e:  # the original is gone or unreadable: the photo is left as it was
        return PhotoChange(photo.image_path, error=str(e))
    tables.put_pics_item(items.photo_item(photo, response))
    image_item = items.image_item(photo, response)
    if image_item is not None:
        tables.put_image_item(image_item)
    new_ids = set(items.face_ids(response))
    gone = [f for f in old_ids if f not in new_ids]
    faces.delete_faces(gone)
    for old_image in items.image_ids(previous) - items.image_ids(response):
        tables.delete_image_item(old_image)
    kept = len(new_ids & set(old_ids))
    return PhotoChange(photo.image_path, before=len(old_ids), kept=kept,
                       new=len(new_ids) - kept, removed=len(gone))


def reindex(
    backend: Backend,
    picset: str | None = None,
    progress: Callable[[PhotoChange, int, int], None] | None = None,
    cancel: threading.Event | None = None,
    workers: int = 2,
) -> ReindexReport:
    """Re-index every photo of the library (or of ``picset``) that the current engine did not
    index, ``workers`` at a time; ``cancel`` stops it between photos (each is whole)."""
    todo, current = outdated_photos(backend, picset)
    report = ReindexReport(engine=versioned_index(backend).model_version, current=current)
    cancel = cancel or threading.Event()
    lock = threading.Lock()

    def one(item: dict) -> None:
        if cancel.is_set():
            return
        try:
            change = reindex_photo(backend, item)
        except Exception as e:  # one photo never stops the others; the reason is reported
            log.info("re-indexing %s/%s failed", item["primarykey"], item["sortkey"],
                     exc_info=True)
            change = PhotoChange(f"{item['primarykey']}/{item['sortkey']}",
                                 error=f"{type(e).__name__}: {e}")
        with lock:
            report.changes.append(change)
            if progress is not None:
                progress(change, len(report.changes), len(todo))

    with ThreadPoolExecutor(max(1, workers), thread_name_prefix="reindex") as pool:
        list(pool.map(one, todo))
    report.cancelled = cancel.is_set() and len(report.changes) < len(todo)
    report.changes.sort(key=lambda c: c.photo)
    return report


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
