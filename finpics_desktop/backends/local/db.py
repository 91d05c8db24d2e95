"""The library's one SQLite file (WAL): a connection per thread, short transactions."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

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
CREATE TABLE IF NOT EXISTS notices (topic TEXT PRIMARY KEY, given_at REAL NOT NULL);
"""
# Libraries made before faces were versioned hold only dlib's vectors (the engine of then).
MIGRATIONS = [
    ("faces", "model_version",
     "ALTER TABLE faces ADD COLUMN model_version TEXT NOT NULL DEFAULT 'dlib-resnet-v1'"),
]


class Database:
    """Opens ``path`` once per thread; every ``transaction()`` commits or rolls back whole."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        with self.transaction() as db:
            for statement in filter(str.strip, SCHEMA.split(";")):
                db.execute(statement)
            for table, column, statement in MIGRATIONS:
                if column not in {r[1] for r in db.execute(f"PRAGMA table_info({table})")}:
                    db.execute(statement)

    def connection(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=30, isolation_level=None,
                                   check_same_thread=False)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA foreign_keys=ON")
            self._local.conn = conn
            with self._lock:
                self._all.append(conn)
        return conn

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        conn = self.connection()
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def query(self, sql: str, params: tuple = ()) -> list[tuple]:
        return self.connection().execute(sql, params).fetchall()

    def close(self) -> None:
        with self._lock:
            for conn in self._all:
                conn.close()
            self._all.clear()
        self._local = threading.local()
