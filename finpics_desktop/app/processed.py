"""Waiting until a published photo has been processed: its item exists (and with it its
thumbnail and faces). On the library at once; on the cloud the processing function writes it
a moment after the upload, so it is looked up again every ``interval`` seconds, for at most
``patience`` seconds."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from finpics_desktop.app.browse import find_photo
from finpics_desktop.app.entries import Entry
from finpics_desktop.ports import Backend, Processing

log = logging.getLogger(__name__)

INTERVAL = 2.0  # seconds between two looks at the cloud
PATIENCE = 60.0  # seconds a photo is waited for


class ProcessedWait:
    """Photos published into one backend, until each is processed. :meth:`add` them as they
    are sent (from any thread); one :meth:`wait` at a time hands over the processed ones."""

    def __init__(self, backend: Backend, interval: float = INTERVAL,
                 patience: float = PATIENCE, clock: Callable[[], float] = time.monotonic):
        later = backend.processing is Processing.BY_CLOUD
        self.backend = backend
        self.interval = interval
        self.patience = patience if later else 0.0  # the library: looked up once
        self.clock = clock
        self._pending: dict[tuple[str, str], float] = {}  # (picset, name) -> given up at
        self._lock = threading.Lock()
        self._waiting = False

    @property
    def pending(self) -> list[tuple[str, str]]:
        with self._lock:
            return list(self._pending)

    def add(self, picset: str, name: str) -> bool:
        """Wait for this photo too; True when no :meth:`wait` runs (the caller starts one)."""
        with self._lock:
            self._pending[(picset, name)] = self.clock() + self.patience
            start, self._waiting = not self._waiting, True
            return start

    def wait(self, on_processed: Callable[[list[Entry]], None],
             stop: threading.Event | None = None) -> None:
        """Until nothing is pending (or ``stop`` is set): hand over the photos found
        processed, then look again every ``interval`` seconds."""
        stop = stop or threading.Event()
        try:
            while not stop.is_set():
                found = self._look()
                if found:
                    on_processed(found)
                with self._lock:
                    if not self._pending:
                        self._waiting = False
                        return
                stop.wait(self.interval)
        except BaseException:
            self._stopped()
            raise
        self._stopped()

    def _stopped(self) -> None:
        with self._lock:
            self._waiting = False

    def _look(self) -> list[Entry]:
        found = []
        for key in self.pending:
            try:
                entry = find_photo(self.backend, *key)
            except Exception as e:  # noqa: BLE001 - looked up again next time, or given up
                log.info("looking for %s/%s failed: %s", *key, e)
                entry = None
            with self._lock:
                if entry is not None:
                    found.append(entry)
                    self._pending.pop(key, None)
                elif self.clock() >= self._pending.get(key, 0.0):
                    self._pending.pop(key, None)  # not processed in time: given up
        return found
