"""The local face index's faces in memory, as they are stored: for each engine version one
float32 matrix of the vectors, their norms and the faces' ids as one fixed-width byte array; a
face is found by its id through one sorted array. No Python object is kept per face (a million
faces: 512 MB of vectors and ~50 MB beside), and nothing per face is made while loading but the
rows SQLite hands over a page at a time.

The faces' records (``Face`` as ListFaces gives it) stay in SQLite and are read by id when a
search or a listing returns them (:func:`read_records`)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np

PAGE = 20_000  # rows read from SQLite at a time while loading
RECORDS = 500  # records read by id in one query


@dataclass(frozen=True)
class Group:
    """The faces of one engine, in the order they were written: ids, vectors and norms."""

    version: str
    keys: np.ndarray  # face ids, utf-8, fixed width ('S')
    vectors: np.ndarray  # float32, a row a face
    norms: np.ndarray

    @property
    def ids(self) -> list[str]:
        return self.id_list(slice(None))

    def id_list(self, rows) -> list[str]:
        """The ids of the faces at ``rows`` (an index array or a slice)."""
        return [k.decode() for k in self.keys[rows].tolist()]

    def __len__(self) -> int:
        return len(self.keys)


@dataclass(frozen=True)
class Faces:
    """Every face of a collection by engine, and where each is found by id."""

    groups: dict[str, Group]
    versions: tuple[str, ...]  # a group's number -> its version
    sorted_keys: np.ndarray  # every face id, sorted
    sorted_group: np.ndarray  # the group number of each of them
    sorted_row: np.ndarray  # its row in its group
    digest: bytes  # of every face's id, engine and vector

    @classmethod
    def of(cls, groups: dict[str, Group], digest: bytes | None = None,
           order: np.ndarray | None = None) -> Faces:
        """The faces of ``groups``; ``order``: the sort order of their ids one after another,
        if known (it is kept with them in the sidecar)."""
        versions = tuple(groups)
        width = max((g.keys.dtype.itemsize for g in groups.values()), default=1)
        keys = (np.concatenate([g.keys.astype(f"S{width}") for g in groups.values()])
                if groups else np.array([], dtype="S1"))
        group_of = np.concatenate([np.full(len(g), n, np.int16)
                                   for n, g in enumerate(groups.values())] or
                                  [np.array([], np.int16)])
        row_of = np.concatenate([np.arange(len(g), dtype=np.int64) for g in groups.values()]
                                or [np.array([], np.int64)])
        if order is None or len(order) != len(keys):
            order = np.argsort(keys, kind="stable")
        return cls(groups, versions, keys[order], group_of[order], row_of[order],
                   digest if digest is not None else digest_of(groups))

    def __len__(self) -> int:
        return len(self.sorted_keys)

    def find(self, face_id: str) -> tuple[str, int] | None:
        """The engine version and row of the face, or None if it is not there."""
        key = face_id.encode()
        if len(key) > self.sorted_keys.dtype.itemsize or not len(self.sorted_keys):
            return None
        at = int(np.searchsorted(self.sorted_keys, key))
        if at < len(self.sorted_keys) and self.sorted_keys[at] == key:
            return self.versions[self.sorted_group[at]], int(self.sorted_row[at])
        return None

    def __contains__(self, face_id: str) -> bool:
        return self.find(face_id) is not None

    def find_many(self, face_ids: Iterable[str]) -> list[tuple[str, str, int]]:
        """(face id, version, row) of each known face of ``face_ids``, in their order."""
        wanted = [f for f in face_ids if len(f.encode()) <= self.sorted_keys.dtype.itemsize]
        if not wanted or not len(self.sorted_keys):
            return []
        keys = np.array([f.encode() for f in wanted], dtype=self.sorted_keys.dtype)
        at = np.minimum(np.searchsorted(self.sorted_keys, keys), len(self.sorted_keys) - 1)
        hit = self.sorted_keys[at] == keys
        groups, rows = self.sorted_group[at].tolist(), self.sorted_row[at].tolist()
        return [(f, self.versions[groups[n]], rows[n])
                for n, f in enumerate(wanted) if hit[n]]

    def order(self) -> np.ndarray:
        """The sort order of the faces' ids one group after another (kept in the sidecar)."""
        offsets = np.cumsum([0] + [len(g) for g in self.groups.values()])
        return offsets[self.sorted_group.astype(np.int64)] + self.sorted_row

    def in_order(self) -> bool:
        """Whether the ids are sorted (a copy read back whole is)."""
        keys = self.sorted_keys
        return bool(np.all(keys[1:] >= keys[:-1])) if len(keys) > 1 else True


def norms_of(vectors: np.ndarray) -> np.ndarray:
    """Each row's length (without a temporary the size of the matrix)."""
    return np.sqrt(np.einsum("ij,ij->i", vectors, vectors))


def digest_of(groups: dict[str, Group]) -> bytes:
    digest = hashlib.blake2b(digest_size=16)
    for version, group in groups.items():
        digest.update(f"{version}\0{len(group)}\0".encode())
        digest.update(np.ascontiguousarray(group.keys).tobytes())
        digest.update(np.ascontiguousarray(group.vectors).tobytes())
    return digest.digest()


def load(db, collection: str) -> Faces:
    """Every face of ``collection`` from SQLite, a page of rows at a time (call it inside
    ``db.reading()`` for a consistent view)."""
    keys: dict[str, list[np.ndarray]] = {}
    vectors: dict[str, list[np.ndarray]] = {}
    last = -1
    while True:
        rows = db.query(
            "SELECT rowid, face_id, vector, model_version FROM faces WHERE collection = ? AND "
            "rowid > ? ORDER BY rowid LIMIT ?", (collection, last, PAGE))
        if not rows:
            break
        last = rows[-1][0]
        by_version: dict[str, list[tuple]] = {}
        for row in rows:
            by_version.setdefault(row[3], []).append(row)
        for version, members in by_version.items():
            keys.setdefault(version, []).append(
                np.array([r[1].encode() for r in members], dtype=bytes))
            vectors.setdefault(version, []).append(np.frombuffer(
                b"".join(r[2] for r in members), dtype=np.float32).reshape(len(members), -1))
    groups = {}
    for version in keys:
        width = max(k.dtype.itemsize for k in keys[version])
        matrix = np.concatenate(vectors[version])
        groups[version] = Group(version, np.concatenate([k.astype(f"S{width}")
                                                         for k in keys[version]]),
                                matrix, norms_of(matrix))
    return Faces.of(groups)


def read_records(db, collection: str, face_ids: Sequence[str]) -> dict[str, dict]:
    """The stored ``Face`` records of these faces, by id (those gone are left out)."""
    found: dict[str, dict] = {}
    wanted = list(dict.fromkeys(face_ids))
    for start in range(0, len(wanted), RECORDS):
        chunk = wanted[start:start + RECORDS]
        marks = ",".join("?" * len(chunk))
        for face_id, face in db.query(
                f"SELECT face_id, face FROM faces WHERE face_id IN ({marks}) "  # noqa: S608
                "AND +collection = ?", (*chunk, collection)):  # (+: by the primary key)
            found[face_id] = json.loads(face)
    return found


def all_records(db, collection: str, version: str) -> Iterator[tuple[str, dict]]:
    """Every face of engine ``version`` as stored, in the order written, a page at a time."""
    last = -1
    while True:
        rows = db.query(
            "SELECT rowid, face_id, face FROM faces WHERE collection = ? AND model_version = ? "
            "AND rowid > ? ORDER BY rowid LIMIT ?", (collection, version, last, PAGE // 4))
        if not rows:
            return
        last = rows[-1][0]
        for _, face_id, face in rows:
            yield face_id, json.loads(face)
