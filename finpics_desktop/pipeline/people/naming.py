"""People: naming faces, renaming, taking a face from a person, hiding, rejections (merging is
:mod:`~finpics_desktop.pipeline.people.merge`).

Names are personal data: they are kept only in the curator's private store (``backend.private``:
the library's SQLite file; on AWS a DynamoDB table of its own that the public site's role cannot
read), never in the contract's tables or buckets. The face index knows a person only by an
opaque id, as a Rekognition *user* whose vector is built from the person's named faces
(``CreateUser``/``AssociateFaces``; the local index serves the same calls), so that a person's
confirmed faces act together when proposals are made
(:mod:`~finpics_desktop.pipeline.people.proposals`).

The private store's documents (partition, sort key -> document):

- ``person``, person id -> ``{"name", "hidden"}``
- ``person-name``, the name's key (:func:`~finpics_desktop.domain.people.name_key`) ->
  ``{"person"}``: created only if absent, so two people never share a name
- ``face``, FaceId -> ``{"person", "image_id", "image_path", "similarity", "at"}``: created or
  replaced only over the version read, so a face belongs to one person at most (``image_path``:
  where the photo was when named, so that ``check --repair`` finds it again if its faces were
  re-indexed under another ImageId; older records have none)
- ``reject``, ``<person id>/<FaceId>`` -> ``{"at"}``: never proposed for that person again;
  ``anyone/<FaceId>``: an ignored face (a stranger), for no one
  (:mod:`~finpics_desktop.pipeline.people.ignored`)
- ``face-drawn``, FaceId -> ``{"image_id", "box", "at"}``: a face drawn by hand, which
  ``reindex`` indexes again from its box

A face's records are written holding its photo's lock
(:mod:`~finpics_desktop.pipeline.people.photo_lock`): a ``reindex`` of the photo is waited for,
and the face looked up again (gone with the re-index: refused, nothing written).

Records reference FaceIds and tolerate dangling ones: a face no longer in a photo of the album
(its photo removed, or in the trash) is left out when listing and matching; ``check --repair``
prunes the records of faces gone from the index (those of trashed photos stay, and come back
with a restore). A write whose condition fails (someone else changed the record meanwhile)
raises :class:`~finpics_desktop.domain.errors.WriteConflict`: nothing half-done is left that the
same action, repeated, does not finish.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Container, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from finpics_desktop.domain.errors import (
    BackendError,
    FinpicsError,
    InvalidValue,
    NotFound,
    Remedy,
    WriteConflict,
)
from finpics_desktop.domain.keys import PhotoKey
from finpics_desktop.domain.matches import PhotoMatch
from finpics_desktop.domain.people import (
    NamedFace,
    Person,
    PersonSummary,
    clean_name,
    name_key,
    named_face_doc,
    new_person_id,
)
from finpics_desktop.pipeline.functions.album_faces import album_faces
from finpics_desktop.pipeline.functions.search import album_image_items
from finpics_desktop.pipeline.people.paths import counted_whole, people_in_album
from finpics_desktop.pipeline.people.photo_lock import PhotoBusy, PhotoLocks
from finpics_desktop.pipeline.people.records import ANYONE, DRAWN, FACE, NAME, PERSON, REJECT
from finpics_desktop.pipeline.people.regions import region_paths, region_photos
from finpics_desktop.pipeline.people.vectors import UserVectors
from finpics_desktop.ports import Backend, PrivateDoc

FIRST_FACE = 100.0  # the similarity recorded for a person's first face


class SamePhoto(FinpicsError):
    """The person is named in that photo already (one person appears once per photo unless the
    curator says so)."""


@dataclass(frozen=True)
class Located:
    """Where a face is now: its photo (``<picset>/<file>``), its box, its photo's faces."""

    face_id: str
    image_id: str
    image_path: str
    box: dict
    photo_faces: tuple[str, ...]
    sharpness: float | None = None  # Quality.Sharpness, if the engine measured it


@dataclass(frozen=True)
class Outcome:
    """What one face of a confirm / reject / name action came to (``error``: nothing done)."""

    face_id: str
    person: str  # the person's name
    previous: str | None = None  # the name it had before, if it was another person's
    error: str | None = None


class People(UserVectors):
    """The people of one album (backend). Every call reads what it needs afresh; it does I/O,
    so the window calls it off the GUI thread."""

    def __init__(self, backend: Backend):
        if backend.private is None:
            raise FinpicsError("this album has no private store for people's names")
        self.backend = backend
        self.private = backend.private
        self.index = backend.faces
        self.records = backend.records
        self._batch = threading.local()  # .pending: the user-vector changes of batched()

    # -- reading ---------------------------------------------------------------------------------
    def people(self) -> list[Person]:
        """Everyone (a person whose name is not claimed for them was left by an interrupted
        action, and is not anyone)."""
        named = {d.doc["person"] for d in self.private.query(NAME)}
        return [Person(d.sk, d.doc["name"], bool(d.doc.get("hidden")))
                for d in self.private.query(PERSON) if d.sk in named]

    def find(self, name: str) -> Person:
        """The person with this name (case aside); NotFound if nobody has it."""
        claim = self.private.get(NAME, name_key(name))
        person = self._person(claim.doc["person"]) if claim else None
        if person is None:
            raise NotFound(f"nobody is named {clean_name(name)!r} in this album", remedy=Remedy(
                command="`finpics-desktop people` lists everyone",
                window="choose the person from the People list"))
        return person

    def _person(self, person_id: str) -> Person | None:
        doc = self.private.get(PERSON, person_id)
        return Person(person_id, doc.doc["name"], bool(doc.doc.get("hidden"))) if doc else None

    def named(self) -> dict[str, NamedFace]:
        """Every named face, by FaceId."""
        return {d.sk: _named(d) for d in self.private.query(FACE)}

    def named_ids(self) -> Container[str]:
        """Every named face's id (their records not read, where the store can)."""
        kept = getattr(self.private, "named_ids", None)
        found = kept() if kept is not None else None
        return self.named() if found is None else found

    def faces_of(self, person: Person, named: dict[str, NamedFace] | None = None
                 ) -> list[NamedFace]:
        """The person's named faces, most alike first (``named``: every named face, if just
        read; else only the person's are read, where the store can)."""
        if named is None:
            kept = getattr(self.private, "named_of", None)
            docs = kept(person.id) if kept is not None else None
            named = self.named() if docs is None else {d.sk: _named(d) for d in docs}
        return sorted((f for f in named.values() if f.person == person.id),
                      key=lambda f: (-f.similarity, f.at))

    def rejected(self, person: Person) -> set[str]:
        return {d.sk.split("/", 1)[1] for d in self.private.query(REJECT, f"{person.id}/")}

    def locate(self, face_ids: Iterable[str],
               known: dict[str, str] | None = None) -> dict[str, Located]:
        """Where each face is now; faces not in a photo of the album (gone from the index, or
        their photo removed or in the trash) are left out. ``known``: the ImageId of faces
        just listed from the index (they are not asked for again)."""
        wanted = list(dict.fromkeys(face_ids))
        if not wanted:
            return {}
        indexed = {f: known[f] for f in wanted if f in (known or {})}
        rest = [f for f in wanted if f not in indexed]
        if rest:
            indexed.update((f.face_id, f.image_id)
                           for f in self.records.indexed_faces(face_ids=rest))
        photos = album_faces(self.backend.tables, sorted(set(indexed.values())))
        found = {}
        for face_id, image_id in indexed.items():
            image = photos.get(image_id)
            face = image.faces.get(face_id) if image is not None else None
            if face is not None:
                found[face_id] = Located(face_id, image_id, image.image_path, dict(face[0]),
                                         image.face_ids, face[1])
        return found

    def summaries(self, hidden: bool = False) -> list[PersonSummary]:
        """The people (the hidden ones instead with ``hidden``), most faces first: how many of
        their faces and photos are in the album now, and the face to show for them."""
        people = [p for p in self.people() if p.hidden == hidden]
        regions = region_paths(self.backend)  # (named regions count among their photos)
        counts = people_in_album(self.backend, regions)  # (kept by SQLite, where it can)
        if counts is None:
            counts = counted_whole(self.backend, lambda: self.named(), self.locate, regions)
        wanted = {p.id for p in people}
        counts = {p: c for p, c in counts.items() if p in wanted}
        shown = self.locate([c.cover for c in counts.values() if c.cover],
                            {c.cover: c.cover_image for c in counts.values() if c.cover})
        found = []
        for person in people:
            count = counts.get(person.id)
            if count is None:
                paths = regions.get(person.id, set())
                found.append(PersonSummary(person, 0, len(paths), None, None, None))
                continue
            spot = shown.get(count.cover) if count.cover else None
            found.append(PersonSummary(
                person, count.faces, count.photos, count.cover,
                spot.image_path if spot else count.cover_path, spot.box if spot else None))
        return sorted(found, key=lambda s: (-s.faces, s.person.name.casefold()))

    def photos(self, name: str, named: dict[str, NamedFace] | None = None
               ) -> list[PhotoMatch]:
        """The person's photos, most alike first, one per photo: the search function's
        results for their named faces (``similarity``: how alike the face was when named;
        ``named``: every named face, if just read)."""
        person = self.find(name)
        faces = self.faces_of(person, named)
        where = self.locate(f.face_id for f in faces)
        images = album_image_items(self.backend.tables,
                                   sorted({where[f.face_id].image_id for f in faces
                                           if f.face_id in where}))
        seen, found = set(), []
        for face in faces:  # most alike first: a photo's best face is its entry
            spot = where.get(face.face_id)
            if spot is None or spot.image_path in seen or spot.image_id not in images:
                continue
            seen.add(spot.image_path)
            found.append(PhotoMatch.from_image(images[spot.image_id], face.similarity,
                                               face.face_id))
        return found + [m for m in region_photos(self.backend, person)  # named regions
                        if m.image_path not in seen]

    # -- naming ----------------------------------------------------------------------------------
    def _claim(self, name: str, person_id: str) -> bool:
        """Claim ``name`` for ``person_id``; False if a live person has it."""
        key = name_key(name)
        claim = self.private.get(NAME, key)
        if claim is not None:
            if claim.doc["person"] == person_id:
                return True
            if self._person(claim.doc["person"]) is not None:
                return False
        try:  # free, or left by a person that is gone (an interrupted action): take it
            self.private.put(NAME, key, {"person": person_id},
                             if_version=claim.version if claim else 0)
        except WriteConflict:
            return False
        return True

    def _person_for(self, name: str) -> tuple[Person, bool]:
        """The person named ``name``, made if there is none (True then)."""
        try:
            return self.find(name), False
        except NotFound:
            pass
        shown, person_id = clean_name(name), new_person_id()
        # the person first, then the name: whoever claims it, the person it names exists
        self.private.put(PERSON, person_id, {"name": shown, "hidden": False}, if_version=0)
        if not self._claim(shown, person_id):  # someone made them meanwhile: theirs
            self.private.delete(PERSON, person_id)
            return self.find(name), False
        return Person(person_id, shown), True

    def _check_once_per_photo(self, person: Person, spot: Located) -> None:
        for other in spot.photo_faces:
            doc = self.private.get(FACE, other) if other != spot.face_id else None
            if doc is not None and doc.doc["person"] == person.id:
                raise SamePhoto(f"{person.name} is named in {spot.image_path} already (face "
                                f"{other}): a person appears once in a photo unless you say "
                                "so (--same-photo; in the window, answer Yes)")

    def similarities(self, person: Person, face_ids: Sequence[str]) -> dict[str, float]:
        """How alike each face is to the person's user vector (SearchUsers), 0 if not at all
        (or the person has no faces in the index yet); the error of a search that failed."""
        found, failed = self._alike(person, face_ids)
        if failed:
            raise next(iter(failed.values()))
        return found

    def _alike(self, person: Person, face_ids: Sequence[str]
               ) -> tuple[dict[str, float], dict[str, BackendError]]:
        """:meth:`similarities` of the faces whose search succeeded (all at once: on
        Rekognition several calls in flight at the allowed rate), and why the others failed."""
        batch = self.records.user_matches_many(face_ids, threshold=0.0)
        found = {f: next((m.similarity for m in batch.get(f, []) if m.user_id == person.id),
                         0.0) for f in face_ids if f not in batch.failed}
        return found, {f: BackendError(f"searching the people like face {f}: {reason}")
                       for f, reason in batch.failed.items()}

    def name_faces(self, face_ids: Sequence[str], name: str, *,
                   same_photo: bool = False) -> list[Outcome]:
        """Name a group of faces at once (as :meth:`name_face` each; one that cannot be named
        says why). Where they are is read once, how alike each is to the person is asked for
        all of them at once, and they join the person's user vector in batches
        (:meth:`batched`): about one call of the face index a face."""
        wanted = list(dict.fromkeys(face_ids))
        where = self.locate(wanted)
        outcomes = {f: Outcome(f, clean_name(name),
                               error=f"face {f} is not in a photo of this album")
                    for f in wanted if f not in where}
        rest = [f for f in wanted if f in where]
        if not rest:
            return [outcomes[f] for f in face_ids]
        person, _ = self._person_for(name)

        def give(face_id: str, similarity: float | None) -> bool:
            try:
                with self._holding(where[face_id]) as spot:
                    outcomes[face_id] = self._give(person, spot, same_photo=same_photo,
                                                   move=True, similarity=similarity)
            except FinpicsError as e:
                outcomes[face_id] = Outcome(face_id, person.name, error=str(e))
            return outcomes[face_id].error is None

        with self.batched():
            if not self._has_faces(person):  # the first face makes the vector the rest meet
                while rest and not give(rest.pop(0), FIRST_FACE):
                    pass
                self.flush()
            alike, _failed = self._alike(person, rest) if rest else ({}, {})
            for face_id in rest:  # (a face whose search failed is asked again on its own)
                give(face_id, alike.get(face_id))
        return [outcomes[f] for f in face_ids]

    def name_face(self, face_id: str, name: str, *, same_photo: bool = False) -> Outcome:
        """Name a face (a new person if nobody has that name yet). A face named otherwise is
        moved to this person; :class:`SamePhoto` if the person is in that photo already and
        ``same_photo`` is not given."""
        spot = self.locate([face_id]).get(face_id)
        if spot is None:
            raise NotFound(f"face {face_id} is not in a photo of this album")
        with self._holding(spot) as spot:
            person, _ = self._person_for(name)
            return self._give(person, spot, same_photo=same_photo, move=True)

    @contextmanager
    def _holding(self, spot: Located, doing: str = "naming") -> Iterator[Located]:
        """Hold the lock of the face's photo for the block (a re-index of the photo under way
        is waited for, one killed midway is finished first) and give where the face is now;
        NotFound if a re-index took it away meanwhile."""
        key = PhotoKey(*spot.image_path.split("/", 1)).key
        with PhotoLocks(self.backend).hold(key, f"{doing} a face of {spot.image_path}"):
            # a re-index gives the face's photo new items (Rekognition: a new ImageId) or
            # drops the face from them: its photo's items say, the face index need not
            now = self.locate([spot.face_id], known={spot.face_id: spot.image_id}).get(
                spot.face_id)
            if now is None:
                raise NotFound(f"face {spot.face_id} is no longer in {spot.image_path}: the "
                               "photo was re-indexed meanwhile and its faces have new ids; "
                               f"nothing was changed (look at the faces of {spot.image_path} "
                               "again)")
            yield now

    holding = _holding  # (for the people modules beside this one: ignored faces)

    def _give(self, person: Person, spot: Located, *, same_photo: bool, move: bool,
              similarity: float | None = None) -> Outcome:
        current = self.private.get(FACE, spot.face_id)
        if current is not None and current.doc["person"] == person.id:
            return Outcome(spot.face_id, person.name)
        previous = self._person(current.doc["person"]) if current is not None else None
        if previous is not None and not move:
            return Outcome(spot.face_id, person.name, previous.name,
                           f"named {previous.name} already: name it to change that")
        if not same_photo:
            self._check_once_per_photo(person, spot)
        if similarity is None:
            similarity = (self.similarities(person, [spot.face_id])[spot.face_id]
                          if self._has_faces(person) else FIRST_FACE)
        self.private.put(FACE, spot.face_id, named_face_doc(
            person.id, spot.image_id, spot.image_path, similarity, time.time()),
            if_version=current.version if current else 0)
        self.private.delete(REJECT, f"{person.id}/{spot.face_id}")
        self.private.delete(REJECT, f"{ANYONE}/{spot.face_id}")  # named: no stranger after all
        if previous is not None:
            self._disassociate(previous.id, [spot.face_id])
        self.associate(person.id, [spot.face_id])
        return Outcome(spot.face_id, person.name, previous.name if previous else None)

    def _has_faces(self, person: Person) -> bool:
        return next(iter(self.index.list_faces(user_id=person.id)), None) is not None

    def confirm(self, name: str, face_ids: Sequence[str], *, same_photo: bool = False,
                similarities: dict[str, float] | None = None) -> list[Outcome]:
        """Confirm proposed faces as this (existing) person's. A face named otherwise, or in a
        photo where the person is already (unless ``same_photo``), is refused with the reason;
        the others are named."""
        person = self.find(name)
        where = self.locate(face_ids)
        known = dict(similarities or {})
        missing = [f for f in face_ids if f in where and f not in known]
        vector = bool(missing) and self._has_faces(person)
        if vector:
            known.update(self._alike(person, missing)[0])  # (a failed one: asked again alone)
        outcomes = []
        # batched once the person has a vector (without one, each face meets the faces before)
        with self.batched() if vector or not missing else contextlib.nullcontext():
            for face_id in dict.fromkeys(face_ids):
                if face_id not in where:
                    outcomes.append(Outcome(face_id, person.name,
                                            error="not in a photo of this album"))
                    continue
                try:
                    with self._holding(where[face_id], "confirming") as spot:
                        outcomes.append(self._give(person, spot, same_photo=same_photo,
                                                   move=False, similarity=known.get(face_id)))
                except (SamePhoto, WriteConflict, NotFound, PhotoBusy) as e:
                    outcomes.append(Outcome(face_id, person.name, error=str(e)))
        return outcomes

    def reject(self, name: str, face_ids: Sequence[str]) -> list[Outcome]:
        """These faces are not this person: never proposed for them again (a face named this
        person is taken from them too). A face not in a photo of the album is refused with the
        reason, as :meth:`confirm` refuses it; the others are rejected."""
        person = self.find(name)
        where = self.locate(face_ids)
        outcomes = []
        for face_id in dict.fromkeys(face_ids):
            if face_id not in where:  # as confirm: no record for a face that is not there
                outcomes.append(Outcome(face_id, person.name,
                                        error="not in a photo of this album"))
                continue
            try:
                with self._holding(where[face_id], "rejecting"):
                    self.private.put(REJECT, f"{person.id}/{face_id}", {"at": time.time()})
                    current = self.private.get(FACE, face_id)
                    if current is not None and current.doc["person"] == person.id:
                        self._take(person.id, current)
            except (NotFound, PhotoBusy) as e:
                outcomes.append(Outcome(face_id, person.name, error=str(e)))
                continue
            outcomes.append(Outcome(face_id, person.name))
        return outcomes

    def unname(self, face_id: str) -> str | None:
        """Take the face from its person (it is unnamed again); the name it had, or None. (A
        face named for a person who is gone, whose name nobody knows, had one too.)"""
        spot = self.locate([face_id]).get(face_id)
        with self._holding(spot, "unnaming") if spot else contextlib.nullcontext():
            current = self.private.get(FACE, face_id)
            if current is None:
                return None
            person = self._person(current.doc["person"])
            self._take(current.doc["person"], current)
        return person.name if person else "named for a person who is gone"

    def _take(self, person_id: str, doc: PrivateDoc) -> None:
        self.private.delete(FACE, doc.sk, if_version=doc.version)
        self._disassociate(person_id, [doc.sk])

    def rename(self, name: str, new_name: str) -> Person:
        """Give the person another name (WriteConflict-free: the new name is claimed first)."""
        person, shown = self.find(name), clean_name(new_name)
        if name_key(shown) != name_key(person.name) and not self._claim(shown, person.id):
            raise InvalidValue(f"{self.find(shown).name} is someone else already: merge the two "
                               f"(`finpics-desktop merge {person.name!r} {shown!r}`) if they are "
                               "one person")
        self._update(person, name=shown)
        if name_key(shown) != name_key(person.name):
            self.private.delete(NAME, name_key(person.name))
        return Person(person.id, shown, person.hidden)

    def hide(self, name: str, hidden: bool = True) -> Person:
        """Hide a person from the People list (their faces stay named: never proposed, never
        clustered), or show them again."""
        person = self.find(name)
        self._update(person, hidden=hidden)
        return Person(person.id, person.name, hidden)

    def _update(self, person: Person, **changes) -> None:
        doc = self.private.get(PERSON, person.id)
        if doc is None:
            raise NotFound(f"{person.name} was removed meanwhile")
        self.private.put(PERSON, person.id, {**doc.doc, **changes}, if_version=doc.version)

def names_in(backend: Backend, face_ids: Sequence[str]) -> dict[str, str]:
    """The names of those faces that have one (for the viewer's face boxes); nothing for an
    album without a private store."""
    if backend.private is None or not face_ids:
        return {}
    docs = {f: backend.private.get(FACE, f) for f in dict.fromkeys(face_ids)}
    wanted = {d.doc["person"] for d in docs.values() if d is not None}
    people = {p: backend.private.get(PERSON, p) for p in wanted}
    return {f: people[d.doc["person"]].doc["name"] for f, d in docs.items()
            if d is not None and people.get(d.doc["person"]) is not None}


def _named(doc: PrivateDoc) -> NamedFace:
    return NamedFace.from_doc(doc.sk, doc.doc)


__all__ = ["DRAWN", "FACE", "NAME", "PERSON", "REJECT", "Located", "Outcome", "People",
           "SamePhoto"]
