"""The result of a search by face, typed: the photos of that person, best match first.

The search function's wire payload (``{"statusCode", "output"}``, see the contract) is made
and read here, and only here: the Lambda handler turns matches into it, the cloud's search
adapter turns it back into matches, and ``search --json`` prints it.
"""

from __future__ import annotations

from dataclasses import dataclass

from finpics_desktop.domain.bands import MAYBE, SURE
from finpics_desktop.domain.errors import SearchFailed
from finpics_desktop.domain.items import FACE_KEYS, Item
from finpics_desktop.domain.records import FaceRecord, ImageItem, face_records

OK, FAILED = 200, 500


@dataclass(frozen=True)
class PhotoMatch:
    """A photo of the person searched for: its best matching face and how alike it is
    (Rekognition's similarity, 0-100)."""

    image_id: str
    picset: str
    name: str
    faces: tuple[FaceRecord, ...]  # the photo's faces (the contract's four keys of each)
    similarity: float
    matched_face_id: str
    band: str = SURE  # SURE: never another person; MAYBE: perhaps (see domain/bands.py)

    @property
    def image_path(self) -> str:
        return f"{self.picset}/{self.name}"

    @classmethod
    def from_image(cls, image: ImageItem, similarity: float, matched_face_id: str,
                   band: str = SURE) -> PhotoMatch:
        """From a ``pics_by_image_id`` item: its faces with the contract's four keys only."""
        records = tuple(
            FaceRecord.from_wire({"Face": {k: f.raw["Face"][k] for k in FACE_KEYS
                                           if k in f.raw["Face"]}})
            for f in image.faces)
        return cls(image.image_id, image.picset, image.name, records, similarity,
                   matched_face_id, band)

    @classmethod
    def from_image_item(cls, item: Item, similarity: float, matched_face_id: str) -> PhotoMatch:
        """From a raw ``pics_by_image_id`` item (its IndexFaces response)."""
        return cls.from_image(ImageItem.from_item(item), similarity, matched_face_id)

    def wire(self) -> Item:
        """One entry of the payload's ``output``: the contract's keys first; ``similarity``
        ``matched_face_id`` and ``band`` are extra keys the public site ignores."""
        return {"image_id": self.image_id, "image_path": self.image_path,
                "data": {"FaceRecords": [r.wire() for r in self.faces]},
                "similarity": self.similarity, "matched_face_id": self.matched_face_id,
                "band": self.band}

    @classmethod
    def from_wire(cls, entry: Item) -> PhotoMatch:
        picset, _, name = entry["image_path"].partition("/")
        return cls(entry["image_id"], picset, name,
                   face_records(entry.get("data")),
                   float(entry.get("similarity") or 0.0), entry.get("matched_face_id") or "",
                   MAYBE if entry.get("band") == MAYBE else SURE)


def to_payload(matches: list[PhotoMatch]) -> Item:
    return {"statusCode": OK, "output": [m.wire() for m in matches]}


def error_payload(message: str) -> Item:
    return {"statusCode": FAILED, "err": message}


def from_payload(payload: object, source: str = "the search function") -> list[PhotoMatch]:
    """The matches of a payload; :class:`SearchFailed` for a 500 or anything else."""
    if not isinstance(payload, dict) or payload.get("statusCode") not in (OK, FAILED):
        raise SearchFailed(f"{source} returned {payload!r:.200}")
    if payload["statusCode"] == FAILED:
        raise SearchFailed(str(payload.get("err") or "search failed"))
    try:
        return [PhotoMatch.from_wire(entry) for entry in payload.get("output") or []]
    except (KeyError, TypeError, AttributeError, ValueError) as e:
        raise SearchFailed(f"{source} returned an entry without {e}") from e
