"""Operations in progress: every curation action that takes more than one write is recorded in
the private store *before* its first write, and the picsets (and trash entries) it works on are
locked, so that

- a crash, a kill or a lost network leaves a record saying what was under way: running the
  same action again, any action on the same picset, or ``check --repair`` completes it (or
  rolls it back) from where it stopped -- every step of an action is idempotent;
- two writers at once (the window and a CLI, two computers on one cloud) never interleave on
  one picset: the second waits for the first (:data:`WAIT` seconds at most, then it is refused
  with the reason), and an action whose writer is gone is completed by whoever needs it next.

Records live under partition :data:`OP` (sort key: the operation id, time-ordered), locks under
:data:`LOCK` (sort key: the resource, ``picset:<id>``, ``trash:<id>`` or ``person:<id>``), long
lists under ``op-list:<op id>``. Writes are conditional on the version read, so two processes
never both believe they own one record. A writer is alive while its process runs (same computer)
or while it wrote its record less than :data:`LEASE` seconds ago (another computer).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from contextlib import suppress
from dataclasses import dataclass

from finpics_desktop.domain.errors import FinpicsError, WriteConflict
from finpics_desktop.pipeline.liveness import pid_alive
from finpics_desktop.ports import PrivateDoc, PrivateStore

log = logging.getLogger(__name__)

OP, LOCK, LIST = "op", "op-lock", "op-list:"
LEASE = 120.0  # seconds without a word from another computer's action before it is taken over
WAIT = 60.0  # seconds an action waits for another one working on the same picset
LIST_CHUNK = 2000  # names per document (DynamoDB items hold at most 400 KB)
_HOST = socket.gethostname()
_RUNNING: set[str] = set()  # operations this process is running now
_RUNNING_LOCK = threading.Lock()


class Busy(FinpicsError):
    """Another action, still running, works on the same picset."""


class TakenOver(FinpicsError):
    """Another writer judged this action abandoned and took it over: this one stops."""


@dataclass
class Operation:
    id: str
    kind: str
    params: dict
    resources: list[str]
    state: dict
    owner: dict
    alive_at: float
    created: float
    version: int
    refused: str = ""  # why it was rolled back when this process completed it

    @classmethod
    def of(cls, doc: PrivateDoc) -> Operation:
        d = doc.doc
        return cls(doc.sk, d["kind"], d["params"], d["resources"], d.get("state", {}),
                   d.get("owner", {}), d.get("alive_at", 0.0), d.get("created", 0.0),
                   doc.version)

    def as_doc(self) -> dict:
        return {"kind": self.kind, "params": self.params, "resources": self.resources,
                "state": self.state, "owner": self.owner, "alive_at": self.alive_at,
                "created": self.created}

    def describe(self) -> str:
        """What the action was, in words, and when it began: ``move of 30 photos from 003_x
        to 004_y (started 2025-01-02 10:11:12)``."""
        started = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(self.created))
        return f"{self.what()} (started {started})"

    def what(self) -> str:
        """The action in words, with counts (never its whole request: 30 paths or more)."""
        p = self.params
        request = p.get("request") or [self.kind]
        verb = request[0]
        if verb in ("move", "copy") and len(request) == 3:
            photos, to = request[1], request[2]
            return f"{verb} of {_photos(len(photos))} from {_picsets([s for s, *_ in photos])} " \
                   f"to {to}"
        if verb == "rename" and len(request) == 3:
            return f"rename of picset {request[1]} to {request[2]}"
        if verb == "order" and len(request) == 3:
            how = {"date": "by date taken", "name": "by name"}.get(request[2], "by hand") \
                if isinstance(request[2], str) else "by hand"
            return f"ordering of the photos of {request[1]} {how}"
        if verb == "order back":
            return f"putting back the order of the photos of {request[1]}"
        if self.kind == "cover" and {"picset", "pic"} <= set(p):
            return f"change of the featured photo of {p['picset']} to {p['pic']}"
        if self.kind == "trash" and "what" in p:
            return f"delete of {p['what']}"
        if self.kind == "restore" and "what" in p:
            return f"restore of {p['what']} from the trash"
        if {"name", "into_name"} <= set(p):  # a merge of two people
            return f"merge of {p['name']} into {p['into_name']}"
        if self.kind == "empty" and "trash_id" in p:
            return f"emptying of trash entry {p['trash_id']} ({p.get('picset', '')})"
        on = _picsets([r.split(":", 1)[-1] for r in self.resources])
        return f"{self.kind} on {on}" if self.resources else self.kind


def _photos(n: int) -> str:
    return f"{n} photo{'' if n == 1 else 's'}"


def _picsets(ids: list[str]) -> str:
    ids = list(dict.fromkeys(ids))
    if len(ids) <= 3:
        return " and ".join(ids) if len(ids) < 3 else f"{ids[0]}, {ids[1]} and {ids[2]}"
    return f"{len(ids)} picsets ({ids[0]}, {ids[1]}...)"


def picset_resource(picset: str) -> str:
    return f"picset:{picset}"


def trash_resource(trash_id: str) -> str:
    return f"trash:{trash_id}"


def _owner() -> dict:
    return {"host": _HOST, "pid": os.getpid()}


def is_alive(op: Operation, now: float | None = None) -> bool:
    """Whether the writer that owns ``op`` may still be working on it."""
    with _RUNNING_LOCK:
        if op.id in _RUNNING:
            return True
    owner = op.owner
    if owner.get("host") == _HOST:
        return owner.get("pid") != os.getpid() and pid_alive(int(owner.get("pid", 0)))
    return (now or time.time()) - op.alive_at < LEASE


# kind -> the function that runs (or completes) an operation of that kind, ``runner(c, op)``
# with ``c`` the album's Curation; each module of an action registers its own (@runs)
RUNNERS: dict[str, Callable] = {}


def runs(kind: str) -> Callable[[Callable], Callable]:
    """Registers the decorated function as the runner of the operations of ``kind``."""
    def register(runner: Callable) -> Callable:
        RUNNERS[kind] = runner
        return runner
    return register


class OpLog:
    """The operations and locks of one private store.

    ``resume(op)`` completes an abandoned operation found in the way (it is given the
    operation already taken over by this process); ``cancel`` stops a wait."""

    def __init__(self, private: PrivateStore, resume: Callable[[Operation], None],
                 wait: float = WAIT, cancel: threading.Event | None = None):
        self.private = private
        self.resume = resume
        self.wait = wait
        self.cancel = cancel or threading.Event()
        self.clock: Callable[[], float] = time.time  # what the records' times are read from
        # who else works on a resource besides actions (the publishers of a picset, see
        # ``leases``): waited for once the resource is locked, as a live action is
        self.others: Callable[[str], list[str]] = lambda resource: []

    # -- records -------------------------------------------------------------------------------
    def pending(self) -> list[Operation]:
        return [Operation.of(d) for d in self.private.query(OP)]

    def get(self, op_id: str) -> Operation | None:
        doc = self.private.get(OP, op_id)
        return Operation.of(doc) if doc else None

    def begin(self, kind: str, params: dict, resources: Iterable[str],
              names: list[str] | None = None) -> Operation:
        """Record the operation (and its list of names), then lock its resources."""
        now = self.clock()
        op_id = f"{int(now * 1000):013d}-{uuid.uuid4().hex[:8]}"
        op = Operation(op_id, kind, params, sorted(set(resources)), {}, _owner(), now, now, 0)
        if names is not None:
            for n in range(0, max(len(names), 1), LIST_CHUNK):
                self.private.put(LIST + op_id, f"{n // LIST_CHUNK:05d}",
                                 {"names": names[n:n + LIST_CHUNK]})
        self._mark_running(op, True)
        op.version = self._put(op, 0)
        try:
            self.lock(op)
        except BaseException:
            self.finish(op)  # nothing was written yet
            raise
        return op

    def names(self, op: Operation) -> list[str]:
        return [n for d in self.private.query(LIST + op.id) for n in d.doc["names"]]

    def save(self, op: Operation, **state) -> None:
        """Record progress (and that the writer is alive); TakenOver if someone else owns it."""
        op.state.update(state)
        op.alive_at = self.clock()
        try:
            op.version = self._put(op, op.version)
        except WriteConflict:
            raise TakenOver(f"the interrupted action {op.describe()} was taken over by another "
                            "writer, which completes it") from None

    def touch(self, op: Operation) -> None:
        """Say the writer is alive, often enough that no other computer takes a long action
        over (a record written every :data:`LEASE` / 4 at most); TakenOver as :meth:`save`."""
        if self.clock() - op.alive_at > LEASE / 4:
            self.save(op)

    def _put(self, op: Operation, version: int) -> int:
        """Write the record over ``version``; a write retried after its answer was lost finds
        its own record there, which is no conflict."""
        try:
            return self.private.put(OP, op.id, op.as_doc(), if_version=version)
        except WriteConflict:
            stored = self.private.get(OP, op.id)
            if stored is not None and stored.doc == op.as_doc():
                return stored.version
            raise

    def take_over(self, op: Operation) -> Operation:
        """Make this process the owner of an abandoned operation (WriteConflict if another
        writer took it first)."""
        op.owner, op.alive_at = _owner(), self.clock()
        op.version = self._put(op, op.version)
        self._mark_running(op, True)
        return op

    def finish(self, op: Operation) -> None:
        """Unlock and forget the operation: it is complete (or rolled back)."""
        for resource in op.resources:
            lock = self.private.get(LOCK, resource)
            if lock is not None and lock.doc.get("op") == op.id:
                with suppress(WriteConflict):  # else taken over by a writer that releases it
                    self.private.delete(LOCK, resource, if_version=lock.version)
        for part in self.private.query(LIST + op.id):
            self.private.delete(part.pk, part.sk)
        self.private.delete(OP, op.id)
        self._mark_running(op, False)

    def stopped(self, op: Operation) -> None:
        """This process no longer runs ``op`` (finished, or stopped by an error)."""
        self._mark_running(op, False)

    @staticmethod
    def _mark_running(op: Operation, running: bool) -> None:
        with _RUNNING_LOCK:
            (_RUNNING.add if running else _RUNNING.discard)(op.id)

    # -- locks ---------------------------------------------------------------------------------
    def lock(self, op: Operation) -> None:
        """Hold every resource of ``op`` (in a fixed order, so writers never wait in a circle);
        an abandoned operation in the way is completed first, a live one is waited for."""
        for resource in op.resources:
            deadline = time.monotonic() + self.wait
            delay = 0.02
            while True:
                try:
                    self.private.put(LOCK, resource, {"op": op.id}, if_version=0)
                    break
                except WriteConflict:
                    pass
                lock = self.private.get(LOCK, resource)
                if lock is None or lock.doc.get("op") == op.id:
                    if lock is not None:
                        break  # ours already (a resumed operation)
                    continue
                holder = self.get(lock.doc["op"])
                if holder is None:  # left by a writer killed between its last two deletes
                    self._drop_stale_lock(lock)
                    continue
                if not is_alive(holder):
                    self.recover(holder)
                    continue
                if time.monotonic() > deadline:
                    raise Busy(f"{resource.split(':', 1)[1]} is being changed by another "
                               f"action ({holder.describe()}); try again once it has finished")
                if self.cancel.wait(delay):
                    raise Busy(f"cancelled while waiting for {holder.describe()}")
                delay = min(delay * 2, 0.5)
            self._wait_for_others(resource, deadline)

    def _wait_for_others(self, resource: str, deadline: float) -> None:
        """The resource is locked: wait while others still work on it (publishers that began
        before the lock was taken; no new one begins)."""
        delay = 0.02
        while others := self.others(resource):
            if time.monotonic() > deadline:
                raise Busy(f"{resource.split(':', 1)[1]} is in use by {others[0]}; try again "
                           "once it has finished")
            if self.cancel.wait(delay):
                raise Busy(f"cancelled while waiting for {others[0]}")
            delay = min(delay * 2, 0.5)

    def _drop_stale_lock(self, lock: PrivateDoc) -> None:
        with suppress(WriteConflict):
            self.private.delete(LOCK, lock.sk, if_version=lock.version)

    def recover(self, op: Operation) -> bool:
        """Complete an abandoned operation (False if another writer took it over first)."""
        try:
            op = self.take_over(op)
        except WriteConflict:
            return False
        log.info("completing the interrupted %s", op.describe())
        try:
            self.resume(op)
        finally:
            self._mark_running(op, False)
        return True

    def recover_touching(self, resources: Iterable[str]) -> list[Operation]:
        """Complete the abandoned operations that work on any of ``resources``; returns them."""
        wanted, done = set(resources), []
        for op in self.pending():
            if wanted & set(op.resources) and not is_alive(op) and self.recover(op):
                done.append(op)
        return done
