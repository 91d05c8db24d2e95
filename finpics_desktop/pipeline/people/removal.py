"""Removing a face from a photo: one the detector found that is no face (a poster, a pattern),
or a stranger the curator wants gone. The face leaves the photo's item (its ``FaceRecords``; a
photo with no face left keeps its item, as the contract wants), its ``pics_by_image_id`` item
(rewritten without it; removed when no face of that ImageId is left), the face index
(DeleteFaces) and its name, rejections and drawn box. What it was is kept (partition
:data:`REMOVED`, by FaceId: the photo's key, the box, the record, whose it was): ``reindex``
never brings a face back on a removed box (:func:`without_removed`), and :func:`put_back`
undoes the removal -- the same FaceId where the index can keep it (the library's), a new one
on the cloud, with its name.

Each runs holding the photo's lock (:mod:`~finpics_desktop.pipeline.people.photo_lock`), and
records in it what it is doing before its first write, in the shape a re-index records (the
faces before, the faces after): a run killed midway is finished or rolled back by whoever takes
the lock next -- the next removal (which first looks at every lock left), a naming on that
photo, ``reindex`` or ``check --repair`` -- with
:func:`~finpics_desktop.pipeline.people.reindex_resume.finish`. The switch is the photo
item's conditional write: before it nothing is changed, after it the rest is completed.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass

from finpics_desktop.domain import items
from finpics_desktop.domain.boxes import SAME_FACE_IOU, iou
from finpics_desktop.domain.errors import NotFound, WriteConflict
from finpics_desktop.domain.keys import PhotoKey, parse_key
from finpics_desktop.pipeline.functions.process import external_image_id
from finpics_desktop.pipeline.people.naming import People
from finpics_desktop.pipeline.people.photo_lock import PhotoLocks
from finpics_desktop.pipeline.people.records import DRAWN, FACE, PERSON, REMOVED
from finpics_desktop.pipeline.people.reindex_resume import finish
from finpics_desktop.ports import Backend


@dataclass(frozen=True)
class Removed:
    """A face removed, as it was (what :func:`put_back` needs)."""

    face_id: str
    key: str  # the photo's object key, photos/<picset>/<file>
    record: dict  # its FaceRecord in the photo's item (Face, FaceDetail)
    person: str | None = None  # whose it was
    name: str | None = None  # their name then
    drawn: dict | None = None  # its drawn-by-hand record, if it was drawn
    at: float = 0.0

    @property
    def image_path(self) -> str:
        return parse_key(self.key).image_path

    @property
    def box(self) -> dict:
        return dict(self.record["Face"]["BoundingBox"])

    def doc(self) -> dict:
        return {**{k: v for k, v in asdict(self).items() if k != "face_id"},
                "box": self.box}

    @classmethod
    def of(cls, face_id: str, doc: dict) -> Removed:
        return cls(face_id, doc["key"], doc["record"], doc.get("person"), doc.get("name"),
                   doc.get("drawn"), float(doc.get("at", 0.0)))


@dataclass(frozen=True)
class FaceBack:
    """How to undo a removal: put ``removed`` back (:func:`put_back`)."""

    removed: Removed


def _faces(records: list[dict]) -> list[dict]:
    return [{"FaceId": r["Face"]["FaceId"], "ImageId": r["Face"].get("ImageId")}
            for r in records]


def remove_face(backend: Backend, face_id: str) -> Removed:
    """Remove the face ``face_id`` from its photo (see the module); what it was. NotFound if
    it is in no photo of the album."""
    people = People(backend)
    locks = PhotoLocks(backend)
    locks.recover_all()  # what a kill left half-done, first
    spot = people.locate([face_id]).get(face_id)
    if spot is None:
        raise NotFound(f"face {face_id} is not in a photo of this album (removed already?)")
    photo = PhotoKey(*spot.image_path.split("/", 1))
    tables, private = backend.tables, backend.private
    with locks.hold(photo.key, f"removing a face of {photo.image_path}") as held:
        item = tables.get_pics_item(photo.picset, photo.name)
        data = (item or {}).get("data") or {}
        records = list(data.get("FaceRecords") or [])
        record = next((r for r in records if r["Face"]["FaceId"] == face_id), None)
        if record is None:
            raise NotFound(f"face {face_id} is no longer in {photo.image_path}: the photo "
                           "was re-indexed meanwhile; nothing was changed")
        named, drawn = private.get(FACE, face_id), private.get(DRAWN, face_id)
        person = private.get(PERSON, named.doc["person"]) if named is not None else None
        removed = Removed(face_id, photo.key, record,
                          named.doc["person"] if named is not None else None,
                          person.doc["name"] if person is not None else None,
                          drawn.doc if drawn is not None else None, time.time())
        rest = [r for r in records if r is not record]
        state = {"old": _faces(records), "new": [r["Face"]["FaceId"] for r in rest],
                 "removed": {face_id: removed.doc()}}
        locks.save(held, state)  # before the first write: a kill from here on is finished
        if not tables.put_pics_item_if_unchanged(
                items.photo_item(photo, {**data, "FaceRecords": rest}), item):
            locks.save(held, None)
            raise WriteConflict(f"{photo.image_path} changed meanwhile (published or "
                                "re-indexed again): nothing was removed; try again")
        finish(backend, photo.key, state)  # its records kept, the items, the index, the name
    return removed


def put_back(backend: Backend, removed: Removed) -> str:
    """Undo :func:`remove_face`: the face indexed again from its box and written back into
    its photo, with its name; its FaceId (the same one where the index can keep it)."""
    photo = parse_key(removed.key)
    tables, faces, private = backend.tables, backend.faces, backend.private
    locks = PhotoLocks(backend)
    versioned = hasattr(faces, "outdated_faces")  # the library's index keeps ids
    with locks.hold(photo.key, f"putting a face back in {photo.image_path}") as held:
        item = tables.get_pics_item(photo.picset, photo.name)
        if item is None:
            raise NotFound(f"{photo.image_path} is no longer in the album: its face cannot be "
                           "put back")
        data = item.get("data") or {}
        records = list(data.get("FaceRecords") or [])
        if any(r["Face"]["FaceId"] == removed.face_id for r in records):
            return removed.face_id  # back already
        state = {"old": _faces(records)}
        locks.save(held, state)  # a kill while indexing: its stray face is deleted
        face = removed.record["Face"]
        response = faces.index_region(
            backend.names.pics_bucket, photo.key,
            backend.store.get(backend.names.pics_bucket, photo.key),
            external_image_id(photo.key), removed.box,
            image_id=face.get("ImageId") if versioned else None,
            face_id=removed.face_id if versioned else None)
        [found] = response["FaceRecords"]
        new = found["Face"]  # (the box and details as they were: the item says what it said)
        record = {**removed.record, "Face": {**face, "FaceId": new["FaceId"],
                                             "ImageId": new["ImageId"]}}
        state = {**state, "new": [*(f["FaceId"] for f in state["old"]), new["FaceId"]],
                 "restored": [removed.face_id]}
        locks.save(held, state)
        if removed.drawn is not None:
            private.put(DRAWN, new["FaceId"], {**removed.drawn, "image_id": new["ImageId"]})
        if not tables.put_pics_item_if_unchanged(
                items.photo_item(photo, {**data, "FaceRecords": [*records, record]}), item):
            faces.delete_faces([new["FaceId"]])
            private.delete(DRAWN, new["FaceId"])
            locks.save(held, None)
            raise WriteConflict(f"{photo.image_path} changed meanwhile: the face was not put "
                                "back; try again")
        finish(backend, photo.key, state)
    if removed.person is not None:  # its name (the person's name now, else the one it had)
        person = private.get(PERSON, removed.person)
        name = person.doc["name"] if person is not None else removed.name
        if name:
            People(backend).name_face(new["FaceId"], name, same_photo=True)
    return new["FaceId"]


def removed_in(backend: Backend, key: str) -> list[Removed]:
    """The faces removed from the photo ``key`` (``photos/<picset>/<file>``)."""
    if backend.private is None:
        return []
    return [Removed.of(d.sk, d.doc) for d in backend.private.query(REMOVED)
            if d.doc.get("key") == key]


def without_removed(backend: Backend, key: str, records: list[dict],
                    kept: set[str]) -> list[dict]:
    """The face records of a photo indexed again without those on the boxes of faces the
    curator removed (deleted from the index again); ``kept``: faces it had, which stay."""
    boxes = [r.box for r in removed_in(backend, key)]
    dropped = [r for r in records if r["Face"]["FaceId"] not in kept and any(
        iou(r["Face"]["BoundingBox"], box) >= SAME_FACE_IOU for box in boxes)]
    if dropped:
        backend.faces.delete_faces([r["Face"]["FaceId"] for r in dropped])
    return [r for r in records if r not in dropped]
