"""Photos of several people together: those where every one of the chosen people has a named
face, and with ``only``, those where nobody else appears either.

"Nobody else" is what a curator means by "just the two of us": a face named for anyone else (a
hidden person too) is someone else, and so is a face nobody named -- a stranger in the
background may be anyone, and the curator, who has not said who it is, sees a third face in
the photo. A photo is one of "only them" once each of its faces is named one of them.
"""

from __future__ import annotations

from collections.abc import Sequence

from finpics_desktop.domain.errors import InvalidValue
from finpics_desktop.domain.matches import PhotoMatch
from finpics_desktop.domain.people import NamedFace, Person
from finpics_desktop.pipeline.functions.search import album_image_items
from finpics_desktop.pipeline.people.naming import People


def chosen_people(people: People, names: Sequence[str]) -> list[Person]:
    """The people named ``names``, each once, in the order given (NotFound, saying which, for
    a name nobody has)."""
    if not names:
        raise InvalidValue("name at least one person")
    found: dict[str, Person] = {}
    for name in names:
        person = people.find(name)
        found.setdefault(person.id, person)
    return list(found.values())


def together(people: People, names: Sequence[str], only: bool = False) -> list[PhotoMatch]:
    """The photos where all of ``names`` appear (``only``: and no other face), one per photo,
    the surest first: a photo's ``similarity`` is that of the least alike of their faces in it
    (as each was when named), its ``matched_face_id`` the first person's face there."""
    chosen = chosen_people(people, names)
    ids = [p.id for p in chosen]
    faces = [f for f in people.named().values() if f.person in ids]
    where = people.locate(f.face_id for f in faces)
    theirs = {f.face_id for f in faces if f.face_id in where}
    photos: dict[str, dict[str, list[NamedFace]]] = {}
    for face in faces:
        spot = where.get(face.face_id)
        if spot is not None:
            photos.setdefault(spot.image_path, {}).setdefault(face.person, []).append(face)
    kept = {path: by for path, by in photos.items() if len(by) == len(ids)}
    if only:
        kept = {path: by for path, by in kept.items()
                if set(where[by[ids[0]][0].face_id].photo_faces) <= theirs}
    images = album_image_items(people.backend.tables, sorted(
        {where[by[ids[0]][0].face_id].image_id for by in kept.values()}))
    found = []
    for by in kept.values():
        best = {pid: max(by[pid], key=lambda f: f.similarity) for pid in ids}
        image = images.get(where[best[ids[0]].face_id].image_id)
        if image is not None:
            found.append(PhotoMatch.from_image(image, min(f.similarity for f in best.values()),
                                               best[ids[0]].face_id))
    return sorted(found, key=lambda m: (-m.similarity, m.image_path))


__all__ = ["chosen_people", "together"]
