"""A face the detector missed, drawn by hand (``add-face``; a box dragged in the viewer): the
face index looks again at that region (``index_region``), and the face is written into the
photo's items like any other, so that search finds it from then on. It is remembered as drawn
(the private store's ``face-drawn``), so that ``reindex`` indexes it again from its box.

The writes follow processing's order and conditions: the face is indexed, remembered, then the
photo item is replaced only if it is still the one read (else the face is removed again and the
curator asked to draw it again), then its ``pics_by_image_id`` items (one per ImageId: on AWS
the drawn face has its own) are written.
"""

from __future__ import annotations

import time

from finpics_desktop.domain import items
from finpics_desktop.domain.boxes import check_box, iou
from finpics_desktop.domain.errors import InvalidValue, NotFound, WriteConflict
from finpics_desktop.domain.keys import photo_key
from finpics_desktop.domain.records import FaceRecord
from finpics_desktop.pipeline.functions.process import external_image_id
from finpics_desktop.pipeline.people.naming import DRAWN
from finpics_desktop.ports import Backend

SAME_FACE = 0.5  # a drawn box overlapping a face of the photo this much is that face


def add_face(backend: Backend, picset: str, name: str, box: dict) -> FaceRecord:
    """Index the face in ``box`` (ratios of the upright photo) of photo ``picset/name``; its
    record. InvalidValue for a box outside the photo or on a face the
    photo has already; FinpicsError if no face can be found there."""
    try:
        box = check_box(box)
    except ValueError as e:
        raise InvalidValue(str(e)) from None
    key = photo_key(picset, name)
    item = backend.tables.get_pics_item(picset, name)
    if item is None:
        raise NotFound(f"there is no photo {key.image_path} in this album")
    data = item.get("data") or {}
    records = list(data.get("FaceRecords") or [])
    _not_there_yet(records, box, key.image_path)
    original = backend.store.get(backend.names.pics_bucket, key.key)
    response = backend.faces.index_region(
        backend.names.pics_bucket, key.key, original, external_image_id(key.key), box,
        image_id=records[0]["Face"]["ImageId"] if records else None)
    [record] = response["FaceRecords"]
    face = record["Face"]
    try:
        _not_there_yet(records, face["BoundingBox"], key.image_path)
    except InvalidValue:
        backend.faces.delete_faces([face["FaceId"]])
        raise
    backend.private.put(DRAWN, face["FaceId"], {"image_id": face["ImageId"], "box": box,
                                                "at": time.time()})
    updated = {**data, "FaceRecords": [*records, record]}
    updated.setdefault("FaceModelVersion", response.get("FaceModelVersion"))
    if not backend.tables.put_pics_item_if_unchanged(items.photo_item(key, updated), item):
        backend.faces.delete_faces([face["FaceId"]])
        backend.private.delete(DRAWN, face["FaceId"])
        raise WriteConflict(f"{key.image_path} was processed again meanwhile: draw the face "
                            "again")
    for image_item in items.image_items(key, updated):
        backend.tables.put_image_item(image_item)
    return FaceRecord.from_wire(record)


def _not_there_yet(records: list[dict], box: dict, image_path: str) -> None:
    for record in records:
        if iou(record["Face"]["BoundingBox"], box) >= SAME_FACE:
            raise InvalidValue(f"{image_path} has that face already (face "
                               f"{record['Face']['FaceId']}): click it to name it")
