"""A copy of the face index's matrices beside the library's database
(``finpics.sqlite3.faces-<collection>.npz``), so that a large library opens without reading every
face row from SQLite (a million faces: ~0.5 s instead of ~4 s).

The database is the truth: the copy holds the *stamp* of the faces it was made from -- the
collection's count of face writes (``face_writes``, counted in the same transaction as each
write), how many faces and the highest row -- and is used only while the database still has that
stamp. A copy left stale by a crash, damaged or unreadable is ignored (and written again from
the database); it is written whole to a temporary file and renamed into place, so a reader never
sees half of one. Small collections, and read-only libraries, have none."""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from pathlib import Path

import numpy as np

from finpics_desktop.backends.local.face_matrix import Faces, Group

log = logging.getLogger(__name__)

FROM = 20_000  # faces: fewer are read from SQLite as quickly as from a copy
_writing: set[Path] = set()
_writing_lock = threading.Lock()


def path_of(db, collection: str) -> Path:
    name = hashlib.sha1(collection.encode()).hexdigest()[:12]  # noqa: S324 - a file name
    return Path(f"{db.path}.faces-{name}.npz")


def stamp(db, collection: str) -> tuple[int, int, int] | None:
    """What the faces of ``collection`` are at now (None: a library of a version before
    ``face_writes``, which keeps no copy)."""
    if not db.query("SELECT 1 FROM sqlite_master WHERE name = 'face_writes'"):
        return None
    written = db.query("SELECT generation FROM face_writes WHERE collection = ?", (collection,))
    count, highest = db.query("SELECT COUNT(*), MAX(rowid) FROM faces WHERE collection = ?",
                              (collection,))[0]
    return (written[0][0] if written else 0), count, highest or 0


def read(path: Path, wanted: tuple[int, int, int]) -> Faces | None:
    """The faces kept in ``path`` if it was made at stamp ``wanted``; None otherwise (no copy,
    another stamp, or a copy that cannot be read)."""
    if not path.is_file():
        return None
    try:
        with open(path, "rb") as file, np.load(file, allow_pickle=False) as kept:
            if tuple(kept["stamp"].tolist()) != wanted:
                return None
            groups = {}
            for n, version in enumerate(kept["versions"].tolist()):
                keys, vectors = kept[f"keys_{n}"], kept[f"vectors_{n}"]
                if vectors.dtype != np.float32 or vectors.ndim != 2 or len(vectors) != len(keys):
                    raise ValueError(f"group {n} is malformed")
                groups[version] = Group(version, keys, vectors, np.linalg.norm(vectors, axis=1))
            faces = Faces.of(groups, kept["digest"].tobytes(), kept["order"])
        if len(faces) != wanted[1]:
            raise ValueError(f"{len(faces)} faces, the database has {wanted[1]}")
        if not faces.in_order():
            raise ValueError("its ids are out of order")
        return faces
    except Exception as e:  # noqa: BLE001 - any damage: the database is read instead
        log.info("the face index's copy %s is not used (%s): reading the database", path, e)
        return None


def write(path: Path, made_at: tuple[int, int, int], faces: Faces) -> None:
    """Keep ``faces`` (made at stamp ``made_at``) in ``path``: whole or not at all."""
    with _writing_lock:
        if path in _writing:
            return  # another thread writes it now
        _writing.add(path)
    temporary = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        arrays = {"stamp": np.array(made_at, np.int64),
                  "digest": np.frombuffer(faces.digest, np.uint8),
                  "versions": np.array(list(faces.versions), dtype=str),
                  "order": faces.order()}
        for n, group in enumerate(faces.groups.values()):
            arrays[f"keys_{n}"] = group.keys
            arrays[f"vectors_{n}"] = group.vectors
        with open(temporary, "wb") as out:
            np.savez(out, **arrays)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except OSError as e:  # a full disk, a read-only folder: the database is read each time
        log.info("the face index's copy %s was not written: %s", path, e)
        temporary.unlink(missing_ok=True)
    finally:
        with _writing_lock:
            _writing.discard(path)


def write_later(path: Path, made_at: tuple[int, int, int], faces: Faces) -> threading.Thread:
    """:func:`write` on a thread of its own: the load that made ``faces`` is not delayed (a
    process ending meanwhile waits for it: the copy is not left half-written)."""
    thread = threading.Thread(target=write, args=(path, made_at, faces), daemon=False,
                              name="face-index-copy")
    thread.start()
    return thread
