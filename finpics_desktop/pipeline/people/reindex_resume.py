"""What a re-index killed midway left on one photo, finished or rolled back.

Re-indexing a photo (:func:`~finpics_desktop.pipeline.people.reindex.reindex_photo`) holds the
photo's lock (:mod:`~finpics_desktop.pipeline.people.photo_lock`) and records in it, before its
first write, the photo's faces as they were (``old``), then, once the photo is indexed again,
the new faces (``new``). Its writes follow that order: new faces, the names carried onto them,
the photo's item (the switch), its ``pics_by_image_id`` items, the old faces deleted, their
records deleted. Whoever takes over the lock of a writer gone (the next ``reindex``, a naming of
one of the photo's faces) calls :func:`finish`:

- the photo's item lists the new faces (the switch was made): it is finished -- its
  ``pics_by_image_id`` items written, the old faces no item lists deleted (taken from their
  people's user vectors first) with their records, whose names were carried before the switch;
- otherwise it is rolled back: the new faces no item lists are deleted, with the records
  carried onto them, and the photo keeps its old faces and names (the next ``reindex`` does it
  again). A run killed while the face index was indexing the photo left faces it had no time to
  record: those indexed from the photo (its ExternalImageId) that no item lists, the faces of
  trashed or replaced photos aside.

A removal of a face (:mod:`~finpics_desktop.pipeline.people.removal`) records the same, the
faces before and after, with the records it keeps of the face removed (``removed``: written
once the switch is made); putting a face back records the removed faces it brings back
(``restored``: their records deleted once it is made).
"""

from __future__ import annotations

import contextlib

from finpics_desktop.domain import items
from finpics_desktop.domain.errors import WriteConflict
from finpics_desktop.domain.keys import parse_key
from finpics_desktop.pipeline.curation.trash import trashed_face_ids
from finpics_desktop.pipeline.functions.process import external_image_id
from finpics_desktop.pipeline.people.records import DRAWN, FACE, PENDING, REJECT, REMOVED
from finpics_desktop.ports import Backend


def finish(backend: Backend, key: str, state: dict) -> None:
    """Finish or roll back the re-index of the photo ``key`` that ``state`` records."""
    photo = parse_key(key)
    tables, faces = backend.tables, backend.faces
    item = tables.get_pics_item(photo.picset, photo.name)
    data = (item or {}).get("data")
    listed = set(items.face_ids(data))
    old = state.get("old") or []
    old_ids = {f["FaceId"] for f in old}
    new_ids = set(state["new"]) if "new" in state else _strays(backend, key,
                                                               listed | old_ids)
    if item is not None and listed == new_ids:  # switched: finish it
        for face_id, doc in (state.get("removed") or {}).items():  # before the face goes
            backend.private.put(REMOVED, face_id, doc)
        for image_item in items.image_items(photo, data):
            tables.put_image_item(image_item)
        gone = sorted(old_ids - listed)
        if gone:
            faces.delete_faces(gone)
        old_images = {f["ImageId"] for f in old if f.get("ImageId")}
        for image_id in old_images - items.image_ids(data):
            tables.delete_image_item(image_id)
        drop_records(backend, set(gone))
        for face_id in state.get("restored") or []:
            backend.private.delete(REMOVED, face_id)
    else:  # not switched: roll back
        extra = new_ids - listed - old_ids
        drop_records(backend, extra)
        if extra:
            faces.delete_faces(sorted(extra))


def drop_records(backend: Backend, face_ids: set[str]) -> None:
    """Delete the names, rejections and drawn boxes of these faces."""
    if not face_ids:
        return
    private = backend.private
    docs = [d for d in (private.get(FACE, f) for f in face_ids) if d is not None]
    docs += [d for d in (private.get(DRAWN, f) for f in face_ids) if d is not None]
    docs += [d for d in private.query(REJECT) if d.sk.split("/", 1)[1] in face_ids]
    for doc in docs:
        with contextlib.suppress(WriteConflict):  # changed meanwhile: check looks
            private.delete(doc.pk, doc.sk, if_version=doc.version)


def _strays(backend: Backend, key: str, keep: set[str]) -> set[str]:
    """The faces indexed from the photo ``key`` that no photo item lists (a run killed while
    the photo was being indexed had no time to record them), those of trashed photos or of
    photos replaced (waiting for their names to be carried) aside."""
    wanted = external_image_id(key)
    candidates = [f for f in backend.faces.list_faces()
                  if f.get("ExternalImageId") == wanted and f["FaceId"] not in keep]
    if not candidates:
        return set()
    kept = trashed_face_ids(backend.private)
    pending = backend.private.get(PENDING, key)
    kept |= {f["FaceId"] for f in (pending.doc["faces"] if pending else [])}
    found = set()
    for face in candidates:
        if face["FaceId"] in kept:
            continue
        image = backend.tables.get_image_item(face["ImageId"]) if face.get("ImageId") else None
        if image is not None:  # its photo (moved since, maybe) may list it
            where = parse_key(f"photos/{image['image_path']}")
            other = backend.tables.get_pics_item(where.picset, where.name)
            if face["FaceId"] in items.face_ids((other or {}).get("data")):
                continue
        found.add(face["FaceId"])
    return found
