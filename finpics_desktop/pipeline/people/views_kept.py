"""The people places' listings kept in the album between sessions: *People*, *Unnamed faces* (its
groups and where each face is: photo, box, the photo's faces) and the person's pages opened
(their proposals and photos), each with the album's count
of writes it was made at (:attr:`~finpics_desktop.ports.Backend.writes`, the library's). While
the count is the same nothing the listing was made from was written -- by anyone -- and a new
session shows it without reading the album's faces, names and photos again; any write (a
naming, a photo published, removed, moved; another program's) makes it listed afresh the next
time, and kept again.

Stored in the private store (``views`` / the listing's name), one document each; a page kept
is dropped once stale, when another is kept. An album that
cannot count its writes (the cloud) keeps nothing here: its searches are kept in the graph
(:mod:`~.graph`) and groups (:mod:`~.groups_kept`)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable

from finpics_desktop.domain.errors import FinpicsError
from finpics_desktop.domain.matches import PhotoMatch
from finpics_desktop.domain.people import Cluster, Person, PersonSummary, Proposal
from finpics_desktop.domain.records import FaceRecord
from finpics_desktop.pipeline.people.graph import GRAPH
from finpics_desktop.pipeline.people.groups_kept import GROUPS
from finpics_desktop.pipeline.people.naming import Located
from finpics_desktop.pipeline.people.proposals import Proposals
from finpics_desktop.ports import Backend

VIEWS = "views"
DERIVED = (GRAPH, GROUPS, VIEWS)  # what the count of writes leaves out: made from the album
FORMAT = 1  # a listing kept in another shape is listed afresh
PAGE = "person/"  # a person's page: PAGE + the name's key


def count(backend: Backend) -> int | None:
    """The album's count of writes now (None: it cannot tell, or has no private store)."""
    if backend.writes is None or backend.private is None:
        return None
    return backend.writes()


def load(backend: Backend, name: str, marker: int | None) -> dict | None:
    """The listing ``name`` kept at ``marker`` (the count now), or None."""
    if marker is None:
        return None
    try:
        found = backend.private.get(VIEWS, name)
    except FinpicsError:
        return None
    if found is None or found.doc.get("writes") != marker or found.doc.get("format") != FORMAT:
        return None
    return found.doc["value"]


def save(backend: Backend, name: str, marker: int | None, value: dict) -> None:
    """Keep the listing ``name`` made at ``marker`` (the count read before it was made: a write
    meanwhile makes it stale at once). A failed write only costs listing afresh next time."""
    if marker is None or backend.read_only:
        return
    with contextlib.suppress(FinpicsError):
        backend.private.put(VIEWS, name, {"writes": marker, "format": FORMAT, "value": value})
        if name.startswith(PAGE):  # the pages kept before a write since: stale for good
            for doc in backend.private.query(VIEWS, PAGE):
                if doc.doc.get("writes") != marker:
                    backend.private.delete(VIEWS, doc.sk)


def forget(backend: Backend) -> None:
    """Every listing kept dropped (F5: listed afresh)."""
    if backend.writes is None or backend.private is None or backend.read_only:
        return
    with contextlib.suppress(FinpicsError):
        for doc in backend.private.query(VIEWS):
            backend.private.delete(VIEWS, doc.sk)


def kept(backend: Backend, name: str, make: Callable[[], object],
         to_doc: Callable[[object], dict], from_doc: Callable[[dict], object]):
    """The listing ``name``: the one kept if the album was not written since, else ``make()``
    (then kept)."""
    marker = count(backend)
    doc = load(backend, name, marker)
    if doc is not None:
        with contextlib.suppress(KeyError, TypeError, ValueError, IndexError):
            return from_doc(doc)
    value = make()
    save(backend, name, marker, to_doc(value))
    return value


# -- the listings as documents ---------------------------------------------------------------
def unnamed_doc(value: tuple[list[Cluster], dict[str, Located]]) -> dict:
    """The groups, and where each face is: by photo (its ImageId, path, faces), then by face
    (its photo, box, sharpness)."""
    groups, where = value
    photos = {spot.image_id: [spot.image_path, list(spot.photo_faces)]
              for spot in where.values()}
    return {"groups": [[int(c.confident), *c.faces] for c in groups],
            "photos": photos,
            "faces": {f: [spot.image_id, spot.box, spot.sharpness]
                      for f, spot in where.items()}}


def unnamed_from(doc: dict) -> tuple[list[Cluster], dict[str, Located]]:
    photos = {i: (path, tuple(faces)) for i, (path, faces) in doc["photos"].items()}
    where = {}
    for face, (image_id, box, sharpness) in doc["faces"].items():
        path, faces = photos[image_id]
        where[face] = Located(face, image_id, path, box, faces, sharpness)
    return [Cluster(tuple(g[1:]), bool(g[0])) for g in doc["groups"]], where


def people_doc(summaries: list[PersonSummary]) -> dict:
    return {"people": [[s.person.id, s.person.name, s.person.hidden, s.faces, s.photos,
                        s.cover, s.cover_path, s.cover_box] for s in summaries]}


def people_from(doc: dict) -> list[PersonSummary]:
    return [PersonSummary(Person(pid, name, bool(hidden)), faces, photos, cover, path, box)
            for pid, name, hidden, faces, photos, cover, path, box in doc["people"]]


def page_doc(value: tuple[Proposals, list[PhotoMatch], int]) -> dict:
    """A person's page: the proposals (sure, unsure; what they were made of), the photos (each
    with its faces as stored), how many of the person's faces are in them."""
    found, photos, faces = value
    person = found.person
    return {"person": [person.id, person.name, person.hidden],
            "sure": [_proposal(p) for p in found.sure],
            "unsure": [_proposal(p) for p in found.unsure],
            "faces": sorted(found.faces), "compared": sorted(found.compared),
            "photos": [[m.image_id, m.picset, m.name, [dict(f.raw) for f in m.faces],
                        m.similarity, m.matched_face_id, m.band] for m in photos],
            "count": faces}


def _proposal(p: Proposal) -> list:
    return [p.face_id, p.image_path, p.similarity, p.sure, p.box]


def page_from(doc: dict) -> tuple[Proposals, list[PhotoMatch], int]:
    pid, name, hidden = doc["person"]
    found = Proposals(Person(pid, name, bool(hidden)),
                      [Proposal(*p) for p in doc["sure"]], [Proposal(*p) for p in doc["unsure"]],
                      frozenset(doc["faces"]), frozenset(doc["compared"]))
    photos = [PhotoMatch(image_id, picset, name, tuple(FaceRecord.from_wire(f) for f in faces),
                         similarity, matched, band)
              for image_id, picset, name, faces, similarity, matched, band in doc["photos"]]
    return found, photos, doc["count"]
