"""The contract's records as typed, immutable views: what everything inside the app reads.

The stored items keep their exact wire shape (the public site reads them, see
:mod:`~finpics_desktop.domain.items`); these views are made from them at the edge -- the ports'
:class:`~finpics_desktop.ports.Records`, the face index's responses -- and keep the raw item or
record they were made from, so that a writer puts it back unchanged (:meth:`PhotoItem.item`).
Only this module, the item builders, the adapters and the Lambda handlers spell the wire keys
(``tests/test_wire_keys.py`` checks it).
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from finpics_desktop.domain.boxes import Box
from finpics_desktop.domain.items import Item
from finpics_desktop.domain.keys import PhotoKey

_BOX = ("Left", "Top", "Width", "Height")


def _box(box: Mapping | None) -> tuple[float, float, float, float]:
    box = box or {}
    return tuple(box.get(k, 0.0) for k in _BOX)  # type: ignore[return-value]


def _as_box(values: tuple[float, float, float, float]) -> Box:
    """In Rekognition's order (Width, Height, Left, Top), as ``--json`` prints boxes."""
    left, top, width, height = values
    return {"Width": width, "Height": height, "Left": left, "Top": top}


@dataclass(frozen=True)
class FaceRecord:
    """One face of a photo: an entry of an IndexFaces response's ``FaceRecords``."""

    face_id: str
    image_id: str
    bounds: tuple[float, float, float, float]  # left, top, width, height: ratios of the photo
    confidence: float | None = None
    external_image_id: str | None = None
    raw: Mapping = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_wire(cls, record: Mapping) -> FaceRecord:
        face = record["Face"]
        confidence = face.get("Confidence")
        return cls(face["FaceId"], face.get("ImageId") or "", _box(face.get("BoundingBox")),
                   float(confidence) if confidence is not None else None,
                   face.get("ExternalImageId"), record)

    @property
    def sharpness(self) -> float | None:
        """Rekognition's ``FaceDetail.Quality.Sharpness`` (0-100), if the engine measured it."""
        detail = self.raw.get("FaceDetail")
        quality = detail.get("Quality") if isinstance(detail, Mapping) else None
        value = quality.get("Sharpness") if isinstance(quality, Mapping) else None
        return float(value) if isinstance(value, int | float | Decimal) else None

    @property
    def landmarks(self) -> list[Mapping]:
        """Rekognition's ``FaceDetail.Landmarks`` ({Type, X, Y}), if the engine gave them."""
        detail = self.raw.get("FaceDetail")
        found = detail.get("Landmarks") if isinstance(detail, Mapping) else None
        return [p for p in found if isinstance(p, Mapping)] if isinstance(found, list) else []

    @property
    def box(self) -> Box:
        """The box as the ports take it (a new dict each time)."""
        return _as_box(self.bounds)

    @property
    def left(self) -> float:
        return self.bounds[0]

    @property
    def top(self) -> float:
        return self.bounds[1]

    @property
    def width(self) -> float:
        return self.bounds[2]

    @property
    def height(self) -> float:
        return self.bounds[3]

    def wire(self) -> Item:
        """The record as stored (a copy)."""
        return copy.deepcopy(dict(self.raw))


def face_records(index_response: Mapping | None) -> tuple[FaceRecord, ...]:
    """The faces of an IndexFaces response (a photo item's ``data``); records without a face
    are left out."""
    return tuple(FaceRecord.from_wire(r) for r in (index_response or {}).get("FaceRecords") or ()
                 if isinstance(r, Mapping) and isinstance(r.get("Face"), Mapping))


def index_response(faces: Iterable[FaceRecord]) -> Item:
    """An IndexFaces response holding these faces (as a search result carries them)."""
    return {"FaceRecords": [f.wire() for f in faces]}


@dataclass(frozen=True)
class PhotoItem:
    """A photo of table ``pics``: its picset, file name and faces; ``raw`` is the stored item,
    written back unchanged by whoever moves or restores the photo."""

    picset: str
    name: str
    faces: tuple[FaceRecord, ...]
    raw: Mapping = field(compare=False, repr=False)

    @classmethod
    def from_item(cls, item: Mapping) -> PhotoItem:
        return cls(item["primarykey"], item["sortkey"], face_records(item.get("data")), item)

    @classmethod
    def of(cls, item: Mapping | None) -> PhotoItem | None:
        return cls.from_item(item) if item is not None else None

    @property
    def key(self) -> PhotoKey:
        return PhotoKey(self.picset, self.name)

    @property
    def image_path(self) -> str:
        return f"{self.picset}/{self.name}"

    @property
    def data(self) -> Item:
        """The stored IndexFaces response (a copy), as the item builders take it."""
        return copy.deepcopy(dict(self.raw.get("data") or {}))

    @property
    def face_ids(self) -> list[str]:
        return [f.face_id for f in self.faces]

    @property
    def image_ids(self) -> set[str]:
        return {f.image_id for f in self.faces}

    def face(self, face_id: str) -> FaceRecord | None:
        return next((f for f in self.faces if f.face_id == face_id), None)

    def same_data(self, data: Mapping | None) -> bool:
        """Whether the stored response is exactly ``data`` (the item an action wrote)."""
        return self.raw.get("data") == data

    def item(self) -> Item:
        """The item as stored (a copy)."""
        return copy.deepcopy(dict(self.raw))


@dataclass(frozen=True)
class PicsetEntry:
    """A picset of the list (partition ``/`` of table ``pics``) and its featured photo."""

    picset: str
    cover: str | None = None

    @classmethod
    def from_item(cls, item: Mapping) -> PicsetEntry:
        return cls(item["sortkey"], item.get("pic"))

    @classmethod
    def of(cls, item: Mapping | None) -> PicsetEntry | None:
        return cls.from_item(item) if item is not None else None


@dataclass(frozen=True)
class ImageItem:
    """An item of table ``pics_by_image_id``: which photo an ImageId is in, and its faces."""

    image_id: str
    image_path: str
    faces: tuple[FaceRecord, ...]
    raw: Mapping = field(compare=False, repr=False)

    @classmethod
    def from_item(cls, item: Mapping) -> ImageItem:
        return cls(item["image_id"], str(item.get("image_path") or ""),
                   face_records(item.get("data")), item)

    @classmethod
    def of(cls, item: Mapping | None) -> ImageItem | None:
        return cls.from_item(item) if item is not None else None

    def face(self, face_id: str) -> FaceRecord | None:
        return next((f for f in self.faces if f.face_id == face_id), None)

    @property
    def picset(self) -> str:
        return self.image_path.partition("/")[0]

    @property
    def name(self) -> str:
        return self.image_path.partition("/")[2]

    @property
    def face_ids(self) -> list[str]:
        return [f.face_id for f in self.faces]

    @property
    def image_ids(self) -> set[str]:
        return {f.image_id for f in self.faces}

    @property
    def model_version(self) -> str | None:
        """The ``FaceModelVersion`` of the engine that indexed its faces (None if unsaid)."""
        return (self.raw.get("data") or {}).get("FaceModelVersion")


@dataclass(frozen=True)
class IndexedFace:
    """A face of the collection as ListFaces gives it."""

    face_id: str
    image_id: str = ""
    external_image_id: str | None = None
    user_id: str | None = None
    model_version: str | None = None  # IndexFacesModelVersion: the engine that indexed it

    @classmethod
    def from_wire(cls, face: Mapping) -> IndexedFace:
        return cls(face["FaceId"], face.get("ImageId") or "", face.get("ExternalImageId"),
                   face.get("UserId"), face.get("IndexFacesModelVersion"))


@dataclass(frozen=True)
class FaceMatch:
    """A face found by SearchFaces, and how alike it is (0-100)."""

    face: IndexedFace
    similarity: float

    @classmethod
    def from_wire(cls, match: Mapping) -> FaceMatch:
        return cls(IndexedFace.from_wire(match["Face"]), float(match.get("Similarity") or 0.0))

    @property
    def face_id(self) -> str:
        return self.face.face_id

    @property
    def image_id(self) -> str:
        return self.face.image_id


@dataclass(frozen=True)
class UserMatch:
    """A user (a person) found by SearchUsers, and how alike (0-100)."""

    user_id: str
    similarity: float

    @classmethod
    def from_wire(cls, match: Mapping) -> UserMatch:
        return cls(match["User"]["UserId"], float(match.get("Similarity") or 0.0))


@dataclass(frozen=True)
class UnassociatedFace:
    """A face AssociateFaces did not associate: why, and the user it is with, if any."""

    face_id: str
    user_id: str | None
    reasons: tuple[str, ...] = ()

    @classmethod
    def from_wire(cls, failure: Mapping) -> UnassociatedFace:
        return cls(failure["FaceId"], failure.get("UserId"), tuple(failure.get("Reasons") or ()))


def user_ids(users: Iterable[Mapping]) -> list[str]:
    """The ids of ListUsers' users."""
    return [u["UserId"] for u in users]

