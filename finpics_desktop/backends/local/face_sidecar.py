"""A copy of the face index's matrices beside the library's database
(``finpics.sqlite3.faces-<collection>.npz``, and its vectors' ``.npy`` mapped into memory), so
that a large library opens without reading every face row from SQLite.

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
from contextlib import suppress
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


def _vectors_path(path: Path, token: str) -> Path:
    return path.with_name(f"{path.stem}-{token}.npy")


def read(path: Path, wanted: tuple[int, int, int]) -> Faces | None:
    """The faces kept in ``path`` if it was made at stamp ``wanted``; None otherwise (no copy,
    another stamp, or a copy that cannot be read). The vectors are mapped from their file, not
    read: the pages are the system's file cache, read as the first search touches them."""
    if not path.is_file():
        return None
    try:
        with open(path, "rb") as file, np.load(file, allow_pickle=False) as kept:
            if tuple(kept["stamp"].tolist()) != wanted:
                return None
            vectors = np.load(_vectors_path(path, str(kept["token"])), mmap_mode="r",
                              allow_pickle=False).view(np.ndarray)
            norms, sizes = kept["norms"], kept["sizes"].tolist()
            if (vectors.dtype != np.float32 or vectors.ndim != 2 or len(vectors) != sum(sizes)
                    or len(norms) != len(vectors)):
                raise ValueError("its vectors do not match its faces")
            groups, start = {}, 0
            for n, (version, size) in enumerate(zip(kept["versions"].tolist(), sizes,
                                                    strict=True)):
                keys = kept[f"keys_{n}"]
                if len(keys) != size:
                    raise ValueError(f"group {n} is malformed")
                groups[version] = Group(version, keys, vectors[start:start + size],
                                        norms[start:start + size])
                start += size
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
    """Keep ``faces`` (made at stamp ``made_at``) in ``path`` and a file of their vectors beside
    it: the vectors first, under a name of their own, then ``path`` naming them -- each written
    whole to a temporary file and renamed into place, so that a reader never sees half of one.
    Engines whose vectors differ in length get no copy."""
    groups = list(faces.groups.values())
    if len({g.vectors.shape[1] for g in groups}) != 1:
        return
    with _writing_lock:
        if path in _writing:
            return  # another thread writes it now
        _writing.add(path)
    token = f"{made_at[0]}-{made_at[1]}-{made_at[2]}-{os.getpid()}"
    vectors_path = _vectors_path(path, token)
    temporaries = [path.with_name(f"{p.name}.{os.getpid()}.{threading.get_ident()}.tmp")
                   for p in (vectors_path, path)]
    try:
        arrays = {"stamp": np.array(made_at, np.int64), "token": np.array(token),
                  "digest": np.frombuffer(faces.digest, np.uint8),
                  "versions": np.array(list(faces.versions), dtype=str),
                  "sizes": np.array([len(g) for g in groups], np.int64),
                  "norms": np.concatenate([g.norms for g in groups]),
                  "order": faces.order()}
        for n, group in enumerate(groups):
            arrays[f"keys_{n}"] = group.keys
        for temporary, final, write_it in (
                (temporaries[0], vectors_path,
                 lambda out: np.save(out, np.concatenate([g.vectors for g in groups]))),
                (temporaries[1], path, lambda out: np.savez(out, **arrays))):
            with open(temporary, "wb") as out:
                write_it(out)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, final)
        for old in path.parent.glob(f"{path.stem}-*.npy"):  # the vectors of earlier copies
            if old != vectors_path:
                with suppress(OSError):  # (mapped elsewhere on a system that keeps it: later)
                    old.unlink()
    except OSError as e:  # a full disk, a read-only folder: the database is read each time
        log.info("the face index's copy %s was not written: %s", path, e)
        for temporary in temporaries:
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
