"""What every curation action works with: the backend's ports (retried on transient
failures), its private store and the log of operations in progress, and the one place that
runs an operation to its end -- the first time, or after a crash."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from typing import Any

from finpics_desktop.domain.errors import FinpicsError, WriteConflict
from finpics_desktop.domain.keys import PhotoKey, parse_key
from finpics_desktop.domain.picsets import PICSET_ROOT
from finpics_desktop.domain.records import PhotoItem
from finpics_desktop.pipeline.curation.errors import Refused
from finpics_desktop.pipeline.curation.leases import Lease, describe, publishers
from finpics_desktop.pipeline.curation.ops import (
    LOCK,
    RUNNERS,
    WAIT,
    Busy,
    Operation,
    OpLog,
    is_alive,
    picset_resource,
)
from finpics_desktop.pipeline.retry import RetryPolicy, with_retries
from finpics_desktop.ports import Backend, Records

log = logging.getLogger(__name__)

# -- undo steps: the action that undoes another, and its arguments -----------------------------
@dataclass(frozen=True)
class CoverStep:
    """Feature ``name`` in ``picset`` again."""

    picset: str
    name: str | None


@dataclass(frozen=True)
class RenameStep:
    """Rename ``picset`` back to ``new_id``."""

    picset: str
    new_id: str


@dataclass(frozen=True)
class MoveStep:
    """Move ``photos`` (``(picset, name)``) back to picset ``to``."""

    photos: tuple[tuple[str, str], ...]
    to: str


@dataclass(frozen=True)
class DeleteStep:
    """Delete ``targets`` (picsets, or ``picset/name``) again (to the trash, or ``purge``)."""

    targets: tuple[str, ...]
    purge: bool = False


@dataclass(frozen=True)
class RestoreStep:
    """Restore the trash entry ``trash_id``."""

    trash_id: str


@dataclass(frozen=True)
class OrderStep:
    """Give the photos of ``picset`` their names back: ``renames``, (name now, name before)
    in their sequence."""

    picset: str
    renames: tuple[tuple[str, str], ...]


Step = CoverStep | RenameStep | MoveStep | DeleteStep | RestoreStep | OrderStep


@dataclass
class Outcome:
    """What an action did: a line to show, what it changed, and how to undo it."""

    summary: str
    undo: list[Step] = field(default_factory=list)
    completed: list[str] = field(default_factory=list)  # interrupted actions completed first
    failed: list[str] = field(default_factory=list)  # "<what>: <reason>" lines
    changes: Any = None  # what the application layer says it changed (``app.changes``)


class Curation:
    """Curation of one backend (the library or the cloud)."""

    def __init__(self, backend: Backend, *, retry: RetryPolicy | None = None,
                 wait: float = WAIT, cancel: threading.Event | None = None):
        if backend.private is None:
            raise FinpicsError("this album keeps no private records, which curation needs")
        if backend.read_only:
            backend.check_writable("changing it")
        retry = retry or RetryPolicy()
        self.backend = backend
        self.names = backend.names
        self.store = with_retries(backend.store, retry)
        self.tables = with_retries(backend.tables, retry)
        self.faces = with_retries(backend.faces, retry)
        self.private = with_retries(backend.private, retry)
        self.records = Records(self.tables, self.faces)  # what the actions read, typed
        self.process = backend.process
        self.cancel = cancel or threading.Event()
        self.ops = OpLog(self.private, self.resume, wait, self.cancel)
        self.ops.others = self._publishers
        self.exempt: set[str] = set()  # leases of the publisher this action is part of (push)
        self.progress: Callable[[str], None] = lambda line: None
        self.running: Operation | None = None  # the operation being run (see touch)
        self.recovered: list[Operation] = []  # interrupted operations this one completed

    # -- looking things up ---------------------------------------------------------------------
    def picset_ids(self) -> list[str]:
        return self.records.picset_ids()

    def check_case(self, picset: str) -> None:
        """Refused when the store takes ``picset`` and another picset's id for one name
        (differing only in case, on a disk that folds case): their photos would be mixed."""
        if not getattr(self.store, "folds_case", False):
            return
        for other in self.picset_ids():
            if other != picset and other.casefold() == picset.casefold():
                raise Refused(
                    f"{picset} and {other} differ only in capitals, which this library's disk "
                    "does not tell apart (as on macOS and Windows): their photos would be "
                    "mixed. Give another title (to change only capitals, rename it to another "
                    "title first, then to this one); nothing was changed")

    def picset_exists(self, picset: str) -> bool:
        return self.tables.get_pics_item(PICSET_ROOT, picset) is not None or bool(
            self.tables.count_pics(picset))  # (its items, IndexFaces data and all, stay put)

    def photo(self, picset: str, name: str) -> PhotoItem:
        item = self.records.photo(picset, name)
        if item is None:
            raise Refused(f"there is no photo {name!r} in picset {picset}" + (
                "" if self.picset_exists(picset) else " (no such picset)"))
        return item

    def name_taken(self, key: PhotoKey) -> bool:
        return (self.tables.get_pics_item(key.picset, key.name) is not None
                or self.store.head(self.names.pics_bucket, key.key) is not None)

    def unprocessed(self, keys: list[str]) -> list[str]:
        """The keys of originals stored that have no photo item yet (the cloud processes)."""
        left = []
        for key in keys:
            photo = parse_key(key)
            if self.tables.get_pics_item(photo.picset, photo.name) is None and (
                    self.store.head(self.names.pics_bucket, key) is not None):
                left.append(key)
        return left

    def _publishers(self, resource: str) -> list[str]:
        kind, _, picset = resource.partition(":")
        if kind != "picset":
            return []
        return [describe(d) for d in publishers(self.private, picset, self.exempt,
                                                self.unprocessed)]

    # -- running operations --------------------------------------------------------------------
    def recover_request(self, resources: list[str], request: list) -> Operation | None:
        """Complete the interrupted actions on these resources; the one that was this very
        request, if any (Refused if it had to be rolled back)."""
        self.recover(resources)
        wanted = set(resources)
        for op in self.recovered:
            if wanted & set(op.resources) and op.params.get("request") == request:
                if op.refused:
                    raise Refused(op.refused)
                return op
        return None

    def recover(self, resources) -> list[str]:
        """Complete the interrupted actions on these resources; what they were."""
        done = self.ops.recover_touching(resources)
        self.recovered += done
        return [op.describe() for op in done]

    def settle(self) -> list[str]:
        """Complete every interrupted action of the album (a delete killed midway: its photos
        are out of the album, so its trash entry must be whole): what the next action of any
        kind does first. One that cannot be completed now (another writer in its way) is left
        for later; the action's own resources meet it again when they are locked."""
        done = []
        for op in self.ops.pending():
            if is_alive(op) or any(self._publishers(r) for r in op.resources):
                continue  # (a publisher in its way: completed once it is done, not waited for)
            try:
                if self.ops.recover(op):
                    self.recovered.append(op)
                    done.append(op.describe())
            except FinpicsError as e:
                log.warning("the interrupted %s could not be completed now: %s",
                            op.describe(), e)
        return done

    def begin(self, kind: str, resources: list[str],
              plan: Callable[[], tuple[dict, list | None]]) -> tuple[Operation, list | None]:
        """Record and lock an operation whose parameters and list of names ``plan()`` makes
        from what it reads (Refused if the action cannot be done). Planned again once the
        resources are held: another writer may have changed them while this one waited for
        them (then it is planned anew, or refused). Returns the operation and its names."""
        for _ in range(3):
            params, names = plan()
            op = self.ops.begin(kind, params, resources, names=names)
            try:
                if plan() == (params, names):
                    return op, names
            except BaseException:
                self.ops.finish(op)
                raise
            self.ops.finish(op)
        raise Busy(f"{', '.join(r.split(':', 1)[1] for r in resources)} kept changing while "
                   "this action waited for it; try again")

    def hold_for_publishing(self, picset: str) -> Lease:
        """A lease on ``picset`` for a publisher, once no curation action holds it (an abandoned
        one is completed first, a live one waited for, :data:`~.ops.WAIT` seconds at most, then
        Busy naming it)."""
        lease = Lease(self.private, picset)
        resource = picset_resource(picset)
        deadline = time.monotonic() + self.ops.wait
        delay = 0.02
        while True:
            lease.take()
            try:
                lock = self.private.get(LOCK, resource)
                if lock is None:
                    # (drops the leases of publishers gone)
                    publishers(self.private, picset, {lease.token}, self.unprocessed)
                    return lease
            except BaseException:
                with suppress(FinpicsError):  # (what failed says it)
                    lease.release()
                raise
            lease.release()
            holder = self.ops.get(lock.doc["op"])
            if holder is None:  # left by a writer killed between its last two deletes
                with suppress(WriteConflict):
                    self.private.delete(LOCK, resource, if_version=lock.version)
                continue
            if not is_alive(holder):
                self.ops.recover(holder)
                continue
            lease.waited_for = holder.describe()
            if time.monotonic() > deadline:
                raise Busy(f"cannot publish into {picset} now: it is being changed by another "
                           f"action ({holder.describe()}); try again once it has finished")
            if self.cancel.wait(delay):
                raise Busy(f"cancelled while waiting for {holder.describe()}")
            delay = min(delay * 2, 0.5)

    def run(self, op: Operation) -> None:
        """Run ``op`` to its end (from the step its record names), then forget it. Whatever
        stops it midway, this process no longer runs it: its record stays, so the next action
        on its picsets (or ``check --repair``) completes it."""
        outer, self.running = self.running, op
        try:
            runner = RUNNERS.get(op.kind)
            if runner is None:
                raise FinpicsError(f"{op.describe()}: this version of finpics-desktop cannot "
                                   "complete it")
            runner(self, op)
        finally:
            self.running = outer
            self.ops.stopped(op)

    def touch(self) -> None:
        """Called at each photo of an operation: its record says its writer is alive."""
        if self.running is not None:
            self.ops.touch(self.running)

    def resume(self, op: Operation) -> None:
        """Complete an interrupted operation this process has taken over."""
        self.ops.lock(op)
        try:
            self.run(op)
        except Refused as e:  # rolled back: the action it was could not be done
            log.warning("the interrupted %s was rolled back: %s", op.describe(), e)
            op.refused = str(e)
