"""Face index port: Rekognition's calls over the local engine, vectors in SQLite, searched
with numpy (one matrix product over the faces indexed by the searched face's engine).

Every face row carries the ``FaceModelVersion`` of the engine that made its vector; vectors of
different engines are never compared, and each engine has its own mapping to Rekognition's
0-100 similarity (:mod:`~finpics_desktop.backends.local.similarity`). The user vectors of
``SearchUsers`` are in :mod:`~finpics_desktop.backends.local.users`."""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np

from finpics_desktop.backends.local import face_sidecar, people_located, photo_ids
from finpics_desktop.backends.local.db import Database
from finpics_desktop.backends.local.engine import (
    MIRROR_VERSION,
    MODEL_VERSION,
    SINGLE_VERSION,
    DetectedFace,
    FaceEngine,
)
from finpics_desktop.backends.local.face_matrix import (
    Faces,
    Group,
    all_records,
    load,
    read_records,
)
from finpics_desktop.backends.local.similarity import (  # noqa: F401 - re-exported
    DLIB_VERSION,
    SFACE_CUT,
    alike_rows,
    best_of,
    block_scores,
    dlib_similarity,
    scores,
    sface_hits,
    sface_similarity,
    similar_pairs,
)
from finpics_desktop.backends.local.users import UserVectors
from finpics_desktop.domain.boxes import match_boxes
from finpics_desktop.domain.errors import NotFound

SFACE_VERSIONS = (MIRROR_VERSION, SINGLE_VERSION)  # scored by their cosine (similarity.py)
BLOCK = 1024  # faces searched at once by ``search_faces_many`` (a BLOCK x faces matrix)
PAGE = 200  # faces whose records are read at once while listing some
KEEP_FROM = 50.0  # re-indexing: a new face on an old face's box keeps its id if this alike


@dataclass(frozen=True)
class _Snapshot:
    """The faces and the users as of the collection's ``generation``. Replaced whole, never
    changed: a reader keeps the one it started with."""

    generation: int
    faces: Faces
    user_of: dict[str, str]  # face id -> the user it is associated with
    members: dict[str, tuple[str, ...]]  # user -> their faces
    users: frozenset[str]
    made_at: tuple[int, int, int] | None = None  # the faces' stamp (face_sidecar.stamp)
    faces_version: int = 0  # one more each time the faces or their vectors differ
    user_vectors: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)  # lazily:
    #                                                 user -> their vector for each engine

    @property
    def groups(self) -> dict[str, Group]:
        return self.faces.groups

    def with_users(self, generation: int, associated: dict[str, str | None],
                   users: dict[str, bool]) -> _Snapshot:
        """This snapshot after a write of users (``users``: made True, deleted False) and of
        associations (``associated``: face -> its user now, or None): the faces shared, the
        user vectors of the users not touched kept."""
        user_of, members = dict(self.user_of), dict(self.members)
        touched = set(users)
        for user, made in users.items():
            if not made:
                for face_id in members.pop(user, ()):
                    user_of.pop(face_id, None)
        for face_id, user in associated.items():
            before = user_of.pop(face_id, None)
            if before is not None:
                members[before] = tuple(f for f in members.get(before, ()) if f != face_id)
                touched.add(before)
            if user is not None:
                user_of[face_id] = user
                members[user] = (*members.get(user, ()), face_id)
                touched.add(user)
        members = {u: faces for u, faces in members.items() if faces}
        kept = {u: v for u, v in self.user_vectors.items() if u not in touched}
        return _Snapshot(generation, self.faces, user_of, members,
                         (self.users | {u for u, made in users.items() if made})
                         - {u for u, made in users.items() if not made},
                         self.made_at, self.faces_version, kept)


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

    def _bump(self, db) -> int:
        """One more to the collection's generation (every write does it); the one before."""
        db.execute("INSERT OR IGNORE INTO collections VALUES (?, 0)", (self.collection,))
        (before,) = db.execute("SELECT generation FROM collections WHERE name = ?",
                               (self.collection,)).fetchone()
        db.execute("UPDATE collections SET generation = generation + 1 WHERE name = ?",
                   (self.collection,))
        return before

    def _bump_faces(self, db) -> None:
        """A write of faces or vectors: the generation, and the count of face writes (what a
        copy of the matrices is checked against, :mod:`face_sidecar`)."""
        self._bump(db)
        db.execute("INSERT OR IGNORE INTO face_writes VALUES (?, 0)", (self.collection,))
        db.execute("UPDATE face_writes SET generation = generation + 1 WHERE collection = ?",
                   (self.collection,))

    def _users_written(self, before: int, associated: dict[str, str | None],
                       users: dict[str, bool] | None = None) -> None:
        """After this index's own write of users or associations, committed at generation
        ``before`` + 1: the snapshot it was made on is brought up to date in place (nothing
        reloaded) if it is of generation ``before`` -- if anyone else wrote meanwhile, the next
        read loads what changed."""
        with self._cache_lock:
            snap = self._cache
            if snap is not None and snap.generation == before:
                self._cache = snap.with_users(before + 1, associated, users or {})

    def _generation(self) -> int:
        rows = self.db.query("SELECT generation FROM collections WHERE name = ?",
                             (self.collection,))
        return rows[0][0] if rows else 0

    def prepare(self) -> None:
        """Load the face vectors now, and the people's user vectors (a library's first search,
        or a person's first proposals, would otherwise)."""
        self._user_vectors(self._matrix())

    def _matrix(self) -> _Snapshot:
        """Every face of the collection and their vectors by engine, with the users and their
        faces, as of now: a change by another writer (process) is read again -- only the users
        if the faces are as they were -- and this index's own changes of users are made to the
        snapshot in place (:meth:`_users_written`)."""
        with self._cache_lock, self.db.reading():
            generation = self._generation()
            last = self._cache
            if last is not None and last.generation == generation:
                return last
            made_at = face_sidecar.stamp(self.db, self.collection)
            if last is not None and made_at is not None and last.made_at == made_at:
                faces = last.faces  # only users changed: the faces are kept
            else:
                faces = self._load_faces(made_at)
            user_of, users = self._load_users()
            members: dict[str, tuple[str, ...]] = {}
            for face_id, user in user_of.items():
                members[user] = (*members.get(user, ()), face_id)
            version = (0 if last is None else last.faces_version if
                       last.faces.digest == faces.digest else last.faces_version + 1)
            self._cache = _Snapshot(generation, faces, user_of, members, users, made_at, version,
                                    dict(last.user_vectors) if last is not None
                                    and faces is last.faces and last.user_of == user_of else {})
            return self._cache

    def _load_faces(self, made_at: tuple[int, int, int] | None) -> Faces:
        """The faces from the copy beside the database if it is of ``made_at``, else from the
        database (and a copy written for the next time, if the library is large)."""
        path = face_sidecar.path_of(self.db, self.collection)
        large = made_at is not None and made_at[1] >= face_sidecar.FROM
        faces = face_sidecar.read(path, made_at) if large else None
        if faces is None:
            faces = load(self.db, self.collection)
            if large and not self.db.read_only:
                face_sidecar.write_later(path, made_at, faces)
        return faces

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
        self._bump_faces(db)

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
        found = snap.faces.find(face_id)
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

    def _hits(self, similarity: np.ndarray, own: int, threshold: float,
              max_faces: int) -> tuple[np.ndarray, np.ndarray]:
        """The rows at least ``threshold`` alike, best first (at most ``max_faces``), and their
        similarities; never the searched face itself."""
        similarity[own] = -1.0
        hits = np.flatnonzero(similarity >= threshold)
        if len(hits) > max_faces:  # the best max_faces of many, without sorting them all
            hits = hits[np.argpartition(-similarity[hits], max_faces - 1)[:max_faces]]
        hits = hits[np.argsort(-similarity[hits], kind="stable")]
        return hits, np.round(similarity[hits], 4)

    def _listed(self, snap: _Snapshot, found: list[tuple[str, str]]) -> list[dict]:
        """The faces (id, engine version) as ListFaces and SearchFaces give them, their records
        read from the database in one go (a face removed meanwhile is left out)."""
        records = read_records(self.db, self.collection, [f for f, _ in found])
        return [{**face_record(records[f], snap.user_of.get(f)),
                 "IndexFacesModelVersion": version}  # as Rekognition's Face has it
                for f, version in found if f in records]

    def _matches(self, snap: _Snapshot, searched: dict[str, tuple[Group, np.ndarray, np.ndarray]]
                 ) -> dict[str, list[dict]]:
        """Each searched face's (its group, hit rows, similarities) as SearchFaces answers."""
        wanted = {}
        for group, rows, _ in searched.values():
            wanted.update(zip(group.id_list(rows), [group.version] * len(rows), strict=True))
        listed = {f["FaceId"]: f for f in self._listed(snap, list(wanted.items()))}
        found = {}
        for face_id, (group, rows, values) in searched.items():
            found[face_id] = [{"Similarity": value, "Face": dict(listed[f])}
                              for f, value in zip(group.id_list(rows), values.tolist(),
                                                  strict=True) if f in listed]
        return found

    def search_faces(self, face_id: str, threshold: float, max_faces: int) -> list[dict]:
        snap = self._matrix()
        found = snap.faces.find(face_id)
        if found is None:
            raise NotFound(f"face {face_id} is not in collection {self.collection!r}")
        version, index = found
        group = snap.groups[version]
        if version in SFACE_VERSIONS:  # (only the rows near the threshold scored)
            hits, values = _best(*sface_hits(group.vectors, group.norms, group.vectors[index],
                                             threshold), index, max_faces)
        else:
            similarity = scores(version, group.vectors, group.norms, group.vectors[index])
            hits, values = self._hits(similarity, index, threshold, max_faces)
        return self._matches(snap, {face_id: (group, hits, values)})[face_id]

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
                found.update(self._matches(snap, {
                    face_id: (group, *self._hits(matrix[n], index, threshold, max_faces))
                    for n, (face_id, index) in enumerate(block)}))
        return found

    def similar_many(self, face_ids: Sequence[str], threshold: float,
                     max_faces: int) -> dict[str, dict[str, float]]:
        """:meth:`search_faces_many` as ``{face: {alike face: similarity}}``, without the
        faces' records (grouping thousands of faces needs only who is alike to whom)."""
        found: dict[str, dict[str, float]] = {}
        for group, block, alike in self._alike(face_ids, threshold, max_faces):
            for (face_id, _), (mine, values) in zip(block, alike, strict=True):
                found[face_id] = dict(zip(group.id_list(mine), values.tolist(), strict=True))
        return found

    def similar_best(self, face_ids: Sequence[str], threshold: float,
                     max_faces: int) -> dict[str, float]:
        """:meth:`similar_many`'s answers as one: each face alike to any of ``face_ids``, at
        its best similarity -- the union made in arrays, each face's id read once (a person's
        candidates: 24 searches of 4,096 faces each)."""
        found: dict[str, float] = {}
        for group, _, alike in self._alike(face_ids, threshold, max_faces):
            rows, values = best_of(alike, len(group))
            united = dict(zip(group.id_list(rows), values.tolist(), strict=True))
            found = united if not found else {  # (faces of several engines: rare)
                f: max(found.get(f, 0.0), united.get(f, 0.0)) for f in found.keys() | united}
        return found

    def _alike(self, face_ids: Sequence[str], threshold: float, max_faces: int):
        """Each block of the known ``face_ids`` of one engine: its group, the block (face id,
        row) and :func:`alike_rows` of it -- one matrix product a block."""
        snap = self._matrix()
        for version, wanted in _by_version(snap, face_ids).items():
            group = snap.groups[version]
            for start in range(0, len(wanted), BLOCK):
                block = wanted[start:start + BLOCK]
                rows = np.array([index for _, index in block])
                yield group, block, alike_rows(version, group.vectors, group.norms, rows,
                                               threshold, max_faces)

    def delete_faces(self, face_ids: list[str]) -> None:
        if not face_ids:
            return
        with self.db.transaction() as db:
            db.executemany("DELETE FROM faces WHERE face_id = ? AND collection = ?",
                           [(f, self.collection) for f in face_ids])
            db.executemany("DELETE FROM user_faces WHERE face_id = ? AND collection = ?",
                           [(f, self.collection) for f in face_ids])
            self._bump_faces(db)

    def list_faces(self, user_id: str | None = None,
                   face_ids: Sequence[str] | None = None) -> Iterator[dict]:
        """ListFaces: every face of the collection, or those associated with ``user_id``, or
        those of ``face_ids``; each with its ``UserId`` once associated. Their records are read
        a page at a time as they are listed (none is kept)."""
        snap = self._matrix()
        if face_ids is None and user_id is None:
            for version in snap.groups:
                for face_id, face in all_records(self.db, self.collection, version):
                    yield {**face_record(face, snap.user_of.get(face_id)),
                           "IndexFacesModelVersion": version}
            return
        if face_ids is None:
            found = snap.faces.find_many(snap.members.get(user_id, ()))
            found.sort(key=lambda f: (snap.faces.versions.index(f[1]), f[2]))  # as written
        else:
            found = snap.faces.find_many(dict.fromkeys(face_ids))
        if user_id is not None:
            found = [f for f in found if snap.user_of.get(f[0]) == user_id]
        for start in range(0, len(found), PAGE):
            yield from self._listed(snap, [(f, version) for f, version, _ in
                                           found[start:start + PAGE]])

    def named_in_album(self) -> list[tuple] | None:
        """Every named face (the private store's ``face`` records) of this index that is in a
        photo of the album, with where: ``(FaceId, ImageId, photo path, person, similarity,
        at)``, by FaceId -- one join on keys of tables SQLite keeps (:mod:`photo_ids`); None
        on a read-only library of an older version without them."""
        return photo_ids.named_located(self.db, self.collection)

    def people_in_album(self) -> list[tuple] | None:
        """Each person with named faces of this index in photos of the album: ``(person,
        faces, photos, cover FaceId, its ImageId, its photo)`` from the rows SQLite keeps
        (:mod:`people_located`); None on a read-only library of an older version."""
        return people_located.people(self.db, self.collection)

    def named_photos_of(self, person: str, photos: Sequence[str]) -> set[str] | None:
        """Those of ``photos`` where ``person`` has a named face of this index (None: as
        :meth:`people_in_album`)."""
        return people_located.photos_of(self.db, self.collection, person, photos)

    def named_ids(self) -> set[str] | None:
        """Every named face's id (the private store's ``face`` records), read from the table
        SQLite keeps of them (:mod:`photo_ids`), no record parsed; None on a read-only library
        of an older version without it."""
        return photo_ids.named_ids(self.db)

    def image_ids_of(self, face_ids: Sequence[str]) -> dict[str, str]:
        """The ImageId of each of these faces that is indexed, their records not read."""
        found: dict[str, str] = {}
        wanted = list(dict.fromkeys(face_ids))
        for start in range(0, len(wanted), 500):
            chunk = wanted[start:start + 500]
            found.update(self.db.query(
                f"SELECT face_id, image_id FROM faces WHERE face_id IN "  # noqa: S608
                f"({','.join('?' * len(chunk))}) AND +collection = ?", (*chunk, self.collection)))
        return found

    def list_face_ids(self) -> Iterator[tuple[str, str, str, str | None]]:
        """Every face's (FaceId, ImageId, ExternalImageId, UserId), its record not read."""
        yield from self.db.query(  # (no vector is read)
            "SELECT f.face_id, f.image_id, f.external_image_id, u.user_id FROM faces AS f "
            "LEFT JOIN user_faces AS u ON u.face_id = f.face_id AND u.collection = f.collection "
            "WHERE f.collection = ? ORDER BY f.rowid", (self.collection,))

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


def _best(rows: np.ndarray, similarity: np.ndarray, own: int,
          max_faces: int) -> tuple[np.ndarray, np.ndarray]:
    """:meth:`LocalFaceIndex._hits` of the rows at or above the threshold (ascending) and
    their similarities: the same rows, in the same order, with the same values."""
    mine = rows != own
    rows, similarity = rows[mine], similarity[mine]
    if len(rows) > max_faces:
        best = np.argpartition(-similarity, max_faces - 1)[:max_faces]
        rows, similarity = rows[best], similarity[best]
    order = np.argsort(-similarity, kind="stable")
    return rows[order], np.round(similarity[order], 4)


def _by_version(snap: _Snapshot, face_ids: Sequence[str]) -> dict[str, list[tuple[str, int]]]:
    """The known faces of ``face_ids`` by the engine version that indexed them, each with its
    row in that version's matrix (the unknown ones are left out)."""
    by_version: dict[str, list[tuple[str, int]]] = {}
    for face_id, version, row in snap.faces.find_many(face_ids):
        by_version.setdefault(version, []).append((face_id, row))
    return by_version
