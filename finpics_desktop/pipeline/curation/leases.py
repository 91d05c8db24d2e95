"""Publishing into a picset and changing it as a whole are never under way at once, so that an
upload (or a push) and a rename, a move or a delete of its picset end as if one had run after
the other -- never half the photos under the old id and half under the new one.

A publisher (:class:`~finpics_desktop.pipeline.publish.upload.Publisher`, ``push``) holds a
*lease* on its picset for its whole job (taken with
:meth:`~finpics_desktop.pipeline.curation.context.Curation.hold_for_publishing`): a record
under partition ``publishing:<picset>`` of the private store, beside the curation locks
(:mod:`.ops`), so that every process and every computer on one album sees it. Many publishers
may hold one picset at once (their claims keep them apart,
:mod:`~finpics_desktop.pipeline.publish.claims`); a curation action holds it alone:

- a publisher writes its lease, then looks at the picset's lock: if an action holds it, the
  publisher takes its lease back and waits for that action (an abandoned one is completed
  first), then publishes into the picset as it is then -- the action came first;
- an action takes the picset's lock, then waits while a publisher's lease is live -- the
  publisher came first. Each writes before it looks, so one of them always sees the other.

On the cloud a photo is published once its processing function has written its item: a
publisher that ends leaves its lease with the keys it stored (``pending``), which holds the
picset until the cloud has processed them (at most :data:`PENDING_FOR` seconds), so that a
rename right after an upload moves every photo of it.
"""

from __future__ import annotations

import os
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from contextlib import suppress

from finpics_desktop.domain.errors import WriteConflict
from finpics_desktop.pipeline.curation.ops import (
    _HOST,
    LEASE,
)
from finpics_desktop.pipeline.liveness import pid_alive
from finpics_desktop.ports import PrivateDoc, PrivateStore

PUBLISHING = "publishing:"
PENDING_FOR = 300.0  # seconds stored photos the cloud has not processed yet hold their picset
_HELD: set[str] = set()  # leases held by this process
_HELD_LOCK = threading.Lock()


class Lease:
    """A publisher's hold on one picset (see the module)."""

    def __init__(self, private: PrivateStore, picset: str):
        self.private, self.picset = private, picset
        self.token = f"{int(time.time() * 1000):013d}-{uuid.uuid4().hex[:8]}"
        self.alive_at = 0.0
        self.waited_for: str | None = None  # the action it waited for, if any

    def _put(self, **extra) -> None:
        self.alive_at = time.time()
        self.private.put(PUBLISHING + self.picset, self.token, {
            "host": _HOST, "pid": os.getpid(), "alive_at": self.alive_at, **extra})

    def take(self) -> None:
        with _HELD_LOCK:
            _HELD.add(self.token)
        self._put()

    def touch(self) -> None:
        """Say the publisher is alive (another computer takes a lease silent for
        :data:`~.ops.LEASE` seconds as abandoned)."""
        if time.time() - self.alive_at > LEASE / 4:
            self._put()

    def release(self, pending: Iterable[str] = ()) -> None:
        """The job is over; ``pending``: keys of originals stored that the cloud processes
        (they hold the picset until it has)."""
        pending = sorted(pending)
        try:  # (written before this process stops holding it: nothing slips in between)
            if pending:
                self._put(pending=pending)
            else:
                self.private.delete(PUBLISHING + self.picset, self.token)
        finally:
            with _HELD_LOCK:
                _HELD.discard(self.token)


def _holds(doc: PrivateDoc, unprocessed: Callable[[list[str]], list[str]]) -> bool:
    d = doc.doc
    if "pending" in d:
        return time.time() - d.get("alive_at", 0.0) < PENDING_FOR and bool(
            unprocessed(d["pending"]))
    with _HELD_LOCK:
        if doc.sk in _HELD:
            return True
    if d.get("host") == _HOST:
        return d.get("pid") != os.getpid() and pid_alive(int(d.get("pid", 0)))
    return time.time() - d.get("alive_at", 0.0) < LEASE


def describe(doc: PrivateDoc) -> str:
    d = doc.doc
    if "pending" in d:
        return (f"{len(d['pending'])} photo(s) published into it, which the cloud is still "
                "processing")
    return f"an upload into it (process {d.get('pid')} on {d.get('host')})"


def publishers(private: PrivateStore, picset: str, exempt: set[str],
               unprocessed: Callable[[list[str]], list[str]]) -> list[PrivateDoc]:
    """The live leases on ``picset`` (but ``exempt``); those of publishers gone are dropped."""
    live = []
    for doc in private.query(PUBLISHING + picset):
        if doc.sk in exempt:
            continue
        if _holds(doc, unprocessed):
            live.append(doc)
        else:
            with suppress(WriteConflict):
                private.delete(doc.pk, doc.sk, if_version=doc.version)
    return live
