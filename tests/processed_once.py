"""The final state that processing one photo once leaves, asserted after runs of the same key
that overlapped (duplicate S3 events, a re-upload racing the first), on any backend."""

from __future__ import annotations

import hashlib

from finpics_desktop.domain import items
from finpics_desktop.domain.keys import parse_key
from finpics_desktop.pipeline.check import check
from finpics_desktop.pipeline.functions.process import external_image_id
from finpics_desktop.pipeline.functions.search import search_faces
from finpics_desktop.pipeline.photos.images import make_thumbnail
from finpics_desktop.ports import HASH_METADATA


def assert_processed_once(backend, key: str, content: bytes, faces: int) -> dict:
    """The photo item lists ``faces`` faces, each once, and exactly the faces the collection
    holds for the photo; exactly one image item (with faces), the item's; the thumbnail made
    from ``content`` (the original as it is now); ``check`` clean; a search from each face
    does not return the photo itself (the photos used show different people). Returns the
    photo item."""
    photo = parse_key(key)
    item = backend.tables.get_pics_item(photo.picset, photo.name)
    assert item is not None, f"{key} has no item"
    assert items.shape_errors_photo_item(item) == []
    listed = items.face_ids(item["data"])
    assert len(listed) == faces, f"the item lists {len(listed)} faces, not {faces}"
    assert len(set(listed)) == len(listed), "a face is listed twice"
    indexed = [f["FaceId"] for f in backend.faces.list_faces()
               if f.get("ExternalImageId") == external_image_id(key)]
    assert sorted(indexed) == sorted(listed), (
        f"the collection holds {len(indexed)} faces of the photo, its item lists {len(listed)}")

    image_items = [i for i in backend.tables.scan_image_items()
                   if i["image_path"] == photo.image_path]
    assert [i["image_id"] for i in image_items] == sorted(items.image_ids(item["data"]))
    assert len(image_items) == (1 if faces else 0)
    assert all(i["data"] == item["data"] for i in image_items)

    thumbnail = backend.store.get(backend.names.thumbs_bucket, key)
    assert thumbnail == make_thumbnail(content, photo.name).data, "a stale thumbnail"

    report = check(backend)
    assert report.found == [], [p.line() for p in report.found]
    for face_id in listed:
        matches = search_faces(backend.tables, backend.faces, face_id)
        assert photo.image_path not in [m.image_path for m in matches], (
            "a search from one of its faces returns the photo itself")
    return item


def process_in_child(library: str, key: str, start, replacement: bytes | None = None) -> None:
    """A child process's run (multiprocessing, spawn): open the library, wait for the others,
    (store ``replacement`` as the original,) process ``key``."""
    from pathlib import Path

    from finpics_desktop.backends.local.library import open_library

    backend = open_library(Path(library))
    try:
        start.wait(timeout=120)
        if replacement is not None:
            backend.store.put(backend.names.pics_bucket, key, replacement, "image/jpeg",
                              {HASH_METADATA: hashlib.sha256(replacement).hexdigest()})
        backend.process(backend.names.pics_bucket, key)
    finally:
        backend.close()
