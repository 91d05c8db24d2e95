"""What the user browses, as typed values: a picset, a published photo (of a picset or of a
search result), a photo file on this computer, a person, one face (a proposal, an unnamed
face) or a group of unnamed faces; and the headings between them (a page's title, a section's
heading: never chosen). The window's grid shows them and the command line prints them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from finpics_desktop.domain.bands import MAYBE
from finpics_desktop.domain.items import Item, photo_item
from finpics_desktop.domain.keys import PhotoKey, photo_key
from finpics_desktop.domain.matches import PhotoMatch
from finpics_desktop.domain.photo_order import shown_name
from finpics_desktop.domain.picsets import display_name
from finpics_desktop.domain.records import FaceRecord, PhotoItem, PicsetEntry, index_response
from finpics_desktop.ports import Backend

PICSET, PHOTO, FILE, PERSON, FACE = "picset", "photo", "file", "person", "face"
GROUP = "group"  # a group of unnamed faces (one tile: its most typical face, its size)
HEADING = "heading"  # a page's title (level 1) or a section's heading (level 2), across the grid


@dataclass(eq=False)
class Entry:
    """One thing to show: a picset, a published photo, or a photo file on this computer."""

    kind: str
    title: str
    backend: Backend | None = None  # where a picset or published photo lives
    path: Path | None = None  # FILE
    picset: str | None = None  # PICSET, PHOTO
    name: str | None = None  # PHOTO: file name; PICSET: featured photo (cover) or None
    faces: tuple[FaceRecord, ...] = ()  # PHOTO: its faces
    item: PhotoItem | None = None  # PHOTO of a picset: its stored item
    similarity: float | None = None  # search results
    band: str = ""  # search results: SURE (never another person) or MAYBE (shown apart)
    matched_face_id: str | None = None
    searched: bool = False  # the photo whose face was clicked, shown first in the results
    file_key: str = ""  # FILE: the key, made cheaply when a big folder is listed
    face_id: str = ""  # FACE: the face; PERSON: the face shown for them
    box: dict | None = None  # FACE, PERSON: that face's box in its photo (picset/name)
    person: str = ""  # PERSON: their name; FACE, a MAYBE search result: the person it is
    #                   proposed for (the name of the face searched from)
    sure: bool | None = None  # FACE: a proposal the app is sure of (False: shown apart)
    group: int = 0  # FACE of the Unnamed view: its group (1, 2, ...)
    members: tuple[str, ...] = ()  # GROUP: its faces, the most typical (``face_id``) first
    level: int = 0  # HEADING: 1 the page's title, 2 a section's heading
    section: str = ""  # the section an entry is in (its heading's), on a page with sections
    best: bool = False  # near-duplicates: the best of its group (kept by "Keep the best")
    note: str = ""  # a few words more for the tile's tooltip (near-duplicates: why the best)

    @property
    def key(self) -> str:
        """Identifies the thumbnail (for the caches)."""
        if self.file_key:
            return self.file_key
        if self.kind == HEADING:
            return f"heading:{self.level}:{self.section}"
        where = self.backend.identity if self.backend is not None else ""
        if self.kind in (FACE, PERSON, GROUP):
            return f"face:{where}:{self.face_id}"
        if self.kind == FILE:
            return f"file:{self.path}"
        if self.kind == PICSET:
            return f"cover:{where}:{self.picset}/{self.name}"
        return f"photo:{where}:{self.picset}/{self.name}"

    @property
    def label(self) -> str:
        if self.kind == FILE:
            return str(self.path)
        if self.kind == PICSET:
            return self.picset or ""
        if self.kind == PERSON:
            return self.person
        if self.kind in (GROUP, HEADING):
            return self.title
        return f"{self.picset}/{self.name}"

    @property
    def has_thumbnail(self) -> bool:
        if self.kind == HEADING:
            return False
        if self.kind in (FACE, PERSON, GROUP):
            return bool(self.face_id and self.box)
        return self.kind != PICSET or bool(self.name)

    @property
    def cover(self) -> str | None:
        """A picset's featured photo as an object key, or None."""
        return photo_key(self.picset, self.name).key if self.kind == PICSET and self.name \
            else None

    def face_boxes(self) -> list[tuple[str, dict]]:
        return [(f.face_id, f.box) for f in self.faces]

    def as_item(self) -> Item:
        """A published photo as the contract's item of table ``pics`` (as stored, when it was
        read from the table)."""
        if self.item is not None:
            return self.item.item()
        return photo_item(PhotoKey(self.picset, self.name), index_response(self.faces))


def picset_entry(backend: Backend, entry: PicsetEntry) -> Entry:
    """From a picset of the list (partition ``/``)."""
    return Entry(PICSET, display_name(entry.picset), backend, picset=entry.picset,
                 name=entry.cover)


def photo_entry(backend: Backend, photo: PhotoItem) -> Entry:
    """From a photo item of table ``pics``."""
    return Entry(PHOTO, shown_name(photo.name), backend, picset=photo.picset, name=photo.name,
                 faces=photo.faces, item=photo)


def match_entry(backend: Backend, match: PhotoMatch, person: str = "",
                named: bool = False, section: str = "") -> Entry:
    """A photo found by a search, titled with its similarity (and "maybe" in the maybe band;
    ``named``: a photo the person searched for is named in, so titled); ``person``: the name
    of the face searched from, for a maybe to be confirmed or rejected."""
    maybe = match.band == MAYBE
    title = (f"named · {shown_name(match.name)}" if named else
             f"{'maybe · ' if maybe else ''}{match.similarity:.1f} %  {shown_name(match.name)}")
    return Entry(PHOTO, title, backend, picset=match.picset, name=match.name, faces=match.faces,
                 similarity=match.similarity, matched_face_id=match.matched_face_id,
                 band=match.band, person=person if maybe else "", section=section)


def searched_entry(entry: Entry, face_id: str) -> Entry:
    """The photo whose face was clicked, shown first among the results."""
    return Entry(entry.kind, f"searched · {entry.title}", entry.backend, path=entry.path,
                 picset=entry.picset, name=entry.name, faces=entry.faces, item=entry.item,
                 matched_face_id=face_id, searched=True)


def person_entry(backend: Backend, summary) -> Entry:
    """A person of the People list (a :class:`~finpics_desktop.domain.people.PersonSummary`),
    shown by their most typical face."""
    picset, _, name = (summary.cover_path or "/").partition("/")
    return Entry(PERSON, f"{summary.person.name} · {summary.faces}", backend, picset=picset or None,
                 name=name or None, face_id=summary.cover or "", box=summary.cover_box,
                 person=summary.person.name)


def face_entry(backend: Backend, face_id: str, image_path: str, box: dict, title: str,
               **more) -> Entry:
    """One face, shown cut from its photo: a proposal, or an unnamed face."""
    picset, _, name = image_path.partition("/")
    return Entry(FACE, title, backend, picset=picset, name=name, face_id=face_id, box=box,
                 matched_face_id=face_id, **more)


def heading_entry(title: str, level: int = 2, section: str = "") -> Entry:
    """A page's title (``level`` 1) or the heading of its section ``section`` (2)."""
    return Entry(HEADING, title, level=level, section=section)


def face_photo(entry: Entry) -> Entry:
    """The photo a face entry is in, for the viewer (the face outlined)."""
    return Entry(PHOTO, shown_name(entry.name or ""), entry.backend, picset=entry.picset,
                 name=entry.name, matched_face_id=entry.face_id)
