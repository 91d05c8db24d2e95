"""Face index port: Rekognition's calls over the local engine, vectors in SQLite, searched
with numpy (one matrix product over the faces indexed by the searched face's engine).

Every face row carries the ``FaceModelVersion`` of the engine that made its vector; vectors of
different engines are never compared, and each engine has its own mapping to Rekognition's
0-100 similarity (:mod:`~finpics_desktop.backends.local.similarity`). The user vectors of
``SearchUsers`` are in :mod:`~finpics_desktop.backends.local.users`."""

from __future__ import annotations

import hashlib
import json
import threading
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np

from finpics_desktop.backends.local.db import Database
from finpics_desktop.backends.local.engine import MODEL_VERSION, DetectedFace, FaceEngine
from finpics_desktop.backends.local.similarity import (  # noqa: F401 - re-exported
    DLIB_VERSION,
    SFACE_CUT,
    block_scores,
    dlib_similarity,
    scores,
    sface_similarity,
    similar_pairs,
)
from finpics_desktop.backends.local.users import UserVectors
from finpics_desktop.domain.boxes import match_boxes
from finpics_desktop.domain.errors import NotFound

BLOCK = 1024  # faces searched at once by ``search_faces_many`` (a BLOCK x faces matrix)
KEEP_FROM = 50.0  # re-indexing: a new face on an old face's box keeps its id if this alike


@dataclass(frozen=True)
class _Group:
    """The faces of one engine, in insertion order, and their vectors. A face is kept as its
    JSON and read only when a search returns it (reading 100,000 took ~0.5 s of a cold load)."""

    faces: list[str]
    ids: list[str]
    vectors: np.ndarray
    norms: np.ndarray


@dataclass(frozen=True)
class _Snapshot:
    generation: int
    groups: dict[str, _Group]
    where: dict[str, tuple[str, int]]  # face id -> (engine version, row in its group)
    user_of: dict[str, str]  # face id -> the user it is associated with
    users: frozenset[str]
    faces_digest: bytes = b""  # of every face's id, engine and vector
    faces_version: int = 0  # one more each time the faces or their vectors differ
    listed: dict[tuple[str, int], dict] = field(default_factory=dict)

    def face(self, version: str, row: int) -> dict:
        """The face at ``row`` of engine ``version`` as ListFaces and SearchFaces give it (a
        copy each time). Its JSON is read once per snapshot: a search returning thousands of
        faces, and the next searches, read none again."""
        listed = self.listed.get((version, row))
        if listed is None:
            group = self.groups[version]
            listed = {**face_record(json.loads(group.faces[row]),
                                    self.user_of.get(group.ids[row])),
                      "IndexFacesModelVersion": version}  # as Rekognition's Face has it
            self.listed[(version, row)] = listed
        return dict(listed)


def face_record(face: dict, user_id: str | None) -> dict:
    """A face as Rekognition lists it: with ``UserId`` once associated with a user."""
    return {**face, "UserId": user_id} if user_id else face


class LocalFaceIndex(UserVectors):
    def __init__(self, db: Database, collection: str, engine: FaceEngine | None = None):
        self.db = db
        self.collection = collection
        self.engine = engine or FaceEngine()
        self._cache_lock = threading.Lock()
        self._cache: _Snapshot | None = None

    @property
    def model_version(self) -> str:
        """The ``FaceModelVersion`` of the faces this index makes now."""
        return self.engine.model_version

    # -- bookkeeping -----------------------------------------------------------------------------
    def ensure_collection(self) -> None:
        if self.db.query("SELECT 1 FROM collections WHERE name = ?", (self.collection,)):
            return  # nothing to write: a library on a full disk still opens
        with self.db.transaction() as db:
            db.execute("INSERT OR IGNORE INTO collections VALUES (?, 0)", (self.collection,))

    def _bump(self, db) -> None:
        db.execute("INSERT OR IGNORE INTO collections VALUES (?, 0)", (self.collection,))
        db.execute("UPDATE collections SET generation = generation + 1 WHERE name = ?",
                   (self.collection,))

    def _generation(self) -> int:
        rows = self.db.query("SELECT generation FROM collections WHERE name = ?",
                             (self.collection,))
        return rows[0][0] if rows else 0

    def prepare(self) -> None:
        """Load the face vectors now (a library's first search would otherwise)."""
        self._matrix()

    def _matrix(self) -> _Snapshot:
        """Every face of the collection and their vectors by engine, with the users and their
        faces; reloaded after a change."""
        generation = self._generation()
        with self._cache_lock:
            if self._cache is None or self._cache.generation != generation:
                rows = self.db.query(
                    "SELECT face_id, face, vector, model_version FROM faces WHERE collection = ? "
                    "ORDER BY rowid", (self.collection,))
                by_version: dict[str, list[tuple]] = {}
                for row in rows:
                    by_version.setdefault(row[3], []).append(row)
                groups, where = {}, {}
                for version, members in by_version.items():
                    vectors = np.frombuffer(b"".join(r[2] for r in members),
                                            dtype=np.float32).reshape(len(members), -1)
                    groups[version] = _Group([r[1] for r in members], [r[0] for r in members],
                                             vectors, np.linalg.norm(vectors, axis=1))
                    where.update((r[0], (version, n)) for n, r in enumerate(members))
                user_of, users = self._load_users()
                digest = hashlib.blake2b(digest_size=16)
                for row in rows:
                    digest.update(f"{row[0]}\0{row[3]}\0".encode())
                    digest.update(row[2])
                last = self._cache
                version = (0 if last is None else last.faces_version if
                           last.faces_digest == digest.digest() else last.faces_version + 1)
                self._cache = _Snapshot(generation, groups, where, user_of, users,
                                        digest.digest(), version)
            return self._cache

    def faces_stamp(self) -> int:
        """What differs whenever a face was indexed, re-indexed or removed (not when one is
        associated with a user): what the faces' likeness to one another depends on."""
        return self._matrix().faces_version

    def _write(self, db, faces: Sequence[tuple[dict, np.ndarray]], version: str) -> None:
        db.executemany(
            "INSERT OR REPLACE INTO faces (face_id, collection, image_id, external_image_id, "
            "face, vector, model_version) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(f["FaceId"], self.collection, f["ImageId"], f.get("ExternalImageId", ""),
              json.dumps(f), np.asarray(v, np.float32).tobytes(), version) for f, v in faces])
        self._bump(db)

    def _record(self, face: DetectedFace, face_id: str, image_id: str,
                external_image_id: str) -> tuple[dict, dict]:
        """The ``FaceRecords`` entry of a detected face, and its ``Face``."""
        face_record = {"FaceId": face_id, "BoundingBox": face.box, "ImageId": image_id,
                       "ExternalImageId": external_image_id, "Confidence": face.confidence}
        detail = {"BoundingBox": face.box, "Landmarks": face.landmarks,
                  "Confidence": face.confidence}
        if face.quality is not None:  # as Rekognition's FaceDetail has it
            detail["Quality"] = face.quality
        return {"Face": face_record, "FaceDetail": detail}, face_record

    # -- port ------------------------------------------------------------------------------------
    def index_faces(self, bucket: str, key: str, data: bytes, external_image_id: str,
                    reuse: Sequence[dict] = ()) -> dict:
        """IndexFaces. ``reuse``: the ``Face`` records this photo had (re-indexing): a new face
        whose box overlaps one of theirs keeps its FaceId, and the photo keeps its ImageId."""
        detected = self.engine.analyze(data, key.rsplit("/", 1)[-1])
        kept = match_boxes([f["BoundingBox"] for f in reuse], [d.box for d in detected])
        kept = {n: o for n, o in kept.items()
                if self._still(reuse[o]["FaceId"], detected[n].descriptor)}
        image_id = reuse[0]["ImageId"] if reuse else str(uuid.uuid4())
        records, rows = [], []
        for n, face in enumerate(detected):
            face_id = reuse[kept[n]]["FaceId"] if n in kept else str(uuid.uuid4())
            record, face_record = self._record(face, face_id, image_id, external_image_id)
            records.append(record)
            rows.append((face_record, face.descriptor))
        if rows:
            with self.db.transaction() as db:
                self._write(db, rows, self.model_version)
        return {"FaceRecords": records, "FaceModelVersion": self.model_version,
                "UnindexedFaces": []}

    def _still(self, face_id: str, vector: np.ndarray) -> bool:
        """Whether a new face on an old face's box is that face: always when the old one is of
        another engine (its vector cannot tell), else if at least :data:`KEEP_FROM` alike (a
        mirrored group photo puts another person on the box)."""
        snap = self._matrix()
        found = snap.where.get(face_id)
        if found is None or found[0] != self.model_version:
            return True
        group = snap.groups[found[0]]
        row = found[1]
        return float(scores(found[0], group.vectors[row:row + 1], group.norms[row:row + 1],
                            np.asarray(vector, np.float32))[0]) >= KEEP_FROM

    def index_region(self, bucket: str, key: str, data: bytes, external_image_id: str,
                     box: dict, image_id: str | None = None, face_id: str | None = None) -> dict:
        """IndexFaces of the one face in ``box`` (ratios of the upright photo), drawn where
        the detector found none: the engine looks again at that region (see
        :meth:`FaceEngine.analyze_region`). The face joins the photo's ``image_id`` (a new one
        if None) and keeps ``face_id`` if given (re-indexing a drawn face)."""
        face = self.engine.analyze_region(data, key.rsplit("/", 1)[-1], box)
        record, face_record = self._record(face, face_id or str(uuid.uuid4()),
                                           image_id or str(uuid.uuid4()), external_image_id)
        with self.db.transaction() as db:
            self._write(db, [(face_record, face.descriptor)], self.model_version)
        return {"FaceRecords": [record], "FaceModelVersion": self.model_version,
                "UnindexedFaces": []}

    def add_vectors(self, faces: list[tuple[dict, np.ndarray]],
                    version: str = MODEL_VERSION) -> None:
        """Bulk insert of ready faces (``Face`` dict, vector): for imports and benchmarks."""
        with self.db.transaction() as db:
            self._write(db, faces, version)

    def _matches(self, snap: _Snapshot, group: _Group, similarity: np.ndarray, own: int,
                 threshold: float, max_faces: int) -> list[dict]:
        similarity[own] = -1.0  # never the searched face itself
        hits = np.flatnonzero(similarity >= threshold)
        if len(hits) > max_faces:  # the best max_faces of many, without sorting them all
            hits = hits[np.argpartition(-similarity[hits], max_faces - 1)[:max_faces]]
        hits = hits[np.argsort(-similarity[hits], kind="stable")]
        version = next(v for v, g in snap.groups.items() if g is group)
        return [{"Similarity": value, "Face": snap.face(version, i)}
                for i, value in zip(hits.tolist(), np.round(similarity[hits], 4).tolist(),
                                    strict=True)]

    def search_faces(self, face_id: str, threshold: float, max_faces: int) -> list[dict]:
        snap = self._matrix()
        found = snap.where.get(face_id)
        if found is None:
            raise NotFound(f"face {face_id} is not in collection {self.collection!r}")
        version, index = found
        group = snap.groups[version]
        similarity = scores(version, group.vectors, group.norms, group.vectors[index])
        return self._matches(snap, group, similarity, index, threshold, max_faces)

    def search_faces_many(self, face_ids: Sequence[str], threshold: float,
                          max_faces: int) -> dict[str, list[dict]]:
        """SearchFaces of each face (the unknown ones are left out), a block of faces of one
        engine at a time in one matrix product."""
        snap = self._matrix()
        by_version = _by_version(snap, face_ids)
        found: dict[str, list[dict]] = {}
        for version, wanted in by_version.items():
            group = snap.groups[version]
            for start in range(0, len(wanted), BLOCK):
                block = wanted[start:start + BLOCK]
                rows = np.array([index for _, index in block])
                matrix = block_scores(version, group.vectors, group.norms, rows)
                for n, (face_id, index) in enumerate(block):
                    found[face_id] = self._matches(snap, group, matrix[n], index, threshold,
                                                   max_faces)
        return found

    def similar_many(self, face_ids: Sequence[str], threshold: float,
                     max_faces: int) -> dict[str, dict[str, float]]:
        """:meth:`search_faces_many` as ``{face: {alike face: similarity}}``, without the
        faces' records (grouping thousands of faces needs only who is alike to whom)."""
        snap = self._matrix()
        by_version = _by_version(snap, face_ids)
        found: dict[str, dict[str, float]] = {}
        for version, wanted in by_version.items():
            group = snap.groups[version]
            ids = np.array(group.ids, dtype=object)
            for start in range(0, len(wanted), BLOCK):
                block = wanted[start:start + BLOCK]
                rows = np.array([index for _, index in block])
                # the pairs at or above the threshold, then their similarities only
                at, alike, similarity = similar_pairs(version, group.vectors, group.norms, rows,
                                                      threshold)
                keep = alike != rows[at]  # never the searched face itself
                at, alike, similarity = at[keep], alike[keep], similarity[keep]
                bounds = np.searchsorted(at, np.arange(len(block) + 1))
                for n, (face_id, _) in enumerate(block):
                    lo, hi = bounds[n], bounds[n + 1]
                    mine, values = alike[lo:hi], similarity[lo:hi]
                    if len(mine) > max_faces:  # the best max_faces of many
                        best = np.argpartition(-values, max_faces - 1)[:max_faces]
                        mine, values = mine[best], values[best]
                    found[face_id] = dict(zip(ids[mine].tolist(),
                                              np.round(values, 4).tolist(), strict=True))
        return found

    def delete_faces(self, face_ids: list[str]) -> None:
        if not face_ids:
            return
        with self.db.transaction() as db:
            db.executemany("DELETE FROM faces WHERE face_id = ? AND collection = ?",
                           [(f, self.collection) for f in face_ids])
            db.executemany("DELETE FROM user_faces WHERE face_id = ? AND collection = ?",
                           [(f, self.collection) for f in face_ids])
            self._bump(db)

    def list_faces(self, user_id: str | None = None,
                   face_ids: Sequence[str] | None = None) -> Iterator[dict]:
        """ListFaces: every face of the collection, or those associated with ``user_id``, or
        those of ``face_ids``; each with its ``UserId`` once associated."""
        snap = self._matrix()
        if face_ids is not None:
            wanted = [f for f in dict.fromkeys(face_ids) if f in snap.where]
            rows = [(f, snap.where[f]) for f in wanted]
        else:
            rows = list(snap.where.items())
        for face_id, (version, index) in rows:
            if user_id is None or snap.user_of.get(face_id) == user_id:
                yield snap.face(version, index)

    # -- engine versions -------------------------------------------------------------------------
    def outdated_faces(self) -> dict[str, int]:
        """How many faces each older engine indexed (``{FaceModelVersion: count}``)."""
        return dict(self.db.query(
            "SELECT model_version, COUNT(*) FROM faces WHERE collection = ? AND model_version != ?"
            " GROUP BY model_version ORDER BY model_version",
            (self.collection, self.model_version)))

    def notice_once(self, topic: str) -> bool:
        """True the first time it is asked about ``topic`` in this library, False ever after."""
        if self.db.query("SELECT 1 FROM notices WHERE topic = ?", (topic,)):
            return False  # (no write: the usual answer costs no lock)
        with self.db.transaction() as db:
            return db.execute("INSERT OR IGNORE INTO notices VALUES (?, ?)",
                              (topic, time.time())).rowcount == 1


def _by_version(snap, face_ids: Sequence[str]) -> dict[str, list[tuple[str, int]]]:
    """The known faces of ``face_ids`` by the engine version that indexed them, each with its
    row in that version's matrix (the unknown ones are left out)."""
    by_version: dict[str, list[tuple[str, int]]] = {}
    for face_id in face_ids:
        if face_id in snap.where:
            version, index = snap.where[face_id]
            by_version.setdefault(version, []).append((face_id, index))
    return by_version
