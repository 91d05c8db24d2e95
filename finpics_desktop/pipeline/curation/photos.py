"""The steps every curation action is made of, each idempotent, in the order that keeps the
public site consistent at every moment:

- :func:`place` puts a photo at a new key *keeping its faces* (a move, a rename, a restore):
  original, thumbnail, photo item, the curator's records of the photo
  (:mod:`~finpics_desktop.pipeline.curation.follow`), then the ``pics_by_image_id`` item
  re-pointed -- the item appears only once both objects are there, so the site never shows a
  broken image;
- :func:`retire` takes photos out of a picset: the featured photo first moves to a photo that
  stays (or the entry goes, before its last photo: never an empty picset on the site), then
  each photo item (only if it is not featured, one atomic step), its image item if asked, its
  thumbnail and its original -- the item goes before the objects it names.

A photo put in place carries :data:`~finpics_desktop.ports.PLACED_METADATA` (the action's id),
so that a re-run knows its own work, and the cloud's processing leaves the copy alone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from finpics_desktop.domain import items
from finpics_desktop.domain.errors import NotFound, WriteConflict
from finpics_desktop.domain.keys import PhotoKey
from finpics_desktop.pipeline.curation.errors import Taken
from finpics_desktop.pipeline.curation.follow import follow
from finpics_desktop.pipeline.photos.images import make_thumbnail
from finpics_desktop.ports import HASH_METADATA, LOCATION_METADATA, PLACED_METADATA

if TYPE_CHECKING:
    from finpics_desktop.pipeline.curation.context import Curation

KEPT_METADATA = (HASH_METADATA, LOCATION_METADATA)


def kept_metadata(metadata: dict[str, str]) -> dict[str, str]:
    """What travels with an original to its new key (its content hash, location note)."""
    return {k: v for k, v in metadata.items() if k in KEPT_METADATA}


def place(c: Curation, data: dict, original: str, thumbnail: str, dst: PhotoKey,
          op_id: str) -> None:
    """Put the photo whose IndexFaces response is ``data`` (its original at key ``original``,
    its thumbnail at ``thumbnail``) at ``dst``, with the same FaceIds and ImageId."""
    pics, thumbs = c.names.pics_bucket, c.names.thumbs_bucket
    head = c.store.head(pics, dst.key)
    if head is None or head.metadata.get(PLACED_METADATA) != op_id:
        source = c.store.head(pics, original)
        if source is None:
            raise NotFound(f"{original} is gone")
        if head is not None and (head.sha256 != source.sha256 or c.tables.get_pics_item(
                dst.picset, dst.name) is not None):  # (the same content and no item: a copy
            #   whose record a kill lost, or nothing anyone published)
            raise Taken(f"{dst.image_path}: another photo has this name in picset {dst.picset}")
        try:  # only creates, unless it is the same content (then nothing else is lost)
            c.store.copy(pics, original, pics, dst.key,
                         {**kept_metadata(source.metadata), PLACED_METADATA: op_id},
                         if_absent=head is None)
        except WriteConflict:  # an upload took the name since the head
            raise Taken(f"{dst.image_path}: another photo has this name in picset "
                        f"{dst.picset}") from None
    try:
        c.store.copy(thumbs, thumbnail, thumbs, dst.key)
    except NotFound:  # made again from the original rather than left missing
        thumb = make_thumbnail(c.store.get(pics, dst.key), dst.name)
        c.store.put(thumbs, dst.key, thumb.data, thumb.content_type)
    item = items.photo_item(dst, data)
    if not c.tables.put_pics_item_if_unchanged(item, None):
        current = c.records.photo(dst.picset, dst.name)
        if current is None or not current.same_data(data):  # not this action's item
            raise Taken(f"{dst.image_path}: another photo has this name in picset {dst.picset}")
    follow(c.private, original, dst.key)  # its regions and removed faces go with it
    image = items.image_item(dst, data)
    if image is not None:
        c.tables.put_image_item(image)


def unplace(c: Curation, photos: list[tuple[dict, PhotoKey, PhotoKey | None]],
            op_id: str) -> None:
    """Undo :func:`place` of each ``(data, dst, back_to)`` (a rollback): only what this action
    put there is removed; the image item points ``back_to`` the photo's previous key (or is
    removed with None). The destinations are not listed on the site meanwhile: the action
    never got to list them."""
    pics, thumbs = c.names.pics_bucket, c.names.thumbs_bucket
    placed: dict[str, dict[str, dict]] = {}
    for data, dst, back_to in photos:
        c.touch()
        head = c.store.head(pics, dst.key)
        if head is None or head.metadata.get(PLACED_METADATA) != op_id:
            continue  # never placed (or not by this action)
        current = c.records.photo(dst.picset, dst.name)
        if back_to is not None:
            follow(c.private, dst.key, back_to.key)
        for image_id in items.image_ids(data):
            if back_to is not None and c.records.photo(back_to.picset, back_to.name):
                c.tables.put_image_item(items.image_item(back_to, data))
            else:
                image = c.records.image(image_id)
                if image is not None and image.image_path == dst.image_path:
                    c.tables.delete_image_item(image_id)
        if current is not None and current.same_data(data):
            placed.setdefault(dst.picset, {})[dst.name] = data
        else:
            c.store.delete(thumbs, dst.key)
            c.store.delete(pics, dst.key)
    for picset, retiring in placed.items():  # once per destination: one look at its photos
        retire(c, picset, retiring, drop_image_items=False, relist=False)


def retire(c: Curation, picset: str, photos: dict[str, dict | None], *,
           drop_image_items: bool, relist: bool = True) -> list[str]:
    """Take ``photos`` (file name -> the IndexFaces response it is expected to have; None:
    any) out of ``picset``; a photo whose item says something else by now (published anew
    meanwhile) is left alone. Faces are never touched. Returns the names retired.
    ``relist``: a picset left unlisted with photos that stay is listed again (not when they
    are an action's photos placed but not yet listed)."""
    pics, thumbs = c.names.pics_bucket, c.names.thumbs_bucket
    leaving = set(photos)
    entry_gone = _leave_entry_if_emptied(c, picset, leaving)
    retired = []
    for name, expected in photos.items():
        c.touch()
        item = c.records.photo(picset, name)
        if item is not None and expected is not None and not item.same_data(expected):
            continue
        while item is not None and not c.tables.delete_photo_unless_cover(picset, name):
            entry_gone |= _move_cover_away(c, picset, name, leaving)
        if drop_image_items:  # also when the item went already (a re-run after a kill)
            for image_id in item.image_ids if item is not None else items.image_ids(expected):
                image = c.records.image(image_id)
                if image is not None and image.image_path == f"{picset}/{name}":
                    c.tables.delete_image_item(image_id)
        key = PhotoKey(picset, name).key
        c.store.delete(thumbs, key)
        c.store.delete(pics, key)
        retired.append(name)
        c.progress(f"{picset}/{name}: out of picset {picset}")
    if entry_gone and relist:  # photos that arrived meanwhile keep their picset listed
        rest = c.records.photo_names(picset)
        if rest:
            c.tables.set_picset_cover_if_absent(picset, rest[0])
    return retired


def _leave_entry_if_emptied(c: Curation, picset: str, leaving: set[str]) -> bool:
    """When every photo leaves, the entry goes first: the picset leaves the site's list whole."""
    while True:
        entry = c.records.picset(picset)
        if entry is None:
            return True
        if any(name not in leaving for name in c.records.photo_names(picset)):
            return False
        if c.tables.delete_picset_entry_if(picset, entry.cover):
            return True


def _move_cover_away(c: Curation, picset: str, name: str, leaving: set[str]) -> bool:
    """The photo ``name`` is featured: feature one that stays, or remove the entry if none
    does. True if the entry was removed."""
    entry = c.records.picset(picset)
    if entry is None or entry.cover != name:
        return False  # changed meanwhile: the caller tries again
    rest = [n for n in c.records.photo_names(picset) if n not in leaving]
    if rest:
        c.tables.replace_picset_cover(picset, rest[0], name)
        return False
    return c.tables.delete_picset_entry_if(picset, name)
