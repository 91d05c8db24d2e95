"""The exact item shapes of the contract's tables (the search function's payload is in
:mod:`~finpics_desktop.domain.matches`)."""

from __future__ import annotations

from typing import Any

from finpics_desktop.domain.keys import PhotoKey
from finpics_desktop.domain.picsets import PICSET_ROOT

Item = dict[str, Any]
BOX_KEYS = ("Width", "Height", "Left", "Top")
FACE_KEYS = ("FaceId", "ImageId", "Confidence", "BoundingBox")


def picset_item(picset: str, pic: str | None = None) -> Item:
    """The picset list entry: partition ``/``, sort key the picset id, ``pic`` the featured file."""
    item: Item = {"primarykey": PICSET_ROOT, "sortkey": picset}
    if pic is not None:
        item["pic"] = pic
    return item


def photo_item(key: PhotoKey, index_response: dict) -> Item:
    """A photo of a picset; ``data`` is the IndexFaces response (empty FaceRecords if none)."""
    return {"primarykey": key.picset, "sortkey": key.name, "data": index_response}


def image_item(key: PhotoKey, index_response: dict) -> Item | None:
    """The ``pics_by_image_id`` item, or None when the photo has no face (nothing is written)."""
    records = index_response.get("FaceRecords") or []
    if not records:
        return None
    return {
        "image_id": records[0]["Face"]["ImageId"],
        "image_path": key.image_path,
        "data": index_response,
    }


def face_ids(index_response: dict | None) -> list[str]:
    return [r["Face"]["FaceId"] for r in (index_response or {}).get("FaceRecords") or []]


def image_ids(index_response: dict | None) -> set[str]:
    return {r["Face"]["ImageId"] for r in (index_response or {}).get("FaceRecords") or []}


def run_mark(item: Item | None) -> str | None:
    """What tells the photo items written by two processing runs apart: None for no item, the
    first FaceId (IndexFaces gives new face ids on every call), ``""`` for an item without faces.

    The contract's photo item has no room for a version attribute; this is the one a
    conditional write compares (``Tables.put_pics_item_if_unchanged``)."""
    if item is None:
        return None
    ids = face_ids(item.get("data"))
    return ids[0] if ids else ""


def same_faces(a: Item | None, b: Item | None) -> bool:
    """Whether two photo items say the same of the photo, their face and image ids aside (two
    runs on the same content)."""
    def strip(item: Item | None):
        if item is None:
            return None
        data = dict(item.get("data") or {})
        data["FaceRecords"] = [
            {**r, "Face": {k: v for k, v in r["Face"].items() if k not in ("FaceId", "ImageId")}}
            for r in data.get("FaceRecords") or []]
        return {**item, "data": data}

    return strip(a) == strip(b)


# -- shape checks: used by tests, by ``check`` and by adapters to refuse bad writes -------------


def _is_ratio(v: Any) -> bool:
    return isinstance(v, int | float) and -0.5 <= float(v) <= 1.5  # Rekognition allows overhang


def shape_errors_index_response(data: Any) -> list[str]:
    if not isinstance(data, dict) or not isinstance(data.get("FaceRecords"), list):
        return ["data has no FaceRecords list"]
    errors = []
    for n, rec in enumerate(data["FaceRecords"]):
        face = rec.get("Face") if isinstance(rec, dict) else None
        if not isinstance(face, dict):
            errors.append(f"FaceRecords[{n}] has no Face")
            continue
        missing = [k for k in FACE_KEYS if k not in face]
        if missing:
            errors.append(f"FaceRecords[{n}].Face lacks {', '.join(missing)}")
            continue
        box = face["BoundingBox"]
        if not all(_is_ratio(box.get(k)) for k in BOX_KEYS):
            errors.append(f"FaceRecords[{n}].Face.BoundingBox is not four ratios")
        if "FaceDetail" not in rec:
            errors.append(f"FaceRecords[{n}] has no FaceDetail")
    return errors


def shape_errors_photo_item(item: Item) -> list[str]:
    if set(item) != {"primarykey", "sortkey", "data"}:
        return [f"photo item keys are {sorted(item)}"]
    return shape_errors_index_response(item["data"])


def shape_errors_image_item(item: Item) -> list[str]:
    if set(item) != {"image_id", "image_path", "data"}:
        return [f"image item keys are {sorted(item)}"]
    if item["image_path"].count("/") != 1:
        return [f"image_path {item['image_path']!r} is not <picset>/<file>"]
    return shape_errors_index_response(item["data"])
