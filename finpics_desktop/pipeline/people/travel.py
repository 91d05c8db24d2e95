"""Names travel with the photos: the people of a picset's photos -- names (confirmations
included), rejections, ignored faces (a rejection for anyone) and hidden people -- brought from
the library to the cloud by ``push``, and from the cloud to a library by ``pull``.

Each album gives its own FaceIds (Rekognition gives the cloud's), so a face of the library is
the cloud's face of the same photo whose box overlaps it most (IoU >= 0.3, one to one). What is
written on the receiving side is written as the curator would write it there
(:class:`~finpics_desktop.pipeline.people.naming.People`: the private store and the face
index's user vectors, under the photo's lock).

Nothing is overwritten silently: the state both albums last agreed on is kept in the library's
private store (partition ``synced-face``, sort key ``<album>/<cloud FaceId>`` -> ``{"person":
<cloud person id or None>, "rejects": [...], "anyone", "photo", "library_face"}``; the people's
in ``synced-person``, :mod:`~finpics_desktop.pipeline.people.travel_people`). A side that did
not change since gets the other's change; a change made only on the receiving side is kept and
said (a push: "changed on the cloud since the last push"); a face changed on both sides
differently is a *conflict*: both are kept as they are, said, and said again at each push or
pull until the curator makes them agree (names the face alike on either side).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from finpics_desktop.domain.boxes import match_boxes
from finpics_desktop.domain.errors import FinpicsError
from finpics_desktop.domain.keys import PhotoKey
from finpics_desktop.pipeline.people.naming import People
from finpics_desktop.pipeline.people.records import ANYONE, FACE, REJECT
from finpics_desktop.pipeline.people.travel_people import UNPAIRED, Pairing, album_key
from finpics_desktop.ports import Backend

SYNCED_FACE = "synced-face"
PUSH, PULL = "push", "pull"


@dataclass(frozen=True)
class FaceState:
    """What the album says of one face, its people as the cloud's ids."""

    person: str | None = None
    rejects: frozenset[str] = frozenset()
    anyone: bool = False

    def doc(self) -> dict:
        return {"person": self.person, "rejects": sorted(self.rejects), "anyone": self.anyone}

    @classmethod
    def of(cls, doc: dict) -> FaceState:
        return cls(doc.get("person"), frozenset(doc.get("rejects") or ()),
                   bool(doc.get("anyone")))


@dataclass
class Travelled:
    """What names travelling did (``lines``: for the curator)."""

    direction: str
    named: list[str] = field(default_factory=list)  # "photo: Name"
    unnamed: list[str] = field(default_factory=list)
    rejections: int = 0
    ignored: int = 0
    people: list[str] = field(default_factory=list)  # renamed, hidden or shown: "Ann -> Anne"
    kept: list[str] = field(default_factory=list)  # changed on the receiving side only
    conflicts: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.named or self.unnamed or self.rejections or self.ignored
                    or self.people)

    def lines(self) -> list[str]:
        there = "on the cloud" if self.direction == PUSH else "in the library"
        lines = []
        if self.named:
            lines.append(f"names {there}: {len(self.named)}: " + ", ".join(self.named[:8]) + (
                f", ... ({len(self.named) - 8} more)" if len(self.named) > 8 else ""))
        if self.unnamed:
            lines.append(f"names taken off {there}: " + ", ".join(self.unnamed[:8]))
        if self.rejections or self.ignored:
            lines.append(f"{self.rejections} rejection(s) and {self.ignored} ignored face(s) "
                         f"brought {there}")
        lines += [f"person {there}: {p}" for p in self.people]
        since = "the last push" if self.direction == PUSH else "the last push or pull"
        lines += [f"changed on the cloud since {since}, kept there: {k}" for k in self.kept]
        lines += [f"conflict, nothing overwritten: {c}" for c in self.conflicts]
        lines += [f"not carried: {m}" for m in self.missed]
        return lines


def _states(people: People, faces: Iterable[str], to_canon: Callable[[str], str | None]
            ) -> dict[str, FaceState]:
    wanted = list(faces)
    rejects: dict[str, set[str]] = {}
    anyone: set[str] = set()
    for doc in people.private.query(REJECT):
        who, _, face_id = doc.sk.partition("/")
        if who == ANYONE:
            anyone.add(face_id)
        else:
            rejects.setdefault(face_id, set()).add(who)
    states = {}
    for face_id in wanted:
        named = people.private.get(FACE, face_id)
        states[face_id] = FaceState(
            to_canon(named.doc["person"]) if named else None,
            frozenset(c for c in (to_canon(r) for r in rejects.get(face_id, ())) if c),
            face_id in anyone)
    return states


def _pairs(library: Backend, cloud: Backend, photos: Iterable[PhotoKey],
           cloud_picset: str | None = None
           ) -> tuple[list[tuple[str, str, str]], list[tuple[str, str]]]:
    """(photo, library FaceId, cloud FaceId) of the faces that are one; and the library's faces
    with no face of the cloud there (photo, FaceId)."""
    pairs, alone = [], []
    for photo in photos:
        mine = library.records.photo(photo.picset, photo.name)
        theirs = cloud.records.photo(cloud_picset or photo.picset, photo.name)
        if mine is None or theirs is None:
            continue
        matched = match_boxes([f.box for f in mine.faces], [f.box for f in theirs.faces])
        for j, i in matched.items():
            pairs.append((photo.image_path, mine.faces[i].face_id, theirs.faces[j].face_id))
        used = set(matched.values())
        alone += [(photo.image_path, f.face_id) for i, f in enumerate(mine.faces)
                  if i not in used]
    return pairs, alone


def travel(library: Backend, cloud: Backend, photos: Iterable[PhotoKey],
           direction: str, cloud_picset: str | None = None) -> Travelled:
    """Bring the people of ``photos`` from the library to the cloud (``PUSH``) or from the
    cloud to the library (``PULL``), as the module says; ``cloud_picset``: the cloud's copy of
    their picset, when its id is not the library's (a title kept as the cloud's)."""
    mine_people, their_people = People(library), People(cloud)
    album = album_key(cloud)
    pairing = Pairing(mine_people, their_people, album)
    report = Travelled(direction)
    pairs, alone = _pairs(library, cloud, photos, cloud_picset)
    mine = _states(mine_people, [p[1] for p in pairs], pairing.cloud_id)
    theirs = _states(their_people, [p[2] for p in pairs], lambda c: c)
    for photo, face_id in alone:
        named = mine_people.private.get(FACE, face_id)
        person = pairing.mine.get(named.doc["person"]) if named else None
        if person is not None and direction == PUSH:
            report.missed.append(f"{photo}: the name {person.name} (the cloud found no face "
                                 "there)")
    bases = {d.sk.split("/", 1)[1]: d for d in
             library.private.query(SYNCED_FACE, f"{album}/")}
    target_people = their_people if direction == PUSH else mine_people
    states = []
    for photo, mine_face, their_face in pairs:  # who each face is, first: the people made
        base_doc = bases.get(their_face)
        base = FaceState.of(base_doc.doc) if base_doc else FaceState()
        source, target = ((mine[mine_face], theirs[their_face]) if direction == PUSH
                          else (theirs[their_face], mine[mine_face]))
        target_face = their_face if direction == PUSH else mine_face
        person = _merge_person(photo, source, target, base, report, pairing, direction,
                               target_people, target_face)
        states.append((photo, mine_face, their_face, base_doc, person))
    mine = _states(mine_people, [p[1] for p in pairs], pairing.cloud_id)  # (paired now)
    theirs = _states(their_people, [p[2] for p in pairs], lambda c: c)
    for photo, mine_face, their_face, base_doc, person in states:  # then their marks
        base = FaceState.of(base_doc.doc) if base_doc else FaceState()
        source, target = ((mine[mine_face], theirs[their_face]) if direction == PUSH
                          else (theirs[their_face], mine[mine_face]))
        target_face = their_face if direction == PUSH else mine_face
        agreed = _merge_marks(source, target, base, person, report, pairing, direction,
                              target_people, target_face)
        doc = {**agreed.doc(), "photo": photo, "library_face": mine_face}
        if agreed.person is not None and agreed.person.startswith(UNPAIRED):
            continue
        if base_doc is None and agreed == FaceState():
            continue  # nothing to say of it on either side
        if base_doc is None or base_doc.doc != doc:
            library.private.put(SYNCED_FACE, f"{album}/{their_face}", doc)
    pairing.save(_people(pairing, report, direction))
    return report


def _name(pairing: Pairing, canon: str | None) -> str:
    if canon is None:
        return "no one"
    person = pairing.theirs.get(canon)
    if person is None and canon.startswith(UNPAIRED):
        person = pairing.mine.get(canon[len(UNPAIRED):])
    return person.name if person else "someone removed"


def _merge_person(photo: str, source: FaceState, target: FaceState, base: FaceState,
                  report: Travelled, pairing: Pairing, direction: str, target_people: People,
                  target_face: str) -> str | None:
    """Bring ``source``'s naming of the face since ``base`` onto ``target`` (see the module);
    who both agree it is afterwards (the base of the next time)."""
    person = base.person
    if source.person == target.person:
        person = target.person
    elif target.person == base.person:
        person = _give(target_people, pairing, direction, target_face, source.person, photo,
                       report, base.person)
    else:
        cloud, here = (target, source) if direction == PUSH else (source, target)
        if source.person != base.person:
            report.conflicts.append(
                f"{photo}: a face is {_name(pairing, cloud.person)} on the cloud and "
                f"{_name(pairing, here.person)} in the library (name it alike on either side, "
                "then push or pull again)")
        elif direction == PUSH:
            report.kept.append(f"{photo}: a face is {_name(pairing, cloud.person)} there, "
                               f"{_name(pairing, here.person)} in the library (`pull` brings "
                               "it)")
    return person


def _merge_marks(source: FaceState, target: FaceState, base: FaceState, person: str | None,
                 report: Travelled, pairing: Pairing, direction: str, target_people: People,
                 target_face: str) -> FaceState:
    """Bring ``source``'s rejections and ignoring of the face since ``base`` onto ``target``;
    what both agree on afterwards, with ``person`` (:func:`_merge_person`)."""
    rejects = set(target.rejects) | (source.rejects - base.rejects)
    rejects -= base.rejects - source.rejects
    for canon in rejects ^ target.rejects:
        person_id = _target_id(pairing, direction, canon)
        if person_id is None:
            rejects.discard(canon)
            continue
        key = f"{person_id}/{target_face}"
        if canon in rejects:
            target_people.private.put(REJECT, key, {"at": time.time()})
        else:
            target_people.private.delete(REJECT, key)
        report.rejections += 1
    anyone = target.anyone
    if source.anyone != base.anyone and target.anyone == base.anyone and not (
            source.anyone and person is not None):
        key = f"{ANYONE}/{target_face}"
        if source.anyone:
            target_people.private.put(REJECT, key, {"at": time.time()})
        else:
            target_people.private.delete(REJECT, key)
        anyone = source.anyone
        report.ignored += 1
    return FaceState(person, frozenset(rejects), anyone)


def _target_id(pairing: Pairing, direction: str, canon: str | None,
               make: bool = False) -> str | None:
    """The id in the receiving album of the person ``canon`` (a cloud id)."""
    if canon is None:
        return None
    if direction == PUSH:
        if canon.startswith(UNPAIRED):
            return pairing.cloud_id(canon[len(UNPAIRED):], make=make) if make else None
        return canon
    return pairing.library_id(canon, make=make)


def _give(people: People, pairing: Pairing, direction: str, face_id: str,
          canon: str | None, photo: str, report: Travelled, base: str | None) -> str | None:
    """Name (or unname) the face on the receiving side: who it is now (as a cloud id), or
    ``base`` if it cannot be (said)."""
    try:
        if canon is None:
            gone = people.unname(face_id)
            if gone:
                report.unnamed.append(f"{photo}: {gone}")
            return None
        person_id = _target_id(pairing, direction, canon, make=True)
        person = people._person(person_id) if person_id else None
        if person is None:
            report.missed.append(f"{photo}: {_name(pairing, canon)} (removed meanwhile)")
            return base
        people.name_face(face_id, person.name, same_photo=True)
        report.named.append(f"{photo}: {person.name}")
        return person_id if direction == PUSH else canon
    except FinpicsError as e:  # (a photo re-indexed or busy meanwhile: the next time)
        report.missed.append(f"{photo}: {_name(pairing, canon)}: {e}")
    return base


def _people(pairing: Pairing, report: Travelled, direction: str
            ) -> dict[str, tuple[str, bool]]:
    """Bring renames and hiding of the paired people across (three-way, as faces); what both
    agree on now, by library id."""
    agreed = {}
    for mine_id, their_id in list(pairing.to_cloud.items()):
        a, b = pairing.mine.get(mine_id), pairing.theirs.get(their_id)
        if a is None or b is None:
            continue
        base = pairing.base.get(mine_id)
        base_name, base_hidden = ((base["name"], bool(base["hidden"])) if base
                                  else (None, None))
        source, target = (a, b) if direction == PUSH else (b, a)
        people = pairing.cloud if direction == PUSH else pairing.library
        name, hidden = base_name, base_hidden
        if source.name == target.name:
            name = target.name
        elif base_name is None or target.name == base_name:
            try:
                people.rename(target.name, source.name)
                report.people.append(f"{target.name} -> {source.name}")
                name = source.name
            except FinpicsError as e:
                report.conflicts.append(f"{target.name} cannot be renamed {source.name}: {e}")
        elif source.name != base_name:
            report.conflicts.append(f"{base_name} is {b.name} on the cloud and {a.name} in "
                                    "the library (rename them alike on either side)")
        elif direction == PUSH:
            report.kept.append(f"{base_name} was renamed {b.name} there (`pull` brings it)")
        if source.hidden == target.hidden:
            hidden = target.hidden
        elif base_hidden is None or target.hidden == base_hidden:
            with_name = name if name is not None else target.name
            try:
                people.hide(with_name, source.hidden)
                report.people.append(f"{with_name} {'hidden' if source.hidden else 'shown'}")
                hidden = source.hidden
            except FinpicsError as e:
                report.missed.append(f"{with_name}: {e}")
        if name is not None:
            agreed[mine_id] = (name, bool(hidden))
    return agreed


__all__ = ["PULL", "PUSH", "SYNCED_FACE", "FaceState", "Travelled", "travel"]
