"""The library's one SQLite file (WAL): a connection per thread, short transactions.

Opening never writes when the schema is already there, so a full disk or a read-only library
can still be read. ``read_only`` opens the file with SQLite's ``mode=ro`` (``immutable=1`` on
media where even the WAL's shared memory cannot be made, if the WAL holds nothing). A full disk
where that shared memory cannot be made either gets, for each call, a connection in exclusive
locking mode (which keeps the WAL index in the process's memory), closed at the end of the
call. Every SQLite failure of the storage comes out as a
:class:`~finpics_desktop.domain.errors.StorageError` naming the file and what to do
(``damaged`` is the remedy for a damaged file).
"""

from __future__ import annotations

import itertools
import logging
import sqlite3
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from finpics_desktop.backends.local import kept_tables, people_located, photo_faces, photo_ids
from finpics_desktop.domain.errors import StorageDamaged, StorageReadOnly
from finpics_desktop.pipeline.storage import FULL, IO, kind_of, storage_error, write_ahead

log = logging.getLogger(__name__)

SCHEMA = """
CREATE TABLE IF NOT EXISTS objects (
    bucket TEXT NOT NULL, key TEXT NOT NULL, size INTEGER NOT NULL,
    content_type TEXT NOT NULL, metadata TEXT NOT NULL DEFAULT '{}',
    PRIMARY KEY (bucket, key));
CREATE TABLE IF NOT EXISTS pics (
    primarykey TEXT NOT NULL, sortkey TEXT NOT NULL, item TEXT NOT NULL,
    PRIMARY KEY (primarykey, sortkey));
CREATE TABLE IF NOT EXISTS pics_by_image_id (image_id TEXT PRIMARY KEY, item TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS faces (
    face_id TEXT PRIMARY KEY, collection TEXT NOT NULL, image_id TEXT NOT NULL,
    external_image_id TEXT NOT NULL, face TEXT NOT NULL, vector BLOB NOT NULL,
    model_version TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS faces_by_collection ON faces (collection);
CREATE TABLE IF NOT EXISTS collections (name TEXT PRIMARY KEY, generation INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS face_writes (collection TEXT PRIMARY KEY, generation INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS notices (topic TEXT PRIMARY KEY, given_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS users (
    collection TEXT NOT NULL, user_id TEXT NOT NULL, PRIMARY KEY (collection, user_id));
CREATE TABLE IF NOT EXISTS user_faces (
    face_id TEXT PRIMARY KEY, collection TEXT NOT NULL, user_id TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS private (
    pk TEXT NOT NULL, sk TEXT NOT NULL, doc TEXT NOT NULL, version INTEGER NOT NULL,
    PRIMARY KEY (pk, sk));
"""
_STATEMENTS = [s.strip() for s in SCHEMA.split(";") if s.strip()]
_NAMES = kept_tables.names(_STATEMENTS) | photo_ids.NAMES | photo_faces.NAMES
_NAMES |= people_located.NAMES
_CORE = {"objects", "pics", "pics_by_image_id", "faces", "collections"}
# Libraries made before faces were versioned hold only dlib's vectors (the engine of then).
MIGRATIONS = [
    ("faces", "model_version",
     "ALTER TABLE faces ADD COLUMN model_version TEXT NOT NULL DEFAULT 'dlib-resnet-v1'"),
]


class Database:
    """Opens ``path`` once per thread; every ``transaction()`` commits or rolls back whole."""

    def __init__(self, path: Path, *, read_only: bool = False, damaged: str = ""):
        self.path = Path(path)
        self.read_only = read_only
        self.damaged = damaged
        self._local = threading.local()
        self._all: dict[int, sqlite3.Connection] = {}  # by a number of its own
        self._numbers = itertools.count()
        self._lock = threading.Lock()
        self._commits = 0  # by this process: its stamp
        present = {name for (name,) in self.query(
            "SELECT name FROM sqlite_master WHERE type IN ('table', 'index', 'trigger')")}
        upgrades = [statement for table, column, statement in MIGRATIONS if table in present
                    and column not in {r[1] for r in self.query(f"PRAGMA table_info({table})")}]
        if present >= _NAMES and not upgrades:
            return
        if read_only and not present >= _CORE:
            raise StorageDamaged(f"{self.path} is not a finpics library database (it lacks "
                                 f"{', '.join(sorted(_CORE - present))}) and cannot be "
                                 "changed here: it is read-only")
        if read_only and not upgrades:
            return  # tables of later versions are missing: what needs them says so
        if read_only:
            raise StorageReadOnly(f"the library database {self.path} was made by an older "
                                  "version of finpics-desktop and is read-only here: open it "
                                  "once where it can be written, to bring it up to date")
        with self.transaction() as db:  # seen again inside: another process may have upgraded
            for statement in _STATEMENTS:
                db.execute(statement)
            photo_ids.create(db)  # (kept by triggers; filled once if new)
            photo_faces.create(db)  # (the same)
            people_located.create(db)  # (made of those: after them)
            for table, column, statement in MIGRATIONS:
                if column not in {r[1] for r in db.execute(f"PRAGMA table_info({table})")}:
                    db.execute(statement)

    # -- connections -----------------------------------------------------------------------------
    def _connect(self, exclusive: bool = False) -> sqlite3.Connection:
        if self.read_only:
            return self._connect_read_only()
        conn = sqlite3.connect(self.path, timeout=30, isolation_level=None,
                               check_same_thread=False)
        try:
            if exclusive:  # the WAL index in this process's memory: no shared-memory file
                conn.execute("PRAGMA locking_mode=EXCLUSIVE")
            write_ahead(conn)  # no write when it is WAL already (else waits for another)
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA foreign_keys=ON")
        except BaseException:
            conn.close()
            raise
        return conn

    def _connect_read_only(self) -> sqlite3.Connection:
        uri = self.path.absolute().as_uri()
        for options in ("mode=ro", "immutable=1"):
            conn = sqlite3.connect(f"{uri}?{options}", uri=True, timeout=30,
                                   isolation_level=None, check_same_thread=False)
            try:
                conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
                return conn
            except sqlite3.Error as e:
                conn.close()
                if options == "immutable=1" or kind_of(e) != IO:
                    raise
                # a WAL file whose shared memory cannot be made on a read-only medium: nothing
                # can change it there, so it is read as immutable -- unless its WAL holds
                # changes (immutable reads ignore them: an older album would show)
                wal = Path(f"{self.path}-wal")
                if wal.is_file() and wal.stat().st_size > 0:
                    raise StorageReadOnly(
                        f"the library database {self.path} has changes in {wal.name} that "
                        "cannot be read on this read-only medium: open the library once where "
                        "it can be written") from e
                log.info("reading %s as immutable: %s", self.path, e)
        raise AssertionError("unreachable")

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            yield conn
            return
        try:
            conn = self._connect()
        except sqlite3.Error as e:
            if self.read_only or kind_of(e) not in (FULL, IO):
                raise
            # a full disk: the WAL's shared-memory file cannot be made. A connection with the
            # index in memory, for this call only (it locks the file while it is open)
            log.info("no shared memory for %s (%s): exclusive connection for one call",
                     self.path, e)
            conn = self._connect(exclusive=True)
            try:
                yield conn
            finally:
                conn.close()
            return
        self._local.conn = conn
        with self._lock:
            number = next(self._numbers)
            self._all[number] = conn
        # closed when its thread is gone (a server with a thread per request would keep them);
        # the finalizer keeps neither this database nor the connection alive
        weakref.finalize(threading.current_thread(), _forget, weakref.ref(self), number)
        yield conn

    @contextmanager
    def _errors(self, doing: str) -> Iterator[None]:
        try:
            yield
        except sqlite3.Error as e:
            translated = storage_error(e, f"the library database {self.path}", doing,
                                       self.damaged, self.path)
            if translated is None:
                raise
            raise translated from e

    # -- calls -----------------------------------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        with self._errors("write"), self._connection() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
                conn.execute("COMMIT")
                with self._lock:
                    self._commits += 1
            except BaseException:
                if conn.in_transaction:  # SQLite may have rolled back itself (a full disk)
                    with suppress(sqlite3.Error):
                        conn.execute("ROLLBACK")
                raise

    @contextmanager
    def reading(self) -> Iterator[None]:
        """The queries this thread makes in the block all read the database as it was at the
        first of them (one read transaction), whatever other writers commit meanwhile."""
        self.query("SELECT 1")  # (this thread's connection, where one can be kept)
        conn = getattr(self._local, "conn", None)
        if conn is None or conn.in_transaction:
            yield  # a connection for each call only (a full disk), or inside a transaction
            return
        with self._errors("read"):
            conn.execute("BEGIN")
        try:
            yield
        finally:
            if conn.in_transaction:
                with suppress(sqlite3.Error):
                    conn.execute("COMMIT")

    def query(self, sql: str, params: tuple = ()) -> list[tuple]:
        with self._errors("read"), self._connection() as conn:
            return conn.execute(sql, params).fetchall()

    def stamp(self) -> tuple:
        """What differs whenever anything was written since (by this process, or another:
        the database file or its write-ahead log was touched): a view computed from the
        database is as it would be now while the stamp is equal."""
        files = []
        for path in (self.path, Path(f"{self.path}-wal")):
            try:
                info = path.stat()
                files.append((info.st_mtime_ns, info.st_size))
            except OSError:
                files.append(None)
        with self._lock:
            return (self._commits, *files)

    def close(self) -> None:
        with self._lock:
            for conn in self._all.values():
                conn.close()
            self._all.clear()
        self._local = threading.local()


def _forget(database: weakref.ref, number: int) -> None:
    """Closes the connection ``number`` of a thread that is gone, if its database is open."""
    db = database()
    if db is not None:
        with db._lock:
            conn = db._all.pop(number, None)
        if conn is not None:
            conn.close()
