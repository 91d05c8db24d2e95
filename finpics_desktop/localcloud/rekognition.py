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
from finpics_desktop.domain.errors import FinpicsError, NotFound

DEFAULT_MAX_RESULTS = 1000


class RekognitionError(Exception):
    def __init__(self, code: str, message: str, status: int = 400):
        super().__init__(message)
        self.code = code
        self.status = status


class LocalRekognition:
    """``call(operation, request) -> response``; ``read_object(bucket, key) -> bytes`` reads
    ``Image.S3Object`` from the local S3."""

    def __init__(self, folder: Path, read_object: Callable[[str, str], bytes | None],
                 engine: FaceEngine | None = None):
        folder.mkdir(parents=True, exist_ok=True)
        self.db = Database(folder / "rekognition.sqlite3")
        self.read_object = read_object
        self.engine = engine or FaceEngine()
        self._indexes: dict[str, LocalFaceIndex] = {}
        self._lock = threading.Lock()

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
            db.execute("DELETE FROM faces WHERE collection = ?", (collection,))
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
        index = self._index(request)
        wanted = list(request.get("FaceIds") or [])
        present = {r[0] for r in self.db.query(
            "SELECT face_id FROM faces WHERE collection = ?", (index.collection,))}
        deleted = [f for f in wanted if f in present]
        index.delete_faces(deleted)
        return {"DeletedFaces": deleted}

    def op_ListFaces(self, request: dict) -> dict:
        index = self._index(request)
        start = int(request.get("NextToken") or 0)
        size = int(request.get("MaxResults") or DEFAULT_MAX_RESULTS)
        faces = []
        for n, face in enumerate(index.list_faces()):
            if n >= start + size + 1:
                break
            if n >= start:
                faces.append(face)
        response = {"Faces": faces[:size], "FaceModelVersion": self.engine.model_version}
        if len(faces) > size:
            response["NextToken"] = str(start + size)
        return response
