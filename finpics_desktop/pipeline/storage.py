"""Storage that cannot be used, in words a curator can act on.

SQLite and the file system fail with codes (``SQLITE_FULL``, ``ENOSPC``, ``EROFS``...); this
module turns them into the project's :class:`~finpics_desktop.domain.errors.StorageError`
kinds, each message naming the file or folder, what is wrong and what to do:

- :class:`StorageFull`: no space left (or a quota reached) -> free space, run it again;
- :class:`StorageReadOnly`: a read-only disk, folder or file -> browsing works, writing does not;
- :class:`StorageDamaged`: a corrupt, truncated or foreign database file -> the caller's remedy
  (``check --repair`` for the library, a fresh journal for the upload journal);
- :class:`StorageError` itself: locked by another program, or an I/O error of the disk.

Used by the local library (``backends/local``), the upload journal and the publishing path:
``with storage_errors(path, "writing"):`` around the calls, or :func:`storage_error` on a caught
exception.
"""

from __future__ import annotations

import errno
import logging
import os
import shutil
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from finpics_desktop.domain.errors import (
    StorageDamaged,
    StorageError,
    StorageFull,
    StorageReadOnly,
)

log = logging.getLogger(__name__)

FULL, READ_ONLY, DENIED = "full", "read-only", "denied"
DAMAGED, LOCKED, IO = "damaged", "locked", "io"

_SQLITE_KINDS = {  # primary result codes (the low byte of an extended code)
    sqlite3.SQLITE_FULL: FULL,
    sqlite3.SQLITE_READONLY: READ_ONLY,
    sqlite3.SQLITE_CORRUPT: DAMAGED,
    sqlite3.SQLITE_NOTADB: DAMAGED,
    sqlite3.SQLITE_BUSY: LOCKED,
    sqlite3.SQLITE_LOCKED: LOCKED,
    sqlite3.SQLITE_IOERR: IO,
    sqlite3.SQLITE_CANTOPEN: IO,
    sqlite3.SQLITE_PERM: DENIED,
}
_SQLITE_TEXTS = (("disk is full", FULL), ("readonly database", READ_ONLY),
                 ("not a database", DAMAGED), ("malformed", DAMAGED), ("is locked", LOCKED))
_ERRNO_KINDS = {errno.ENOSPC: FULL, errno.EDQUOT: FULL, errno.EROFS: READ_ONLY,
                errno.EACCES: DENIED, errno.EPERM: DENIED, errno.EIO: IO}

WHAT_TO_DO = {
    FULL: "free some space on that disk, then run the same command again "
          "(what was not stored is sent then)",
    READ_ONLY: "browsing and searching work; to change it, make it writable "
               "(or choose a writable folder)",
    DENIED: "check its permissions (or choose another folder)",
    DAMAGED: "",  # the caller says: each file has its own remedy
    LOCKED: "another program holds it: wait for it to finish (or close it) and try again",
    IO: "the disk may be failing or gone: check it, then try again",
}
_WHAT_IS_WRONG = {FULL: "the disk is full", READ_ONLY: "it is read-only",
                  DENIED: "permission denied",
                  DAMAGED: "it is damaged", LOCKED: "it is locked",
                  IO: "the disk could not be read or written"}
_CLASSES = {FULL: StorageFull, READ_ONLY: StorageReadOnly, DENIED: StorageReadOnly,
            DAMAGED: StorageDamaged,
            LOCKED: StorageError, IO: StorageError}


def kind_of(error: BaseException) -> str | None:
    """FULL, READ_ONLY, DENIED, DAMAGED, LOCKED or IO for a storage failure; None for anything
    else."""
    if isinstance(error, sqlite3.Error):
        code = getattr(error, "sqlite_errorcode", None)
        if code is not None and (code & 0xFF) in _SQLITE_KINDS:
            return _SQLITE_KINDS[code & 0xFF]
        text = str(error).lower()
        return next((kind for needle, kind in _SQLITE_TEXTS if needle in text), None)
    if isinstance(error, OSError):
        return _ERRNO_KINDS.get(error.errno)
    return None


def write_ahead(conn: sqlite3.Connection, timeout: float = 30.0) -> None:
    """``PRAGMA journal_mode=WAL`` on ``conn``, waiting (up to ``timeout``) while another
    connection makes the same new file WAL: SQLite answers "database is locked" at once then,
    without its busy timeout -- two publishing jobs started together opening a new upload
    journal failed so, 12 times in 100 rounds of four at once."""
    deadline, pause = time.monotonic() + timeout, 0.005
    while True:
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as e:
            if kind_of(e) != LOCKED or time.monotonic() > deadline:
                raise
        time.sleep(pause)  # (the other connection is done in milliseconds)
        pause = min(pause * 2, 0.25)


def storage_error(error: BaseException, where: str | Path, doing: str = "use",
                  damaged: str = "", path: Path | None = None) -> StorageError | None:
    """The StorageError ``error`` means while ``doing`` (e.g. "write") ``where`` (a path, or
    words naming it; then ``path`` is the file), or None when it is no storage failure (a bug,
    bad input...). ``damaged`` is what to do when the file turns out to be damaged."""
    if isinstance(error, StorageError):
        return error
    kind = kind_of(error)
    if kind is None:
        return None
    if kind == IO and isinstance(error, sqlite3.Error) and _disk_full(path or where):
        kind = FULL  # SQLite reports a failed mmap or shm resize on a full disk as an I/O error
    if kind == FULL:
        free_reserve(path or where)
    reason = _reason(error)
    todo = damaged if kind == DAMAGED else WHAT_TO_DO[kind]
    message = f"cannot {doing} {where}: {_WHAT_IS_WRONG[kind]} ({reason})"
    return _CLASSES[kind](f"{message}; {todo}" if todo else message)


@contextmanager
def storage_errors(where: str | Path, doing: str = "use", damaged: str = "",
                   path: Path | None = None) -> Iterator[None]:
    """Re-raise the storage failures of the block as :class:`StorageError` (see
    :func:`storage_error`); everything else passes through unchanged."""
    try:
        yield
    except (sqlite3.Error, OSError) as e:
        translated = storage_error(e, where, doing, damaged, path)
        if translated is None:
            raise
        raise translated from e


# -- a library's space reserve ---------------------------------------------------------------
RESERVE = ".space-reserve"
RESERVE_BYTES = 1024 * 1024


def keep_reserve(folder: Path) -> None:
    """Put a space reserve in ``folder`` if it has none: a file of :data:`RESERVE_BYTES` that is
    deleted when the disk fills up, so that what must still be written then (a half-published
    photo taken away again, the upload journal's last records) has room. Best effort: none is
    made on a disk already full."""
    reserve = folder / RESERVE
    if reserve.exists():
        return
    try:
        with open(reserve, "xb") as f:
            f.write(bytes(RESERVE_BYTES))
            f.flush()
            os.fsync(f.fileno())
    except FileExistsError:  # made by another process meanwhile
        pass
    except OSError:
        with suppress(OSError):  # a part of it: room for nothing, made again next time
            reserve.unlink()


def free_reserve(where: str | Path) -> None:
    """Delete the space reserve of the library holding ``where`` (a path), if there is one."""
    if not isinstance(where, Path):
        return
    for folder in [where, *where.parents][:8]:
        with suppress(OSError):
            (folder / RESERVE).unlink()
            log.info("the disk of %s is full: its space reserve was freed", folder)
            return


def _reason(error: BaseException) -> str:
    if isinstance(error, OSError):
        return error.strerror or str(error)
    return str(error)


def _disk_full(where: str | Path) -> bool:
    """True if the folder holding ``where`` (when it is a path) has no space left."""
    path = Path(where) if isinstance(where, Path) else None
    while path is not None and not path.exists() and path != path.parent:
        path = path.parent
    if path is None:
        return False
    try:
        return shutil.disk_usage(path if path.is_dir() else path.parent).free < 64 * 1024
    except OSError:
        return False


def writable(path: Path) -> bool:
    """True if ``path`` (an existing file or folder) may be written (a read-only mount, a
    read-only folder or file, or another user's folder are not)."""
    return os.access(path, os.W_OK)


def move_aside(path: Path, label: str = "damaged") -> Path:
    """Rename a database file (and its ``-wal``/``-shm`` companions) to
    ``<name>.<label>-<date-time>`` beside it, so that a fresh one can be made; returns the new
    path of the main file. The companions of a damaged file are dropped with it."""
    aside = path.with_name(f"{path.name}.{label}-{time.strftime('%Y%m%d-%H%M%S')}")
    n = 1
    while aside.exists():
        n += 1
        aside = aside.with_name(f"{path.name}.{label}-{time.strftime('%Y%m%d-%H%M%S')}-{n}")
    with storage_errors(path, "move aside"):
        os.replace(path, aside)
        for suffix in ("-wal", "-shm"):
            companion = path.with_name(path.name + suffix)
            if companion.exists():
                os.replace(companion, aside.with_name(aside.name + suffix))
    return aside
