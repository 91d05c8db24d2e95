"""``check [--repair]``: find (and fix) what a crash or a manual edit left in an album.

What is looked for, each a :class:`Problem` kind:

- ``item-without-object``: a photo item whose original is gone -> the photo is removed whole
  (items, faces, thumbnail, featured photo moved on).
- ``object-without-item``: an original never processed (a crash between store and process)
  -> processed now; if its content cannot be processed, it is removed.
- ``item-without-thumbnail``: -> the thumbnail is made again from the original.
- ``thumbnail-without-object``: a thumbnail whose original is gone -> deleted.
- ``image-item-missing``: a photo with faces but no ``pics_by_image_id`` item -> written.
- ``stray-image-item``: a ``pics_by_image_id`` item no photo refers to -> deleted.
- ``face-without-item``: a face in the index no photo item lists (mapped back to its photo by
  ExternalImageId = :func:`~finpics_desktop.pipeline.functions.process.external_image_id`) ->
  deleted.
- ``missing-featured``: a picset whose featured photo no longer exists -> another photo of
  the picset is featured, or the empty picset's entry is removed.
- ``picset-without-entry``: photos in a picset the list does not show -> entry added.
- ``half-written-file``: a temporary file of a write killed midway (stores that keep them,
  like the local library's folders; older than :data:`STALE_AFTER`) -> deleted.
- ``reindex-interrupted``: a photo whose re-index (or naming) was killed midway, its lock left
  with what it had done (:mod:`~finpics_desktop.pipeline.people.photo_lock`) -> finished or rolled
  back first, as the next ``reindex`` would, before anything else is looked at again.
- curation's (:mod:`~finpics_desktop.pipeline.curation.checks`): ``operation-in-progress``
  (an action a crash interrupted -> completed, or rolled back; the keys it works on are not
  reported otherwise), ``photo-in-two-picsets`` (-> the copy the face index does not point at
  is taken out), ``trash-object-without-entry`` (-> deleted), ``picset-number-width`` (a
  picset whose ordering number has another width than the album's: the site's text order
  shows it out of place -> renamed to the album's width). Faces of trashed photos are not
  orphans.
- the links of a library picset to its cloud copy
  (:mod:`~finpics_desktop.pipeline.publish.link_check`): ``stray-identity``,
  ``shared-identity``, ``dangling-link``.
"""

from __future__ import annotations

import logging

from finpics_desktop.domain import items
from finpics_desktop.domain.errors import FinpicsError, UnsupportedImage
from finpics_desktop.domain.keys import PHOTOS_PREFIX, parse_key
from finpics_desktop.domain.picsets import PICSET_ROOT
from finpics_desktop.domain.records import PhotoItem
from finpics_desktop.pipeline.curation import checks as curation
from finpics_desktop.pipeline.functions.process import external_image_id
from finpics_desktop.pipeline.people import check as people_check
from finpics_desktop.pipeline.people import merge as _merge  # noqa: F401 (how an interrupted merge is completed)
from finpics_desktop.pipeline.people.photo_lock import LOCKS, PhotoLocks, alive, describe
from finpics_desktop.pipeline.photos.images import make_thumbnail
from finpics_desktop.pipeline.problems import CheckReport, Problem
from finpics_desktop.pipeline.publish import link_check
from finpics_desktop.pipeline.remove import remove_photo
from finpics_desktop.pipeline.retry import with_retries
from finpics_desktop.ports import Records

log = logging.getLogger(__name__)

REINDEX_LEFT = "reindex-interrupted"
KINDS = (
    REINDEX_LEFT, "item-without-object", "object-without-item", "item-without-thumbnail",
    "thumbnail-without-object", "image-item-missing", "stray-image-item",
    "face-without-item", "missing-featured", "picset-without-entry", "half-written-file",
    *curation.KINDS,
)
STALE_AFTER = 900.0  # seconds: a temporary file younger than this may belong to a live upload
_FIRST = KINDS[1:5]  # repaired first; the rest is looked at again afterwards


class _Album:
    """One consistent-enough snapshot of everything the checks compare."""

    def __init__(self, store, tables, faces, names, indexed=None):
        self.objects = _keys(store, names.pics_bucket)
        self.thumbs = _keys(store, names.thumbs_bucket)
        records = Records(tables, faces)
        self.entries = {e.picset: e for e in records.picsets()}
        self.image_items = list(records.image_paths())  # (only what is compared is read)
        picsets = set(self.entries)
        for key in self.objects:
            picsets.add(key[len(PHOTOS_PREFIX):].split("/", 1)[0])
        for image in self.image_items:
            picsets.add(image.picset)
        self.photos: dict[str, PhotoItem] = {}  # key -> photo item
        for picset in sorted(p for p in picsets if p and p != PICSET_ROOT):
            for photo in records.photo_ids(picset):
                self.photos[photo.key.key] = photo
        self.faces = list(records.indexed_face_ids()) if indexed is None else indexed


def _keys(store, bucket: str) -> set[str]:
    """The keys of the bucket's photos (a store that can list only keys does)."""
    only = getattr(store, "list_keys", None)
    if only is not None:
        return set(only(bucket, PHOTOS_PREFIX))
    return {o.key for o in store.list(bucket, PHOTOS_PREFIX)}


def scan(store, tables, faces, names, stale_after: float = STALE_AFTER,
         private=None, indexed: list | None = None) -> list[Problem]:
    """The album's problems; ``indexed``: the index's faces (their ids), if read already."""
    busy = curation.survey(private, tables) if private is not None else curation.Survey()
    a = _Album(store, tables, faces, names, indexed)
    found: list[Problem] = []
    temporaries = getattr(store, "stale_temporaries", None)
    if temporaries is not None:
        for bucket in (names.pics_bucket, names.thumbs_bucket):
            for rel in temporaries(bucket, stale_after):
                found.append(Problem("half-written-file", f"{bucket}/{rel}",
                                     "left by a write that was killed midway"))
    # (what is found is sorted, not the 100,000 keys looked at)
    for key in sorted(k for k in a.photos if k not in a.objects or k not in a.thumbs):
        if key not in a.objects:
            found.append(Problem("item-without-object", key, "the original is missing"))
        else:
            found.append(Problem("item-without-thumbnail", key, "the thumbnail is missing"))
    for key in sorted(a.objects - a.photos.keys()):
        found.append(Problem("object-without-item", key, "stored but never processed"))
    for key in sorted(a.thumbs - set(a.objects) - set(a.photos)):  # else the item's repair
        found.append(Problem("thumbnail-without-object", key, "its original is gone"))

    image_ids = {}  # image id -> key of the photo item listing it
    face_ids = set()
    for key, photo in a.photos.items():
        for image_id in photo.image_ids:
            image_ids[image_id] = key
        face_ids.update(photo.face_ids)
    present = {i.image_id: i for i in a.image_items}
    for image_id in sorted(i for i in image_ids if i not in present):
        found.append(Problem("image-item-missing", image_ids[image_id],
                             f"no pics_by_image_id item for image {image_id}"))
    for image_id in sorted(i for i, image in present.items()
                           if image_ids.get(i) != f"{PHOTOS_PREFIX}{image.image_path}"):
        found.append(Problem("stray-image-item", image_id,
                             f"points at {present[image_id].image_path!r}, which no photo "
                             "item with this image id is"))
    known = {external_image_id(k): k for k in set(a.objects) | set(a.photos)}
    for face in a.faces:
        if face.face_id not in face_ids:
            of = known.get(face.external_image_id or "")
            found.append(Problem("face-without-item", face.face_id,
                                 f"indexed from {of}, whose item does not list it" if of else
                                 "indexed from a photo that no longer exists"))
    by_picset: dict[str, set[str]] = {}
    for key in a.photos:
        photo = key[len(PHOTOS_PREFIX):].split("/", 1)
        by_picset.setdefault(photo[0], set()).add(photo[1])
    for picset, entry in sorted(a.entries.items()):
        pic = entry.cover
        if pic is not None and pic not in by_picset.get(picset, ()):
            found.append(Problem("missing-featured", picset,
                                 f"featured photo {pic!r} no longer exists"))
    for picset in sorted(set(by_picset) - set(a.entries)):
        found.append(Problem("picset-without-entry", picset,
                             "has photos but is not in the picset list"))
    found = [p for p in found if not busy.touches(p.kind, p.subject)]
    for lock in private.query(LOCKS) if private is not None else []:
        if not alive(lock.doc):
            found.insert(0, Problem(REINDEX_LEFT, lock.sk,
                                    f"{describe(lock.doc)} was killed on this photo"))
    return curation.problems(busy, a.photos, a.image_items, store, names, Problem,
                             set(a.entries) | set(by_picset)) + found


def _repair_one(problem: Problem, store, tables, faces, names, process, backend) -> None:
    kind, subject = problem.kind, problem.subject
    if kind in curation.KINDS:
        curation.repair(backend, kind, subject)
    elif kind == REINDEX_LEFT:
        PhotoLocks(backend).recover_all()
    elif kind == "item-without-object":
        remove_photo(store, tables, faces, names, parse_key(subject))
    elif kind == "object-without-item":
        photo = parse_key(subject)
        if process is None:
            raise FinpicsError("this backend processes in the cloud: reprocess it there")
        try:
            process(names.pics_bucket, subject)
        except UnsupportedImage:
            remove_photo(store, tables, faces, names, photo)
    elif kind == "item-without-thumbnail":
        photo = parse_key(subject)
        thumb = make_thumbnail(store.get(names.pics_bucket, subject), photo.name)
        store.put(names.thumbs_bucket, subject, thumb.data, thumb.content_type)
    elif kind == "thumbnail-without-object":
        store.delete(names.thumbs_bucket, subject)
    elif kind == "image-item-missing":
        photo = parse_key(subject)
        item = Records(tables).photo(photo.picset, photo.name)
        for image_item in items.image_items(photo, item.data) if item else []:
            tables.put_image_item(image_item)
    elif kind == "stray-image-item":
        tables.delete_image_item(subject)
    elif kind == "face-without-item":
        faces.delete_faces([subject])
    elif kind == "half-written-file":
        bucket, _, relative = subject.partition("/")
        store.delete_temporary(bucket, relative)
    elif kind in ("missing-featured", "picset-without-entry"):
        rest = Records(tables).photo_names(subject)
        if rest:
            tables.set_picset_cover(subject, rest[0])
        else:
            tables.delete_pics_item(PICSET_ROOT, subject)


def check(backend, *, repair: bool = False, stale_after: float = STALE_AFTER) -> CheckReport:
    """Scan the backend; with ``repair``, fix every problem found and scan again."""
    store, tables = with_retries(backend.store), with_retries(backend.tables)
    faces, names = with_retries(backend.faces), backend.names

    def rescan() -> list[Problem]:  # people's records too (the index's faces read once)
        indexed = list(Records(tables, faces).indexed_face_ids())
        return (scan(store, tables, faces, names, stale_after, backend.private, indexed)
                + people_check.scan(backend, indexed) + link_check.scan(backend))

    found = rescan()
    report = CheckReport(found=found, repaired=repair)
    if not repair or not found:
        return report
    todo = [p for p in found if p.kind in (curation.IN_PROGRESS, REINDEX_LEFT)]
    for phase in (0, 1, 2):
        if phase == 1:  # the interrupted actions are complete: what is left of the rest
            todo = [p for p in (rescan() if todo else found) if p.kind in _FIRST]
        if phase == 2:  # what the first repairs changed: look again at items, faces, covers
            todo = [p for p in rescan()
                    if p.kind not in (*_FIRST, curation.IN_PROGRESS, REINDEX_LEFT)]
        for problem in sorted(todo, key=lambda p: KINDS.index(p.kind) if p.kind in KINDS
                              else len(KINDS)):
            try:
                if problem.kind in KINDS:
                    _repair_one(problem, store, tables, faces, names, backend.process, backend)
                elif problem.kind in link_check.KINDS:
                    link_check.repair(backend, problem)
                else:
                    people_check.repair(backend, problem)
            except FinpicsError as e:
                report.errors.append(f"{problem.subject}: cannot repair: {e}")
            except Exception as e:  # report and go on with the others
                log.exception("repairing %s failed", problem.line())
                report.errors.append(f"{problem.subject}: cannot repair: "
                                     f"{type(e).__name__}: {e}")
    report.remaining = rescan()
    return report


__all__ = ["KINDS", "STALE_AFTER", "CheckReport", "Problem", "check", "scan"]
