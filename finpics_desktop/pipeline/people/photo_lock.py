"""One writer at a time on a photo's faces and the people's records on them: re-indexing the
photo, and naming, unnaming, confirming or rejecting one of its faces.

``reindex`` replaces a photo's faces (on the cloud every FaceId changes) and carries the names on
the old ones to the new ones: a name written onto an old face while that happens would stay on a
face that is gone, although the command said "named". So each of them holds the photo's lock, a
document of the private store (partition :data:`LOCKS`, sort key: the photo's key) created only
if absent: a naming that finds the photo being re-indexed waits for it (:data:`WAIT` seconds at
most, then it is refused with the reason), then looks its face up again -- still there, it is
named; gone with the old faces, the command says so and names nothing.

The lock of a re-index is also its record of what it is doing (the photo's faces before, the
new ones once indexed: :mod:`~finpics_desktop.pipeline.people.reindex_resume`). A writer killed
midway leaves its lock behind; whoever needs the photo next -- the next ``reindex`` (which
looks at every lock left first), a naming of one of its faces -- finishes or rolls back what it
was doing, then goes on. A holder is alive while its process runs (same computer) or while it
wrote its lock less than :data:`LEASE` seconds ago (another computer).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass

from finpics_desktop.domain.errors import FinpicsError, WriteConflict
from finpics_desktop.pipeline.liveness import pid_alive
from finpics_desktop.pipeline.people.reindex_resume import finish
from finpics_desktop.ports import Backend, PrivateDoc

log = logging.getLogger(__name__)

LOCKS = "photo-lock"
WAIT = 60.0  # seconds a writer waits for another one working on the same photo
LEASE = 120.0  # seconds without a word from another computer's writer before it is taken over
_HOST = socket.gethostname()
_HELD: set[str] = set()  # the tokens of the locks this process holds now
_HELD_LOCK = threading.Lock()


class PhotoBusy(FinpicsError):
    """Another writer, still running, works on the photo."""


class LockLost(FinpicsError):
    """Another writer judged this one gone and took its photo over."""


@dataclass
class Held:
    """A photo's lock held by this process: what it records (``state``) and its version."""

    key: str
    token: str
    what: str
    version: int = 0
    state: dict | None = None

    def doc(self) -> dict:
        return {"what": self.what, "owner": {"host": _HOST, "pid": os.getpid(),
                                             "token": self.token},
                "alive_at": time.time(), **({"state": self.state} if self.state else {})}


def alive(doc: dict) -> bool:
    """Whether the writer that holds a lock may still be working."""
    owner = doc.get("owner") or {}
    if owner.get("host") == _HOST:
        if owner.get("pid") == os.getpid():
            with _HELD_LOCK:
                return owner.get("token") in _HELD
        return pid_alive(int(owner.get("pid", 0)))
    return time.time() - float(doc.get("alive_at", 0.0)) < LEASE


def describe(doc: dict) -> str:
    started = time.strftime("%H:%M:%S", time.localtime(float(doc.get("alive_at", 0.0))))
    return f"{doc.get('what', 'another action')} (last heard of at {started})"


class PhotoLocks:
    """The photo locks of one album; ``wait``: seconds to wait for a live holder."""

    def __init__(self, backend: Backend, wait: float = WAIT,
                 cancel: threading.Event | None = None):
        if backend.private is None:
            raise FinpicsError("this album keeps no private records")
        self.backend = backend
        self.private = backend.private
        self.wait = wait
        self.cancel = cancel or threading.Event()

    @contextmanager
    def hold(self, key: str, what: str) -> Iterator[Held]:
        """Hold the lock of the photo ``key`` for the block (``what``: said to whoever waits);
        a writer gone that left it is finished or rolled back first. A block that fails with
        something still recorded (:meth:`save`) leaves the lock to whoever comes next, who
        finishes it."""
        held = self.take(key, what)
        try:
            yield held
        except BaseException:
            if held.state:
                with _HELD_LOCK:
                    _HELD.discard(held.token)
            else:
                self.release(held)
            raise
        self.release(held)

    def take(self, key: str, what: str) -> Held:
        held = Held(key, uuid.uuid4().hex, what)
        with _HELD_LOCK:
            _HELD.add(held.token)
        try:
            self._take(held)
        except BaseException:
            with _HELD_LOCK:
                _HELD.discard(held.token)
            raise
        return held

    def _take(self, held: Held) -> None:
        deadline, delay = time.monotonic() + self.wait, 0.02
        while True:
            try:
                held.version = self.private.put(LOCKS, held.key, held.doc(), if_version=0)
                return
            except WriteConflict:
                pass
            lock = self.private.get(LOCKS, held.key)
            if lock is None:
                continue
            if not alive(lock.doc):
                if self._take_over(held, lock):
                    return
                continue
            if time.monotonic() > deadline:
                raise PhotoBusy(f"{_photo(held.key)} is being changed by "
                                f"{describe(lock.doc)}; try again once it has finished")
            if self.cancel.wait(delay):
                raise PhotoBusy(f"cancelled while waiting for {describe(lock.doc)} on "
                                f"{_photo(held.key)}")
            delay = min(delay * 2, 0.25)

    def _take_over(self, held: Held, lock: PrivateDoc) -> bool:
        """Make a lock left by a writer that is gone ours, and finish what it recorded."""
        state = lock.doc.get("state")
        held.state = state
        try:
            held.version = self.private.put(LOCKS, held.key, held.doc(), if_version=lock.version)
        except WriteConflict:
            return False  # another writer took it over first
        if state:
            log.info("finishing the interrupted %s of %s", lock.doc.get("what"), held.key)
            finish(self.backend, held.key, state)
            held.state = None
            self.save(held)
        return True

    def save(self, held: Held, state: dict | None = None) -> None:
        """Record what the holder is doing (None: nothing left to finish); LockLost if another
        writer took the photo over."""
        held.state = state
        try:
            held.version = self.private.put(LOCKS, held.key, held.doc(),
                                            if_version=held.version)
        except WriteConflict:
            raise LockLost(f"{_photo(held.key)} was taken over by another writer, which "
                           "judged this one gone: run the action again") from None

    def release(self, held: Held) -> None:
        with _HELD_LOCK:
            _HELD.discard(held.token)
        with suppress(WriteConflict):  # taken over meanwhile: the other writer releases it
            self.private.delete(LOCKS, held.key, if_version=held.version)

    def recover_all(self) -> int:
        """Finish (or roll back) what every writer gone left recorded; how many."""
        done = 0
        for lock in self.private.query(LOCKS):
            if alive(lock.doc):
                continue
            held = Held(lock.sk, uuid.uuid4().hex, "finishing an interrupted re-index")
            with _HELD_LOCK:
                _HELD.add(held.token)
            try:
                if self._take_over(held, lock):
                    done += 1 if lock.doc.get("state") else 0
                    self.release(held)
            finally:
                with _HELD_LOCK:
                    _HELD.discard(held.token)
        return done


def _photo(key: str) -> str:
    return key.split("/", 1)[1] if key.startswith("photos/") else key
