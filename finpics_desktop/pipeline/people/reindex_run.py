"""What a ``reindex --all`` has done so far, so that a run interrupted (killed, cancelled, the
computer asleep) goes on where it stopped instead of starting over: on the cloud a run over
100,000 photos is hours of Rekognition calls.

The private store's documents (partition :data:`RUN`, sort key -> document):

- ``<scope>`` -> ``{"started"}``: a run over ``scope`` (``all``, or ``picset:<id>``) is under
  way or was interrupted;
- ``<scope>/<picset>`` -> ``{"done": [file, ...]}``: the photos of that picset it re-indexed
  (one document a picset, written as each photo is done).

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

from finpics_desktop.domain.errors import WriteConflict
from finpics_desktop.ports import PrivateStore

RUN = "reindex-run"


def scope_of(picset: str | None) -> str:
    return f"picset:{picset}" if picset else "all"


class RunRecord:
    """The record of one ``reindex --all`` over ``scope`` (see the module)."""

    def __init__(self, private: PrivateStore, scope: str):
        self.private, self.scope = private, scope
        self._lock = threading.Lock()
        self._done: dict[str, tuple[list[str], int]] = {}  # picset -> (files, version)

    def begin(self) -> set[tuple[str, str]]:
        """The (picset, file) an interrupted run re-indexed already; marks the run begun."""
        found: set[tuple[str, str]] = set()
        if self.private.get(RUN, self.scope) is None:
            with contextlib.suppress(WriteConflict):  # (another run began it meanwhile)
                self.private.put(RUN, self.scope, {"started": time.time()}, if_version=0)
            return found
        for doc in self.private.query(RUN, f"{self.scope}/"):
            picset = doc.sk[len(self.scope) + 1:]
            files = list(doc.doc.get("done") or [])
            self._done[picset] = (files, doc.version)
            found.update((picset, name) for name in files)
        return found

    def done(self, picset: str, name: str) -> None:
        """Record that the photo ``picset/name`` is re-indexed."""
        with self._lock:
            files, version = self._done.get(picset, ([], 0))
            while True:
                files = [*files, name] if name not in files else files
                try:
                    version = self.private.put(RUN, f"{self.scope}/{picset}", {"done": files},
                                               if_version=version)
                    break
                except WriteConflict:  # another run of the same scope wrote it: theirs too
                    doc = self.private.get(RUN, f"{self.scope}/{picset}")
                    files = sorted(set(files) | set(doc.doc.get("done") or [])) if doc else files
                    version = doc.version if doc else 0
            self._done[picset] = (files, version)

    def end(self) -> None:
        """Every photo is re-indexed: the record goes (the next run starts afresh)."""
        for doc in self.private.query(RUN, f"{self.scope}/"):
            self.private.delete(RUN, doc.sk)
        self.private.delete(RUN, self.scope)
