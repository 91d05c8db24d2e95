"""Publishing a folder (or files) as a picset: plan, check, store, process; one bad photo never
stops the batch, and a photo that fails leaves nothing behind.

Nothing is lost or duplicated: every job is written to the upload journal (when one is given)
file by file; what is already stored with the same content is not sent again (the content
hash travels as object metadata); the same name with different content is a *conflict* the
user settles (``on_conflict``: fail, replace or rename); jobs publishing into the same picset
at once end as if they had run one after the other (claims by content and by key, see
:mod:`~finpics_desktop.pipeline.publish.claims`; the per-photo steps are in
:mod:`~finpics_desktop.pipeline.publish.steps`); and at the end of a job the faces a crash or a
lost IndexFaces response left behind for its photos are swept, so each photo's faces are in
the index exactly once.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from finpics_desktop.domain.errors import (
    FinpicsError,
    StorageError,
    StorageFull,
    StorageReadOnly,
)
from finpics_desktop.domain.names import Names
from finpics_desktop.domain.picsets import new_picset_id, validate_picset_id
from finpics_desktop.pipeline.curation.context import Curation
from finpics_desktop.pipeline.curation.leases import Lease
from finpics_desktop.pipeline.curation.trash import trashed_face_ids
from finpics_desktop.pipeline.photos.public_copy import public_copy
from finpics_desktop.pipeline.photos.reading import BUDGET, ByteBudget
from finpics_desktop.pipeline.publish import journal as jr
from finpics_desktop.pipeline.publish.claims import JobClaims
from finpics_desktop.pipeline.publish.outcomes import (
    ALREADY,
    CANCELLED,
    DONE,
    FAILED,
    SKIPPED,
    FileResult,
    UploadReport,
    plan_files,
)
from finpics_desktop.pipeline.publish.steps import JobRun
from finpics_desktop.pipeline.retry import RetryPolicy, with_retries
from finpics_desktop.ports import Backend, FaceIndex, ObjectStore, Records, Tables

log = logging.getLogger(__name__)

CONFLICT_CHOICES = ("fail", "replace", "rename")
_JOURNAL_STATE = {DONE: jr.PROCESSED, FAILED: jr.FAILED, SKIPPED: jr.SKIPPED,
                  CANCELLED: jr.CANCELLED}


_SHORT = {StorageFull: "the disk is full", StorageReadOnly: "the storage is read-only"}


@dataclass(frozen=True)
class NewPicset:
    """A new picset of a title (by default the folder's name as written): its id (the next
    ordering number and the title) is chosen when the job starts, atomically with the other
    jobs publishing into the target (a job of the same sources at the same time shares its
    picset instead), by the upload journal: a publisher without one is given a picset id."""

    title: str
    decided_at: float = field(default_factory=time.time, compare=False)  # jobs since: at once


class Publisher:
    """Publishes photos into one picset. ``process`` (the local library's in-process pipeline)
    runs after each original is stored; None where the cloud processes on its own.

    ``on_conflict`` settles a photo whose name is in the picset with different content:
    ``fail`` (report it, change nothing), ``replace`` or ``rename`` (``name-2.jpg``...).
    ``journal`` records the job; ``target`` names what is published into (see
    :func:`~finpics_desktop.pipeline.publish.journal.target_of`). Backend calls are retried on
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
        budget: ByteBudget | None = None,
        kept_faces: Callable[[], set[str]] | None = None,
        transform: Callable[[bytes, str], bytes] | None = None,
        album: Backend | None = None,
        lease: Lease | None = None,
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
        self.budget = budget or BUDGET  # bytes of photo files held in memory at once
        self.cancel_event = threading.Event()
        self.stopped: StorageError | None = None
        self._stop_lock = threading.Lock()
        self.job_id: int | None = None
        self.kept_faces = kept_faces  # faces no public item lists that must stay (the trash)
        # the copy published instead of the file's bytes (``public_copy``: no location, no
        # face regions): the same function of the same bytes each time, so its hash still
        # finds what is there
        self.transform = transform
        self.album = album  # whose people's records follow a photo it replaces (``replaced``)
        # its hold on the picset against curation actions (``curation.leases``): taken by each
        # job on an album with private records, unless given (a push holds it throughout)
        self.lease = lease

    @classmethod
    def for_backend(cls, backend, journal: jr.Journal | None = None, *,
                    remove_location: bool | None = None, **options) -> Publisher:
        """``remove_location``: publish copies without the camera's location (default: on where
        the public site reads them, ``backend.public``; off for the library, the curator's)."""
        if remove_location if remove_location is not None else backend.public:
            options.setdefault("transform", public_copy)
        if backend.private is not None:
            options.setdefault("kept_faces", partial(trashed_face_ids, backend.private))
            options.setdefault("album", backend)
        return cls(backend.store, backend.tables, backend.faces, backend.names, backend.process,
                   journal=journal, target=jr.target_of(backend), **options)

    def cancel(self) -> None:
        self.cancel_event.set()

    def stop(self, error: StorageError) -> str:
        """Storage that cannot be written (a full disk...): the photos not begun are not sent,
        the job ends resumable with ``error`` as its last word; the reason, in short."""
        with self._stop_lock:
            self.stopped = self.stopped or error
        self.cancel_event.set()
        return _SHORT.get(type(self.stopped), "the storage cannot be written")

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

    def _propose(self, new: NewPicset) -> Callable[[list[str]], str]:
        existing = Records(self.tables).picset_ids()
        return lambda taken: new_picset_id(new.title, existing + taken)

    def publish(
        self,
        sources: Iterable[Path],
        picset: str | NewPicset,
        on_result: Callable[[FileResult, int, int], None] | None = None,
        *,
        job_id: int | None = None,
        on_start: Callable[[str], None] | None = None,
    ) -> UploadReport:
        """Publish; ``on_start(picset id)`` is called once the job is recorded (a
        :class:`NewPicset` is numbered then), ``on_result(result, finished, total)`` (from
        worker threads) as each photo ends. Cancelling lets the photos under way finish,
        whole."""
        self.stopped = None
        if isinstance(picset, str):
            validate_picset_id(picset)
        elif self.journal is None:
            raise ValueError("a new picset is numbered by the upload journal: give one")
        sources = [Path(s) for s in sources]
        photos, skipped = plan_files(sources)
        retries_before = self.retry.retries
        owner: object = object()  # stands for the job where there is no journal
        previous: dict[str, jr.FileEntry] = {}
        lease: Lease | None = None
        resolved = [str(s.absolute()) for s in sources]
        if self.journal is not None:
            if job_id is None:
                new = not isinstance(picset, str)
                job_id = self.journal.start_job(
                    self.target, self._propose(picset) if new else picset, resolved,
                    self.on_conflict, since=picset.decided_at if new else None)
            else:
                self.journal.take_over(job_id)
            try:  # running from here: it ends (resumable) if it stops before its first photo
                picset = self.journal.job(job_id).picset
                lease = self._hold(picset)
                previous = self.journal.files(job_id)
                self.journal.plan(job_id, photos)
                for r in skipped:
                    self.journal.record(job_id, r.path, _JOURNAL_STATE[r.status],
                                        reason=r.reason)
            except BaseException as e:
                with contextlib.suppress(StorageError):  # not recorded: over in this process
                    self.journal.finish_job(job_id, jr.CANCELLED, f"stopped: {e}")
                if lease is not None and lease is not self.lease:
                    with contextlib.suppress(FinpicsError):
                        lease.release()
                raise
            owner = job_id
        else:
            lease = self._hold(picset)
        self.job_id = job_id
        if on_start:
            on_start(picset)
        claims = JobClaims(self.target, owner, self.journal, self.cancel_event)
        run = JobRun(self, picset, photos, claims, job_id)
        run.previous = previous
        report = UploadReport(picset, list(skipped), job_id)
        total, finished = len(photos), 0
        lock = threading.Lock()

        def one(path: Path) -> FileResult:
            nonlocal finished
            if self.cancel_event.is_set():
                result = FileResult(path, CANCELLED, "cancelled before it was sent" if (
                    self.stopped is None) else f"not sent: {self.stop(self.stopped)}")
            else:
                if lease is not None:
                    try:
                        lease.touch()
                    except StorageError as e:  # (the photo itself says it, as any other)
                        self.stop(e)
                result = run.one(path)
            state = jr.PROCESSED if result.reason == ALREADY else _JOURNAL_STATE[result.status]
            try:
                if self.journal is not None:
                    self.journal.record(job_id, path, state,
                                        reason=result.reason, key=result.key)
                run.release(path, result)  # recorded first: the next job sees where it went
            except StorageError as e:  # resuming compares contents: nothing is lost; the
                self.stop(e)  # claims go with the job (not live once it ends)
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
            try:
                run.settle_replaced()  # also when stopped: those photos are processed
            except StorageError as e:  # their records wait: check --repair settles them
                self.stop(e)
            if self.stopped is None:  # else resuming sweeps
                try:
                    report.swept = run.sweep_faces()
                except StorageError as e:
                    self.stop(e)
            state = jr.CANCELLED if self.cancel_event.is_set() else jr.FINISHED
        finally:
            report.retries = self.retry.retries - retries_before
            order = {p: i for i, p in enumerate(photos)}
            report.results.sort(
                key=lambda r: (r.status == SKIPPED, order.get(r.path, -1), r.path.name))
            if self.journal is not None:
                try:
                    self.journal.finish_job(job_id, state, report.summary())
                except StorageError as e:
                    self.stop(e)
            claims.release_all()
            report.stopped = str(self.stopped or "")
            if lease is not None and lease is not self.lease:  # (a push lets its own go)
                with contextlib.suppress(FinpicsError):  # (dropped once its process is gone)
                    lease.release(self.processing(report))
        return report

    def processing(self, report: UploadReport) -> list[str]:
        """The keys of the photos stored that the cloud processes on its own (none where
        processing is in-process)."""
        return [r.key for r in report.results if r.status == DONE and r.key] if (
            self.process is None) else []

    def _hold(self, picset: str) -> Lease | None:
        """This job's hold on ``picset`` (waiting for a curation action working on it)."""
        if self.lease is not None and self.lease.picset == picset:
            return self.lease
        if self.album is None or self.album.private is None:
            return None
        return Curation(self.album, retry=self.retry,
                        cancel=self.cancel_event).hold_for_publishing(picset)


__all__ = ["ALREADY", "CANCELLED", "CONFLICT_CHOICES", "DONE", "FAILED", "SKIPPED", "FileResult",
           "NewPicset", "Publisher", "UploadReport", "plan_files"]
