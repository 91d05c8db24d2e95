"""One photo's content: its thumbnail (the disk cache for files, the thumbnails bucket for
published photos), its original, and the upright picture with its facts and faces for the
viewer. Each call does I/O: the window runs them off the GUI thread."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, replace

from finpics_desktop.app.entries import FACE, FILE, GROUP, PERSON, PHOTO, Entry
from finpics_desktop.domain.keys import photo_key
from finpics_desktop.domain.records import FaceRecord
from finpics_desktop.pipeline.people.naming import names_in
from finpics_desktop.pipeline.people.regions import Region, regions_in
from finpics_desktop.pipeline.photos.display import DisplayImage, decode_for_display
from finpics_desktop.pipeline.photos.exif import PhotoFacts, read_facts
from finpics_desktop.pipeline.photos.regions import FACE_CELL, face_preview, face_thumbnail
from finpics_desktop.pipeline.photos.thumbcache import ThumbCache
from finpics_desktop.ports import LOCATION_METADATA


def thumbnail_bytes(entry: Entry, cache: ThumbCache) -> bytes | None:
    """The thumbnail's encoded bytes: from the disk cache for files, from the thumbnails
    bucket for published photos and picset covers."""
    if entry.kind == FILE:
        return cache.thumbnail(entry.path)
    if not entry.name:
        return None
    backend = entry.backend
    thumbnail = backend.store.get(backend.names.thumbs_bucket,
                                  photo_key(entry.picset, entry.name).key)
    if entry.kind in (FACE, PERSON, GROUP):  # the face cut from its photo (kept once cut)
        ident = _cut_ident(thumbnail, entry.box)
        kept = cache.cut_kept(ident)
        if kept is not None:
            return kept
        data = face_thumbnail(thumbnail, entry.box, lambda: (original_bytes(entry), entry.name))
        cache.keep_cut(ident, data)
        return data
    return thumbnail


def preview_bytes(entry: Entry, cache: ThumbCache) -> tuple[bytes, bool] | None:
    """Something to show before the thumbnail is made, ``True`` when it is the final one: for
    photo files see :meth:`ThumbCache.preview`; for a face, its thumbnail kept, else the face
    cut from its photo's thumbnail (final if the face is large enough there; else a stand-in
    until it is cut from the original)."""
    if entry.kind == FILE:
        return cache.preview(entry.path)
    if entry.kind not in (FACE, PERSON, GROUP) or not entry.name:
        return None
    backend = entry.backend
    thumbnail = backend.store.get(backend.names.thumbs_bucket,
                                  photo_key(entry.picset, entry.name).key)
    ident = _cut_ident(thumbnail, entry.box)
    kept = cache.cut_kept(ident)
    if kept is not None:
        return kept, True
    data, final = face_preview(thumbnail, entry.box)
    if final:
        cache.keep_cut(ident, data)
    return data, final


def _cut_ident(thumbnail: bytes, box: dict) -> bytes:
    """What a face's thumbnail is cut from: its photo's thumbnail (new when the photo is) and
    its box, and the size it is cut at."""
    where = json.dumps({k: box.get(k) for k in ("Left", "Top", "Width", "Height")},
                       sort_keys=True)
    return f"{FACE_CELL}\0{where}\0".encode() + hashlib.sha1(
        thumbnail, usedforsecurity=False).digest()


def original_bytes(entry: Entry) -> bytes:
    if entry.kind == FILE:
        return entry.path.read_bytes()
    backend = entry.backend
    return backend.store.get(backend.names.pics_bucket, photo_key(entry.picset, entry.name).key)


@dataclass(frozen=True)
class LoadedPhoto:
    image: DisplayImage
    facts: PhotoFacts
    faces: tuple[FaceRecord, ...]  # drawn on the picture
    names: dict[str, str] = field(default_factory=dict)  # FaceId -> name, where there is one
    regions: tuple[Region, ...] = ()  # named by hand where no face was found


def load_photo(entry: Entry, max_side: int) -> LoadedPhoto:
    """The upright picture for the viewer, its EXIF essentials, and its face records (fresh
    from the table for published photos) with the names of the named ones, and its regions
    named by hand."""
    data = original_bytes(entry)
    name = entry.path.name if entry.kind == FILE else entry.name
    faces, names, regions = entry.faces, {}, ()
    if entry.kind == PHOTO:
        photo = entry.backend.records.photo(entry.picset, entry.name)
        if photo is not None:
            faces = photo.faces
        names = names_in(entry.backend, [f.face_id for f in faces])
        regions = tuple(regions_in(entry.backend, entry.picset, entry.name))
    facts = read_facts(data, name)
    if entry.kind == PHOTO and entry.backend.public:  # its copy may have left it out
        facts = replace(facts, location=published_location(entry, facts))
    return LoadedPhoto(decode_for_display(data, name, max_side), facts, faces, names, regions)


def published_location(entry: Entry, facts: PhotoFacts) -> str:
    """What the Info panel says of a published photo's location: whether the copy on the
    cloud had it removed (the setting *Remove location from published photos*)."""
    backend = entry.backend
    info = backend.store.head(backend.names.pics_bucket, photo_key(entry.picset, entry.name).key)
    if info is not None and info.metadata.get(LOCATION_METADATA) == "removed":
        return "removed from the published copy"
    return "published with the photo" if facts.gps else ""
