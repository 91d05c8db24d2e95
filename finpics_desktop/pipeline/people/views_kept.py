"""The people places' listings kept in the album between sessions: *People*, *Unnamed faces* (its
groups, face ids only) and the person's pages opened
(their proposals and photos), each with the album's count
of writes it was made at (:attr:`~finpics_desktop.ports.Backend.writes`, the library's). While
the count is the same nothing the listing was made from was written -- by anyone -- and a new
session shows it without reading the album's faces, names and photos again; any write (a
naming, a photo published, removed, moved; another program's) makes it listed afresh the next
time, and kept again.

Stored in the private store: ``views`` / the listing's name (the count, the generation, how
many parts) and its parts (``<name>#<generation>#<n>``, :data:`ROWS` rows each); a reader
that meets a listing half written or half dropped lists it afresh. A page kept is dropped once
stale, when another is kept. An album that
cannot count its writes (the cloud) keeps nothing here: its searches are kept in the graph
(:mod:`~.graph`) and groups (:mod:`~.groups_kept`)."""

from __future__ import annotations

import contextlib
import re
import uuid
from collections.abc import Callable

from finpics_desktop.domain.errors import FinpicsError
from finpics_desktop.domain.matches import PhotoMatch
from finpics_desktop.domain.people import Cluster, Person, PersonSummary, Proposal
from finpics_desktop.domain.records import FaceRecord
from finpics_desktop.pipeline.people.graph import GRAPH
from finpics_desktop.pipeline.people.groups_kept import GROUPS
from finpics_desktop.pipeline.people.proposals import Proposals
from finpics_desktop.ports import Backend

VIEWS = "views"
DERIVED = (GRAPH, GROUPS, VIEWS)  # what the count of writes leaves out: made from the album
FORMAT = 4  # a listing kept in another shape is listed afresh (4: the faces' places compact)
PAGE = "person/"  # a person's page: PAGE + the name's key
ROWS = 2000  # rows a part: a listing of 11,000 unnamed faces is 6 parts of ~300 KB; of
#               70,000 faces in groups (a row each), ~25 parts of ~100 KB


def count(backend: Backend) -> int | None:
    """The album's count of writes now (None: it cannot tell, or has no private store)."""
    if backend.writes is None or backend.private is None:
        return None
    return backend.writes()


def load(backend: Backend, name: str, marker: int | None) -> list | None:
    """The rows of the listing ``name`` kept at ``marker`` (the count now), or None."""
    if marker is None:
        return None
    try:
        head = backend.private.get(VIEWS, name)
        if (head is None or head.doc.get("writes") != marker
                or head.doc.get("format") != FORMAT):
            return None
        parts = backend.private.query(VIEWS, f"{name}#{head.doc['generation']}#")
    except FinpicsError:
        return None
    if len(parts) != head.doc.get("parts"):
        return None  # written or dropped meanwhile
    return [row for part in parts for row in part.doc["rows"]]


def save(backend: Backend, name: str, marker: int | None, rows: list,
         per_part: int = ROWS) -> None:
    """Keep the listing ``name`` made at ``marker`` (the count read before it was made: a write
    meanwhile makes it stale at once), ``per_part`` rows a part (each read on its own, so that
    reading a listing never holds the interpreter long: the GUI thread goes on). A failed write
    only costs listing afresh next time."""
    if marker is None or backend.read_only:
        return
    private, generation = backend.private, uuid.uuid4().hex[:12]
    parts = range(0, len(rows), per_part)
    with contextlib.suppress(FinpicsError):
        before = private.get(VIEWS, name)
        for n, start in enumerate(parts):
            private.put(VIEWS, f"{name}#{generation}#{n:05d}",
                        {"rows": rows[start:start + per_part]})
        private.put(VIEWS, name, {"writes": marker, "format": FORMAT, "generation": generation,
                                  "parts": len(parts)})
        if before is not None:  # its parts by their keys (not read: thousands of rows)
            for n in range(before.doc.get("parts") or 0):
                private.delete(VIEWS, f"{name}#{before.doc.get('generation')}#{n:05d}")
        if name.startswith(PAGE):  # the pages kept before a write since: stale for good
            for sk in _keys(backend, PAGE):  # (their heads read, not their parts: 1-2 MB each)
                doc = None if _PART.search(sk) else private.get(VIEWS, sk)
                if doc is not None and "writes" in doc.doc and doc.doc["writes"] != marker:
                    private.delete(VIEWS, sk)
                    _drop(backend, f"{sk}#{doc.doc.get('generation')}#")


_PART = re.compile(r"#[0-9a-f]{12}#\d{5}$")  # a part's key: <name>#<generation>#<n>


def _keys(backend: Backend, prefix: str) -> list[str]:
    """The keys of the listings kept under ``prefix`` (only the keys, where the store can)."""
    keys = getattr(backend.private, "keys", None)
    return (keys(VIEWS, prefix) if keys is not None
            else [doc.sk for doc in backend.private.query(VIEWS, prefix)])


def _drop(backend: Backend, prefix: str) -> None:
    for sk in _keys(backend, prefix):
        backend.private.delete(VIEWS, sk)


def forget(backend: Backend) -> None:
    """Every listing kept dropped (F5: listed afresh)."""
    if backend.writes is None or backend.private is None or backend.read_only:
        return
    with contextlib.suppress(FinpicsError):
        for doc in backend.private.query(VIEWS):
            backend.private.delete(VIEWS, doc.sk)


def kept(backend: Backend, name: str, make: Callable[[], object],
         to_rows: Callable[[object], list], from_rows: Callable[[list], object],
         later: Callable[[Callable[[], None]], None] | None = None):
    """The listing ``name``: the one kept if the album was not written since, else ``make()``
    (then kept: at once, or by ``later(keep)`` -- the window keeps it once what it shows is
    drawn; a write meanwhile makes it stale all the same)."""
    marker = count(backend)
    rows = load(backend, name, marker)
    if rows is not None:
        with contextlib.suppress(KeyError, TypeError, ValueError, IndexError):
            return from_rows(rows)
    value = make()
    if marker is not None and not backend.read_only:
        def keep() -> None:
            save(backend, name, marker, to_rows(value))

        keep() if later is None else later(keep)
    return value


# -- the listings as rows -----------------------------------------------------------------------
def unnamed_rows(groups: list[Cluster]) -> list:
    """A row a group: confident or not, then its faces' ids (never where they are: the window
    locates the faces of the tiles it shows, a page at a time)."""
    return [[int(cluster.confident), *cluster.faces] for cluster in groups]


def unnamed_from(rows: list) -> list[Cluster]:
    return [Cluster(tuple(row[1:]), bool(row[0])) for row in rows]


def people_rows(summaries: list[PersonSummary]) -> list:
    return [[s.person.id, s.person.name, s.person.hidden, s.faces, s.photos, s.cover,
             s.cover_path, s.cover_box] for s in summaries]


def people_from(rows: list) -> list[PersonSummary]:
    return [PersonSummary(Person(pid, name, bool(hidden)), faces, photos, cover, path, box)
            for pid, name, hidden, faces, photos, cover, path, box in rows]


def page_rows(value: tuple[Proposals, list[PhotoMatch], int]) -> list:
    """A person's page, one row: the proposals (sure, unsure; what they were made of), the
    photos (each with its faces as stored), how many of the person's faces are in them."""
    found, photos, faces = value
    person = found.person
    return [{"person": [person.id, person.name, person.hidden],
             "sure": [_proposal(p) for p in found.sure],
             "unsure": [_proposal(p) for p in found.unsure],
             "faces": sorted(found.faces), "compared": sorted(found.compared),
             "photos": [[m.image_id, m.picset, m.name, [dict(f.raw) for f in m.faces],
                         m.similarity, m.matched_face_id, m.band] for m in photos],
             "count": faces}]


def _proposal(p: Proposal) -> list:
    return [p.face_id, p.image_path, p.similarity, p.sure, p.box]


def page_from(rows: list) -> tuple[Proposals, list[PhotoMatch], int]:
    [doc] = rows
    pid, name, hidden = doc["person"]
    found = Proposals(Person(pid, name, bool(hidden)),
                      [Proposal(*p) for p in doc["sure"]], [Proposal(*p) for p in doc["unsure"]],
                      frozenset(doc["faces"]), frozenset(doc["compared"]))
    photos = [PhotoMatch(image_id, picset, name, tuple(FaceRecord.from_wire(f) for f in faces),
                         similarity, matched, band)
              for image_id, picset, name, faces, similarity, matched, band in doc["photos"]]
    return found, photos, doc["count"]
