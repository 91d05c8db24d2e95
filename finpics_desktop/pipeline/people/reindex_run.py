"""What a ``reindex --all`` has done so far, so that a run interrupted (killed, cancelled, the
computer asleep) goes on where it stopped instead of starting over: on the cloud a run over
100,000 photos is hours of Rekognition calls.

The private store's documents (partition :data:`RUN`, sort key -> document):

- ``<scope>`` -> ``{"started"}``: a run over ``scope`` (``all``, or ``picset:<id>``) is under
  way or was interrupted;
- ``<scope>/<picset>/<page>`` -> ``{"done": [file, ...]}``: photos of that picset it
  re-indexed, :data:`PAGE` at most a page (a DynamoDB item holds 400 KB: one list for a picset
  of 15,000 photos would not fit), each page written as its photos are done. Each process
  fills pages of its own (``<page>``: when it began, and a random part), so two runs of one
  scope never write the same item. A record written by a version before, one list a picset
  (``<scope>/<picset>``), is read the same way.

A run starts by reading them: the photos listed are left alone (reported as done before). A run
that re-indexed every photo it had to deletes them; one that was cancelled, killed, or that
failed on some photos keeps them, and the next run re-indexes only the rest. (A photo killed
midway is not listed: its lock records it, and it is finished or rolled back, then done
again -- :mod:`~finpics_desktop.pipeline.people.reindex_resume`.)
"""

from __future__ import annotations

import contextlib
import threading
import time
import uuid

from finpics_desktop.domain.errors import WriteConflict
from finpics_desktop.ports import PrivateStore

RUN = "reindex-run"


def scope_of(picset: str | None) -> str:
    return f"picset:{picset}" if picset else "all"


PAGE = 500  # photo names a page: 500 x 255 bytes (the longest file name) < 130 KB


class RunRecord:
    """The record of one ``reindex --all`` over ``scope`` (see the module)."""

    def __init__(self, private: PrivateStore, scope: str):
        self.private, self.scope = private, scope
        self._lock = threading.Lock()
        self._pages: dict[str, tuple[str, list[str], int]] = {}  # picset -> its page being
        #                                                          filled: (key, files, version)

    def begin(self) -> set[tuple[str, str]]:
        """The (picset, file) an interrupted run re-indexed already; marks the run begun."""
        found: set[tuple[str, str]] = set()
        if self.private.get(RUN, self.scope) is None:
            with contextlib.suppress(WriteConflict):  # (another run began it meanwhile)
                self.private.put(RUN, self.scope, {"started": time.time()}, if_version=0)
            return found
        for doc in self.private.query(RUN, f"{self.scope}/"):
            picset = doc.sk[len(self.scope) + 1:].partition("/")[0]  # (a page, or a whole list)
            found.update((picset, name) for name in doc.doc.get("done") or [])
        return found

    def done(self, picset: str, name: str) -> None:
        """Record that the photo ``picset/name`` is re-indexed."""
        with self._lock:
            key, files, version = self._pages.get(picset) or self._new_page(picset)
            if len(files) >= PAGE:
                key, files, version = self._new_page(picset)
            files = [*files, name]
            try:
                version = self.private.put(RUN, key, {"done": files}, if_version=version)
            except WriteConflict:  # (this process's own page: not expected) a page anew
                key, files, version = self._new_page(picset)
                files = [name]
                version = self.private.put(RUN, key, {"done": files}, if_version=0)
            self._pages[picset] = (key, files, version)

    def _new_page(self, picset: str) -> tuple[str, list[str], int]:
        return (f"{self.scope}/{picset}/{time.time_ns():020d}-{uuid.uuid4().hex[:8]}", [], 0)

    def end(self) -> None:
        """Every photo is re-indexed: the record goes (the next run starts afresh)."""
        for doc in self.private.query(RUN, f"{self.scope}/"):
            self.private.delete(RUN, doc.sk)
        self.private.delete(RUN, self.scope)
        with self._lock:
            self._pages.clear()
