"""``process_new_image``: the six steps the contract gives for a new original."""

from __future__ import annotations

import hashlib
import logging

from finpics_desktop.domain import items
from finpics_desktop.domain.keys import parse_key
from finpics_desktop.domain.names import Names
from finpics_desktop.pipeline.images import make_thumbnail
from finpics_desktop.ports import FaceIndex, ObjectStore, Tables

log = logging.getLogger(__name__)


def external_image_id(key: str) -> str:
    """Rekognition's ExternalImageId allows only ``[a-zA-Z0-9_.\\-:]``: a digest of the key.

    ``check`` maps faces back to photos through it.
    """
    return "k" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:40]


def process_new_image(
    store: ObjectStore, tables: Tables, faces: FaceIndex, names: Names, bucket: str, key: str
) -> items.Item:
    """Process one original: thumbnail, picset entry and cover, IndexFaces, both table items.

    Idempotent: processing the same object again replaces its faces (the old ones are deleted
    after the new item is written) and writes the same items. Returns the photo item.
    Raises InvalidName/UnsupportedImage for keys or content that cannot be processed; nothing
    is written then.
    """
    photo = parse_key(key)
    data = store.get(bucket, key)
    thumb = make_thumbnail(data, photo.name)  # 1-2: refuses bad content before any write
    store.put(names.thumbs_bucket, key, thumb.data, thumb.content_type)
    tables.set_picset_cover_if_absent(photo.picset, photo.name)  # 3

    previous = tables.get_pics_item(photo.picset, photo.name)
    response = faces.index_faces(bucket, key, data, external_image_id(key))  # 4
    photo_item = items.photo_item(photo, response)
    tables.put_pics_item(photo_item)  # 5
    image_item = items.image_item(photo, response)
    if image_item is not None:  # 6
        tables.put_image_item(image_item)

    # re-processing: drop what the previous run indexed, only now that the new item is in place
    if previous is not None:
        old_faces = set(items.face_ids(previous.get("data"))) - set(items.face_ids(response))
        if old_faces:
            faces.delete_faces(sorted(old_faces))
        for old_image in items.image_ids(previous.get("data")) - items.image_ids(response):
            tables.delete_image_item(old_image)
    log.info("processed %s: %d face(s)", key, len(response.get("FaceRecords", [])))
    return photo_item
