"""Rekognition's user vectors on the local face index: ``CreateUser``, ``AssociateFaces``,
``SearchUsers``... A user's vector, for each engine its faces come from, is the mean of those
faces' vectors (:func:`~finpics_desktop.backends.local.similarity.user_vector`); a face is
compared only with user vectors of its own engine. Associations live in SQLite beside the faces
and change the collection's generation, so every snapshot sees faces and users together."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from finpics_desktop.backends.local.similarity import user_scores, user_vector
from finpics_desktop.domain.errors import LimitReached, NotFound

USER_FACES = 100  # Rekognition's most faces associated with one user
ASSOCIATE_THRESHOLD = 75.0  # AssociateFaces' default UserMatchThreshold
SEARCH_THRESHOLD = 80.0  # SearchUsers' default UserMatchThreshold


class UserVectors:
    """Mixed into :class:`~finpics_desktop.backends.local.faces.LocalFaceIndex` (``db``,
    ``collection``, ``_matrix()``, ``_bump()`` and ``_users_written()`` are its)."""

    def _load_users(self) -> tuple[dict[str, str], frozenset[str]]:
        if not self.db.query("SELECT 1 FROM sqlite_master WHERE name = 'user_faces'"):
            return {}, frozenset()  # a read-only library of an older version: no users
        user_of = dict(self.db.query(
            "SELECT face_id, user_id FROM user_faces WHERE collection = ?", (self.collection,)))
        users = frozenset(r[0] for r in self.db.query(
            "SELECT user_id FROM users WHERE collection = ?", (self.collection,)))
        return user_of, users

    def _user_vectors(self, snap) -> dict[str, tuple[list[str], np.ndarray, np.ndarray]]:
        """For each engine: the users with faces of it, their vectors and the vectors' norms.
        A user's vector is made once a snapshot, and kept in the next one if their faces did
        not change (naming a face remakes only that person's)."""
        cached = getattr(self, "_users_cache", None)
        if cached is not None and cached[0] is snap:
            return cached[1]
        found: dict[str, tuple[list[str], list[np.ndarray]]] = {}
        for user in sorted(snap.members):
            mine = snap.user_vectors.get(user)
            if mine is None:  # (made for the users whose faces changed only)
                rows: dict[str, list[int]] = {}
                for _, version, row in snap.faces.find_many(snap.members[user]):
                    rows.setdefault(version, []).append(row)
                mine = snap.user_vectors[user] = {
                    version: user_vector(version, snap.groups[version].vectors[rows[version]])
                    for version in sorted(rows)}
            for version, vector in mine.items():
                found.setdefault(version, ([], []))
                found[version][0].append(user)
                found[version][1].append(vector)
        result = {v: (users, np.stack(vectors), np.linalg.norm(np.stack(vectors), axis=1))
                  for v, (users, vectors) in sorted(found.items())}
        self._users_cache = (snap, result)
        return result

    def _user_faces(self, snap, user_id: str) -> list[str]:
        if user_id not in snap.users:
            raise NotFound(f"user {user_id} is not in collection {self.collection!r}")
        return list(snap.members.get(user_id, ()))

    # -- users -----------------------------------------------------------------------------------
    def create_user(self, user_id: str) -> bool:
        """CreateUser; False (and nothing done) if it exists already."""
        with self.db.transaction() as db:
            created = db.execute("INSERT OR IGNORE INTO users VALUES (?, ?)",
                                 (self.collection, user_id)).rowcount == 1
            before = self._bump(db) if created else None
        if before is not None:
            self._users_written(before, {}, {user_id: True})
        return created

    def delete_user(self, user_id: str) -> bool:
        """DeleteUser (its faces are disassociated first); False if there is no such user."""
        with self.db.transaction() as db:
            deleted = db.execute("DELETE FROM users WHERE collection = ? AND user_id = ?",
                                 (self.collection, user_id)).rowcount == 1
            db.execute("DELETE FROM user_faces WHERE collection = ? AND user_id = ?",
                       (self.collection, user_id))
            before = self._bump(db)
        self._users_written(before, {}, {user_id: False})
        return deleted

    def list_users(self) -> list[dict]:
        """ListUsers: ``{UserId, UserStatus}`` in id order (ACTIVE with faces, else CREATED)."""
        snap = self._matrix()
        busy = set(snap.user_of.values())
        return [{"UserId": u, "UserStatus": "ACTIVE" if u in busy else "CREATED"}
                for u in sorted(snap.users)]

    def associate_faces(self, user_id: str, face_ids: Sequence[str],
                        threshold: float = ASSOCIATE_THRESHOLD) -> tuple[list[str], list[dict]]:
        """AssociateFaces: the faces associated now, and those that were not (``{FaceId,
        Reasons}``: FACE_NOT_FOUND, ASSOCIATED_TO_A_DIFFERENT_USER, LOW_MATCH_CONFIDENCE: less
        alike than ``threshold`` to the user's vector, once it has one). A face already with
        this user is left out of both. :class:`LimitReached` past :data:`USER_FACES`. The
        likeness is judged on a snapshot; who owns a face, and the limit, in the write."""
        snap = self._matrix()
        self._user_faces(snap, user_id)
        vectors = self._user_vectors(snap)
        done, failed = [], []
        for face_id in dict.fromkeys(face_ids):
            if refused := _refusal(snap, face_id, user_id):
                failed.append(refused)
            elif snap.user_of.get(face_id) == user_id:
                continue
            else:
                similarity = self._similarity_to(snap, vectors, face_id, user_id)
                if similarity is not None and similarity < threshold:
                    failed.append({"FaceId": face_id, "UserId": user_id,
                                   "Confidence": round(similarity, 4),
                                   "Reasons": ["LOW_MATCH_CONFIDENCE"]})
                else:
                    done.append(face_id)
        if done:
            with self.db.transaction() as db:
                done, before = self._associate(db, user_id, done, failed)
            if before is not None:
                self._users_written(before, dict.fromkeys(done, user_id))
        return done, failed

    def _associate(self, db, user_id: str, candidates: list[str],
                   failed: list[dict]) -> tuple[list[str], int | None]:
        """In the write: associates what no other writer took meanwhile (to ``failed``
        otherwise); the faces associated, and the generation before (None: nothing written).
        LimitReached (nothing written) past the limit."""
        if not db.execute("SELECT 1 FROM users WHERE collection = ? AND user_id = ?",
                          (self.collection, user_id)).fetchone():
            raise NotFound(f"user {user_id} is not in collection {self.collection!r}")
        done = []
        for face_id in candidates:
            if not db.execute("SELECT 1 FROM faces WHERE face_id = ? AND collection = ?",
                              (face_id, self.collection)).fetchone():
                failed.append({"FaceId": face_id, "UserId": user_id,
                               "Reasons": ["FACE_NOT_FOUND"]})
            elif db.execute("INSERT OR IGNORE INTO user_faces VALUES (?, ?, ?)",
                            (face_id, self.collection, user_id)).rowcount == 1:
                done.append(face_id)
            else:
                (owner,) = db.execute("SELECT user_id FROM user_faces WHERE face_id = ?",
                                      (face_id,)).fetchone()
                if owner != user_id:
                    failed.append({"FaceId": face_id, "UserId": owner,
                                   "Reasons": ["ASSOCIATED_TO_A_DIFFERENT_USER"]})
        (count,) = db.execute("SELECT COUNT(*) FROM user_faces WHERE collection = ? AND "
                              "user_id = ?", (self.collection, user_id)).fetchone()
        if count > USER_FACES:
            raise LimitReached(f"user {user_id} would have more than {USER_FACES} faces "
                               f"(it has {count - len(done)})")
        return done, (self._bump(db) if done else None)

    def disassociate_faces(self, user_id: str,
                           face_ids: Sequence[str]) -> tuple[list[str], list[dict]]:
        """DisassociateFaces: the faces taken from the user, and those that were not
        (FACE_NOT_FOUND, ASSOCIATED_TO_A_DIFFERENT_USER); a face of no user is left out."""
        snap = self._matrix()
        self._user_faces(snap, user_id)
        done, failed = [], []
        for face_id in dict.fromkeys(face_ids):
            if refused := _refusal(snap, face_id, user_id):
                failed.append(refused)
            elif snap.user_of.get(face_id) == user_id:
                done.append(face_id)
        if done:
            with self.db.transaction() as db:
                db.executemany("DELETE FROM user_faces WHERE face_id = ? AND collection = ?",
                               [(f, self.collection) for f in done])
                before = self._bump(db)
            self._users_written(before, dict.fromkeys(done))
        return done, failed

    def _similarity_to(self, snap, vectors, face_id: str, user_id: str) -> float | None:
        version, row = snap.faces.find(face_id)
        users, matrix, norms = vectors.get(version, ([], None, None))
        if user_id not in users:
            return None  # no faces of this engine yet: nothing to compare with
        group = snap.groups[version]
        at = users.index(user_id)
        return float(user_scores(version, matrix[at:at + 1], norms[at:at + 1],
                                 group.vectors[row])[0])

    def search_users(self, face_id: str | None = None, user_id: str | None = None,
                     threshold: float = SEARCH_THRESHOLD, max_users: int = 500) -> list[dict]:
        """SearchUsers from a face (its vector against every user vector of its engine) or from
        a user (its vectors against the others', best engine in common): ``UserMatches``
        ``{Similarity, User: {UserId, UserStatus}}``, best first, at least ``threshold``."""
        snap = self._matrix()
        vectors = self._user_vectors(snap)
        if face_id is not None:
            found = snap.faces.find(face_id)
            if found is None:
                raise NotFound(f"face {face_id} is not in collection {self.collection!r}")
            version, row = found
            queries = [(version, snap.groups[version].vectors[row], None)]
        else:
            self._user_faces(snap, user_id)
            queries = [(v, matrix[users.index(user_id)], user_id)
                       for v, (users, matrix, _) in vectors.items() if user_id in users]
        return _user_matches(vectors, queries, threshold, max_users)

    def search_users_many(self, face_ids: Sequence[str], threshold: float = SEARCH_THRESHOLD,
                          max_users: int = 500) -> dict[str, list[dict]]:
        """:meth:`search_users` from each of these faces (those not in the collection left
        out), against one snapshot of the user vectors (made once, not once a face)."""
        snap = self._matrix()
        vectors = self._user_vectors(snap)
        found = {}
        for face_id in dict.fromkeys(face_ids):
            where = snap.faces.find(face_id)
            if where is not None:
                version, row = where
                found[face_id] = _user_matches(
                    vectors, [(version, snap.groups[version].vectors[row], None)], threshold,
                    max_users)
        return found


def _user_matches(vectors: dict, queries: list[tuple], threshold: float,
                  max_users: int) -> list[dict]:
    """SearchUsers' answer for ``queries`` (engine version, vector, the user it is of or
    None) against the user vectors of each engine (``vectors``)."""
    best: dict[str, float] = {}
    for version, query, own in queries:
        users, matrix, norms = vectors.get(version, ([], None, None))
        if not users:
            continue
        found = user_scores(version, matrix, norms, query).astype(np.float64)
        hits = np.flatnonzero(found >= threshold)  # (no other one can match)
        if len(hits) > max_users + 1:  # only those that can be among the best (ties kept;
            #                             one more: the query's own user is left out)
            cut = np.partition(found[hits], len(hits) - max_users - 1)[len(hits) - max_users - 1]
            hits = hits[found[hits] >= cut]
        for at in hits.tolist():
            if users[at] != own:
                best[users[at]] = max(best.get(users[at], 0.0), float(found[at]))
    matches = sorted(((s, u) for u, s in best.items() if s >= threshold),
                     key=lambda m: (-m[0], m[1]))[:max_users]
    return [{"Similarity": round(s, 4), "User": {"UserId": u, "UserStatus": "ACTIVE"}}
            for s, u in matches]


def _refusal(snap, face_id: str, user_id: str) -> dict | None:
    """Why a face cannot be associated with or taken from ``user_id``, as AssociateFaces and
    DisassociateFaces answer it (FACE_NOT_FOUND, ASSOCIATED_TO_A_DIFFERENT_USER); None if
    neither holds."""
    other = snap.user_of.get(face_id)
    if face_id not in snap.faces:
        return {"FaceId": face_id, "UserId": user_id, "Reasons": ["FACE_NOT_FOUND"]}
    if other is not None and other != user_id:
        return {"FaceId": face_id, "UserId": other, "Reasons": ["ASSOCIATED_TO_A_DIFFERENT_USER"]}
    return None
