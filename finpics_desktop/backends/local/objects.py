"""Object store port on a folder per bucket; metadata (content type, hash) in SQLite."""

from __future__ import annotations

import functools
import hashlib
import json
import os
import shutil
import time
import uuid
from collections.abc import Iterator
from contextlib import suppress
from pathlib import Path

from finpics_desktop.backends.local.db import Database
from finpics_desktop.domain.errors import (
    InvalidName,
    NoSuchObject,
    NotFound,
    StorageError,
    WriteConflict,
)
from finpics_desktop.domain.keys import CONTENT_TYPES, extension
from finpics_desktop.pipeline.storage import storage_errors
from finpics_desktop.ports import HASH_METADATA, ObjectInfo

TMP_PREFIX = ".tmp-"
_UNKNOWN_TYPE = "application/octet-stream"


def _digest(path: Path) -> str:
    with storage_errors(path, "read"), open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def _version(metadata: dict, st: os.stat_result) -> str:
    """An object's etag: its content hash, else its size and modification time."""
    return metadata.get(HASH_METADATA) or f"{st.st_size}-{st.st_mtime_ns}"


class FolderObjectStore:
    def __init__(self, root: Path, db: Database):
        self.root = Path(root)
        self.db = db

    @functools.cached_property
    def folds_case(self) -> bool:
        """Whether the library's disk takes two names differing only in case for one (macOS,
        Windows by default): picsets ``004_lisbon`` and ``004_Lisbon`` would be one folder."""
        probe = self.root / f"{TMP_PREFIX}case-{uuid.uuid4().hex}"
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            probe.touch()
            return (self.root / probe.name.upper()).exists()
        except OSError:  # a disk that cannot be written: nothing will be renamed on it
            return False
        finally:
            with suppress(OSError):
                probe.unlink(missing_ok=True)

    # -- paths: nothing outside the library is ever written ------------------------------------
    def _bucket_dir(self, bucket: str) -> Path:
        if not bucket or "/" in bucket or "\\" in bucket or bucket in (".", "..") or "\0" in bucket:
            raise InvalidName(f"invalid bucket name {bucket!r}")
        return self.root / bucket

    def path(self, bucket: str, key: str) -> Path:
        parts = key.split("/")
        if not key or key.startswith("/") or any(p in ("", ".", "..") for p in parts) or (
            "\0" in key
        ):
            raise InvalidName(f"invalid object key {key!r}")
        if parts[-1].startswith(TMP_PREFIX):
            raise InvalidName(f"object key {key!r} uses a reserved name")
        return self._bucket_dir(bucket).joinpath(*parts)

    # -- port ----------------------------------------------------------------------------------
    def get(self, bucket: str, key: str) -> bytes:
        return self.get_tagged(bucket, key)[0]

    def get_tagged(self, bucket: str, key: str) -> tuple[bytes, str]:
        path = self.path(bucket, key)
        try:
            with storage_errors(path, "read"), open(path, "rb") as f:  # writes replace it whole
                data, st = f.read(), os.fstat(f.fileno())
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
            raise NoSuchObject(f"no object {key!r} in bucket {bucket!r}") from None
        rows = self.db.query(  # maybe already a later write's: the hash is of what was read
            "SELECT metadata FROM objects WHERE bucket = ? AND key = ?", (bucket, key))
        hashed = not rows or HASH_METADATA in json.loads(rows[0][0])  # as head() tells it
        return data, _version({HASH_METADATA: hashlib.sha256(data).hexdigest()} if hashed
                              else {}, st)

    def put(self, bucket, key, data, content_type, metadata=None, *, if_absent=False,
            if_match=None) -> None:
        self._write(bucket, key, content_type, metadata, lambda f: f.write(data),
                    if_absent=if_absent, if_match=if_match)

    def put_file(self, bucket, key, path, content_type, metadata=None) -> None:
        def copy(f):
            with open(path, "rb") as src:
                shutil.copyfileobj(src, f, 1024 * 1024)

        self._write(bucket, key, content_type, metadata, copy)

    def _write(self, bucket, key, content_type, metadata, writer, *, if_absent=False,
               if_match=None) -> None:
        target = self.path(bucket, key)
        tmp = target.parent / f"{TMP_PREFIX}{uuid.uuid4().hex}"
        try:
            with storage_errors(f"{key} in the library's {bucket} folder", "write", path=target):
                target.parent.mkdir(parents=True, exist_ok=True)
                with open(tmp, "wb") as f:
                    writer(f)
                    f.flush()
                    os.fsync(f.fileno())
                size = tmp.stat().st_size
                with self.db.transaction() as db:  # the row commits only if the rename happened
                    if if_absent or if_match is not None:  # writers are serialised here
                        current = self._etag(db, bucket, key, target)
                        if (if_absent and current is not None) or (
                                if_match is not None and current != if_match):
                            raise WriteConflict(f"{key} in bucket {bucket} was written by "
                                                "someone else meanwhile")
                    db.execute(
                        "INSERT OR REPLACE INTO objects VALUES (?, ?, ?, ?, ?)",
                        (bucket, key, size, content_type, json.dumps(metadata or {})),
                    )
                    os.replace(tmp, target)
        finally:
            with suppress(OSError):  # e.g. a read-only folder, where it was never made
                tmp.unlink(missing_ok=True)

    @staticmethod
    def _etag(db, bucket: str, key: str, path: Path) -> str | None:
        try:
            st = path.stat()
        except (FileNotFoundError, NotADirectoryError):
            return None
        rows = db.execute("SELECT metadata FROM objects WHERE bucket = ? AND key = ?",
                          (bucket, key)).fetchall()
        return _version(json.loads(rows[0][0]) if rows else {HASH_METADATA: _digest(path)}, st)

    def head(self, bucket: str, key: str) -> ObjectInfo | None:
        path = self.path(bucket, key)
        if not path.is_file():
            return None
        rows = self.db.query(
            "SELECT metadata FROM objects WHERE bucket = ? AND key = ?", (bucket, key))
        meta = json.loads(rows[0][0]) if rows else self._recorded(bucket, key, path)
        st = path.stat()
        return ObjectInfo(key, st.st_size, meta, _version(meta, st))

    def _recorded(self, bucket: str, key: str, path: Path) -> dict:
        """The metadata of a file the database does not know (a database rebuilt from the
        folders by ``check --repair``, a file copied in by hand): its content hash, as a put
        would have recorded it; remembered when the library can be written."""
        meta = {HASH_METADATA: _digest(path)}
        size = path.stat().st_size
        if not self.db.read_only:
            with suppress(StorageError), self.db.transaction() as db:  # a full disk: next time
                db.execute("INSERT OR IGNORE INTO objects VALUES (?, ?, ?, ?, ?)",
                           (bucket, key, size, CONTENT_TYPES.get(extension(key), _UNKNOWN_TYPE),
                            json.dumps(meta)))
        return meta

    def content_type(self, bucket: str, key: str) -> str | None:
        rows = self.db.query(
            "SELECT content_type FROM objects WHERE bucket = ? AND key = ?", (bucket, key))
        return rows[0][0] if rows else None

    def list(self, bucket: str, prefix: str = "") -> Iterator[ObjectInfo]:
        base = self._bucket_dir(bucket)
        if not base.is_dir():
            return
        # only the folder the prefix is in is walked, and only its keys' metadata read (the
        # metadata parsed once an object is listed: 200,000 objects in a few seconds)
        folder = prefix.rpartition("/")[0]
        top = os.path.join(base, folder) if folder else str(base)
        meta = dict(self.db.query(
            "SELECT key, metadata FROM objects WHERE bucket = ? AND key >= ? AND key < ?",
            (bucket, prefix, prefix + "\U0010ffff")))
        found = []
        for dirpath, dirnames, filenames in os.walk(top):
            dirnames.sort()
            rel = os.path.relpath(dirpath, base).replace(os.sep, "/")
            for name in filenames:
                if name.startswith(TMP_PREFIX):
                    continue
                key = name if rel == "." else f"{rel}/{name}"
                if key.startswith(prefix):
                    stored = meta.get(key)
                    found.append(ObjectInfo(key, os.stat(os.path.join(dirpath, name)).st_size,
                                            json.loads(stored) if stored else {}))
        yield from sorted(found, key=lambda o: o.key)

    def list_keys(self, bucket: str, prefix: str = "") -> list[str]:
        """The keys :meth:`list` lists, sorted, without their sizes and metadata."""
        base = self._bucket_dir(bucket)
        folder = prefix.rpartition("/")[0]
        found = []
        for dirpath, _, filenames in os.walk(os.path.join(base, folder) if folder else base):
            rel = os.path.relpath(dirpath, base).replace(os.sep, "/")
            found += [key for key in (name if rel == "." else f"{rel}/{name}"
                                      for name in filenames if not name.startswith(TMP_PREFIX))
                      if key.startswith(prefix)]
        return sorted(found)

    # -- what a killed writer left: used by ``check --repair`` -------------------------------
    def stale_temporaries(self, bucket: str, older_than: float = 900.0) -> list[str]:
        """Half-written files (``.tmp-*``) of a writer killed mid-write, relative to the bucket
        folder; only those older than ``older_than`` seconds (a live writer's are younger)."""
        base = self._bucket_dir(bucket)
        if not base.is_dir():
            return []
        now = time.time()
        return sorted(p.relative_to(base).as_posix() for p in base.rglob(f"{TMP_PREFIX}*")
                      if p.is_file() and now - p.stat().st_mtime > older_than)

    def delete_temporary(self, bucket: str, relative: str) -> None:
        parts = relative.split("/")
        if not parts[-1].startswith(TMP_PREFIX) or any(p in ("", ".", "..") for p in parts):
            raise InvalidName(f"{relative!r} is not a temporary file")
        self._bucket_dir(bucket).joinpath(*parts).unlink(missing_ok=True)

    def copy(self, bucket, key, to_bucket, to_key, metadata=None, *, if_absent=False) -> None:
        source, target = self.path(bucket, key), self.path(to_bucket, to_key)
        tmp = target.parent / f"{TMP_PREFIX}{uuid.uuid4().hex}"
        try:
            with storage_errors(f"{to_key} in the library's {to_bucket} folder", "write",
                                path=target):
                target.parent.mkdir(parents=True, exist_ok=True)
                try:  # objects are never changed in place (a write replaces the file whole),
                    os.link(source, tmp)  # so the copy may share the file
                except FileNotFoundError:
                    raise NotFound(f"no object {key!r} in bucket {bucket!r}") from None
                except OSError:  # a file system without hard links
                    shutil.copyfile(source, tmp)
                with self.db.transaction() as db:  # writers are serialised here
                    if if_absent and target.is_file():
                        raise WriteConflict(f"{to_key} in bucket {to_bucket} was written by "
                                            "someone else meanwhile")
                    rows = db.execute("SELECT content_type, metadata FROM objects WHERE "
                                      "bucket = ? AND key = ?", (bucket, key)).fetchall()
                    content_type, kept = rows[0] if rows else (
                        CONTENT_TYPES.get(extension(key), _UNKNOWN_TYPE), "{}")
                    db.execute("INSERT OR REPLACE INTO objects VALUES (?, ?, ?, ?, ?)",
                               (to_bucket, to_key, tmp.stat().st_size, content_type,
                                kept if metadata is None else json.dumps(metadata)))
                    os.replace(tmp, target)
        finally:
            with suppress(OSError):
                tmp.unlink(missing_ok=True)

    def delete(self, bucket: str, key: str) -> None:
        path = self.path(bucket, key)
        with storage_errors(f"{key} in the library's {bucket} folder", "delete", path=path), \
                self.db.transaction() as db:
            db.execute("DELETE FROM objects WHERE bucket = ? AND key = ?", (bucket, key))
            path.unlink(missing_ok=True)
