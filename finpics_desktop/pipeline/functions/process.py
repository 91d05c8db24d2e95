"""``process_new_image``: the six steps the contract gives for a new original, safe when the
same object is processed twice at once (S3 delivers events at least once)."""

from __future__ import annotations

import hashlib
import logging

from finpics_desktop.domain import items
from finpics_desktop.domain.errors import BackendError, NotFound, StorageError, UnsupportedImage
from finpics_desktop.domain.keys import PhotoKey, parse_key
from finpics_desktop.domain.names import Names
from finpics_desktop.pipeline.photos.images import make_thumbnail
from finpics_desktop.ports import PLACED_METADATA, FaceIndex, ObjectStore, Tables

log = logging.getLogger(__name__)

ROUNDS = 25  # conditional writes one run tries; each failure means another run's write won


def external_image_id(key: str) -> str:
    """Rekognition's ExternalImageId allows only ``[a-zA-Z0-9_.\\-:]``: a digest of the key.

    ``check`` maps faces back to photos through it.
    """
    return "k" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:40]


def placed_by_curation(store: ObjectStore, bucket: str, key: str) -> bool:
    """Whether the original was copied into place by a curation action (a move, a rename, a
    restore), which writes its items itself with the photo's faces: processing it would index
    the faces anew. (``reprocess`` and ``check`` still process such an original explicitly.)"""
    info = store.head(bucket, key)
    return info is not None and bool(info.metadata.get(PLACED_METADATA))


def process_new_image(
    store: ObjectStore, tables: Tables, faces: FaceIndex, names: Names, bucket: str, key: str
) -> items.Item:
    """Process one original: thumbnail, picset entry and cover, IndexFaces, both table items.
    Returns the photo item stored when it ends.

    Idempotent, also when runs of the same object overlap (a duplicate event, a re-upload
    racing the first): they end as one run would have, the photo item, its image item and the
    faces of the collection in agreement, the content read last winning. The photo item is put
    only if it is still the one read before the content (a conditional write); the run whose
    write wins deletes the faces and image item of the item it replaced, a run that loses
    deletes its own (or, if its content is still the object's and says something else, tries
    again over the winner's item).
    Raises InvalidName/UnsupportedImage for keys or content that cannot be processed; nothing
    is written then.
    """
    photo = parse_key(key)
    previous = tables.get_pics_item(photo.picset, photo.name)  # before the content: see _commit
    data, etag = store.get_tagged(bucket, key)
    thumb = make_thumbnail(data, photo.name)  # 1-2: refuses bad content before any write
    store.put(names.thumbs_bucket, key, thumb.data, thumb.content_type)
    tables.set_picset_cover_if_absent(photo.picset, photo.name)  # 3

    response = faces.index_faces(bucket, key, data, external_image_id(key))  # 4
    item = items.photo_item(photo, response)
    try:
        image_item = items.image_item(photo, response)
        if image_item is not None:  # 6, before 5: the photo item never names a missing image
            tables.put_image_item(image_item)  # item, and a later run's write cannot come first
        stored = _commit(store, tables, faces, bucket, photo, etag, item, previous)  # 5
    except BaseException:
        _forget(tables, faces, photo, item)
        raise
    _settle_thumbnail(store, names, bucket, photo, etag)
    log.info("processed %s: %d face(s)", key, len(response.get("FaceRecords", [])))
    return stored


def _commit(store: ObjectStore, tables: Tables, faces: FaceIndex, bucket: str, photo: PhotoKey,
            etag: str, item: items.Item, previous: items.Item | None) -> items.Item:
    """Put ``item`` over ``previous``; on losing to another run, settle who wins.

    ``previous`` is always read before the content is checked (first the read of the content
    itself, later a head): if the write over it then succeeds, the item did not change in
    between, so no run that read newer content had written yet, and any that writes later
    wins over this one."""
    for _ in range(ROUNDS):
        if tables.put_pics_item_if_unchanged(item, previous):
            drop_unlisted(tables, faces, previous, kept=item)
            return item
        current = tables.get_pics_item(photo.picset, photo.name)
        # replaced by another run (which drops it too), or by this one's write whose answer
        # was lost and whose retry was refused (then the current item is this run's)
        drop_unlisted(tables, faces, previous, kept=current)
        previous = current
        if items.same_faces(current, item) or not _current(store, bucket, photo, etag):
            # the item says what this run's would (a duplicate), or newer content has its run
            drop_unlisted(tables, faces, item, kept=current)
            return current if current is not None else item
    drop_unlisted(tables, faces, item, kept=previous)
    raise BackendError(f"{photo.key}: its item kept changing while it was processed "
                       f"({ROUNDS} tries); process it again")


def _forget(tables: Tables, faces: FaceIndex, photo: PhotoKey, item: items.Item) -> None:
    """A write after IndexFaces failed (a full disk, the network): the faces just indexed go
    again, unless the photo's item lists them (a write whose answer was lost), so that no face
    is left that no item lists. What cannot be done now, the next run, the job's sweep or
    ``check --repair`` does."""
    try:
        drop_unlisted(tables, faces, item, kept=tables.get_pics_item(photo.picset, photo.name))
    except Exception as e:  # noqa: BLE001 - the write's own error is the one raised
        log.log(quiet_if_storage(e), "could not remove the faces just indexed from %s: %s",
                photo.key, e)


def quiet_if_storage(error: Exception) -> int:
    """The level to log a failed clean-up at: a full or read-only disk is said once, by what
    stops the job (with what to do), so its clean-ups only note it."""
    return logging.INFO if isinstance(error, StorageError) else logging.WARNING


def drop_unlisted(tables: Tables, faces: FaceIndex, gone: items.Item | None,
                  kept: items.Item | None) -> None:
    """Delete what ``gone`` indexed that ``kept`` (the item now stored) does not list."""
    if gone is None:
        return
    kept_data = (kept or {}).get("data")
    old_faces = set(items.face_ids(gone.get("data"))) - set(items.face_ids(kept_data))
    if old_faces:
        faces.delete_faces(sorted(old_faces))
    for old_image in items.image_ids(gone.get("data")) - items.image_ids(kept_data):
        tables.delete_image_item(old_image)


def _current(store: ObjectStore, bucket: str, photo: PhotoKey, etag: str) -> bool:
    info = store.head(bucket, photo.key)
    return info is not None and info.etag == etag


def _settle_thumbnail(store: ObjectStore, names: Names, bucket: str, photo: PhotoKey,
                      etag: str) -> None:
    """The thumbnail put by this run may land after the one of a run that read newer content:
    while the original is not the content the thumbnail was last made from, make it again.
    (Whichever put lands last, its run then sees the original unchanged, or makes it again.)"""
    for _ in range(ROUNDS):
        if _current(store, bucket, photo, etag):
            return
        try:
            data, now = store.get_tagged(bucket, photo.key)
            if now == etag:  # the same content (the etag ``head`` gives is the writer's claim)
                return
            thumb = make_thumbnail(data, photo.name)
        except (UnsupportedImage, NotFound):  # its own run reports it
            return
        store.put(names.thumbs_bucket, photo.key, thumb.data, thumb.content_type)
        etag = now
