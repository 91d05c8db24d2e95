"""What ``check --repair`` does with a name whose person or face is gone: it never throws the
curator's word away while it can still be placed.

- A named face whose **person** is gone: the face is given to whom that person was merged into
  (:data:`~finpics_desktop.pipeline.people.records.MERGED`), or the person is restored under the
  name still claimed for them; else the name is not known any more, and the face is listed for
  the curator (:class:`Unplaced`: name it again, or take the name away), its record kept.
- A named face gone from the **face index** (its photo re-processed): the name goes to the face
  of the same photo most alike to the person (SearchUsers: their named faces together, at least
  :data:`~finpics_desktop.pipeline.people.proposals.SURE_FROM`, as a replaced photo's names do), and
  stays where it is if the person is named in that photo already. Where no face of the photo is
  theirs, the face is listed for the curator. Only the name of a photo that is no longer in
  the album (removed, the trash emptied) goes, with its photo -- said in the problem's line.
"""

from __future__ import annotations

import contextlib
import time

from finpics_desktop.domain.errors import FinpicsError, WriteConflict
from finpics_desktop.domain.people import NamedFace, Person, named_face_doc
from finpics_desktop.domain.records import PhotoItem
from finpics_desktop.pipeline.people.naming import FACE, NAME, PERSON, People
from finpics_desktop.pipeline.people.proposals import SURE_FROM
from finpics_desktop.pipeline.people.records import MERGED
from finpics_desktop.ports import Backend, PrivateDoc


class Unplaced(FinpicsError):
    """A name that cannot be placed: kept, and listed for the curator."""


def person_of(people: People, person_id: str) -> Person | None:
    """The person ``person_id`` is now: themselves, whom they were merged into, or restored
    under the name still claimed for them (None: nobody knows their name any more)."""
    chain = [person_id]
    while (merged := people.private.get(MERGED, chain[-1])) is not None and (
            merged.doc["into"] not in chain):
        chain.append(merged.doc["into"])
    for candidate in chain:
        person = people._person(candidate)
        if person is not None:
            return person
    return next((p for p in map(lambda c: restore(people, c), chain) if p is not None), None)


def restore(people: People, person_id: str) -> Person | None:
    """The person ``person_id`` made again under the name claimed for them, if one still is."""
    claim = next((d for d in people.private.query(NAME) if d.doc["person"] == person_id), None)
    if claim is None:
        return None
    with contextlib.suppress(WriteConflict):  # restored meanwhile
        people.private.put(PERSON, person_id, {"name": claim.sk, "hidden": False},
                           if_version=0)
    person = people._person(person_id)
    if person is not None:
        people.sync(person)
    return person


def name_of_missing_person(backend: Backend, face_id: str) -> None:
    people = People(backend)
    doc = people.private.get(FACE, face_id)
    if doc is None or people._person(doc.doc["person"]) is not None:
        return  # unnamed or mended meanwhile
    person = person_of(people, doc.doc["person"])
    if person is None:
        raise Unplaced(_unplaced(face_id, "was named for a person who is gone and whose name "
                                 "is not known any more"))
    if person.id != doc.doc["person"]:
        people.private.put(FACE, face_id, {**doc.doc, "person": person.id},
                           if_version=doc.version)
        people.associate(person.id, [face_id])


def name_of_missing_face(backend: Backend, face_id: str) -> None:
    people = People(backend)
    doc = people.private.get(FACE, face_id)
    if doc is None:
        return
    photo = photo_of(backend, doc)
    if photo is None:  # its photo left the album: the name goes with it
        _forget(people, doc)
        return
    image_path = photo.image_path
    if photo.face(face_id) is not None:
        return  # back in the index meanwhile
    person = person_of(people, doc.doc["person"])  # (which may restore them: not before)
    if person is None:
        raise Unplaced(_unplaced(face_id, f"was named in {image_path} for a person who is "
                                 "gone and whose name is not known any more"))
    owners = {f: people.private.get(FACE, f) for f in photo.face_ids}
    if any(o is not None and o.doc["person"] == person.id for o in owners.values()):
        _forget(people, doc)  # named in that photo already (carried before)
        return
    free = [f for f, o in owners.items() if o is None]
    alike = people.similarities(person, free) if free else {}
    best = max(alike, key=alike.get, default=None)
    if best is None or alike[best] < SURE_FROM:
        raise Unplaced(_unplaced(face_id, f"was named {person.name} in {image_path}, "
                                 "where no face is theirs any more"))
    image_id = photo.face(best).image_id
    with contextlib.suppress(WriteConflict):  # named meanwhile: the curator's newer word
        people.private.put(FACE, best, {**doc.doc, **named_face_doc(
            person.id, image_id, image_path, alike[best], time.time())}, if_version=0)
        people.associate(person.id, [best])
    _forget(people, doc)


def photo_of(backend: Backend, doc: PrivateDoc) -> PhotoItem | None:
    """The photo a named face was in, if it is in the album: by its ImageId, else
    (re-indexed under another one) where it was when named."""
    named = NamedFace.from_doc(doc.sk, doc.doc)
    image = backend.records.image(named.image_id) if named.image_id else None
    for image_path in (image.image_path if image else None), named.image_path:
        picset, _, name = str(image_path or "").partition("/")
        photo = backend.records.photo(picset, name) if picset and name else None
        if photo is not None:
            return photo
    return None


def _forget(people: People, doc: PrivateDoc) -> None:
    with contextlib.suppress(WriteConflict):  # changed meanwhile: check looks again
        people.private.delete(FACE, doc.sk, if_version=doc.version)


def _unplaced(face_id: str, what: str) -> str:
    return (f"face {face_id} {what}: its name is kept until you name the right face "
            f"(`finpics-desktop name FACE_ID NAME`) or take it away (`finpics-desktop unname "
            f"{face_id}`)")


__all__ = ["Unplaced", "name_of_missing_face", "name_of_missing_person", "person_of",
           "photo_of", "restore"]
