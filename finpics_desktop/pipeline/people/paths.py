"""Which photo each of many faces is in, read by ids only: for listing people (their faces and
photos counted, thousands of named faces) without reading each face's record and each photo's
whole item. The face index gives each face's ImageId, the image items their photo's path, and
a photo counts only while its item lists that ImageId (as
:func:`~finpics_desktop.pipeline.functions.search.album_image_items` has it)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from finpics_desktop.domain.people import NamedFace
from finpics_desktop.ports import Backend


def photo_paths(backend: Backend, face_ids: Sequence[str]
                ) -> dict[str, tuple[str, str]] | None:
    """``{face: (ImageId, photo path)}`` for the faces in a photo of the album; None when the
    face index or the tables cannot read only those (the caller locates the faces whole)."""
    image_ids_of = getattr(backend.faces, "image_ids_of", None)
    paths_of = getattr(backend.tables, "image_paths_of", None)
    if image_ids_of is None or paths_of is None:
        return None
    image_of = image_ids_of(face_ids)
    path_of = paths_of(sorted(set(image_of.values())))
    photo_of = {i: tuple(p.split("/", 1)) for i, p in path_of.items() if p and "/" in p}
    listed, _ = backend.records.batch_photo_image_ids(sorted(set(photo_of.values())))
    return {f: (i, path_of[i]) for f, i in image_of.items()
            if i in photo_of and i in listed.get(photo_of[i], ())}


@dataclass(frozen=True)
class Counted:
    """A person's named faces in photos of the album, how many photos they are in (their
    named regions' too), and their cover: the surest face (the earliest named of those)."""

    faces: int
    photos: int
    cover: str | None = None
    cover_image: str | None = None
    cover_path: str | None = None


def people_in_album(backend: Backend, regions: Mapping[str, set[str]]
                    ) -> dict[str, Counted] | None:
    """Each person with a named face in a photo of the album or a region (``regions``: person
    -> the photos where they have one), counted by the face index from what it keeps counted
    (the library's: ``people_in_album``, ~one row a person); None where it cannot."""
    kept = getattr(backend.faces, "people_in_album", None)
    rows = kept() if kept is not None else None
    if rows is None:
        return None
    found = {}
    for person, faces, photos, cover, image_id, path in rows:
        if not person:
            continue
        extra = regions.get(person, set())
        if extra:  # a region in a photo with none of their named faces adds that photo
            photos += len(extra - (backend.faces.named_photos_of(person, sorted(extra))
                                   or set()))
        found[person] = Counted(faces, photos, cover, image_id, path)
    return found


def counted_whole(backend: Backend, named: Callable[[], Mapping[str, NamedFace]],
                  locate: Callable[[Iterable[str]], Mapping],
                  regions: Mapping[str, set[str]]) -> dict[str, Counted]:
    """:func:`people_in_album` counted the long way: every named face in a photo of the album
    (:func:`named_in_album`, else :func:`named_read_whole`), grouped by person."""
    located = named_in_album(backend)  # (one join on keys, where it can)
    if located is None:
        located = named_read_whole(backend, named(), locate)
    by_person: dict[str, list[tuple]] = {}
    for row in located:  # once, not once a person: thousands of faces
        by_person.setdefault(row[1], []).append(row)
    found = {}
    for person, rows in by_person.items():
        best = min(rows, key=lambda r: (-r[2], r[3]))  # (rows by FaceId: the first of a tie)
        photos = {r[5] for r in rows} | regions.get(person, set())
        found[person] = Counted(len(rows), len(photos), best[0], best[4], best[5])
    return found


def named_in_album(backend: Backend) -> list[tuple[str, str, float, float, str, str]] | None:
    """Every named face in a photo of the album as ``(FaceId, person, similarity, at, ImageId,
    photo path)``, by FaceId, from a face index that can join them on keys (the library's);
    None otherwise."""
    joined = getattr(backend.faces, "named_in_album", None)
    rows = joined() if joined is not None else None
    if rows is None:
        return None
    return [(face_id, person, float(similarity or 0.0), float(at or 0.0), image_id, path)
            for face_id, image_id, path, person, similarity, at in rows if person]


def named_read_whole(backend: Backend, named: Mapping[str, NamedFace],
                     locate: Callable[[Iterable[str]], Mapping]
                     ) -> list[tuple[str, str, float, float, str, str]]:
    """:func:`named_in_album` read the long way: every named face's record (``named``), and
    where each is (by ids only where the backend can; else ``locate``: People's)."""
    path_of = photo_paths(backend, list(named))
    if path_of is None:
        path_of = {f: (s.image_id, s.image_path) for f, s in locate(named).items()}
    return [(f.face_id, f.person, f.similarity, f.at, *path_of[f.face_id])
            for f in named.values() if f.face_id in path_of]
