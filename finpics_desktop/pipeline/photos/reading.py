"""Reading a photo file to publish it: limits checked before the file is read, memory bounded
whatever is dropped, and a file that changes while it is read is read again or reported --
never stored torn.

A read is *stable* when the file's identity (device, inode, size, modification and change
times) is the same before the read, after it, and at its path afterwards: a writer that
rewrites, truncates, appends or replaces the file in between changes one of them -- provided
the file was last modified a moment (:data:`SETTLED_AFTER`) before the read began, since file
systems stamp times from a coarse clock (a few milliseconds per tick): a file saved within
that moment is still being written, and is read again a little later.
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from finpics_desktop.domain.errors import FinpicsError
from finpics_desktop.pipeline.photos.images import MAX_BYTES, check_file_size, check_header

HEAD_BYTES = 256 * 1024  # enough for the header (and EXIF) of camera files
READ_ATTEMPTS = 4
RETRY_DELAYS = (0.2, 0.5, 1.0)  # seconds between attempts: a file being copied in settles
SETTLED_AFTER = 0.05  # seconds: many ticks of the clock file systems stamp times with
MEMORY_BUDGET = 256 * 1024 * 1024  # bytes of photo files held at once by one process


class FileChanged(FinpicsError):
    """The file kept changing while it was read."""


@dataclass(frozen=True)
class FileContent:
    data: bytes
    sha256: str
    size: int
    mtime_ns: int


class ByteBudget:
    """At most ``limit`` bytes held at once; one file larger than the limit may be held alone."""

    def __init__(self, limit: int = MEMORY_BUDGET):
        self.limit = limit
        self.used = 0
        self._cond = threading.Condition()

    @contextmanager
    def hold(self, size: int):
        with self._cond:
            self._cond.wait_for(lambda: self.used == 0 or self.used + size <= self.limit)
            self.used += size
        try:
            yield
        finally:
            with self._cond:
                self.used -= size
                self._cond.notify_all()


BUDGET = ByteBudget()  # shared by the jobs of this process


def _unsettled_for(st: os.stat_result) -> float:
    """Seconds until the file's last modification is :data:`SETTLED_AFTER` old (0 if it is;
    also for a time in the future, which is a skewed clock, not a write under way)."""
    age = time.time_ns() - st.st_mtime_ns
    return (SETTLED_AFTER * 1e9 - age) / 1e9 if 0 <= age < SETTLED_AFTER * 1e9 else 0.0


def _identity(st: os.stat_result) -> tuple:
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def read_photo(path: Path, cancel: threading.Event | None = None) -> FileContent:
    """The whole content of a photo file, read while nothing changed it, with its SHA-256.

    Raises :class:`~finpics_desktop.domain.errors.UnsupportedImage` for a file over the size
    limit or a picture over the pixel limit (from the header: the rest is never read),
    :class:`FileChanged` when every attempt saw the file change, OSError when it cannot be read.
    """
    cancel = cancel or threading.Event()
    for attempt in range(READ_ATTEMPTS):
        if attempt:
            cancel.wait(RETRY_DELAYS[min(attempt, len(RETRY_DELAYS)) - 1])
        cancel.wait(_unsettled_for(os.stat(path)))  # just saved: give it its moment
        with open(path, "rb") as f:
            before = os.fstat(f.fileno())
            if _unsettled_for(before):
                continue  # still being written
            check_file_size(before.st_size)
            head = f.read(HEAD_BYTES)
            check_header(head)
            data = head + f.read(MAX_BYTES + 1 - len(head))  # never more than the limit
            after = os.fstat(f.fileno())
        check_file_size(len(data))
        if _identity(before) == _identity(after) == _identity(os.stat(path)) and (
                len(data) == before.st_size):
            return FileContent(data, hashlib.sha256(data).hexdigest(), len(data),
                               before.st_mtime_ns)
    raise FileChanged(f"the file changed while it was read ({READ_ATTEMPTS} tries): publish it "
                      "again once it is completely saved")
