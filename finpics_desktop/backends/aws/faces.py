"""Face index port on a Rekognition collection, and search through the search Lambda."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

from botocore.exceptions import ClientError

from finpics_desktop.backends.aws.errors import error_code, translate
from finpics_desktop.backends.aws.session import Clients
from finpics_desktop.domain.errors import NotFound, SearchFailed
from finpics_desktop.domain.matches import PhotoMatch, from_payload

log = logging.getLogger(__name__)

DELETE_LIMIT = 4096  # DeleteFaces' maximum number of ids per call
RESPONSE_KEYS = ("FaceRecords", "OrientationCorrection", "FaceModelVersion", "UnindexedFaces")


class RekognitionFaceIndex:
    def __init__(self, clients: Clients, collection: str):
        self.clients = clients
        self.collection = collection

    @property
    def rekognition(self):
        return self.clients("rekognition")

    def ensure_collection(self) -> None:
        try:
            self.rekognition.create_collection(CollectionId=self.collection)
            log.info("created Rekognition collection %s", self.collection)
        except ClientError as e:
            if error_code(e) != "ResourceAlreadyExistsException":
                raise translate(e, f"creating face collection {self.collection}",
                                self.clients.profile) from e

    def index_faces(self, bucket: str, key: str, data: bytes, external_image_id: str) -> dict:
        """IndexFaces reading the original from its bucket (up to 15 MB, where inline bytes
        allow 5 MB); ``data`` is not sent."""
        with self.clients.errors(f"indexing the faces of {key} in collection {self.collection}"):
            response = self.rekognition.index_faces(
                CollectionId=self.collection,
                Image={"S3Object": {"Bucket": bucket, "Name": key}},
                ExternalImageId=external_image_id,
                DetectionAttributes=["DEFAULT"],
            )
        return {k: response[k] for k in RESPONSE_KEYS if k in response}

    def search_faces(self, face_id: str, threshold: float, max_faces: int) -> list[dict]:
        try:
            response = self.rekognition.search_faces(
                CollectionId=self.collection, FaceId=face_id,
                FaceMatchThreshold=float(threshold), MaxFaces=int(max_faces))
        except ClientError as e:
            if error_code(e) == "InvalidParameterException" and "face" in str(e).lower():
                raise NotFound(f"face {face_id} is not in collection {self.collection!r}") from e
            raise translate(e, f"searching face {face_id} in collection {self.collection}",
                            self.clients.profile) from e
        return response.get("FaceMatches", [])

    def delete_faces(self, face_ids: list[str]) -> None:
        for start in range(0, len(face_ids), DELETE_LIMIT):
            with self.clients.errors(f"deleting faces from collection {self.collection}"):
                self.rekognition.delete_faces(CollectionId=self.collection,
                                              FaceIds=face_ids[start:start + DELETE_LIMIT])

    def list_faces(self) -> Iterator[dict]:
        with self.clients.errors(f"listing the faces of collection {self.collection}"):
            for page in self.rekognition.get_paginator("list_faces").paginate(
                    CollectionId=self.collection):
                yield from page.get("Faces", [])


class LambdaSearch:
    """``search(face_id)``: invokes the deployed search function with ``{"faceid": ...}`` and
    reads its payload into matches. A 500 payload, a crash of the function (``FunctionError``)
    or an answer that is not the contract's raises :class:`SearchFailed`; an AWS error the
    project's error for it."""

    def __init__(self, clients: Clients, function: str):
        self.clients = clients
        self.function = function

    def __call__(self, face_id: str) -> list[PhotoMatch]:
        with self.clients.errors(f"invoking search function {self.function}"):
            response = self.clients("lambda").invoke(
                FunctionName=self.function, InvocationType="RequestResponse",
                Payload=json.dumps({"faceid": face_id}).encode())
            raw = response["Payload"].read()
        try:
            payload = json.loads(raw or b"null")
        except ValueError:
            raise SearchFailed(f"search function {self.function} returned no JSON") from None
        if response.get("FunctionError"):
            detail = payload.get("errorMessage") if isinstance(payload, dict) else payload
            raise SearchFailed(
                f"search function {self.function} failed ({response['FunctionError']}): {detail}")
        return from_payload(payload, f"search function {self.function}")
