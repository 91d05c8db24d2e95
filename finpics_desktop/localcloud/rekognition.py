"""Rekognition's face-collection calls (JSON 1.1, ``X-Amz-Target: RekognitionService.*``)
answered by the local face engine and the local library's face index."""

from __future__ import annotations

import base64
import threading
from collections.abc import Callable
from pathlib import Path

from finpics_desktop.backends.local.db import Database
from finpics_desktop.backends.local.engine import FaceEngine
from finpics_desktop.backends.local.faces import LocalFaceIndex
from finpics_desktop.domain.errors import FinpicsError, LimitReached, NotFound
from finpics_desktop.localcloud.throttle import MESSAGE, THROTTLED, Throttle

DEFAULT_MAX_RESULTS = 1000


class RekognitionError(Exception):
    def __init__(self, code: str, message: str, status: int = 400):
        super().__init__(message)
        self.code = code
        self.status = status


class LocalRekognition:
    """``call(operation, request) -> response``; ``read_object(bucket, key) -> bytes`` reads
    ``Image.S3Object`` from the local S3. ``tps``: each operation's calls a second, as
    Rekognition limits them (:class:`~finpics_desktop.localcloud.throttle.Throttle`; None: no
    limit)."""

    def __init__(self, folder: Path, read_object: Callable[[str, str], bytes | None],
                 engine: FaceEngine | None = None, tps: float | None = None):
        folder.mkdir(parents=True, exist_ok=True)
        self.db = Database(folder / "rekognition.sqlite3")
        self.read_object = read_object
        self.engine = engine or FaceEngine()
        self._indexes: dict[str, LocalFaceIndex] = {}
        self._lock = threading.Lock()
        self.throttle = Throttle(tps)

    def close(self) -> None:
        self.db.close()

    # -- collections -----------------------------------------------------------------------
    def _exists(self, collection: str) -> bool:
        return bool(self.db.query("SELECT 1 FROM collections WHERE name = ?", (collection,)))

    def _index(self, request: dict) -> LocalFaceIndex:
        collection = request.get("CollectionId")
        if not collection:
            raise RekognitionError("InvalidParameterException", "CollectionId is required")
        if not self._exists(collection):
            raise RekognitionError("ResourceNotFoundException",
                                   f"The collection id: {collection} does not exist")
        with self._lock:
            index = self._indexes.get(collection)
            if index is None:
                index = self._indexes[collection] = LocalFaceIndex(
                    self.db, collection, self.engine)
            return index

    def call(self, operation: str, request: dict) -> dict:
        method = getattr(self, f"op_{operation}", None)
        if method is None:
            raise RekognitionError("InvalidAction",
                                   f"{operation} is not supported by the local stack")
        if not self.throttle.admit(operation):
            raise RekognitionError(THROTTLED, MESSAGE, 400)
        return method(request)

    def op_CreateCollection(self, request: dict) -> dict:
        collection = request.get("CollectionId") or ""
        if self._exists(collection):
            raise RekognitionError("ResourceAlreadyExistsException",
                                   f"The collection id: {collection} already exists")
        with self.db.transaction() as db:
            db.execute("INSERT OR IGNORE INTO collections VALUES (?, 0)", (collection,))
        return {"StatusCode": 200, "FaceModelVersion": self.engine.model_version,
                "CollectionArn": f"aws:rekognition:local:collection/{collection}"}

    def op_DeleteCollection(self, request: dict) -> dict:
        self._index(request)
        collection = request["CollectionId"]
        with self.db.transaction() as db:
            for table in ("faces", "user_faces", "users"):
                db.execute(f"DELETE FROM {table} WHERE collection = ?", (collection,))  # noqa: S608
            db.execute("DELETE FROM collections WHERE name = ?", (collection,))
        with self._lock:
            self._indexes.pop(collection, None)
        return {"StatusCode": 200}

    def op_ListCollections(self, request: dict) -> dict:
        names = [r[0] for r in self.db.query("SELECT name FROM collections ORDER BY name")]
        return {"CollectionIds": names,
                "FaceModelVersions": [self.engine.model_version] * len(names)}

    def op_DescribeCollection(self, request: dict) -> dict:
        index = self._index(request)
        count = self.db.query("SELECT COUNT(*) FROM faces WHERE collection = ?",
                              (index.collection,))[0][0]
        return {"FaceCount": count, "FaceModelVersion": self.engine.model_version,
                "CollectionARN": f"aws:rekognition:local:collection/{index.collection}"}

    # -- faces -----------------------------------------------------------------------------
    def op_IndexFaces(self, request: dict) -> dict:
        index = self._index(request)
        image = request.get("Image") or {}
        if "Bytes" in image:
            data, name = base64.b64decode(image["Bytes"]), "image"
        elif "S3Object" in image:
            s3 = image["S3Object"]
            data, name = self.read_object(s3.get("Bucket", ""), s3.get("Name", "")), s3.get(
                "Name", "")
            if data is None:
                raise RekognitionError(
                    "InvalidS3ObjectException",
                    f"Unable to get object metadata from S3. Check object key, region and/or "
                    f"access permissions. ({s3.get('Bucket')}/{s3.get('Name')})")
        else:
            raise RekognitionError("InvalidParameterException", "Image is required")
        try:
            response = index.index_faces(image.get("S3Object", {}).get("Bucket", ""), name, data,
                                         request.get("ExternalImageId", ""))
        except FinpicsError as e:
            raise RekognitionError("InvalidImageFormatException", str(e)) from e
        max_faces = request.get("MaxFaces")
        if max_faces and len(response["FaceRecords"]) > max_faces:
            extra = response["FaceRecords"][max_faces:]
            index.delete_faces([r["Face"]["FaceId"] for r in extra])
            response["FaceRecords"] = response["FaceRecords"][:max_faces]
            response["UnindexedFaces"] = [{"Reasons": ["EXCEEDS_MAX_FACES"],
                                           "FaceDetail": r["FaceDetail"]} for r in extra]
        return response

    def op_SearchFaces(self, request: dict) -> dict:
        index = self._index(request)
        face_id = request.get("FaceId") or ""
        try:
            matches = index.search_faces(face_id, float(request.get("FaceMatchThreshold", 80.0)),
                                         int(request.get("MaxFaces", 80)))
        except NotFound as e:
            raise RekognitionError("InvalidParameterException",
                                   f"face id {face_id} was not found in the collection") from e
        return {"SearchedFaceId": face_id, "FaceMatches": matches,
                "FaceModelVersion": self.engine.model_version}

    def op_DeleteFaces(self, request: dict) -> dict:
        """As Rekognition: a face associated with a user is not deleted but reported
        (ASSOCIATED_TO_AN_EXISTING_USER, with its UserId), as is an unknown one."""
        index = self._index(request)
        wanted = list(dict.fromkeys(request.get("FaceIds") or []))
        present = {r[0] for r in self.db.query(
            "SELECT face_id FROM faces WHERE collection = ?", (index.collection,))}
        user_of = dict(self.db.query(
            "SELECT face_id, user_id FROM user_faces WHERE collection = ?", (index.collection,)))
        deleted = [f for f in wanted if f in present and f not in user_of]
        index.delete_faces(deleted)
        failed = [{"FaceId": f, "UserId": user_of[f],
                   "Reasons": ["ASSOCIATED_TO_AN_EXISTING_USER"]} if f in user_of
                  else {"FaceId": f, "Reasons": ["FACE_NOT_FOUND"]}
                  for f in wanted if f not in present or f in user_of]
        return {"DeletedFaces": deleted, "UnsuccessfulFaceDeletions": failed}

    def op_ListFaces(self, request: dict) -> dict:
        index = self._index(request)
        if request.get("FaceIds") is not None and not 1 <= len(request["FaceIds"]) <= 4096:
            raise RekognitionError("InvalidParameterException", "FaceIds holds 1 to 4096 ids")
        start = int(request.get("NextToken") or 0)
        size = int(request.get("MaxResults") or DEFAULT_MAX_RESULTS)
        faces = []
        for n, face in enumerate(index.list_faces(request.get("UserId"),
                                                  request.get("FaceIds"))):
            if n >= start + size + 1:
                break
            if n >= start:
                faces.append(face)
        response = {"Faces": faces[:size], "FaceModelVersion": self.engine.model_version}
        if len(faces) > size:
            response["NextToken"] = str(start + size)
        return response

    # -- user vectors ----------------------------------------------------------------------
    @staticmethod
    def _user_id(request: dict) -> str:
        user_id = request.get("UserId") or ""
        if not user_id:
            raise RekognitionError("InvalidParameterException", "UserId is required")
        return user_id

    @staticmethod
    def _face_ids(request: dict) -> list[str]:
        face_ids = list(request.get("FaceIds") or [])
        if not 1 <= len(face_ids) <= 100:
            raise RekognitionError("InvalidParameterException", "FaceIds holds 1 to 100 ids")
        return face_ids

    @staticmethod
    def _no_user(user_id: str) -> RekognitionError:
        return RekognitionError("ResourceNotFoundException",
                                f"The user id: {user_id} does not exist")

    def op_CreateUser(self, request: dict) -> dict:
        index, user_id = self._index(request), self._user_id(request)
        if not index.create_user(user_id):
            raise RekognitionError("ConflictException",
                                   f"A user with the id {user_id} already exists")
        return {}

    def op_DeleteUser(self, request: dict) -> dict:
        index, user_id = self._index(request), self._user_id(request)
        if not index.delete_user(user_id):
            raise self._no_user(user_id)
        return {}

    def op_ListUsers(self, request: dict) -> dict:
        users = self._index(request).list_users()
        start = int(request.get("NextToken") or 0)
        size = int(request.get("MaxResults") or 500)
        response = {"Users": users[start:start + size]}
        if len(users) > start + size:
            response["NextToken"] = str(start + size)
        return response

    def op_AssociateFaces(self, request: dict) -> dict:
        index, user_id = self._index(request), self._user_id(request)
        try:
            done, failed = index.associate_faces(user_id, self._face_ids(request), float(
                request.get("UserMatchThreshold", 75.0)))
        except NotFound as e:
            raise self._no_user(user_id) from e
        except LimitReached as e:
            raise RekognitionError("ServiceQuotaExceededException", str(e)) from e
        return {"AssociatedFaces": [{"FaceId": f} for f in done],
                "UnsuccessfulFaceAssociations": failed, "UserStatus": "ACTIVE"}

    def op_DisassociateFaces(self, request: dict) -> dict:
        index, user_id = self._index(request), self._user_id(request)
        try:
            done, failed = index.disassociate_faces(user_id, self._face_ids(request))
        except NotFound as e:
            raise self._no_user(user_id) from e
        return {"DisassociatedFaces": [{"FaceId": f} for f in done],
                "UnsuccessfulFaceDisassociations": failed, "UserStatus": "ACTIVE"}

    def op_SearchUsers(self, request: dict) -> dict:
        index = self._index(request)
        face_id, user_id = request.get("FaceId"), request.get("UserId")
        if bool(face_id) == bool(user_id):
            raise RekognitionError("InvalidParameterException",
                                   "give either FaceId or UserId")
        try:
            matches = index.search_users(face_id, user_id,
                                         float(request.get("UserMatchThreshold", 80.0)),
                                         int(request.get("MaxUsers", 500)))
        except NotFound as e:
            if user_id:
                raise self._no_user(user_id) from e
            raise RekognitionError("InvalidParameterException",
                                   f"face id {face_id} was not found in the collection") from e
        response = {"UserMatches": matches, "FaceModelVersion": self.engine.model_version}
        response["SearchedFace" if face_id else "SearchedUser"] = (
            {"FaceId": face_id} if face_id else {"UserId": user_id})
        return response
