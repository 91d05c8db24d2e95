"""What the grid and the viewer show, and the backend/pipeline calls that fetch it.

Plain Python (no Qt): the functions here run on worker threads; widgets never call them
directly.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from finpics_desktop.domain.errors import FinpicsError
from finpics_desktop.domain.keys import is_supported, photo_key
from finpics_desktop.domain.picsets import PICSET_ROOT, display_name
from finpics_desktop.pipeline.display import DisplayImage, decode_for_display
from finpics_desktop.pipeline.exif import PhotoFacts, read_facts
from finpics_desktop.pipeline.thumbcache import ThumbCache
from finpics_desktop.ports import Backend

PICSET, PHOTO, FILE = "picset", "photo", "file"


@dataclass(eq=False)
class Entry:
    """One cell of the grid: a picset, a published photo, or a photo file on this computer."""

    kind: str
    title: str
    backend: Backend | None = None
    path: Path | None = None  # FILE
    picset: str | None = None  # PICSET, PHOTO
    name: str | None = None  # PHOTO: file name; PICSET: featured photo (cover) or None
    faces: list[dict] = field(default_factory=list)  # FaceRecords (published photos)
    similarity: float | None = None  # search results
    matched_face_id: str | None = None
    searched: bool = False  # the photo whose face was clicked, shown first in the results
    file_key: str = ""  # FILE: the key, made cheaply when a big folder is listed

    @property
    def key(self) -> str:
        """Identifies the thumbnail (for the caches)."""
        if self.file_key:
            return self.file_key
        if self.kind == FILE:
            return f"file:{self.path}"
        where = id(self.backend)
        if self.kind == PICSET:
            return f"cover:{where}:{self.picset}/{self.name}"
        return f"photo:{where}:{self.picset}/{self.name}"

    @property
    def label(self) -> str:
        if self.kind == FILE:
            return str(self.path)
        if self.kind == PICSET:
            return self.picset or ""
        return f"{self.picset}/{self.name}"

    @property
    def has_thumbnail(self) -> bool:
        return self.kind != PICSET or bool(self.name)

    def face_boxes(self) -> list[tuple[str, dict]]:
        return [(r["Face"]["FaceId"], r["Face"]["BoundingBox"]) for r in self.faces
                if "Face" in r]


# -- listing (worker threads) -----------------------------------------------------------------


def list_folder(path: Path, first: int = 0,
                on_first: Callable[[list[Entry]], None] | None = None,
                ) -> tuple[list[Entry], list[Path]]:
    """The photos of a folder (name order) and its visible subfolders; ``on_first`` is given
    the ``first`` entries as soon as they are known (the first screen's thumbnails can start
    while the rest of a big folder is listed)."""
    photos, folders = [], []
    with os.scandir(path) as it:
        for item in it:
            if item.name.startswith("."):
                continue
            try:
                if item.is_dir():
                    folders.append(Path(item.path))
                elif is_supported(item.name):
                    photos.append(item.name)
            except OSError:
                continue
    photos.sort(key=str.lower)
    folders.sort(key=lambda p: p.name.lower())
    base = Path(path)
    make = base._make_child_relpath if hasattr(base, "_make_child_relpath") else base.joinpath
    prefix = f"file:{base}{os.sep}"

    def entries(names: list[str]) -> list[Entry]:
        return [Entry(FILE, name, path=make(name), file_key=prefix + name) for name in names]

    head = entries(photos[:first])
    if on_first is not None:
        on_first(head)
    return head + entries(photos[first:]), folders


def list_subfolders(path: Path) -> list[Path]:
    folders = []
    with os.scandir(path) as it:
        for item in it:
            try:
                if not item.name.startswith(".") and item.is_dir():
                    folders.append(Path(item.path))
            except OSError:
                continue
    return sorted(folders, key=lambda p: p.name.lower())


def list_picsets(backend: Backend) -> list[Entry]:
    """Newest first, as the site shows them."""
    return [Entry(PICSET, display_name(i["sortkey"]), backend, picset=i["sortkey"],
                  name=i.get("pic"))
            for i in backend.tables.query_pics(PICSET_ROOT, descending=True)]


def list_photos(backend: Backend, picset: str) -> list[Entry]:
    return [photo_entry(backend, item) for item in backend.tables.query_pics(picset)]


def photo_entry(backend: Backend, item: dict) -> Entry:
    return Entry(PHOTO, item["sortkey"], backend, picset=item["primarykey"],
                 name=item["sortkey"], faces=list(item["data"].get("FaceRecords") or []))


def search_entries(backend: Backend, payload: dict) -> list[Entry]:
    """The search payload's photos, best match first (the order of ``output``)."""
    entries = []
    for out in payload.get("output", []):
        picset, _, name = out["image_path"].partition("/")
        similarity = out.get("similarity")
        entries.append(Entry(
            PHOTO, f"{similarity:.1f} %  {name}" if similarity is not None else name, backend,
            picset=picset, name=name, faces=list(out["data"].get("FaceRecords") or []),
            similarity=similarity, matched_face_id=out.get("matched_face_id")))
    return entries


# -- content (worker threads) -----------------------------------------------------------------


def thumbnail_bytes(entry: Entry, cache: ThumbCache) -> bytes | None:
    """The thumbnail's encoded bytes: from the disk cache for files, from the thumbnails
    bucket for published photos and picset covers."""
    if entry.kind == FILE:
        return cache.thumbnail(entry.path)
    if not entry.name:
        return None
    backend = entry.backend
    return backend.store.get(backend.names.thumbs_bucket, photo_key(entry.picset, entry.name).key)


def preview_bytes(entry: Entry, cache: ThumbCache) -> tuple[bytes, bool] | None:
    """For photo files, something to show before the thumbnail is made: see
    :meth:`ThumbCache.preview` (``True`` when it is the final thumbnail)."""
    return cache.preview(entry.path) if entry.kind == FILE else None


def original_bytes(entry: Entry) -> bytes:
    if entry.kind == FILE:
        return entry.path.read_bytes()
    backend = entry.backend
    return backend.store.get(backend.names.pics_bucket, photo_key(entry.picset, entry.name).key)


@dataclass(frozen=True)
class LoadedPhoto:
    image: DisplayImage
    facts: PhotoFacts
    faces: list[dict]


def load_photo(entry: Entry, max_side: int) -> LoadedPhoto:
    """The upright picture for the viewer, its EXIF essentials, and its face records (fresh
    from the table for published photos)."""
    data = original_bytes(entry)
    name = entry.path.name if entry.kind == FILE else entry.name
    faces = entry.faces
    if entry.kind == PHOTO:
        item = entry.backend.tables.get_pics_item(entry.picset, entry.name)
        if item is not None:
            faces = list(item["data"].get("FaceRecords") or [])
    return LoadedPhoto(decode_for_display(data, name, max_side), read_facts(data, name), faces)


def describe_error(error: BaseException) -> str:
    """A short reason for the message area: never a traceback."""
    if isinstance(error, FinpicsError):
        return str(error)
    if isinstance(error, OSError):
        return f"{error.strerror or error}" + (f": {error.filename}" if error.filename else "")
    return f"{type(error).__name__}: {error}"
