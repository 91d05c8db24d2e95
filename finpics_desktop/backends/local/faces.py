"""Face index port: Rekognition's calls over the local engine, vectors in SQLite, searched
with numpy (one matrix product over the faces indexed by the searched face's engine).

Every face row carries the ``FaceModelVersion`` of the engine that made its vector; vectors of
different engines are never compared, and each engine has its own mapping to Rekognition's
0-100 similarity."""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from finpics_desktop.backends.local.db import Database
from finpics_desktop.backends.local.engine import MODEL_VERSION, FaceEngine
from finpics_desktop.domain.boxes import match_boxes
from finpics_desktop.domain.errors import NotFound

DLIB_VERSION = "dlib-resnet-v1"  # the engine before SFace: its faces stay searchable among
#                                  themselves until ``reindex`` replaces them
SFACE_CUT = 0.42  # SFace cosine at similarity 80 (README, "Face matching", has the measurements)


def dlib_similarity(vectors: np.ndarray, norms: np.ndarray, index: int) -> np.ndarray:
    """dlib's descriptors: ``100 - 50 * d**2`` for their distance ``d`` (80 is d = 0.632).
    ``norms``: the vectors' lengths; ``index``: the searched face's row."""
    squared = norms**2 - 2.0 * (vectors @ vectors[index]) + norms[index] ** 2
    return np.clip(100.0 - 50.0 * np.maximum(squared, 0.0), 0.0, 100.0)


def sface_similarity(vectors: np.ndarray, norms: np.ndarray, index: int) -> np.ndarray:
    """SFace's cosine on Rekognition's scale: the measured cut :data:`SFACE_CUT` is 80 (the
    default threshold), cosine 1 is 100, 0 (unrelated faces) or less is 0; linear between."""
    cosine = (vectors @ vectors[index]) / np.maximum(norms * norms[index], 1e-12)
    return np.clip(np.where(cosine >= SFACE_CUT,
                            80.0 + (20.0 / (1.0 - SFACE_CUT)) * (cosine - SFACE_CUT),
                            (80.0 / SFACE_CUT) * cosine), 0.0, 100.0)


SIMILARITY = {MODEL_VERSION: sface_similarity, DLIB_VERSION: dlib_similarity}


@dataclass(frozen=True)
class _Group:
    """The faces of one engine, in insertion order, and their vectors. A face is kept as its
    JSON and read only when a search returns it (reading 100,000 took ~0.5 s of a cold load)."""

    faces: list[str]
    vectors: np.ndarray
    norms: np.ndarray


@dataclass(frozen=True)
class _Snapshot:
    generation: int
    groups: dict[str, _Group]
    where: dict[str, tuple[str, int]]  # face id -> (engine version, row in its group)


class LocalFaceIndex:
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
        """Every face of the collection and their vectors by engine, reloaded after a change."""
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
                    groups[version] = _Group([r[1] for r in members], vectors,
                                             np.linalg.norm(vectors, axis=1))
                    where.update((r[0], (version, n)) for n, r in enumerate(members))
                self._cache = _Snapshot(generation, groups, where)
            return self._cache

    def _write(self, db, faces: Sequence[tuple[dict, np.ndarray]], version: str) -> None:
        db.executemany(
            "INSERT OR REPLACE INTO faces (face_id, collection, image_id, external_image_id, "
            "face, vector, model_version) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(f["FaceId"], self.collection, f["ImageId"], f.get("ExternalImageId", ""),
              json.dumps(f), np.asarray(v, np.float32).tobytes(), version) for f, v in faces])
        self._bump(db)

    # -- port ------------------------------------------------------------------------------------
    def index_faces(self, bucket: str, key: str, data: bytes, external_image_id: str,
                    reuse: Sequence[dict] = ()) -> dict:
        """IndexFaces. ``reuse``: the ``Face`` records this photo had (re-indexing): a new face
        whose box overlaps one of theirs keeps its FaceId, and the photo keeps its ImageId."""
        detected = self.engine.analyze(data, key.rsplit("/", 1)[-1])
        kept = match_boxes([f["BoundingBox"] for f in reuse], [d.box for d in detected])
        image_id = reuse[0]["ImageId"] if reuse else str(uuid.uuid4())
        records, rows = [], []
        for n, face in enumerate(detected):
            face_record = {
                "FaceId": reuse[kept[n]]["FaceId"] if n in kept else str(uuid.uuid4()),
                "BoundingBox": face.box,
                "ImageId": image_id,
                "ExternalImageId": external_image_id,
                "Confidence": face.confidence,
            }
            records.append({
                "Face": face_record,
                "FaceDetail": {
                    "BoundingBox": face.box,
                    "Landmarks": face.landmarks,
                    "Confidence": face.confidence,
                },
            })
            rows.append((face_record, face.descriptor))
        if rows:
            with self.db.transaction() as db:
                self._write(db, rows, self.model_version)
        return {"FaceRecords": records, "FaceModelVersion": self.model_version,
                "UnindexedFaces": []}

    def add_vectors(self, faces: list[tuple[dict, np.ndarray]],
                    version: str = MODEL_VERSION) -> None:
        """Bulk insert of ready faces (``Face`` dict, vector): for imports and benchmarks."""
        with self.db.transaction() as db:
            self._write(db, faces, version)

    def search_faces(self, face_id: str, threshold: float, max_faces: int) -> list[dict]:
        snap = self._matrix()
        found = snap.where.get(face_id)
        if found is None:
            raise NotFound(f"face {face_id} is not in collection {self.collection!r}")
        version, index = found
        group = snap.groups[version]
        scores = SIMILARITY.get(version, sface_similarity)(group.vectors, group.norms, index)
        scores[index] = -1.0  # never the searched face itself
        hits = np.flatnonzero(scores >= threshold)
        hits = hits[np.argsort(-scores[hits], kind="stable")][:max_faces]
        return [{"Similarity": round(float(scores[i]), 4), "Face": json.loads(group.faces[i])}
                for i in hits]

    def delete_faces(self, face_ids: list[str]) -> None:
        if not face_ids:
            return
        with self.db.transaction() as db:
            db.executemany("DELETE FROM faces WHERE face_id = ? AND collection = ?",
                           [(f, self.collection) for f in face_ids])
            self._bump(db)

    def list_faces(self) -> Iterator[dict]:
        for (face,) in self.db.query(
                "SELECT face FROM faces WHERE collection = ? ORDER BY rowid", (self.collection,)):
            yield json.loads(face)

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
