"""Removing a photo completely, in an order that never leaves an item pointing at nothing."""

from __future__ import annotations

from finpics_desktop.domain.keys import PhotoKey
from finpics_desktop.domain.names import Names
from finpics_desktop.domain.picsets import PICSET_ROOT
from finpics_desktop.ports import FaceIndex, ObjectStore, Records, Tables


def remove_photo(
    store: ObjectStore, tables: Tables, faces: FaceIndex, names: Names, photo: PhotoKey
) -> None:
    """Items first, then faces, then the objects; the picset's cover moves to another photo."""
    records = Records(tables)
    item = records.photo(photo.picset, photo.name)
    if item is not None:
        tables.delete_pics_item(photo.picset, photo.name)
        for image_id in item.image_ids:
            tables.delete_image_item(image_id)
        faces.delete_faces(item.face_ids)
    entry = records.picset(photo.picset)
    if entry is not None and entry.cover == photo.name:
        rest = records.photo_names(photo.picset)
        if rest:
            tables.set_picset_cover(photo.picset, rest[0])
        else:  # an empty picset would show as a broken entry on the site
            tables.delete_pics_item(PICSET_ROOT, photo.picset)
    store.delete(names.thumbs_bucket, photo.key)
    store.delete(names.pics_bucket, photo.key)
