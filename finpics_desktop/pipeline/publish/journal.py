"""The upload journal: every publish job, file by file, in one SQLite file (WAL).

A job records its target (which library or bucket), picset, sources and conflict choice; each
file moves ``planned -> sent -> processed`` (or ``skipped`` / ``failed`` with the reason /
``cancelled``) with its content hash, size and mtime. After ``kill -9`` the job stays
``running`` with an owner that is gone: :func:`Journal.unfinished_jobs` lists it, the window
offers to resume it and the CLI resumes it when given the same command.

The journal also holds the *claims* of live jobs (see
:mod:`~finpics_desktop.pipeline.publish.claims`): while a job publishes a content or a key,
other jobs wait for it; and it numbers new picsets atomically (the picsets of its jobs count as
taken).

Where it lives: ``$FINPICS_JOURNAL`` if set; else ``upload-journal.sqlite3`` inside the local
library folder (so a library carries its own history and tests stay in their temp folders);
else ``journal.sqlite3`` in the platform's user data folder (the cloud backend).
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

from finpics_desktop.domain.errors import StorageDamaged, StorageReadOnly
from finpics_desktop.pipeline.liveness import pid_alive
from finpics_desktop.pipeline.storage import move_aside, storage_errors, writable, write_ahead

log = logging.getLogger(__name__)

PLANNED, SENT, PROCESSED = "planned", "sent", "processed"
SKIPPED, FAILED, CANCELLED = "skipped", "failed", "cancelled"
RUNNING, FINISHED, ABANDONED = "running", "finished", "abandoned"
LIBRARY_JOURNAL = "upload-journal.sqlite3"
KEEP_JOBS = 100  # finished jobs kept per target (unfinished ones are always kept)

SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    id INTEGER PRIMARY KEY AUTOINCREMENT, target TEXT NOT NULL, picset TEXT NOT NULL,
    sources TEXT NOT NULL, on_conflict TEXT NOT NULL, state TEXT NOT NULL,
    pid INTEGER NOT NULL, created REAL NOT NULL, updated REAL NOT NULL,
    summary TEXT NOT NULL DEFAULT '');
CREATE TABLE IF NOT EXISTS files (
    job_id INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE, path TEXT NOT NULL,
    name TEXT NOT NULL, key TEXT, size INTEGER, mtime_ns INTEGER, sha256 TEXT,
    state TEXT NOT NULL, reason TEXT NOT NULL DEFAULT '', updated REAL NOT NULL,
    PRIMARY KEY (job_id, path));
CREATE TABLE IF NOT EXISTS claims (
    target TEXT NOT NULL, key TEXT NOT NULL, job_id INTEGER NOT NULL,
    PRIMARY KEY (target, key));
CREATE INDEX IF NOT EXISTS files_by_sha256 ON files (sha256);
"""

# jobs running in this process, per journal file: (resolved path, job id)
_LIVE: set[tuple[str, int]] = set()
_LIVE_LOCK = threading.Lock()


def journal_path(library: Path | None = None) -> Path:
    env = os.environ.get("FINPICS_JOURNAL")
    if env:
        return Path(env).expanduser()
    if library is not None:
        return Path(library).expanduser() / LIBRARY_JOURNAL
    from platformdirs import user_data_path

    return user_data_path("finpics-desktop", appauthor=False) / "journal.sqlite3"


def target_of(backend) -> str:
    """What a job publishes into, as a stable string: the library folder or the bucket (the
    album's :attr:`~finpics_desktop.ports.Backend.identity`)."""
    return backend.identity


@dataclass(frozen=True)
class Job:
    id: int
    target: str
    picset: str
    sources: list[str]
    on_conflict: str
    state: str
    created: float
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def done(self) -> int:
        return sum(self.counts.get(s, 0) for s in (PROCESSED, SKIPPED))

    def describe(self) -> str:
        sources = ", ".join(self.sources) if len(self.sources) <= 2 else (
            f"{self.sources[0]} and {len(self.sources) - 1} more")
        return (f"job {self.id}: {sources} -> picset {self.picset} "
                f"({self.done} of {self.total} photo(s) done)")


@dataclass(frozen=True)
class FileEntry:
    path: str
    name: str
    key: str | None
    size: int | None
    mtime_ns: int | None
    sha256: str | None
    state: str
    reason: str


class Journal:
    """Thread-safe; one connection guarded by a lock (writes are tiny)."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._lock = threading.RLock()
        self.notice = ""  # what the user should know about opening it (a journal set aside)
        try:
            self._open()
        except StorageDamaged as e:
            # it only holds the history that resuming uses: set it aside, start afresh
            aside = move_aside(self.path)
            self.notice = (f"the upload journal was damaged ({e.__cause__ or e}): moved it aside "
                           f"to {aside} and started a new one; an interrupted upload is resumed "
                           "by running it again (what is already published is not sent again)")
            log.info("%s", self.notice)  # the caller shows the notice
            self._open()
        self._token = str(self.path.resolve())

    def _open(self) -> None:
        folder = self.path.parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
            problem = "" if writable(folder) and (
                not self.path.exists() or writable(self.path)) else "it is read-only"
        except OSError as e:
            problem = e.strerror or str(e)
        if problem:
            raise StorageReadOnly(f"cannot write the upload journal {self.path}: {problem}; "
                                  "set $FINPICS_JOURNAL to a file in a folder you can write")
        with self._errors("open"):
            self._conn = sqlite3.connect(self.path, timeout=30, isolation_level=None,
                                         check_same_thread=False)
        try:
            with self._errors("open"):
                write_ahead(self._conn)  # (two jobs opening a new journal at once: waits)
                self._conn.execute("PRAGMA synchronous=NORMAL")  # survives kill -9, not power loss
                self._conn.execute("PRAGMA foreign_keys=ON")
            made = {name for (name,) in self._query(
                "SELECT name FROM sqlite_master WHERE type IN ('table', 'index')")}
            # else nothing to write (a full disk); an older version's journal lacks the index
            if not {"jobs", "files", "claims", "files_by_sha256"} <= made:
                with self._tx() as db:
                    for statement in filter(str.strip, SCHEMA.split(";")):
                        db.execute(statement)
        except BaseException:
            self._conn.close()
            raise

    def _errors(self, doing: str):
        """Storage failures as StorageError naming the journal (see ``pipeline.storage``)."""
        hint = ("it only holds the history used to resume interrupted uploads: delete or "
                f"rename {self.path} and run the command again")
        return storage_errors(f"the upload journal {self.path}", doing, hint, self.path)

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def _tx(self):
        journal = self

        class _Tx:
            def __enter__(self):
                journal._lock.acquire()
                try:
                    with journal._errors("write"):
                        journal._conn.execute("BEGIN IMMEDIATE")
                except BaseException:
                    journal._lock.release()
                    raise
                return journal._conn

            def __exit__(self, kind, value, tb):
                try:
                    with journal._errors("write"):
                        if kind is None:
                            journal._conn.execute("COMMIT")
                        elif isinstance(value, sqlite3.Error):
                            raise value  # translated on its way out
                finally:
                    if journal._conn.in_transaction:  # failed, or SQLite kept it open
                        with suppress(sqlite3.Error):
                            journal._conn.execute("ROLLBACK")
                    journal._lock.release()

        return _Tx()

    def _query(self, sql: str, params: tuple = ()) -> list[tuple]:
        with self._lock, self._errors("read"):
            return self._conn.execute(sql, params).fetchall()

    # -- jobs ------------------------------------------------------------------------------------
    def start_job(self, target: str, picset: str | Callable[[list[str]], str],
                  sources: Iterable[str | Path], on_conflict: str = "fail",
                  since: float | None = None) -> int:
        """A new running job. ``picset`` may be a function proposing a new picset id from the
        ids the target's jobs already use: it is called inside the transaction that records
        the job, so two jobs never get the same new picset -- unless a job of the same sources
        ran at the same time (the same folder dropped twice at once: one still running, or one
        that finished after ``since``, when the new picset was decided on): then they share
        its picset, as if one had started after the other."""
        now = time.time()
        listed = json.dumps([str(s) for s in sources])
        with self._tx() as db:
            if callable(picset):
                same = [picset for job, picset, state, updated in db.execute(
                    "SELECT id, picset, state, updated FROM jobs WHERE target = ? AND sources = ? "
                    "ORDER BY id DESC", (target, listed))
                    if (state == RUNNING and self.is_live(job)) or (
                        since is not None and state != ABANDONED and updated >= since)]
                picset = same[0] if same else picset([r[0] for r in db.execute(
                    "SELECT DISTINCT picset FROM jobs WHERE target = ?", (target,))])
            cur = db.execute(
                "INSERT INTO jobs (target, picset, sources, on_conflict, state, pid, created, "
                "updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (target, picset, listed, on_conflict, RUNNING, os.getpid(), now, now))
            job_id = cur.lastrowid
            db.execute(  # the journal does not grow forever
                "DELETE FROM jobs WHERE target = ? AND state IN (?, ?) AND id NOT IN "
                "(SELECT id FROM jobs WHERE target = ? AND state IN (?, ?) "
                "ORDER BY id DESC LIMIT ?)",
                (target, FINISHED, ABANDONED, target, FINISHED, ABANDONED, KEEP_JOBS))
        self._set_live(job_id, True)
        return job_id

    def take_over(self, job_id: int) -> None:
        """Resume a job in this process."""
        with self._tx() as db:
            db.execute("UPDATE jobs SET state = ?, pid = ?, updated = ? WHERE id = ?",
                       (RUNNING, os.getpid(), time.time(), job_id))
        self._set_live(job_id, True)

    def finish_job(self, job_id: int, state: str = FINISHED, summary: str = "") -> None:
        try:
            with self._tx() as db:
                db.execute("UPDATE jobs SET state = ?, updated = ?, summary = ? WHERE id = ?",
                           (state, time.time(), summary, job_id))
                db.execute("DELETE FROM claims WHERE job_id = ?", (job_id,))
        finally:  # not recorded (a full disk): still over in this process, and resumable
            self._set_live(job_id, False)

    def abandon(self, job_id: int) -> None:
        """The user declined to resume: the job is no longer offered."""
        self.finish_job(job_id, ABANDONED)

    def _set_live(self, job_id: int, live: bool) -> None:
        with _LIVE_LOCK:
            (_LIVE.add if live else _LIVE.discard)((self._token, job_id))

    def is_live(self, job_id: int) -> bool:
        """True while the job runs in this process or in another process still alive."""
        with _LIVE_LOCK:
            if (self._token, job_id) in _LIVE:
                return True
        rows = self._query("SELECT state, pid FROM jobs WHERE id = ?", (job_id,))
        return bool(rows) and rows[0][0] == RUNNING and pid_alive(rows[0][1])

    def job(self, job_id: int) -> Job | None:
        rows = self._query("SELECT id, target, picset, sources, on_conflict, state, created "
                           "FROM jobs WHERE id = ?", (job_id,))
        return self._job(rows[0]) if rows else None

    def _job(self, row) -> Job:
        counts = dict(self._query(
            "SELECT state, COUNT(*) FROM files WHERE job_id = ? GROUP BY state", (row[0],)))
        return Job(row[0], row[1], row[2], json.loads(row[3]), row[4], row[5], row[6], counts)

    def jobs(self, target: str | None = None) -> list[Job]:
        rows = self._query(
            "SELECT id, target, picset, sources, on_conflict, state, created FROM jobs "
            "WHERE ? IS NULL OR target = ? ORDER BY id", (target, target))
        return [self._job(r) for r in rows]

    def unfinished_jobs(self, target: str | None = None) -> list[Job]:
        """Jobs that were interrupted (killed, crashed or cancelled) and may be resumed:
        the offer the window shows at start."""
        return [j for j in self.jobs(target)
                if j.state in (RUNNING, CANCELLED) and not self.is_live(j.id)]

    def find_resumable(self, target: str, sources: Iterable[str | Path],
                       picset: str | None = None) -> Job | None:
        """The latest unfinished job of the same command (same target, sources and, if given,
        picset)."""
        wanted = [str(s) for s in sources]
        for job in reversed(self.unfinished_jobs(target)):
            if job.sources == wanted and (picset is None or job.picset == picset):
                return job
        return None

    def last_job(self, target: str, sources: Iterable[str | Path]) -> Job | None:
        """The latest job, in any state, that published the same sources into ``target``."""
        wanted = [str(s) for s in sources]
        for job in reversed(self.jobs(target)):
            if job.sources == wanted:
                return job
        return None

    # -- files -----------------------------------------------------------------------------------
    def plan(self, job_id: int, paths: Iterable[Path]) -> None:
        now = time.time()
        with self._tx() as db:
            db.executemany(
                "INSERT OR IGNORE INTO files (job_id, path, name, state, updated) "
                "VALUES (?, ?, ?, ?, ?)",
                [(job_id, str(p), Path(p).name, PLANNED, now) for p in paths])

    def record(self, job_id: int, path: Path, state: str, *, reason: str = "",
               key: str | None = None, sha256: str | None = None, size: int | None = None,
               mtime_ns: int | None = None) -> None:
        with self._tx() as db:
            db.execute(
                "INSERT INTO files (job_id, path, name, key, size, mtime_ns, sha256, state, "
                "reason, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (job_id, path) DO UPDATE SET state = excluded.state, "
                "reason = excluded.reason, key = COALESCE(excluded.key, key), "
                "size = COALESCE(excluded.size, size), "
                "mtime_ns = COALESCE(excluded.mtime_ns, mtime_ns), "
                "sha256 = COALESCE(excluded.sha256, sha256), updated = excluded.updated",
                (job_id, str(path), Path(path).name, key, size, mtime_ns, sha256, state,
                 reason, time.time()))

    def files(self, job_id: int) -> dict[str, FileEntry]:
        rows = self._query(
            "SELECT path, name, key, size, mtime_ns, sha256, state, reason FROM files "
            "WHERE job_id = ? ORDER BY path", (job_id,))
        return {r[0]: FileEntry(*r) for r in rows}

    # -- claims ----------------------------------------------------------------------------------
    def claim(self, target: str, key: str, job_id: int) -> int | None:
        """Claim ``key`` for ``job_id``; the id of the live job holding it, or None if claimed."""
        with self._tx() as db:
            row = db.execute("SELECT job_id FROM claims WHERE target = ? AND key = ?",
                             (target, key)).fetchone()
            if row and row[0] != job_id and self.is_live(row[0]):
                return row[0]
            db.execute("INSERT OR REPLACE INTO claims VALUES (?, ?, ?)", (target, key, job_id))
        return None

    def release_claims(self, job_id: int, keys: Iterable[str]) -> None:
        with self._tx() as db:
            db.executemany("DELETE FROM claims WHERE key = ? AND job_id = ?",
                           [(k, job_id) for k in keys])

    def published_keys(self, target: str, picset: str, sha256: str) -> list[str]:
        """Keys of ``picset`` that jobs of ``target`` recorded for this content, newest first."""
        prefix = f"photos/{picset}/"
        return [r[0] for r in self._query(
            "SELECT f.key FROM files f JOIN jobs j ON j.id = f.job_id WHERE f.sha256 = ? "
            "AND j.target = ? AND substr(f.key, 1, ?) = ? AND f.state IN (?, ?) "
            "ORDER BY f.updated DESC LIMIT 5",
            (sha256, target, len(prefix), prefix, PROCESSED, SKIPPED))]


def open_journal(library: Path | None = None) -> Journal:
    return Journal(journal_path(library))


def journal_for(backend, library: Path | None = None) -> Journal:
    """The journal of jobs publishing into ``backend``: inside its library folder for the
    local library, else ``library`` if given, else the user data folder (see the module doc).
    The window offers ``journal_for(b).unfinished_jobs(target_of(b))`` at start."""
    return open_journal(backend.library.folder if backend.library is not None else library)
