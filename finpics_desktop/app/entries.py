"""What the user browses, as typed values: a picset, a published photo (of a picset or of a
search result), or a photo file on this computer. The window's grid shows them and the command
line prints them."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from finpics_desktop.domain.items import Item
from finpics_desktop.domain.keys import photo_key
from finpics_desktop.domain.matches import PhotoMatch
from finpics_desktop.domain.picsets import display_name
from finpics_desktop.ports import Backend

PICSET, PHOTO, FILE = "picset", "photo", "file"


@dataclass(eq=False)
class Entry:
    """One thing to show: a picset, a published photo, or a photo file on this computer."""

    kind: str
    title: str
    backend: Backend | None = None  # where a picset or published photo lives
    path: Path | None = None  # FILE
    picset: str | None = None  # PICSET, PHOTO
    name: str | None = None  # PHOTO: file name; PICSET: featured photo (cover) or None
    data: dict = field(default_factory=dict)  # PHOTO: its IndexFaces response (FaceRecords)
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
    def faces(self) -> list[dict]:
        """The photo's FaceRecords (``{"Face": {"FaceId", "BoundingBox", ...}}``)."""
        return list(self.data.get("FaceRecords") or [])

    @property
    def has_thumbnail(self) -> bool:
        return self.kind != PICSET or bool(self.name)

    @property
    def cover(self) -> str | None:
        """A picset's featured photo as an object key, or None."""
        return photo_key(self.picset, self.name).key if self.kind == PICSET and self.name \
            else None

    def face_boxes(self) -> list[tuple[str, dict]]:
        return [(r["Face"]["FaceId"], r["Face"]["BoundingBox"]) for r in self.faces
                if "Face" in r]

    def as_item(self) -> Item:
        """A published photo as the contract's item of table ``pics``."""
        return {"primarykey": self.picset, "sortkey": self.name, "data": self.data}


def picset_entry(backend: Backend, item: Item) -> Entry:
    """From a picset list item (partition ``/``)."""
    return Entry(PICSET, display_name(item["sortkey"]), backend, picset=item["sortkey"],
                 name=item.get("pic"))


def photo_entry(backend: Backend, item: Item) -> Entry:
    """From a photo item of table ``pics``."""
    return Entry(PHOTO, item["sortkey"], backend, picset=item["primarykey"],
                 name=item["sortkey"], data=item["data"])


def match_entry(backend: Backend, match: PhotoMatch) -> Entry:
    """A photo found by a search, titled with its similarity."""
    return Entry(PHOTO, f"{match.similarity:.1f} %  {match.name}", backend, picset=match.picset,
                 name=match.name, data={"FaceRecords": list(match.faces)},
                 similarity=match.similarity, matched_face_id=match.matched_face_id)


def searched_entry(entry: Entry, face_id: str) -> Entry:
    """The photo whose face was clicked, shown first among the results."""
    return Entry(entry.kind, f"searched · {entry.title}", entry.backend, path=entry.path,
                 picset=entry.picset, name=entry.name, data=entry.data,
                 matched_face_id=face_id, searched=True)
