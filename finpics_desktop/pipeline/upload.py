"""Publishing a folder (or files) as a picset: plan, check, store, process; one bad photo never
stops the batch, and a photo that fails leaves nothing behind.

Nothing is lost or duplicated: every job is written to the upload journal (when one is given)
file by file; what is already stored with the same content is not sent again (the content
hash travels as object metadata); the same name with different content is a *conflict* the
user settles (``on_conflict``: fail, replace or rename); a key being published by another live
job is left to it; and at the end of a job the faces a crash or a lost IndexFaces response left
behind for its photos are swept, so each photo's faces are in the index exactly once.
"""

from __future__ import annotations

import hashlib
import logging
import os
import posixpath
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from finpics_desktop.domain import items
from finpics_desktop.domain.errors import FinpicsError
from finpics_desktop.domain.keys import MAX_NAME_BYTES, PhotoKey, photo_key
from finpics_desktop.domain.names import Names
from finpics_desktop.domain.picsets import validate_picset_id
from finpics_desktop.pipeline import journal as jr
from finpics_desktop.pipeline.images import check_structure, inspect
from finpics_desktop.pipeline.outcomes import (
    ALREADY,
    CANCELLED,
    DONE,
    FAILED,
    SKIPPED,
    FileResult,
    UploadReport,
    plan_files,
    unreadable_reason,
)
from finpics_desktop.pipeline.process import external_image_id
from finpics_desktop.pipeline.remove import remove_photo
from finpics_desktop.pipeline.retry import RetryPolicy, with_retries
from finpics_desktop.ports import HASH_METADATA, FaceIndex, ObjectStore, Tables

log = logging.getLogger(__name__)

CONFLICT_CHOICES = ("fail", "replace", "rename")
_JOURNAL_STATE = {DONE: jr.PROCESSED, FAILED: jr.FAILED, SKIPPED: jr.SKIPPED,
                  CANCELLED: jr.CANCELLED}


class _MemoryClaims:
    """Claims of keys by jobs of this process when no journal is kept."""

    _lock = threading.Lock()
    _held: dict[tuple[str, str], object] = {}

    @classmethod
    def claim(cls, target: str, key: str, owner: object) -> object | None:
        with cls._lock:
            other = cls._held.setdefault((target, key), owner)
        return None if other is owner else other

    @classmethod
    def release(cls, owner: object) -> None:
        with cls._lock:
            for k in [k for k, v in cls._held.items() if v is owner]:
                del cls._held[k]


class Publisher:
    """Publishes photos into one picset. ``process`` (the local library's in-process pipeline)
    runs after each original is stored; None where the cloud processes on its own.

    ``on_conflict`` settles a photo whose name is in the picset with different content:
    ``fail`` (report it, change nothing), ``replace`` or ``rename`` (``name-2.jpg``...).
    ``journal`` records the job; ``target`` names what is published into (see
    :func:`~finpics_desktop.pipeline.journal.target_of`). Backend calls are retried on
    transient failures with ``retry`` (exponential backoff with jitter).
    """

    def __init__(
        self,
        store: ObjectStore,
        tables: Tables,
        faces: FaceIndex,
        names: Names,
        process: Callable[[str, str], dict] | None,
        *,
        replace: bool = False,
        workers: int | None = None,
        on_conflict: str | None = None,
        journal: jr.Journal | None = None,
        target: str | None = None,
        retry: RetryPolicy | None = None,
    ):
        self.retry = retry or RetryPolicy()
        self.store = with_retries(store, self.retry)
        self.tables = with_retries(tables, self.retry)
        self.faces = with_retries(faces, self.retry)
        self.names = names
        self.process = process
        self.on_conflict = on_conflict or ("replace" if replace else "fail")
        if self.on_conflict not in CONFLICT_CHOICES:
            raise ValueError(f"on_conflict must be one of {', '.join(CONFLICT_CHOICES)}")
        self.workers = workers or min(4, os.cpu_count() or 2)
        self.journal = journal
        self.target = target or f"store:{id(store)}"
        self.cancel_event = threading.Event()
        self.job_id: int | None = None

    @classmethod
    def for_backend(cls, backend, journal: jr.Journal | None = None, **options) -> Publisher:
        return cls(backend.store, backend.tables, backend.faces, backend.names, backend.process,
                   journal=journal, target=jr.target_of(backend), **options)

    def cancel(self) -> None:
        self.cancel_event.set()

    def resume(self, job_id: int,
               on_result: Callable[[FileResult, int, int], None] | None = None) -> UploadReport:
        """Continue an interrupted job of the journal (same sources, picset and conflict
        choice): what is already published with the same content is not sent again."""
        if self.journal is None:
            raise FinpicsError("there is no upload journal to resume from")
        job = self.journal.job(job_id)
        if job is None:
            raise FinpicsError(f"no upload job {job_id} in the journal")
        if self.journal.is_live(job_id):
            raise FinpicsError(f"upload job {job_id} is still running")
        self.on_conflict = job.on_conflict
        self.cancel_event.clear()  # a publisher cancelled before may resume its own job
        return self.publish([Path(s) for s in job.sources], job.picset, on_result, job_id=job_id)

    def publish(
        self,
        sources: Iterable[Path],
        picset: str,
        on_result: Callable[[FileResult, int, int], None] | None = None,
        *,
        job_id: int | None = None,
    ) -> UploadReport:
        """Publish; ``on_result(result, finished, total)`` is called (from worker threads) as
        each photo ends. Cancelling lets the photos under way finish, whole."""
        validate_picset_id(picset)
        sources = [Path(s) for s in sources]
        photos, skipped = plan_files(sources)
        retries_before = self.retry.retries
        run = _Run(self, picset, photos)
        if self.journal is not None:
            resolved = [str(s.absolute()) for s in sources]
            if job_id is None:
                job_id = self.journal.start_job(self.target, picset, resolved, self.on_conflict)
            else:
                self.journal.take_over(job_id)
                run.previous = self.journal.files(job_id)
            self.journal.plan(job_id, photos)
            for r in skipped:
                self.journal.record(job_id, r.path, _JOURNAL_STATE[r.status], reason=r.reason)
        self.job_id = job_id
        run.job_id = job_id
        report = UploadReport(picset, list(skipped), job_id)
        total, finished = len(photos), 0
        lock = threading.Lock()

        def one(path: Path) -> FileResult:
            nonlocal finished
            if self.cancel_event.is_set():
                result = FileResult(path, CANCELLED, "cancelled before it was sent")
            else:
                result = run.one(path)
            if self.journal is not None:
                state = jr.PROCESSED if result.reason == ALREADY else _JOURNAL_STATE[
                    result.status]
                self.journal.record(job_id, path, state,
                                    reason=result.reason, key=result.key)
            with lock:
                finished += 1
                report.results.append(result)
                count = finished
            if on_result:
                on_result(result, count, total)
            return result

        state = jr.CANCELLED
        try:
            with ThreadPoolExecutor(self.workers, thread_name_prefix="publish") as pool:
                run.find_duplicates(pool)
                list(pool.map(one, photos))
            report.swept = run.sweep_faces()
            state = jr.CANCELLED if self.cancel_event.is_set() else jr.FINISHED
        finally:
            report.retries = self.retry.retries - retries_before
            order = {p: i for i, p in enumerate(photos)}
            report.results.sort(
                key=lambda r: (r.status == SKIPPED, order.get(r.path, -1), r.path.name))
            if self.journal is not None:
                self.journal.finish_job(job_id, state, report.summary())
            else:
                _MemoryClaims.release(run)
        return report


class _Run:
    """One publish call: the per-photo steps and what the photos of this call share."""

    def __init__(self, publisher: Publisher, picset: str, photos: list[Path]):
        self.p = publisher
        self.picset = picset
        self.job_id: int | None = None
        self.lock = threading.Lock()
        self.names_taken: dict[str, Path] = {}  # key -> the file of this job publishing it
        self.photos = photos
        self.duplicate_of: dict[Path, Path] = {}  # a file -> the earlier file with its content
        self.claimed: set[str] = set()
        self.previous: dict[str, jr.FileEntry] = {}  # the journal of the job being resumed
        self._picset_hashes: dict[str, str] | None = None

    # -- shared state ----------------------------------------------------------------------------
    def find_duplicates(self, pool: ThreadPoolExecutor) -> None:
        """Hash every photo first, so the first of identical files (in name order) is kept."""
        def digest(path: Path) -> str | None:
            try:
                with open(path, "rb") as f:
                    return hashlib.file_digest(f, "sha256").hexdigest()
            except OSError:
                return None  # reported when the photo itself is read

        first: dict[str, Path] = {}
        for path, value in zip(self.photos, pool.map(digest, self.photos), strict=True):
            if value is not None and first.setdefault(value, path) is not path:
                self.duplicate_of[path] = first[value]

    def claim(self, key: str) -> str | None:
        """Claim a key against other live jobs; the reason to skip it, or None."""
        p = self.p
        if p.journal is not None:
            other = p.journal.claim(p.target, key, self.job_id)
        else:
            other = _MemoryClaims.claim(p.target, key, self)
        if other is not None:
            label = f"job {other}" if isinstance(other, int) else "another job"
            return f"being published right now by {label} (the same photo dropped twice)"
        with self.lock:
            self.claimed.add(key)
        return None

    def picset_hashes(self) -> dict[str, str]:
        """sha256 -> key of the originals already in the picset (looked up once per job; a
        store whose listing carries no metadata, like S3, is asked object by object)."""
        with self.lock:
            if self._picset_hashes is None:
                bucket = self.p.names.pics_bucket
                listed = list(self.p.store.list(bucket, PhotoKey(self.picset, "x").key[:-1]))
                bare = [o.key for o in listed if not o.sha256]
                if bare:
                    with ThreadPoolExecutor(8, thread_name_prefix="publish-head") as pool:
                        headed = {o.key: o for o in pool.map(
                            lambda k: self.p.store.head(bucket, k), bare) if o is not None}
                    listed = [headed.get(o.key, o) for o in listed]
                self._picset_hashes = {o.sha256: o.key for o in listed if o.sha256}
            return self._picset_hashes

    def complete(self, key: PhotoKey) -> bool:
        """Published whole: the item, its thumbnail and its face-index item are all there."""
        if self.p.process is None:
            return True  # the cloud processes on its own
        item = self.p.tables.get_pics_item(key.picset, key.name)
        if item is None or self.p.store.head(self.p.names.thumbs_bucket, key.key) is None:
            return False
        return all(self.p.tables.get_image_item(i) is not None
                    for i in items.image_ids(item.get("data")))

    def free_name(self, key: PhotoKey) -> PhotoKey:
        stem, ext = posixpath.splitext(key.name)
        for n in range(2, 10_000):
            suffix = f"-{n}{ext}"
            trimmed = stem.encode()[: MAX_NAME_BYTES - len(suffix.encode())].decode(
                "utf-8", "ignore")
            candidate = photo_key(key.picset, trimmed + suffix)
            with self.lock:
                if candidate.key in self.names_taken:
                    continue
            if self.p.store.head(self.p.names.pics_bucket, candidate.key) is None:
                with self.lock:
                    if candidate.key not in self.names_taken:
                        return candidate
        raise FinpicsError("no free name found to rename to")

    # -- one photo -------------------------------------------------------------------------------
    def one(self, path: Path) -> FileResult:
        try:
            return self._one(path)
        except FinpicsError as e:
            return FileResult(path, FAILED, str(e))
        except Exception as e:  # a bug or an unexpected backend failure: report, go on
            log.exception("publishing %s failed", path)
            return FileResult(path, FAILED, f"unexpected error: {type(e).__name__}: {e}")

    def _one(self, path: Path) -> FileResult:
        p = self.p
        key = photo_key(self.picset, path.name)
        with self.lock:  # NFC and NFD spellings of one name would be one object
            other = self.names_taken.setdefault(key.key, path)
        if other is not path:
            return FileResult(path, FAILED, f"same name as {other.name!r} once Unicode-"
                              "normalised: rename one of them")
        if reason := unreadable_reason(path):
            return FileResult(path, FAILED, reason)
        try:
            st = path.stat()
            with open(path, "rb") as f:  # read only: the original is never modified
                data = f.read()
        except OSError as e:
            return FileResult(path, FAILED, f"cannot read the file: {e.strerror or e}")
        digest = hashlib.sha256(data).hexdigest()
        if p.journal is not None:
            p.journal.record(self.job_id, path, jr.PLANNED, key=key.key, sha256=digest,
                             size=st.st_size, mtime_ns=st.st_mtime_ns)
        if (first := self.duplicate_of.get(path)) is not None:
            return FileResult(path, SKIPPED, f"same content as {first.name!r} in this job")
        if reason := self.claim(key.key):
            return FileResult(path, SKIPPED, reason, key.key)

        before = self.previous.get(str(path))
        if before is not None and before.state == jr.PROCESSED and before.sha256 == digest and (
                before.key == key.key):  # resuming: published whole by this job already
            return FileResult(path, SKIPPED, ALREADY, key.key)
        existing = p.store.head(p.names.pics_bucket, key.key)
        if existing is not None and existing.sha256 == digest:
            in_flight = before is not None and before.state == jr.SENT and (
                before.key == key.key)  # killed between storing it and its items: redo them
            if self.complete(key) and not in_flight:
                return FileResult(path, SKIPPED, ALREADY, key.key)
            return self._process(path, key, digest, resend=False)
        same = self.picset_hashes().get(digest)
        if same is not None and same != key.key and p.store.head(
                p.names.pics_bucket, same) is not None:
            return FileResult(path, SKIPPED, "already in the picset as "
                              f"{same.rsplit('/', 1)[-1]!r} (same content)", same)
        if existing is not None:
            if p.on_conflict == "fail":
                return FileResult(path, FAILED, "a different photo with this name is already in "
                                  "the picset: choose replace or rename (--on-conflict)",
                                  key.key, conflict=True)
            if p.on_conflict == "rename":
                key = self.free_name(key)
                with self.lock:
                    self.names_taken.setdefault(key.key, path)
                if reason := self.claim(key.key):
                    return FileResult(path, SKIPPED, reason, key.key)
        # refuse corrupt/bomb/mismatched content before any write; the cloud's processing
        # decodes the photo anyway, so a structural check spares the upload a decode
        (inspect if p.process is not None else check_structure)(data, key.name)
        return self._process(path, key, digest, resend=True, data=data)

    def _process(self, path: Path, key: PhotoKey, digest: str, *, resend: bool,
                 data: bytes | None = None) -> FileResult:
        p = self.p
        if p.journal is not None:  # "sent": the original may be stored from now on
            p.journal.record(self.job_id, path, jr.SENT, key=key.key)
        if resend:
            p.store.put(p.names.pics_bucket, key.key, data, key.content_type,
                        {HASH_METADATA: digest})
        renamed = f"published as {key.name!r} (a different photo has the original name)" if (
            key.name != photo_key(self.picset, path.name).name) else ""
        if p.process is None:
            return FileResult(path, DONE, renamed, key=key.key)
        try:
            item = p.retry.call(p.process, p.names.pics_bucket, key.key)
        except BaseException:
            try:
                remove_photo(p.store, p.tables, p.faces, p.names, key)
            except Exception:  # the sweep / check --repair clears what is left
                log.exception("could not remove the half-published %s", key.key)
            raise
        return FileResult(path, DONE, renamed, key=key.key,
                          faces=len(item["data"].get("FaceRecords", [])))

    # -- end of job ------------------------------------------------------------------------------
    def sweep_faces(self) -> int:
        """Delete faces of this job's photos that no item refers to (left by a killed run or a
        retried IndexFaces whose response was lost). One pass over the face index."""
        if self.p.process is None or not self.claimed:
            return 0
        wanted: dict[str, set[str]] = {}
        for k in self.claimed:
            photo = PhotoKey(*k.split("/")[1:3])
            item = self.p.tables.get_pics_item(photo.picset, photo.name)
            wanted[external_image_id(k)] = set(items.face_ids((item or {}).get("data")))
        stray = [f["FaceId"] for f in self.p.faces.list_faces()
                 if f.get("ExternalImageId") in wanted
                 and f["FaceId"] not in wanted[f["ExternalImageId"]]]
        if stray:
            log.info("removing %d stray face(s) of this job's photos", len(stray))
            self.p.faces.delete_faces(stray)
        return len(stray)


__all__ = ["ALREADY", "CANCELLED", "CONFLICT_CHOICES", "DONE", "FAILED", "SKIPPED", "FileResult",
           "Publisher", "UploadReport", "plan_files"]
