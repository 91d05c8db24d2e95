"""The search by a named person: a click on a face a curator named searches with the person, not
with that one face, so that every confirmed face makes the search better.

What it finds, for the person of the clicked face:

- *named*: the person's other photos, those holding a face confirmed as theirs;
- *sure*: photos with a face alike enough to the person's **template** (their user vector, the
  mean of their confirmed faces: ``SearchUsers``, on the cloud Rekognition's own) or to the
  **best** of their confirmed faces (``SearchFaces`` from each: a face of a childhood photo
  finds the other childhood photos even when the template, made mostly of grown-up faces, is
  far), at the cuts of :mod:`~finpics_desktop.domain.bands` for the engine that indexed
  them, and no other person as alike;
- *maybe*: the photos whose best face reached only the lower cuts, or is as alike to another
  person, or fails the quality gate (tiny or blurred, :data:`~finpics_desktop.domain.bands.SHARP`;
  a blurred named face's matches count as maybes only, as a blurred face's search does): shown
  apart, never taken silently, each with ``band`` MAYBE.

Left out: a photo already holding the person (one person appears once in a photo), the faces
named as someone else, the faces rejected for this person. Of a photo only its most alike face
counts. Every photo is one the album holds now (the search function's rule).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from finpics_desktop.domain import bands
from finpics_desktop.domain.bands import CANDIDATES, MAYBE, SURE, Cuts, cuts_for
from finpics_desktop.domain.errors import NotFound
from finpics_desktop.domain.matches import PhotoMatch
from finpics_desktop.domain.people import Person, name_key
from finpics_desktop.domain.records import UserMatch
from finpics_desktop.pipeline.functions.search import MAX_FACES, album_image_items
from finpics_desktop.pipeline.people.naming import Located, People
from finpics_desktop.pipeline.people.records import FACE, NAME, PERSON

SEEDS = 100  # the person's faces searched from (Rekognition's most faces of a user vector)
MAX_CANDIDATES = 400  # faces scored against the person, the most alike first
USERS_COMPARED = 20  # the people a candidate is compared with (the most alike)


@dataclass(frozen=True)
class PersonSearch:
    """The photos of the person a clicked face is named as (see the module)."""

    person: Person
    faces: int  # the person's confirmed faces in the album: what the search was made with
    named: list[PhotoMatch]  # most alike (when named) first
    sure: list[PhotoMatch]  # most alike first
    maybe: list[PhotoMatch]

    @property
    def photos(self) -> list[PhotoMatch]:
        """What the search promises are the person: the named photos, then the sure ones."""
        return self.named + self.sure


@dataclass(frozen=True)
class _Scored:
    face_id: str
    template: float  # similarity to the person's user vector
    best: float  # to the most alike of their confirmed faces
    other: float  # to the most alike other person's user vector
    sharp: bool = True  # the face passes the quality gate
    best_sharp: float = 0.0  # to the most alike of their confirmed faces that pass the gate

    def band(self, cuts: Cuts) -> str | None:
        """SURE, MAYBE or None (not the person)."""
        if self.other >= cuts.template and self.other > self.template:
            return None  # someone else's, surely more than theirs
        if self.sharp and (self.template >= cuts.template or self.best_sharp >= cuts.sure) and (
                self.other < cuts.template_maybe or self.other < self.template):
            return SURE
        if self.template >= cuts.template_maybe or self.best >= cuts.maybe:
            return MAYBE
        return None

    @property
    def similarity(self) -> float:
        return round(max(self.template, self.best), 2)


def person_of(people: People, face_id: str) -> Person | None:
    """The person the face is named as; None for a face nobody named (or named for a person an
    interrupted action left, whose name is not theirs)."""
    doc = people.private.get(FACE, face_id)
    person = people.private.get(PERSON, doc.doc["person"]) if doc is not None else None
    if person is None:
        return None
    claim = people.private.get(NAME, name_key(person.doc["name"]))
    if claim is None or claim.doc["person"] != person.sk:
        return None
    return Person(person.sk, person.doc["name"], bool(person.doc.get("hidden")))


def search_person(people: People, face_id: str, cuts: Cuts | None = None,
                  face_cut: float | None = None) -> PersonSearch | None:
    """The person's photos (see the module) but the clicked face's own photo; None if the face
    is named as nobody. ``cuts``: those of the engine that indexed the clicked face unless
    given; ``face_cut``: the sure cut of a single face, if the album's search has its own.
    NotFound if the face is not in a photo of the album."""
    person = person_of(people, face_id)
    if person is None:
        return None
    named = people.named()
    mine = people.faces_of(person, named)  # most alike first
    where = people.locate([face_id, *(f.face_id for f in mine)])
    clicked = where.get(face_id)
    if clicked is None:
        raise NotFound(f"face {face_id} is not in a photo of this album")
    mine = [f for f in mine if f.face_id in where]
    holding = {where[f.face_id].image_path for f in mine}
    images = album_image_items(people.backend.tables,
                               sorted({where[f.face_id].image_id for f in mine}))
    if cuts is None:
        cuts = cuts_for(images[clicked.image_id].model_version
                        if clicked.image_id in images else None)
    if face_cut is not None:
        cuts = replace(cuts, sure=face_cut, maybe=min(cuts.maybe, face_cut))
    confirmed, seen = [], {clicked.image_path}
    for face in mine:  # a photo's most alike named face is its entry
        spot = where[face.face_id]
        if spot.image_path not in seen and spot.image_id in images:
            seen.add(spot.image_path)
            confirmed.append(PhotoMatch.from_image(images[spot.image_id], face.similarity,
                                                   face.face_id))
    blurred = {f.face_id for f in mine if _blurred(where[f.face_id])} if cuts.gated else None
    scored = _score(people, person, [f.face_id for f in mine], set(named),
                    people.rejected(person), holding, cuts, blurred)
    sure, maybe = _by_photo(people, scored, cuts)
    return PersonSearch(person, len(mine), confirmed, sure, maybe)


def _seeds(faces: list[str]) -> list[str]:
    """At most :data:`SEEDS` of the person's faces, spread evenly over them."""
    if len(faces) <= SEEDS:
        return faces
    step = len(faces) / SEEDS
    return [faces[int(n * step)] for n in range(SEEDS)]


def _blurred(spot: Located) -> bool:
    """Whether a face fails the quality gate (its sharpness measured below SHARP)."""
    return spot.sharpness is not None and spot.sharpness < bands.SHARP


def _score(people: People, person: Person, mine: list[str], named: set[str],
           rejected: set[str], holding: set[str], cuts: Cuts,
           blurred: set[str] | None) -> list[tuple[_Scored, str]]:
    """The faces alike to any of the person's, scored against the person (with the photo each
    is in), but named, rejected, or in a photo holding the person. ``blurred``: the person's
    faces that fail the quality gate (None: the engine has no gate)."""
    best: dict[str, float] = {}
    best_sharp: dict[str, float] = {}
    for seed, matches in people.records.face_matches_many(_seeds(mine), CANDIDATES,
                                                          MAX_FACES).items():
        for match in matches:
            if match.face_id not in named and match.face_id not in rejected:
                best[match.face_id] = max(best.get(match.face_id, 0.0), match.similarity)
                if not blurred or seed not in blurred:
                    best_sharp[match.face_id] = max(best_sharp.get(match.face_id, 0.0),
                                                    match.similarity)
    ranked = sorted(best, key=lambda f: (-best[f], f))[:MAX_CANDIDATES]
    where = people.locate(ranked)
    wanted = [f for f in ranked if f in where and where[f].image_path not in holding]
    users = _user_matches(people, wanted, min(cuts.template_maybe, cuts.template) - 15.0)
    scored = []
    for face_id in wanted:
        matches = users.get(face_id, [])
        own = next((m.similarity for m in matches if m.user_id == person.id), 0.0)
        other = max((m.similarity for m in matches if m.user_id != person.id), default=0.0)
        sharp = blurred is None or not _blurred(where[face_id])
        scored.append((_Scored(face_id, own, best[face_id], other, sharp,
                               best_sharp.get(face_id, 0.0)), where[face_id]))
    return scored


def _user_matches(people: People, face_ids: Sequence[str],
                  threshold: float) -> dict[str, list[UserMatch]]:
    """SearchUsers of each face, all at once (on Rekognition several in flight at the rate the
    account allows, each retried on its own); a face gone meanwhile, or whose search still
    failed, has none."""
    return people.records.user_matches_many(face_ids, threshold=max(0.0, threshold),
                                            max_users=USERS_COMPARED)


def _by_photo(people: People, scored: list, cuts: Cuts
              ) -> tuple[list[PhotoMatch], list[PhotoMatch]]:
    """One entry a photo, its most alike face's; sure ones and maybe ones, best first."""
    chosen: dict[str, tuple[str, _Scored, object]] = {}
    for face, spot in sorted(scored, key=lambda s: (-s[0].similarity, s[0].face_id)):
        band = face.band(cuts)
        if band is None:
            continue
        kept = chosen.get(spot.image_path)
        if kept is None or kept[0] == MAYBE and band == SURE:
            chosen[spot.image_path] = (band, face, spot)
    images = album_image_items(people.backend.tables,
                               sorted({spot.image_id for _, _, spot in chosen.values()}))
    sure, maybe = [], []
    for band, face, spot in sorted(chosen.values(), key=lambda c: (-c[1].similarity,
                                                                   c[2].image_path)):
        image = images.get(spot.image_id)
        if image is not None:
            (sure if band == SURE else maybe).append(
                PhotoMatch.from_image(image, face.similarity, face.face_id, band))
    return sure, maybe
