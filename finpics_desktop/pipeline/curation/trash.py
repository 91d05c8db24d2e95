"""The trash: deleted photos and picsets kept privately until the trash is emptied.

A deleted photo's original and thumbnail are copied under ``trash/<trash id>/<picset>/<file>``
of their buckets (public read is only ``photos/*``), its photo item is kept in the private store
(partition ``trash-photo:<trash id>``; its ``pics_by_image_id`` item is the same data), and its
faces stay in the face index -- a Rekognition collection cannot give a face's vector back --
but are never search results, since their photo's items are gone from the public tables
(``check`` does not call them orphans: it asks :func:`trashed_face_ids`). The entry itself
(partition ``trash``) is written last, once the photos are out of the album. Restoring puts
every key back with the same FaceIds; emptying deletes the faces, the objects and the records.
"""

from __future__ import annotations

import time
import uuid
from contextlib import suppress
from dataclasses import dataclass

from finpics_desktop.domain import items
from finpics_desktop.domain.errors import NotFound
from finpics_desktop.domain.keys import PhotoKey, photo_key
from finpics_desktop.domain.order import with_number
from finpics_desktop.domain.picsets import (
    order_number,
    order_width,
    validate_picset_id,
)
from finpics_desktop.domain.records import PhotoItem
from finpics_desktop.pipeline.curation.context import Curation, DeleteStep, Outcome, RestoreStep
from finpics_desktop.pipeline.curation.errors import Refused, Taken
from finpics_desktop.pipeline.curation.identity import forget_identity
from finpics_desktop.pipeline.curation.ops import (
    OP,
    Operation,
    picset_resource,
    runs,
    trash_resource,
)
from finpics_desktop.pipeline.curation.photos import place, retire, unplace
from finpics_desktop.ports import PrivateDoc, PrivateStore

TRASH, PHOTOS = "trash", "trash-photo:"
TRASH_PREFIX = "trash/"


@dataclass(frozen=True)
class TrashEntry:
    id: str
    what: str
    deleted_at: str  # ISO 8601, UTC
    picset: str
    count: int

    def as_json(self) -> dict:
        return {"id": self.id, "what": self.what, "deleted_at": self.deleted_at}


def trash_key(trash_id: str, picset: str, name: str) -> str:
    return f"{TRASH_PREFIX}{trash_id}/{picset}/{name}"


def _what(picset: str, names: list[str], whole: bool) -> str:
    if whole:
        return f"picset {picset} ({len(names)} photo{'' if len(names) == 1 else 's'})"
    more = f" and {len(names) - 1} more" if len(names) > 1 else ""
    return f"{picset}/{names[0]}{more}"


def parse_targets(targets: list[str]) -> dict[str, list[str] | None]:
    """``PICSET`` or ``PICSET/FILE`` -> {picset: file names, or None for the whole picset}."""
    groups: dict[str, list[str] | None] = {}
    for target in targets:
        picset, _, name = target.partition("/")
        validate_picset_id(picset)
        if not name:
            groups[picset] = None
        elif groups.get(picset, []) is not None:
            listed = groups.setdefault(picset, [])
            if (name := photo_key(picset, name).name) not in listed:  # listed twice: one
                listed.append(name)
    return groups


def delete(c: Curation, targets: list[str], *, purge: bool = False) -> Outcome:
    """Move photos and picsets to the trash (``purge``: and delete them for good at once)."""
    groups = parse_targets(targets)
    outcome = Outcome("")
    for picset, names in list(groups.items()):  # this very delete, interrupted: completed
        request = ["delete", picset, sorted(names) if names is not None else None]
        if (op := c.recover_request([picset_resource(picset)], request)) is not None:
            del groups[picset]
            outcome.completed.append(op.describe())
            outcome.summary += ("; " if outcome.summary else "") + op.params["what"] + (
                " deleted" if purge else f" moved to the trash as {op.params['trash_id']}")
            if purge:
                empty_trash(c, [op.params["trash_id"]])
            else:
                outcome.undo.append(RestoreStep(op.params["trash_id"]))
    _check_targets(c, groups)  # everything is checked before anything changes
    for picset, names in groups.items():
        request = ["delete", picset, sorted(names) if names is not None else None]
        trash_id = time.strftime("%Y%m%d-%H%M%S", time.gmtime()) + "-" + uuid.uuid4().hex[:6]
        deleted_at = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())

        def planned(picset=picset, names=names, request=request, trash_id=trash_id,
                    deleted_at=deleted_at) -> tuple[dict, list]:
            _check_targets(c, {picset: names})
            whole = names is None
            names = c.records.photo_names(picset) if whole else names
            entry = c.records.picset(picset)
            return {"request": request, "trash_id": trash_id, "picset": picset, "whole": whole,
                    "cover": entry.cover if entry else None, "what": _what(picset, names, whole),
                    "deleted_at": deleted_at}, names

        op, _ = c.begin("trash", [picset_resource(picset), trash_resource(trash_id)], planned)
        params = op.params
        c.run(op)
        if purge:
            empty_trash(c, [trash_id])
        else:
            outcome.undo.append(RestoreStep(trash_id))
        outcome.summary += ("; " if outcome.summary else "") + params["what"] + (
            " deleted" if purge else f" moved to the trash as {trash_id}")
    return outcome


def _check_targets(c: Curation, groups: dict[str, list[str] | None]) -> None:
    for picset, names in groups.items():
        if names is None and not c.picset_exists(picset):
            raise Refused(f"there is no picset {picset} (`finpics-desktop picsets` lists them)")
        for name in names or []:
            c.photo(picset, name)


@runs("trash")
def run_trash(c: Curation, op: Operation) -> None:
    p = op.params
    picset, trash_id = p["picset"], p["trash_id"]
    pics, thumbs = c.names.pics_bucket, c.names.thumbs_bucket
    if op.state.get("phase", "save") == "save":
        for name in c.ops.names(op):
            c.touch()
            item = c.records.photo(picset, name)
            if item is None:
                continue  # kept already (a re-run), or gone meanwhile
            key, kept = PhotoKey(picset, name).key, trash_key(trash_id, picset, name)
            for bucket in (pics, thumbs):
                with suppress(NotFound):  # an item without its object: nothing to keep
                    c.store.copy(bucket, key, bucket, kept)
            c.private.put(PHOTOS + trash_id, name, {"item": item.item()})
        c.ops.save(op, phase="retire")
    kept = {d.sk: _kept(d).data for d in c.private.query(PHOTOS + trash_id)}
    retired = set(retire(c, picset, kept, drop_image_items=True))
    for name in set(kept) - retired:  # published anew meanwhile: it stays, out of the trash
        c.touch()
        _forget(c, trash_id, picset, name)
    if retired:
        c.private.put(TRASH, trash_id, {k: p[k] for k in (
            "what", "picset", "whole", "cover", "deleted_at")} | {"count": len(retired)})
    c.ops.finish(op)


def _forget(c: Curation, trash_id: str, picset: str, name: str) -> None:
    for bucket in (c.names.pics_bucket, c.names.thumbs_bucket):
        c.store.delete(bucket, trash_key(trash_id, picset, name))
    c.private.delete(PHOTOS + trash_id, name)


def list_trash(c: Curation) -> list[TrashEntry]:
    """What the trash holds, the latest deleted first."""
    entries = [TrashEntry(d.sk, d.doc["what"], d.doc["deleted_at"], d.doc["picset"],
                          d.doc.get("count", 0)) for d in c.private.query(TRASH)]
    return sorted(entries, key=lambda e: (e.deleted_at, e.id), reverse=True)


# -- restore -----------------------------------------------------------------------------------
def restore_target(c: Curation, picset: str) -> str:
    """Where a picset's trashed photos go back: the picset itself if it is in the album, else
    its id with the number written with the album's width now (a renumbering since the delete
    changed it: an id of another width would show out of order on the site)."""
    number = order_number(picset)
    others = [i for i in c.picset_ids() if i != picset]
    if number is None or not others or c.picset_exists(picset):
        return picset
    width = order_width(others)
    return with_number(picset, number, width) if len(str(number)) <= width else picset


def restore(c: Curation, trash_id: str) -> Outcome:
    resources_of = [trash_resource(trash_id)]
    if c.recover_request(resources_of, ["restore", trash_id]) is not None:
        return Outcome(f"completed the interrupted restore of {trash_id}")
    entry = c.private.get(TRASH, trash_id)  # (if none, planned() refuses)
    picset = entry.doc["picset"] if entry is not None else ""
    to = restore_target(c, picset) if entry is not None else ""

    def planned() -> tuple[dict, None]:
        entry = c.private.get(TRASH, trash_id)
        if entry is None:
            raise Refused(f"there is nothing with id {trash_id!r} in the trash "
                          "(`finpics-desktop trash` lists it)")
        for name in (d.sk for d in c.private.query(PHOTOS + trash_id)):
            if c.name_taken(PhotoKey(to, name)):
                raise Refused(f"cannot restore {entry.doc['what']}: picset "
                              f"{to} has a photo named {name!r} again "
                              "(nothing was changed)")
        return {"request": ["restore", trash_id], "trash_id": trash_id, **entry.doc,
                "to": to}, None

    op, _ = c.begin("restore", [picset_resource(to), *resources_of], planned)
    entry_doc, names = op.params, [d.sk for d in c.private.query(PHOTOS + trash_id)]
    c.run(op)
    missing = op.state.get("missing", [])
    restored = [n for n in names if n not in missing]
    targets = [to] if entry_doc.get("whole") else [f"{to}/{n}" for n in restored]
    renumbered = f" as {to} (the album's numbers have another width now)" if to != picset else ""
    return Outcome(f"restored {entry_doc['what']}{renumbered}", [
        DeleteStep(tuple(targets))] if restored else [], failed=[
        f"{picset}/{n}: its original was not in the trash (it was missing when deleted): it "
        "cannot be restored" for n in missing])


@runs("restore")
def run_restore(c: Curation, op: Operation) -> None:
    p = op.params
    picset, trash_id = p["picset"], p["trash_id"]
    to = p.get("to", picset)  # where the photos go back (their trash keys name ``picset``)
    kept = {d.sk: _kept(d).data for d in c.private.query(PHOTOS + trash_id)}
    phase = op.state.get("phase", "place")
    if phase == "place":
        missing = []
        try:
            for name, data in kept.items():
                c.touch()
                source = trash_key(trash_id, picset, name)
                try:
                    place(c, data, source, source, PhotoKey(to, name), op.id)
                except NotFound:  # no original was kept: the others are restored
                    missing.append(name)
            phase = "switch"
        except Taken as e:
            phase, op.state["error"] = "rollback", str(e)
        c.ops.save(op, phase=phase, missing=missing)
    if phase == "rollback":
        unplace(c, [(data, PhotoKey(to, name), None) for name, data in kept.items()], op.id)
        c.ops.finish(op)
        raise Refused(f"cannot restore {p['what']}: {op.state['error']} (nothing was changed)")
    if phase == "switch":
        placed = [n for n in kept if c.records.photo(to, n) is not None]
        if placed:
            cover = p.get("cover")
            c.tables.set_picset_cover_if_absent(to, cover if cover in placed else placed[0])
        c.ops.save(op, phase="clean")
    lost = [f for n in op.state.get("missing", []) if n in kept
            for f in items.face_ids(kept[n])]
    if lost:  # the faces of a photo that cannot be restored go with it
        c.faces.delete_faces(lost)
    for name in kept:
        c.touch()
        _forget(c, trash_id, picset, name)
    c.private.delete(TRASH, trash_id)
    c.ops.finish(op)


# -- empty -------------------------------------------------------------------------------------
def empty_trash(c: Curation, trash_ids: list[str] | None = None) -> Outcome:
    """Delete for good what the trash holds (or the entries ``trash_ids``): faces, objects,
    records."""
    ids = trash_ids if trash_ids is not None else [e.id for e in list_trash(c)]
    photos = 0
    for trash_id in ids:
        c.ops.recover_touching([trash_resource(trash_id)])
        entry = c.private.get(TRASH, trash_id)
        if entry is None:
            continue
        op = c.ops.begin("empty", {"trash_id": trash_id, "picset": entry.doc["picset"]},
                         [trash_resource(trash_id)])
        photos += entry.doc.get("count", 0)
        c.run(op)
    return Outcome(f"the trash is empty: {photos} photo(s) deleted for good" if (
        trash_ids is None) else f"deleted {photos} photo(s) for good")


@runs("empty")
def run_empty(c: Curation, op: Operation) -> None:
    trash_id, picset = op.params["trash_id"], op.params["picset"]
    kept = c.private.query(PHOTOS + trash_id)
    face_ids = [f for d in kept for f in _kept(d).face_ids]
    if face_ids:
        c.faces.delete_faces(face_ids)
    for doc in kept:
        c.touch()
        _forget(c, trash_id, picset, doc.sk)
    c.private.delete(TRASH, trash_id)
    if not c.picset_exists(picset) and not any(
            d.doc.get("picset") == picset for d in c.private.query(TRASH)):
        forget_identity(c.private, picset)  # gone for good: no restore will want it
    c.ops.finish(op)


def trashed_face_ids(private: PrivateStore) -> set[str]:
    """Every face of a photo in the trash, or being moved into or out of it: kept in the
    face index although no public item lists it."""
    ids = {d.sk for d in private.query(TRASH)}
    ids |= {d.doc["params"]["trash_id"] for d in private.query(OP)
            if "trash_id" in d.doc.get("params", {})}
    return {f for trash_id in ids for d in private.query(PHOTOS + trash_id)
            for f in _kept(d).face_ids}


def _kept(doc: PrivateDoc) -> PhotoItem:
    """The photo item a trash record keeps (as it was stored, to be put back unchanged)."""
    return PhotoItem.from_item(doc.doc["item"])
