"""Thumbnails for the grid: made off the GUI thread, newest requests first (what is on screen
now), a bounded in-memory cache in front of the on-disk one. A photo file whose thumbnail is
not cached yet first shows the thumbnail its camera embedded (read in about a millisecond),
replaced by the real one once no cell is waiting for a first picture."""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QImage

from finpics_desktop.app.entries import Entry
from finpics_desktop.app.errors import describe_error
from finpics_desktop.app.photos import preview_bytes, thumbnail_bytes
from finpics_desktop.domain.errors import FinpicsError
from finpics_desktop.pipeline.photos.images import decode_pixels, warm_up
from finpics_desktop.pipeline.photos.thumbcache import ThumbCache
from finpics_desktop.ui.workers import (
    call_in_gui,
    dispatcher,
    lower_thread_priority,
    pool,
    run_task,
)

log = logging.getLogger(__name__)

MEMORY_BUDGET = 48 * 1024 * 1024  # bytes of decoded thumbnails kept in memory
MAX_PENDING = 256  # older requests are dropped: they scrolled out of view long ago
SIDE = 240  # pixels of the long side kept in memory


class ThumbnailLoader(QObject):
    ready = Signal(list)  # keys of the thumbnails that arrived (or failed)
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
        self._previews: set[str] = set()  # keys shown by their embedded thumbnail so far
        self._stack: list[Entry] = []  # LIFO: the latest request is what is on screen now
        self._pending: set[str] = set()
        self._refine: list[Entry] = []  # shown by a preview: made properly when _stack is empty
        self._refining: set[str] = set()
        self._arrived: list[tuple] = []  # made by the workers, not yet stored
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
            if key in self._previews:
                self._request(entry, refine=True)
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

    def is_preview(self, key: str) -> bool:
        """Whether the image in memory is still the camera's embedded thumbnail."""
        return key in self._previews

    def waiting(self) -> bool:
        """Whether a cell still waits for its first picture (requested, not arrived yet)."""
        with self._lock:
            return bool(self._pending)

    def broken(self, entry: Entry) -> str | None:
        return self._broken.get(entry.key)

    def forget(self, key: str) -> None:
        image = self._images.pop(key, None)
        if image is not None:
            self._bytes -= image.sizeInBytes()
        self._broken.pop(key, None)
        self._previews.discard(key)

    def _request(self, entry: Entry, refine: bool = False) -> None:
        stack, pending = (self._refine, self._refining) if refine else (self._stack, self._pending)
        with self._lock:
            if entry.key in pending:
                return
            pending.add(entry.key)
            stack.append(entry)
            self.requests += 1
            if len(stack) > MAX_PENDING:
                for dropped in stack[: len(stack) - MAX_PENDING]:
                    pending.discard(dropped.key)
                del stack[: len(stack) - MAX_PENDING]
            start = self._running < self.workers
            if start:
                self._running += 1
        if start:
            pool("thumbs").start(self._drain)

    def _store_arrived(self, _=None) -> None:
        """Everything the workers made since the last call, stored together: one ``ready`` per
        batch, not one queued call and one repaint request per thumbnail."""
        with self._lock:
            results, self._arrived = self._arrived, []
        self.ready.emit([self._store(result) for result in results])

    def _store(self, result) -> str:
        entry, refined, image, reason, final = result
        key = entry.key
        with self._lock:
            (self._refining if refined else self._pending).discard(key)
        if image is None:
            if reason:
                self.forget(key)  # a preview must not hide that the photo cannot be read
                self._broken[key] = reason
                self.failed.emit(entry.label, reason)
            return key
        old = self._images.pop(key, None)
        if old is not None:
            self._bytes -= old.sizeInBytes()
        self._images[key] = image
        if final:
            self._previews.discard(key)
        else:
            self._previews.add(key)
            self._request(entry, refine=True)
        self._bytes += image.sizeInBytes()
        while self._bytes > self.budget and len(self._images) > 1:
            evicted_key, evicted = self._images.popitem(last=False)
            self._bytes -= evicted.sizeInBytes()
            self._previews.discard(evicted_key)
        return key

    @property
    def memory_bytes(self) -> int:
        return self._bytes

    # -- worker threads ---------------------------------------------------------------------
    def _arrive(self, result: tuple) -> None:
        with self._lock:
            self._arrived.append(result)
            first = len(self._arrived) == 1
        if first:
            call_in_gui(self._store_arrived)

    def _drain(self) -> None:
        """A worker: makes thumbnails until the request stacks are empty."""
        lower_thread_priority()  # the GUI thread (painting, scrolling) comes first
        while (job := self._next()) is not None:
            try:
                made = self._make(*job)
            except Exception as e:  # noqa: BLE001 - a broken cell, never a worker gone
                # (one escaping ended the worker with the cell still pending: never asked for
                # again, and the loader counting a worker that was gone)
                if not isinstance(e, FinpicsError):  # (a photo that cannot be read: said)
                    log.warning("thumbnail of %s failed", job[0].label, exc_info=True)
                made = (job[0], job[1], None, describe_error(e), True)
            self._arrive(made)

    def _next(self) -> tuple[Entry, bool] | None:
        with self._lock:
            if self._stack:
                return self._stack.pop(), False
            if self._refine:
                return self._refine.pop(), True
            self._running -= 1
            return None

    def _make(self, entry: Entry, refine: bool):
        """(entry, refine, image or None, reason it failed or "", whether it is final); what
        it raises is the cell's reason (:meth:`_drain`)."""
        first = None if refine else preview_bytes(entry, self.cache)
        data, final = first if first is not None else (thumbnail_bytes(entry, self.cache), True)
        if data is None:
            return entry, refine, None, "", True
        image = decoded(data, self.side)
        if image.isNull():
            return entry, refine, None, "the thumbnail cannot be decoded", True
        fmt = QImage.Format
        if image.format() not in (fmt.Format_RGB32, fmt.Format_ARGB32_Premultiplied):
            image = image.convertToFormat(fmt.Format_ARGB32_Premultiplied
                                          if image.hasAlphaChannel() else fmt.Format_RGB32)
        return entry, refine, image, "", final


def decoded(data: bytes, side: int) -> QImage:
    """The thumbnail's picture, long side at most ``side``: decoded by Pillow, which gives the
    GIL up meanwhile (``QImage.fromData`` keeps it for the whole decode: two thumbnail workers
    decoding held up every Python call of the GUI thread's painting); Qt's decoders for what
    Pillow cannot read."""
    pixels = decode_pixels(data, side)
    if pixels is None:
        image = QImage.fromData(data)
        if not image.isNull() and max(image.width(), image.height()) > side:
            image = image.scaled(side, side, Qt.AspectRatioMode.KeepAspectRatio,
                                 Qt.TransformationMode.SmoothTransformation)
        return image
    raw, width, height, alpha = pixels
    fmt = QImage.Format.Format_RGBA8888 if alpha else QImage.Format.Format_RGB888
    # (a deep copy: the QImage must not point into the bytes once they are freed)
    return QImage(raw, width, height, width * (4 if alpha else 3), fmt).copy()


def _warm_up() -> None:
    """At start, off the GUI thread: the first thumbnail of a session would otherwise also
    load Pillow's decoders and Qt's JPEG reader (~50 ms)."""
    QImage.fromData(warm_up())
