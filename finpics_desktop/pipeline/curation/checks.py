"""What ``check`` needs to know of curation: the actions in progress (whose photos are
legitimately half-moved: they are reported as one problem, which the repair completes), the
faces kept for the trash (not orphans), trash objects no record holds, and the one state a
crash of an unrecorded writer could leave -- a photo listed in two picsets -- and a picset
whose ordering number has another width than the album's (restored from before a renumbering,
say), which the site would show out of order."""

from __future__ import annotations

import calendar
import time
from dataclasses import dataclass, field

from finpics_desktop.domain.errors import FinpicsError
from finpics_desktop.domain.keys import PhotoKey, parse_key
from finpics_desktop.domain.order import mixed_widths, with_number
from finpics_desktop.domain.picsets import order_number, order_width
from finpics_desktop.domain.records import ImageItem, PhotoItem
from finpics_desktop.pipeline.curation.context import Curation
from finpics_desktop.pipeline.curation.moves import rename_picset
from finpics_desktop.pipeline.curation.ops import LIST, OP, Operation, is_alive, trash_resource
from finpics_desktop.pipeline.curation.photos import retire
from finpics_desktop.pipeline.curation.trash import PHOTOS, TRASH, TRASH_PREFIX, trashed_face_ids
from finpics_desktop.ports import Records

IN_PROGRESS = "operation-in-progress"
TWO_PICSETS = "photo-in-two-picsets"
TRASH_LEFTOVER = "trash-object-without-entry"
WIDTH = "picset-number-width"
KINDS = (IN_PROGRESS, TWO_PICSETS, TRASH_LEFTOVER, WIDTH)
YOUNG = 900.0  # seconds: trash objects this young are left alone (as check's temporary files)


@dataclass
class Survey:
    operations: list[Operation] = field(default_factory=list)
    keys: set[str] = field(default_factory=set)  # photo keys an operation is working on
    picsets: set[str] = field(default_factory=set)
    image_ids: set[str] = field(default_factory=set)
    kept_faces: set[str] = field(default_factory=set)  # faces of trashed photos
    trash_ids: set[str] = field(default_factory=set)

    def touches(self, kind: str, subject: str) -> bool:
        """Whether a problem found by ``check`` is an operation's work under way."""
        if kind == "face-without-item":
            return subject in self.kept_faces
        return subject in self.keys or subject in self.picsets or subject in self.image_ids


def survey(private, tables) -> Survey:
    s = Survey(operations=[Operation.of(d) for d in private.query(OP)])
    for op in s.operations:
        for resource in op.resources:
            kind, _, name = resource.partition(":")
            if kind in ("picset", "trash"):  # (a merge holds people: "person:<id>")
                (s.picsets if kind == "picset" else s.trash_ids).add(name)
        for entry in (n for d in private.query(LIST + op.id) for n in d.doc["names"]):
            if isinstance(entry, list):  # [picset, name, to, new name]
                for picset, name in ((entry[0], entry[1]), (entry[2], entry[3])):
                    s.keys.add(PhotoKey(picset, name).key)
                    photo = Records(tables).photo(picset, name)
                    s.image_ids |= photo.image_ids if photo is not None else set()
            elif "picset" in op.params:
                s.keys.add(PhotoKey(op.params["picset"], entry).key)
        if "trash_id" in op.params:
            for doc in private.query(PHOTOS + op.params["trash_id"]):
                for picset in {op.params["picset"], op.params.get("to", op.params["picset"])}:
                    s.keys.add(PhotoKey(picset, doc.sk).key)
    s.kept_faces = trashed_face_ids(private)
    s.trash_ids |= {d.sk for d in private.query(TRASH)}
    return s


def problems(s: Survey, photos: dict[str, PhotoItem], image_items: list[ImageItem], store,
             names, problem, picsets: set[str] = frozenset()) -> list:
    """The curation problems of the album (``problem(kind, subject, detail)`` makes one)."""
    found = [problem(IN_PROGRESS, op.id, f"{op.describe()} was interrupted" + (
        "" if not is_alive(op) else " (still running)")) for op in s.operations]
    for picset, width, album in mixed_widths(sorted(picsets)):
        if picset not in s.picsets:  # (a renumbering under way writes two widths for a while)
            found.append(problem(WIDTH, picset, f"its ordering number has {width} digits, the "
                                 f"album's {album}: the site, sorting ids as text, shows it out "
                                 f"of order (the repair renames it to "
                                 f"{with_number(picset, order_number(picset), album)})"))
    pointed = {i.image_id: f"photos/{i.image_path}" for i in image_items}
    owners: dict[str, list[str]] = {}
    for key, photo in photos.items():
        for face in photo.face_ids:
            owners.setdefault(face, []).append(key)
    for face, keys in sorted((f, k) for f, k in owners.items() if len(k) > 1):
        if not any(k in s.keys for k in keys):
            image_id = photos[keys[0]].image_ids
            kept = next((pointed[i] for i in image_id if i in pointed), keys[0])
            for key in sorted(set(keys) - {kept}):
                found.append(problem(TWO_PICSETS, key, f"the same photo (face {face}) as "
                                     f"{kept}, which the face index points at"))
    for bucket in (names.pics_bucket, names.thumbs_bucket):
        for obj in store.list(bucket, TRASH_PREFIX):
            trash_id = obj.key.split("/")[1]
            if trash_id not in s.trash_ids and not _young(trash_id):
                found.append(problem(TRASH_LEFTOVER, f"{bucket}/{obj.key}",
                                     "no trash entry holds it"))
    return list({(p.kind, p.subject): p for p in found}.values())


def repair(backend, kind: str, subject: str) -> None:
    """Fix one curation problem (FinpicsError if it cannot be now)."""
    c = Curation(backend)
    if kind == IN_PROGRESS:
        op = c.ops.get(subject)
        if op is None:
            return  # finished meanwhile
        if is_alive(op):
            raise FinpicsError(f"{op.describe()} is still running; check again once it ends")
        c.ops.recover(op)
    elif kind == TWO_PICSETS:
        photo = parse_key(subject)
        item = c.records.photo(photo.picset, photo.name)
        if item is not None:
            retire(c, photo.picset, {photo.name: item.data}, drop_image_items=False)
    elif kind == WIDTH:
        ids = c.picset_ids()
        if subject in ids:  # (else renamed or gone meanwhile)
            width = order_width(ids)
            new_id = with_number(subject, order_number(subject), width)
            if len(str(order_number(subject))) > width:
                raise FinpicsError(f"its number does not fit in {width} digits: renumber the "
                                   f"album with more (`finpics-desktop renumber`)")
            if new_id != subject:
                rename_picset(c, subject, new_id, same_width=False)
    elif kind == TRASH_LEFTOVER:
        bucket, _, key = subject.partition("/")
        trash_id = key.split("/")[1]
        if _young(trash_id) or any(trash_resource(trash_id) in op.resources
                                   for op in c.ops.pending()):
            return  # a delete (or a restore, or emptying) may still be working on it
        if c.private.get(TRASH, trash_id) is None:  # (after the records: a delete writes its
            #   entry before it forgets its record)
            c.store.delete(bucket, key)


def _young(trash_id: str) -> bool:
    """Whether a trash id (``%Y%m%d-%H%M%S-…``, UTC) was made less than :data:`YOUNG` ago: its
    objects may be a delete's whose record the survey did not see yet."""
    try:
        made = calendar.timegm(time.strptime(trash_id[:15], "%Y%m%d-%H%M%S"))
    except ValueError:
        return False
    return time.time() - made < YOUNG
