"""Who is who in two albums: the people of the library and of the cloud paired, for names to
travel between them (:mod:`~finpics_desktop.pipeline.people.travel`).

A person keeps one id in both albums where it can: a person the library brings to the cloud is
made there with the library's id, one brought from the cloud into a library with the cloud's.
The pairs are kept in the library's private store, partition ``synced-person``, sort key
``<album>/<library person id>`` (``<album>``: :func:`album_key` of the cloud) -> ``{"cloud":
<cloud person id>, "name", "hidden"}``: the person as both albums last agreed (the *base* a
change on either side is told from). A person not paired yet is paired with the one of the same
id on the other side, else of the same name (case aside), else made there.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from finpics_desktop.domain.errors import WriteConflict
from finpics_desktop.domain.people import Person, name_key
from finpics_desktop.pipeline.people.naming import People
from finpics_desktop.pipeline.people.records import NAME, PERSON
from finpics_desktop.ports import Backend

SYNCED_PERSON = "synced-person"
UNPAIRED = "unpaired:"  # a person of one side with no one on the other (yet)


def album_key(cloud: Backend) -> str:
    """A short stable key of the cloud album (its identity) for the library's records."""
    return hashlib.sha256(cloud.identity.encode()).hexdigest()[:16]


def make_person(people: People, person_id: str, name: str, hidden: bool) -> Person:
    """The person ``person_id`` made in ``people``'s album with ``name`` (or, if someone there
    has that name already, that one)."""
    try:
        people.private.put(PERSON, person_id, {"name": name, "hidden": hidden}, if_version=0)
    except WriteConflict:  # made meanwhile (by another run): it is theirs
        return people._person(person_id) or people.find(name)
    claim = people.private.get(NAME, name_key(name))
    live = people._person(claim.doc["person"]) if claim else None
    if live is not None and live.id != person_id:
        people.private.delete(PERSON, person_id)
        return live
    try:
        people.private.put(NAME, name_key(name), {"person": person_id},
                           if_version=claim.version if claim else 0)
    except WriteConflict:
        people.private.delete(PERSON, person_id)
        return people.find(name)
    return Person(person_id, name, hidden)


@dataclass
class Pairing:
    """The people of the library and of the cloud, and which is which."""

    library: People
    cloud: People
    album: str

    def __post_init__(self) -> None:
        self.mine = {p.id: p for p in self.library.people()}
        self.theirs = {p.id: p for p in self.cloud.people()}
        self.base: dict[str, dict] = {}  # library person id -> the doc as last agreed
        self.to_cloud: dict[str, str] = {}
        for doc in self.library.private.query(SYNCED_PERSON, f"{self.album}/"):
            pid = doc.sk.split("/", 1)[1]
            self.base[pid] = dict(doc.doc)
            if pid in self.mine and doc.doc["cloud"] in self.theirs:
                self.to_cloud[pid] = doc.doc["cloud"]
        self.to_library = {c: m for m, c in self.to_cloud.items()}

    def _pair(self, mine: str, theirs: str) -> None:
        self.to_cloud[mine], self.to_library[theirs] = theirs, mine

    def cloud_id(self, library_id: str | None, make: bool = False) -> str | None:
        """The cloud's id of a library person (``UNPAIRED...`` if the cloud has no one for
        them and ``make`` is not given: then they are made there)."""
        if library_id is None:
            return None
        if library_id in self.to_cloud:
            return self.to_cloud[library_id]
        person = self.mine.get(library_id)
        if person is None:
            return UNPAIRED + library_id
        found = self.theirs.get(library_id) or next(
            (p for p in self.theirs.values() if name_key(p.name) == name_key(person.name)
             and p.id not in self.to_library), None)
        if found is None and make:
            found = make_person(self.cloud, library_id, person.name, person.hidden)
            self.theirs[found.id] = found
        if found is None:
            return UNPAIRED + library_id
        self._pair(library_id, found.id)
        return found.id

    def library_id(self, cloud_id: str, make: bool = False) -> str | None:
        """The library's id of a cloud person (made in the library with ``make``)."""
        if cloud_id in self.to_library:
            return self.to_library[cloud_id]
        person = self.theirs.get(cloud_id)
        if person is None:
            return None
        found = self.mine.get(cloud_id) or next(
            (p for p in self.mine.values() if name_key(p.name) == name_key(person.name)
             and p.id not in self.to_cloud), None)
        if found is None and make:
            found = make_person(self.library, cloud_id, person.name, person.hidden)
            self.mine[found.id] = found
        if found is None:
            return None
        self._pair(found.id, cloud_id)
        return found.id

    def save(self, agreed: dict[str, tuple[str, bool]]) -> None:
        """Record the pairs, with the name and hidden state both albums agree on
        (``agreed``, by library id; a pair not in it keeps its last agreed state)."""
        for mine, theirs in self.to_cloud.items():
            old = self.base.get(mine, {})
            name, hidden = agreed.get(mine, (old.get("name"), old.get("hidden")))
            if name is None:
                continue
            doc = {"cloud": theirs, "name": name, "hidden": bool(hidden)}
            if doc != old:
                self.library.private.put(SYNCED_PERSON, f"{self.album}/{mine}", doc)
