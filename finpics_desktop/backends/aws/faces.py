"""Face index port on a Rekognition collection, and search through the search Lambda."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator, Sequence
from contextlib import suppress

from botocore.exceptions import ClientError

from finpics_desktop.backends.aws.errors import error_code, translate
from finpics_desktop.backends.aws.rate import call_each
from finpics_desktop.backends.aws.session import Clients
from finpics_desktop.domain.batches import Batch
from finpics_desktop.domain.boxes import out_of
from finpics_desktop.domain.errors import (
    LimitReached,
    NoFaceFound,
    NotFound,
    SearchFailed,
)
from finpics_desktop.domain.matches import PhotoMatch, from_payload
from finpics_desktop.pipeline.photos import regions
from finpics_desktop.pipeline.retry import RetryPolicy

log = logging.getLogger(__name__)

DELETE_LIMIT = 4096  # DeleteFaces' maximum number of ids per call
ASSOCIATE_LIMIT = 100  # AssociateFaces' / DisassociateFaces' maximum number of ids per call
LIST_LIMIT = 4096  # ListFaces' maximum number of FaceIds per call
SEARCHES_AT_ONCE = 8  # calls in flight for search_faces_many (paced by the rate)
REGION_FACE = 200  # px: a drawn box is scaled to about this size for IndexFaces (it wants
#                    faces of at least 40 px; an upscaled small face is found where the whole
#                    photo's was not)
RESPONSE_KEYS = ("FaceRecords", "OrientationCorrection", "FaceModelVersion", "UnindexedFaces")


class RekognitionFaceIndex:
    def __init__(self, clients: Clients, collection: str):
        self.clients = clients
        self.collection = collection
        self.retry: RetryPolicy | None = None  # of each call of a batch (None: call_each's)

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
            message = e.response.get("Error", {}).get("Message") or ""
            if error_code(e) == "InvalidParameterException" and "face" in message.lower():
                raise NotFound(f"face {face_id} is not in collection {self.collection!r}") from e
            raise translate(e, f"searching face {face_id} in collection {self.collection}",
                            self.clients.profile) from e
        return response.get("FaceMatches", [])

    def search_faces_many(self, face_ids: Sequence[str], threshold: float,
                          max_faces: int) -> Batch:
        """SearchFaces of each face, several in flight at the rate allowed (``rate.py``), each
        retried on its own; unknown faces are left out, those whose call still failed are in
        the answer's ``failed`` with the reason (the others' matches are kept)."""
        return call_each(lambda face_id: self.search_faces(face_id, threshold, max_faces),
                         face_ids, at_once=SEARCHES_AT_ONCE, retry=self.retry,
                         doing="SearchFaces")

    def index_region(self, bucket: str, key: str, data: bytes, external_image_id: str,
                     box: dict, image_id: str | None = None, face_id: str | None = None) -> dict:
        """IndexFaces on the region around ``box`` (a face drawn by hand where the detector
        found none), cut from the upright original and enlarged; the face found on the box is
        kept (any other found in the margin is deleted) and its box and landmarks are mapped
        back to the whole photo. Rekognition gives the face its own ImageId (``image_id`` and
        ``face_id`` cannot be chosen here)."""
        region = regions.cut_region(data, key.rsplit("/", 1)[-1], box, REGION_FACE)
        with self.clients.errors(f"indexing a face of {key} in collection {self.collection}"):
            response = self.rekognition.index_faces(
                CollectionId=self.collection, Image={"Bytes": regions.jpeg(region.image)},
                ExternalImageId=external_image_id, DetectionAttributes=["DEFAULT"],
                QualityFilter="NONE")
        records = response.get("FaceRecords", [])
        best = regions.best_overlap([r["Face"]["BoundingBox"] for r in records], box,
                                    region.box)
        others = [r["Face"]["FaceId"] for n, r in enumerate(records) if n != best]
        self.delete_faces(others)
        if best is None:
            raise NoFaceFound(regions.NO_FACE)
        record = records[best]
        face_box = regions.rounded(out_of(record["Face"]["BoundingBox"], region.box))
        detail = dict(record.get("FaceDetail") or {})
        detail["BoundingBox"] = face_box
        if "Landmarks" in detail:
            detail["Landmarks"] = regions.landmarks_out_of(detail["Landmarks"], region.box)
        return {"FaceRecords": [{"Face": {**record["Face"], "BoundingBox": face_box},
                                 "FaceDetail": detail}],
                "FaceModelVersion": response.get("FaceModelVersion"), "UnindexedFaces": []}

    def delete_faces(self, face_ids: list[str]) -> None:
        """DeleteFaces. Rekognition refuses to delete a face associated with a user (it answers
        ASSOCIATED_TO_AN_EXISTING_USER): those are taken from their users, then deleted."""
        named: dict[str, list[str]] = {}
        for start in range(0, len(face_ids), DELETE_LIMIT):
            for failed in self._delete(face_ids[start:start + DELETE_LIMIT]):
                if "ASSOCIATED_TO_AN_EXISTING_USER" in failed.get("Reasons", []):
                    named.setdefault(failed["UserId"], []).append(failed["FaceId"])
        for user_id, named_ids in named.items():
            with suppress(NotFound):  # the user was deleted meanwhile, and its faces freed
                self.disassociate_faces(user_id, named_ids)
            for start in range(0, len(named_ids), DELETE_LIMIT):
                self._delete(named_ids[start:start + DELETE_LIMIT])

    def _delete(self, face_ids: list[str]) -> list[dict]:
        """One DeleteFaces call: its ``UnsuccessfulFaceDeletions``."""
        with self.clients.errors(f"deleting faces from collection {self.collection}"):
            return self.rekognition.delete_faces(
                CollectionId=self.collection,
                FaceIds=face_ids).get("UnsuccessfulFaceDeletions", [])

    def list_faces(self, user_id: str | None = None,
                   face_ids: Sequence[str] | None = None) -> Iterator[dict]:
        """ListFaces: every face, or those of ``user_id``, or those of ``face_ids``."""
        if face_ids is not None:
            wanted = list(dict.fromkeys(face_ids))
            chunks = [{"FaceIds": wanted[s:s + LIST_LIMIT]}
                      for s in range(0, len(wanted), LIST_LIMIT)]
        else:
            chunks = [{}]
        extra = {"UserId": user_id} if user_id else {}
        with self.clients.errors(f"listing the faces of collection {self.collection}"):
            for chunk in chunks:
                for page in self.rekognition.get_paginator("list_faces").paginate(
                        CollectionId=self.collection, **chunk, **extra):
                    yield from page.get("Faces", [])

    # -- user vectors ----------------------------------------------------------------------
    def _users_call(self, what: str, call, missing: tuple[str, ...] = (
            "ResourceNotFoundException",), **kwargs) -> dict:
        """A user call; the error codes ``missing`` (an unknown user or face) raise NotFound."""
        try:
            return call(CollectionId=self.collection, **kwargs)
        except ClientError as e:
            code = error_code(e)
            message = e.response["Error"].get("Message") or code
            if code == "ServiceQuotaExceededException":
                raise LimitReached(f"{what}: {message}") from e
            if code in missing:
                raise NotFound(f"{what}: {message}") from e
            raise translate(e, f"{what} in collection {self.collection}",
                            self.clients.profile) from e

    def _user_made(self, call, user_id: str, what: str, absent: str) -> bool:
        """CreateUser / DeleteUser: False when the error code ``absent`` says there was
        nothing to do."""
        try:
            call(CollectionId=self.collection, UserId=user_id)
        except ClientError as e:
            if error_code(e) == absent:
                return False
            raise translate(e, f"{what} user {user_id} in collection {self.collection}",
                            self.clients.profile) from e
        return True

    def create_user(self, user_id: str) -> bool:
        """CreateUser; False if it exists already."""
        return self._user_made(self.rekognition.create_user, user_id, "creating",
                               "ConflictException")

    def delete_user(self, user_id: str) -> bool:
        """DeleteUser; False if there is no such user."""
        return self._user_made(self.rekognition.delete_user, user_id, "deleting",
                               "ResourceNotFoundException")

    def list_users(self) -> list[dict]:
        with self.clients.errors(f"listing the users of collection {self.collection}"):
            return [user for page in self.rekognition.get_paginator("list_users").paginate(
                CollectionId=self.collection) for user in page.get("Users", [])]

    def associate_faces(self, user_id: str, face_ids: Sequence[str],
                        threshold: float = 75.0) -> tuple[list[str], list[dict]]:
        done, failed = [], []
        wanted = list(dict.fromkeys(face_ids))
        for start in range(0, len(wanted), ASSOCIATE_LIMIT):
            response = self._users_call(
                f"associating faces with user {user_id}", self.rekognition.associate_faces,
                UserId=user_id, FaceIds=wanted[start:start + ASSOCIATE_LIMIT],
                UserMatchThreshold=float(threshold))
            done += [f["FaceId"] for f in response.get("AssociatedFaces", [])]
            failed += response.get("UnsuccessfulFaceAssociations", [])
        return done, failed

    def disassociate_faces(self, user_id: str,
                           face_ids: Sequence[str]) -> tuple[list[str], list[dict]]:
        done, failed = [], []
        wanted = list(dict.fromkeys(face_ids))
        for start in range(0, len(wanted), ASSOCIATE_LIMIT):
            response = self._users_call(
                f"taking faces from user {user_id}", self.rekognition.disassociate_faces,
                UserId=user_id, FaceIds=wanted[start:start + ASSOCIATE_LIMIT])
            done += [f["FaceId"] for f in response.get("DisassociatedFaces", [])]
            failed += response.get("UnsuccessfulFaceDisassociations", [])
        return done, failed

    def search_users(self, face_id: str | None = None, user_id: str | None = None,
                     threshold: float = 80.0, max_users: int = 500) -> list[dict]:
        """SearchUsers from a face or from a user: ``UserMatches`` best first."""
        query = {"FaceId": face_id} if face_id is not None else {"UserId": user_id}
        response = self._users_call(
            f"searching the users like {face_id or user_id}", self.rekognition.search_users,
            ("ResourceNotFoundException", "InvalidParameterException"), **query,
            UserMatchThreshold=float(threshold), MaxUsers=int(max_users))
        return response.get("UserMatches", [])


    def search_users_many(self, face_ids: Sequence[str], threshold: float = 80.0,
                          max_users: int = 500) -> Batch:
        """SearchUsers from each face (the API takes one face a call), several in flight at
        the rate allowed, each retried on its own; as :meth:`search_faces_many`."""
        return call_each(lambda face_id: self.search_users(face_id, None, threshold, max_users),
                         face_ids, at_once=SEARCHES_AT_ONCE, retry=self.retry,
                         doing="SearchUsers")


class LambdaSearch:
    """``search(face_id)``: invokes the deployed search function with ``{"faceid": ...,
    "maybe": true}`` (both bands; the public site sends no ``maybe``: the sure ones only) and
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
                Payload=json.dumps({"faceid": face_id, "maybe": True}).encode())
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
