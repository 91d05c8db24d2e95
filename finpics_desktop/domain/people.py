"""People: the names a curator gives faces, as plain values. Names are personal data and live
only in the private store (see :mod:`~finpics_desktop.pipeline.people.naming`); a person is known to
the face index by an opaque id (a Rekognition ``UserId``), never by name."""

from __future__ import annotations

import re
import unicodedata
import uuid
from dataclasses import dataclass

from finpics_desktop.domain.errors import InvalidValue

MAX_NAME = 200  # characters


def clean_name(name: str) -> str:
    """A person's name as shown: NFC, spaces collapsed, no control characters; InvalidValue if
    nothing is left or it is too long."""
    text = unicodedata.normalize("NFC", str(name))
    text = "".join(" " if unicodedata.category(c).startswith(("C", "Z")) else c for c in text)
    text = re.sub(r" +", " ", text).strip()
    if not text:
        raise InvalidValue("a person's name cannot be empty")
    if len(text) > MAX_NAME:
        raise InvalidValue(f"a person's name has at most {MAX_NAME} characters, not {len(text)}")
    return text


def name_key(name: str) -> str:
    """What makes two names the same person's: case and Unicode forms aside ("Zoë", "ZOË" and
    "zoe\u0308" are one name)."""
    return unicodedata.normalize("NFC", clean_name(name).casefold())


def search_key(text: str) -> str:
    """What a name typed to find someone is compared by: case, accents and Unicode forms aside,
    spaces collapsed ("zoe" finds "Zoë", "ZOË" and "Zoe\u0308"); never an error."""
    decomposed = unicodedata.normalize("NFKD", str(text).casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.split())


def new_person_id() -> str:
    """An id for the face index (Rekognition's UserId allows ``[a-zA-Z0-9_.\\-:]``)."""
    return f"p-{uuid.uuid4().hex}"


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    hidden: bool = False


@dataclass(frozen=True)
class NamedFace:
    """A face a curator named: whose it is, in which photo (its ImageId), how alike it was to
    the person when named (SearchUsers' similarity; 100 for the first face)."""

    face_id: str
    person: str  # the person's id
    image_id: str
    similarity: float
    at: float  # when it was named (seconds since the epoch)
    image_path: str | None = None  # where its photo was when named (older records: None)

    @classmethod
    def from_doc(cls, face_id: str, doc: dict) -> NamedFace:
        """From the private store's document of a named face."""
        return cls(face_id, doc["person"], doc.get("image_id", ""),
                   float(doc.get("similarity", 0.0)), float(doc.get("at", 0.0)),
                   doc.get("image_path"))


def named_face_doc(person: str, image_id: str, image_path: str, similarity: float,
                   at: float) -> dict:
    """The private store's document of a named face (see ``pipeline/people/naming.py``)."""
    return {"person": person, "image_id": image_id, "image_path": image_path,
            "similarity": similarity, "at": at}


@dataclass(frozen=True)
class PersonSummary:
    """A person as the People list shows them."""

    person: Person
    faces: int  # named faces in photos of the album
    photos: int
    cover: str | None  # the face to show for them (their most typical)
    cover_path: str | None  # its photo, <picset>/<file>
    cover_box: dict | None = None  # its box in that photo


@dataclass(frozen=True)
class Proposal:
    """An unnamed face proposed for a person: ``sure`` when it is alike enough and no other
    person is closer; the others are shown apart and never confirmed silently."""

    face_id: str
    image_path: str
    similarity: float
    sure: bool
    box: dict


@dataclass(frozen=True)
class Cluster:
    """Unnamed faces that look like one person: ``confident`` when at least three are close to
    one another and to no other group; a face that could belong to two groups stays apart."""

    faces: tuple[str, ...]  # the most typical first
    confident: bool
