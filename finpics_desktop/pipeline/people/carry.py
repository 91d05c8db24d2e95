"""What ``reindex`` carries from a photo's old faces to its new ones: names, rejections (an
ignored face is a rejection for anyone), and faces drawn by hand.

The library's index keeps the FaceId of a face whose new box overlaps the old one (unless, with
one engine, the vectors say it is someone else), so most names stay where they are; Rekognition
gives every face a new id. An old face that matters (it is named, rejected for someone, or
drawn) and has no new face with its id is paired with a new face of the same photo: when both
are of one engine, by vector first (the most alike new face, at least the default threshold,
80: a re-framed or mirrored original moves every box), then by box overlap (IoU >= 0.3) where
the vectors do not say it is someone else; across an engine change, whose vectors cannot be
compared, by box overlap only. A drawn face the detector still misses is indexed again from its
box. What cannot be carried is reported, never dropped silently.

New records are written before the photo's items, old ones deleted after its old faces: an
interrupted re-index leaves the old records in place, and the next one finishes it or rolls it
back (:mod:`~finpics_desktop.pipeline.people.reindex_resume`). The records of a photo's faces
are read again when its turn comes (:meth:`Carrier.refresh`), under the photo's lock.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections import defaultdict
from dataclasses import dataclass

from finpics_desktop.domain.boxes import SAME_FACE_IOU, iou, match_boxes
from finpics_desktop.domain.errors import FinpicsError, NotFound, WriteConflict
from finpics_desktop.pipeline.people.naming import DRAWN, FACE, REJECT, People
from finpics_desktop.pipeline.people.records import ANYONE
from finpics_desktop.ports import Backend, PrivateDoc

VECTOR_FROM = 80.0  # similarity of an old face to a new one of the same photo to carry by vector
CHECK_FROM = 50.0  # ... for a box overlap to count when the vectors can tell (one engine)


@dataclass(frozen=True)
class NotCarried:
    photo: str
    face_id: str
    what: str  # "name Ann", "rejection for Bob", "drawn face"
    reason: str

    def line(self) -> str:
        return f"{self.photo}: {self.what} (face {self.face_id}) not carried: {self.reason}"


class Carrier:
    """The people records of the whole album, read once for a re-index run."""

    def __init__(self, backend: Backend):
        self.people = People(backend)
        self.private, self.index = backend.private, backend.faces
        self.lock = threading.Lock()
        self.names = {p.id: p.name for p in self.people.people()}
        self.named = {d.sk: d for d in self.private.query(FACE)}
        self.drawn = {d.sk: d for d in self.private.query(DRAWN)}
        self.rejections: dict[str, list[PrivateDoc]] = defaultdict(list)
        for doc in self.private.query(REJECT):
            self.rejections[doc.sk.split("/", 1)[1]].append(doc)

    def refresh(self, face_ids: list[str]) -> None:
        """Read the records of these faces again: those of the album were read when the run
        began, and the curator may have named, unnamed or rejected a face of this photo since
        (it is re-indexed under the photo's lock, which naming waits for)."""
        wanted = set(face_ids)
        if not wanted:
            return
        named = {f: self.private.get(FACE, f) for f in wanted}
        drawn = {f: self.private.get(DRAWN, f) for f in wanted}
        rejections: dict[str, list[PrivateDoc]] = defaultdict(list)
        for doc in self.private.query(REJECT):
            if doc.sk.split("/", 1)[1] in wanted:
                rejections[doc.sk.split("/", 1)[1]].append(doc)
        people = {d.doc["person"] for d in named.values() if d is not None}
        names = ({p.id: p.name for p in self.people.people()}
                 if people - set(self.names) else {})
        with self.lock:
            self.names.update(names)
            for face_id in wanted:
                for known, doc in ((self.named, named[face_id]), (self.drawn, drawn[face_id])):
                    if doc is None:
                        known.pop(face_id, None)
                    else:
                        known[face_id] = doc
                if rejections.get(face_id):
                    self.rejections[face_id] = rejections[face_id]
                else:
                    self.rejections.pop(face_id, None)

    def matters(self, face_id: str) -> bool:
        return face_id in self.named or face_id in self.drawn or face_id in self.rejections

    def drawn_box(self, face_id: str) -> dict | None:
        doc = self.drawn.get(face_id)
        return doc.doc["box"] if doc else None

    def _what(self, face_id: str) -> list[str]:
        found = []
        if face_id in self.named:
            found.append(f"name {self.names.get(self.named[face_id].doc['person'], '?')}")
        found += ["ignored (a stranger)" if d.sk.startswith(f"{ANYONE}/") else
                  f"rejection for {self.names.get(d.sk.split('/', 1)[0], '?')}"
                  for d in self.rejections.get(face_id, [])]
        return found + (["drawn face"] if face_id in self.drawn else [])

    def pairs(self, old: list[dict], new: list[dict], comparable: bool) -> dict[str, dict]:
        """Which new ``Face`` each old face that matters and lost its id is (see the module).
        ``comparable``: the old and new faces are of one engine, so their vectors can tell."""
        new_ids = {f["FaceId"] for f in new}
        lost = [f for f in old if f["FaceId"] not in new_ids and self.matters(f["FaceId"])]
        free = {f["FaceId"]: f for f in new if f["FaceId"] not in {o["FaceId"] for o in old}}
        alike: dict[tuple[str, str], float] = {}
        if comparable:
            for face in lost:
                with contextlib.suppress(NotFound):  # gone from the index meanwhile
                    for match in self.index.search_faces(face["FaceId"], CHECK_FROM, 4096):
                        if match["Face"]["FaceId"] in free:
                            alike[face["FaceId"], match["Face"]["FaceId"]] = match["Similarity"]
        found: dict[str, dict] = {}
        for (old_id, new_id), similarity in sorted(alike.items(), key=lambda a: -a[1]):
            if similarity >= VECTOR_FROM and old_id not in found and new_id in free:
                found[old_id] = free.pop(new_id)
        rest = [f for f in lost if f["FaceId"] not in found]
        spare = list(free.values())
        for n, o in match_boxes([f["BoundingBox"] for f in rest],
                                [f["BoundingBox"] for f in spare]).items():
            pair = (rest[o]["FaceId"], spare[n]["FaceId"])
            if not comparable or alike.get(pair, 0.0) >= CHECK_FROM:
                found[pair[0]] = spare[n]
        return found

    def carry(self, photo: str, old: list[dict], new: list[dict], comparable: bool,
              known: dict[str, dict] | None = None) -> tuple[int, list[NotCarried]]:
        """Write the records of the old faces onto the new ones they are (the old records stay
        until :meth:`forget`); how many were carried, and what could not be. ``known``: old
        faces already paired (by the caller's own means), the rest is paired here."""
        known = known or {}
        taken = {f["FaceId"] for f in known.values()}
        pairs = {**self.pairs([f for f in old if f["FaceId"] not in known],
                              [f for f in new if f["FaceId"] not in taken], comparable), **known}
        new_ids = {f["FaceId"] for f in new}
        carried, missed = 0, []
        for face in old:
            face_id = face["FaceId"]
            if face_id in new_ids or not self.matters(face_id):
                continue
            target = pairs.get(face_id)
            if target is None:
                missed += [NotCarried(photo, face_id, what, "no face is found there any more")
                           for what in self._what(face_id)]
                continue
            carried += self._copy(face_id, target)
        return carried, missed

    def _copy(self, old_id: str, target: dict) -> int:
        new_id, count = target["FaceId"], 0
        with self.lock:
            named = self.named.get(old_id)
            rejections = list(self.rejections.get(old_id, []))
            drawn = self.drawn.get(old_id)
        if named is not None:
            try:
                self.private.put(FACE, new_id, {**named.doc, "image_id": target["ImageId"],
                                                "at": time.time()}, if_version=0)
            except WriteConflict:
                pass  # named meanwhile: the curator's newer word stands
            else:
                self.people.associate(named.doc["person"], [new_id])
                count += 1
        for doc in rejections:
            self.private.put(REJECT, f"{doc.sk.split('/', 1)[0]}/{new_id}", doc.doc)
            count += 1
        if drawn is not None and iou(drawn.doc["box"], target["BoundingBox"]) >= SAME_FACE_IOU:
            self.private.put(DRAWN, new_id, {**drawn.doc, "image_id": target["ImageId"]})
        return count

    def forget(self, face_ids: list[str]) -> None:
        """Delete the records of faces gone from the index (carried, or reported)."""
        for face_id in face_ids:
            with self.lock:
                named = self.named.pop(face_id, None)
                rejections = self.rejections.pop(face_id, [])
                drawn = self.drawn.pop(face_id, None)
            for doc in [d for d in (named, drawn) if d is not None] + rejections:
                with contextlib.suppress(WriteConflict):  # changed meanwhile: check looks
                    self.private.delete(doc.pk, doc.sk, if_version=doc.version)

    def drop_records(self, face_ids: set[str]) -> None:
        """Delete what :meth:`carry` wrote onto ``face_ids`` (new faces deleted again)."""
        if not face_ids:
            return
        for doc in [*self.private.query(FACE), *self.private.query(DRAWN),
                    *self.private.query(REJECT)]:
            if doc.sk.rsplit("/", 1)[-1] in face_ids:
                with contextlib.suppress(WriteConflict):
                    self.private.delete(doc.pk, doc.sk, if_version=doc.version)


def reindex_drawn(backend: Backend, carrier: Carrier | None, key: str, data: bytes,
                  external_image_id: str, old: list[dict], new: list[dict],
                  versioned: bool) -> list[dict]:
    """The records of the photo's drawn faces the detector still misses, indexed again from
    their boxes (keeping their FaceIds on the library); one that cannot be found there again is
    reported by :meth:`Carrier.carry`."""
    if carrier is None:
        return []
    image_id = new[0]["Face"]["ImageId"] if new else old[0]["ImageId"] if old else None
    records = []
    for face in old:
        box = carrier.drawn_box(face["FaceId"])
        if box is None or any(iou(r["Face"]["BoundingBox"], box) >= SAME_FACE_IOU
                              for r in new):
            continue
        try:
            response = backend.faces.index_region(
                backend.names.pics_bucket, key, data, external_image_id, box,
                image_id=image_id if versioned else None,
                face_id=face["FaceId"] if versioned else None)
        except FinpicsError:
            continue
        records += response["FaceRecords"]
    return records
