"""Which indexed faces are in a photo of the album (their photo's ImageId) and the engine that
indexed each -- kept with the album's count of writes of photos and of the faces' index
(:attr:`~finpics_desktop.ports.Backend.photo_writes`), and read again only when that count moved
on. A naming, a merge, a face ignored write no photo: *Unnamed faces* opened after one takes the
unnamed faces from here (and the groups kept, shrunk: :mod:`~.groups_kept`) instead of reading
thousands of photo items (:meth:`~.naming.People.locate`). Only ids are kept (150,000 faces:
~30 MB), never the faces' boxes: the window locates the faces of the tiles it shows, a page at
a time.

Kept in memory for the session, and in the private store's derived partition
(:data:`~.views_kept.VIEWS` / :data:`NAME`, as a listing: :func:`~.views_kept.save`), so a new
session finds them too. An album that cannot count its photo writes (the cloud) keeps nothing
here and locates the faces each time."""

from __future__ import annotations

import threading
from collections.abc import Set
from dataclasses import dataclass

from finpics_desktop.pipeline.people import views_kept
from finpics_desktop.pipeline.people.naming import People

NAME = "locations"  # the listing's name in views_kept.VIEWS


@dataclass(frozen=True)
class Locations:
    """Every indexed face's engine version, and the ImageId of those in a photo of the album;
    ``engines``: the versions there are (as text), gathered as they are read -- a set made of
    90,000 faces' versions in one call held the interpreter ~35 ms, the window's GUI thread
    waiting."""

    versions: dict[str, str | None]
    images: dict[str, str]
    engines: frozenset[str]


_KEPT: dict[str, tuple[int, Locations]] = {}  # album identity -> (photo writes, locations)
_LOCK = threading.Lock()


def marker(people: People) -> int | None:
    """The album's count of photo writes now (None: it cannot count)."""
    backend = people.backend
    if backend.photo_writes is None or backend.private is None:
        return None
    return backend.photo_writes()


def locations(people: People, left_out: Set[str] = frozenset()) -> Locations:
    """Every indexed face's place: kept (in memory, else in the album) while no photo and no
    face was written since, else read afresh and kept. An album that cannot count its photo
    writes keeps nothing, and only the faces not ``left_out`` are located (``images``)."""
    now = marker(people)
    identity = people.backend.identity
    if now is not None:
        with _LOCK:
            found = _KEPT.get(identity)
        if found is not None and found[0] == now:
            return found[1]
        rows = views_kept.load(people.backend, NAME, now)
        if rows is not None:
            try:
                made = _from_rows(rows)
            except (KeyError, TypeError, ValueError, IndexError):
                made = None
            if made is not None:
                _remember(identity, now, made)
                return made
    made = _read(people, left_out if now is None else frozenset())
    if now is not None:
        views_kept.save(people.backend, NAME, now, _rows(made), per_part=1)
        _remember(identity, now, made)
    return made


def _remember(identity: str, now: int, made: Locations) -> None:
    with _LOCK:
        _KEPT[identity] = (now, made)


def _read(people: People, left_out: Set[str]) -> Locations:
    versions, image_of, engines = {}, {}, set()
    for face in people.records.indexed_faces():
        versions[face.face_id] = face.model_version
        engines.add(str(face.model_version))
        if face.face_id not in left_out:
            image_of[face.face_id] = face.image_id
    where = people.locate(image_of, known=image_of)
    return Locations(versions, {f: spot.image_id for f, spot in where.items()},
                     frozenset(engines))


def _rows(made: Locations) -> list:
    """The faces of one engine version, :data:`~.views_kept.ROWS` at a time, a row each (a part
    of the listing each): ``[version, their ids]`` for faces in no photo of the album, ``[version,
    their ids, their photos' ImageIds]`` for the others, the ids joined by spaces. Read back by a
    few calls over whole rows, not a loop over 150,000 faces (180 ms of the interpreter, the
    window's GUI thread waiting for it at each cell it drew, down to ~70 ms with the reading)."""
    images, runs = made.images, {}
    for face, version in made.versions.items():
        runs.setdefault((version, face in images), []).append(face)
    rows = []
    for (version, located), faces in runs.items():
        for start in range(0, len(faces), views_kept.ROWS):
            some = faces[start:start + views_kept.ROWS]
            rows.append([version, " ".join(some), " ".join(images[f] for f in some)]
                        if located else [version, " ".join(some)])
    return rows


def _from_rows(rows: list) -> Locations:
    versions, images, engines = {}, {}, set()
    for row in rows:
        version, faces = row[0], row[1].split(" ")
        versions.update(dict.fromkeys(faces, version))
        engines.add(str(version))
        if len(row) > 2:  # (ids and ImageIds unpaired: ValueError, the places read afresh)
            images.update(zip(faces, row[2].split(" "), strict=True))
    return Locations(versions, images, frozenset(engines))
