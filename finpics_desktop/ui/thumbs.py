"""Thumbnails for the grid: made off the GUI thread, newest requests first (what is on screen
now), a bounded in-memory cache in front of the on-disk one."""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict

from PySide6.QtCore import QObject, QRunnable, Qt, Signal
from PySide6.QtGui import QImage

from finpics_desktop.domain.errors import FinpicsError
from finpics_desktop.pipeline.images import warm_up
from finpics_desktop.pipeline.thumbcache import ThumbCache
from finpics_desktop.ui.entries import Entry, thumbnail_bytes
from finpics_desktop.ui.workers import call_in_gui, dispatcher, pool, run_task

log = logging.getLogger(__name__)

MEMORY_BUDGET = 48 * 1024 * 1024  # bytes of decoded thumbnails kept in memory
MAX_PENDING = 256  # older requests are dropped: they scrolled out of view long ago
SIDE = 240  # pixels of the long side kept in memory


class ThumbnailLoader(QObject):
    ready = Signal(str)  # key
    failed = Signal(str, str)  # label of the photo, reason

    def __init__(self, cache: ThumbCache | None = None, *, side: int = SIDE,
                 budget: int = MEMORY_BUDGET, workers: int = 2):
        super().__init__()
        self.cache = cache or ThumbCache()
        self.side = side
        self.budget = budget
        self.workers = workers
        self._images: OrderedDict[str, QImage] = OrderedDict()
        self._bytes = 0
        self._broken: dict[str, str] = {}
        self._stack: list[Entry] = []  # LIFO: the latest request is what is on screen now
        self._pending: set[str] = set()
        self._lock = threading.Lock()
        self._running = 0
        self.requests = 0
        dispatcher()  # made here, on the GUI thread, before any worker needs it
        run_task(_warm_up, pool_name="thumbs")

    # -- GUI thread -------------------------------------------------------------------------
    def image(self, entry: Entry) -> QImage | None:
        """The thumbnail if it is in memory; otherwise it is requested and None returned."""
        key = entry.key
        image = self._images.get(key)
        if image is not None:
            self._images.move_to_end(key)
            return image
        if key in self._broken or not entry.has_thumbnail:
            return None
        self._request(entry)
        return None

    def prefetch(self, entries: list[Entry]) -> None:
        """From any thread: start on the first screen's thumbnails before the view has laid
        itself out; the first entry is made first (the stack is last-in, first-out)."""
        for entry in reversed(entries):
            key = entry.key
            if key not in self._images and key not in self._broken and entry.has_thumbnail:
                self._request(entry)

    def broken(self, entry: Entry) -> str | None:
        return self._broken.get(entry.key)

    def forget(self, key: str) -> None:
        image = self._images.pop(key, None)
        if image is not None:
            self._bytes -= image.sizeInBytes()
        self._broken.pop(key, None)

    def _request(self, entry: Entry) -> None:
        with self._lock:
            if entry.key in self._pending:
                return
            self._pending.add(entry.key)
            self._stack.append(entry)
            self.requests += 1
            if len(self._stack) > MAX_PENDING:
                for dropped in self._stack[: len(self._stack) - MAX_PENDING]:
                    self._pending.discard(dropped.key)
                del self._stack[: len(self._stack) - MAX_PENDING]
            start = self._running < self.workers
            if start:
                self._running += 1
        if start:
            pool("thumbs").start(_Drain(self))

    def _store(self, result) -> None:
        key, image, reason, label = result
        with self._lock:
            self._pending.discard(key)
        if image is None:
            if reason:
                self._broken[key] = reason
                self.failed.emit(label, reason)
            self.ready.emit(key)
            return
        old = self._images.pop(key, None)
        if old is not None:
            self._bytes -= old.sizeInBytes()
        self._images[key] = image
        self._bytes += image.sizeInBytes()
        while self._bytes > self.budget and len(self._images) > 1:
            _, evicted = self._images.popitem(last=False)
            self._bytes -= evicted.sizeInBytes()
        self.ready.emit(key)

    @property
    def memory_bytes(self) -> int:
        return self._bytes

    # -- worker threads ---------------------------------------------------------------------
    def _next(self) -> Entry | None:
        with self._lock:
            if not self._stack:
                self._running -= 1
                return None
            return self._stack.pop()

    def _make(self, entry: Entry):
        try:
            data = thumbnail_bytes(entry, self.cache)
        except FinpicsError as e:
            return entry.key, None, str(e), entry.label
        except Exception as e:  # noqa: BLE001 - shown as a broken thumbnail, never a crash
            log.warning("thumbnail of %s failed", entry.label, exc_info=True)
            return entry.key, None, f"{type(e).__name__}: {e}", entry.label
        if data is None:
            return entry.key, None, "", entry.label
        image = QImage.fromData(data)
        if image.isNull():
            return entry.key, None, "the thumbnail cannot be decoded", entry.label
        if max(image.width(), image.height()) > self.side:
            image = image.scaled(self.side, self.side, Qt.AspectRatioMode.KeepAspectRatio,
                                 Qt.TransformationMode.SmoothTransformation)
        fmt = QImage.Format
        if image.format() not in (fmt.Format_RGB32, fmt.Format_ARGB32_Premultiplied):
            image = image.convertToFormat(fmt.Format_ARGB32_Premultiplied
                                          if image.hasAlphaChannel() else fmt.Format_RGB32)
        return entry.key, image, "", entry.label


def _warm_up() -> None:
    """At start, off the GUI thread: the first thumbnail of a session would otherwise also
    load Pillow's decoders and Qt's JPEG reader (~50 ms)."""
    QImage.fromData(warm_up())


class _Drain(QRunnable):
    """Makes thumbnails until the request stack is empty."""

    def __init__(self, loader: ThumbnailLoader):
        super().__init__()
        self.loader = loader

    def run(self) -> None:
        while (entry := self.loader._next()) is not None:
            call_in_gui(self.loader._store, self.loader._make(entry))
