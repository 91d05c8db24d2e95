"""Face index port: Rekognition's calls over the local engine, vectors in SQLite, searched
with numpy (one matrix product over the collection)."""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from finpics_desktop.backends.local.db import Database
from finpics_desktop.backends.local.engine import MODEL_VERSION, FaceEngine
from finpics_desktop.domain.errors import NotFound


@dataclass(frozen=True)
class _Snapshot:
    generation: int
    faces: list[dict]
    position: dict[str, int]
    vectors: np.ndarray
    norms: np.ndarray


def similarity(squared_distance: np.ndarray) -> np.ndarray:
    """Rekognition-like 0-100 similarity from a squared descriptor distance: ``100 - 50 * d**2``.

    For unit vectors that is 100 x their cosine. dlib's own same-person cut-off, d = 0.6, is 82;
    the default threshold, 80, is d = 0.632 (README, "Face matching", has the measurements).
    """
    return np.clip(100.0 - 50.0 * np.maximum(squared_distance, 0.0), 0.0, 100.0)


class LocalFaceIndex:
    def __init__(self, db: Database, collection: str, engine: FaceEngine | None = None):
        self.db = db
        self.collection = collection
        self.engine = engine or FaceEngine()
        self._cache_lock = threading.Lock()
        self._cache: _Snapshot | None = None

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

    def _matrix(self) -> _Snapshot:
        """Every face of the collection and their vectors, reloaded only after a change."""
        generation = self._generation()
        with self._cache_lock:
            if self._cache is None or self._cache.generation != generation:
                rows = self.db.query(
                    "SELECT face_id, face, vector FROM faces WHERE collection = ? "
                    "ORDER BY rowid", (self.collection,))
                vectors = (np.frombuffer(b"".join(r[2] for r in rows), dtype=np.float32)
                           .reshape(len(rows), -1) if rows else np.zeros((0, 128), np.float32))
                self._cache = _Snapshot(
                    generation=generation,
                    faces=[json.loads(r[1]) for r in rows],
                    position={r[0]: i for i, r in enumerate(rows)},
                    vectors=vectors,
                    norms=np.einsum("ij,ij->i", vectors, vectors),
                )
            return self._cache

    # -- port ------------------------------------------------------------------------------------
    def index_faces(self, bucket: str, key: str, data: bytes, external_image_id: str) -> dict:
        detected = self.engine.analyze(data, key.rsplit("/", 1)[-1])
        image_id = str(uuid.uuid4())
        records, rows = [], []
        for face in detected:
            face_record = {
                "FaceId": str(uuid.uuid4()),
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
            rows.append((face_record["FaceId"], self.collection, image_id, external_image_id,
                         json.dumps(face_record), face.descriptor.astype(np.float32).tobytes()))
        if rows:
            with self.db.transaction() as db:
                db.executemany("INSERT INTO faces VALUES (?, ?, ?, ?, ?, ?)", rows)
                self._bump(db)
        return {"FaceRecords": records, "FaceModelVersion": MODEL_VERSION, "UnindexedFaces": []}

    def add_vectors(self, faces: list[tuple[dict, np.ndarray]]) -> None:
        """Bulk insert of ready faces (``Face`` dict, vector): for imports and benchmarks."""
        with self.db.transaction() as db:
            db.executemany("INSERT INTO faces VALUES (?, ?, ?, ?, ?, ?)", [
                (f["FaceId"], self.collection, f["ImageId"], f.get("ExternalImageId", ""),
                 json.dumps(f), np.asarray(v, np.float32).tobytes()) for f, v in faces])
            self._bump(db)

    def search_faces(self, face_id: str, threshold: float, max_faces: int) -> list[dict]:
        snap = self._matrix()
        index = snap.position.get(face_id)
        if index is None:
            raise NotFound(f"face {face_id} is not in collection {self.collection!r}")
        query = snap.vectors[index]
        squared = snap.norms - 2.0 * (snap.vectors @ query) + snap.norms[index]
        scores = similarity(squared)
        scores[index] = -1.0  # never the searched face itself
        hits = np.flatnonzero(scores >= threshold)
        hits = hits[np.argsort(-scores[hits], kind="stable")][:max_faces]
        return [{"Similarity": round(float(scores[i]), 4), "Face": snap.faces[i]} for i in hits]

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
