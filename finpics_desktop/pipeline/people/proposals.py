"""Proposals: the unnamed faces the app believes are a person, best first, for a one-key
confirm or reject; the faces it is unsure of apart, never confirmed silently.

Candidates are the faces alike to any of the person's named faces (``SearchFaces`` from up to
:data:`SEEDS` of them, at :data:`CANDIDATE_FROM`); each is then scored against every person's
user vector at once (``SearchUsers``: the mean of the person's named faces, which finds more of
them than any single face and fewer look-alikes). A candidate is proposed when it is at least
:data:`UNSURE_FROM` alike to the person; it is *sure* when at least :data:`SURE_FROM` and no
other person is as alike. Left out: named faces, faces rejected for this person or ignored
(strangers), faces more alike to another person who is a sure match for them, and faces of a
photo the person is already named in (one person appears once per photo); of two candidates in
one photo only the more alike can be sure. README ("People") has the measurements behind the
thresholds.

The candidates' ``SearchUsers`` (one face a call: the API takes no more) are made all at once,
several in flight at the rate the account allows (on Rekognition), each retried on its own; a
candidate whose search still failed is left out this time (``failed`` says why), and the
others are proposed.
"""

from __future__ import annotations

import heapq
from collections.abc import Container
from dataclasses import dataclass, field

from finpics_desktop.domain.people import Person, Proposal
from finpics_desktop.pipeline.people.ignored import ignored_ids
from finpics_desktop.pipeline.people.naming import People

SEEDS = 24  # named faces the candidates are searched from (spread over the person's faces)
CANDIDATE_FROM = 50.0  # similarity to one named face for a face to be looked at
MAX_CANDIDATES = 400  # looked at, most alike first (the window asks again after each answer)
UNSURE_FROM = 60.0  # similarity to the person (SearchUsers) for a face to be proposed at all
SURE_FROM = 80.0  # ... to be proposed as sure: SearchUsers' default threshold
USERS_COMPARED = 20  # the people a candidate is compared with (the most alike)


@dataclass(frozen=True)
class Proposals:
    person: Person
    sure: list[Proposal]
    unsure: list[Proposal]
    # what they were made of (what a change must touch to change them): the faces looked at
    # (candidates, the person's own) and the people they were compared with (ids)
    faces: frozenset[str] = frozenset()
    compared: frozenset[str] = frozenset()
    failed: dict[str, str] = field(default_factory=dict)  # candidates not scored, and why

    @property
    def all(self) -> list[Proposal]:
        return self.sure + self.unsure


def _seeds(faces: list[str]) -> list[str]:
    """At most :data:`SEEDS` of the person's faces, spread evenly over them."""
    if len(faces) <= SEEDS:
        return faces
    step = len(faces) / SEEDS
    return [faces[int(n * step)] for n in range(SEEDS)]


def suggest(people: People, name: str, named: dict | None = None) -> Proposals:
    """``named``: every named face (:meth:`People.named`), if just read (else the person's
    faces and the named faces' ids are read, where the store can)."""
    person = people.find(name)
    mine = [f.face_id for f in sorted(people.faces_of(person, named), key=lambda f: f.at)]
    rejected = people.rejected(person) | ignored_ids(people.private)  # strangers too
    # each face found, at its best
    alike = people.records.face_links_best(_seeds(mine), CANDIDATE_FROM, 4096)
    ranked, looked = _ranked(people, alike, named, rejected)
    where = people.locate(ranked)
    mine_set = set(mine)
    closest_other: dict[str, float] = {}
    scored: list[tuple[float, str]] = []
    compared: set[str] = set()
    wanted = [f for f in ranked if f in where  # in the album now, in a photo without them
              and not mine_set.intersection(where[f].photo_faces)]
    users = people.records.user_matches_many(wanted, threshold=UNSURE_FROM - 15.0,
                                             max_users=USERS_COMPARED)
    for face_id in wanted:
        if face_id in users.failed:
            continue
        matches = users.get(face_id, [])
        compared.update(m.user_id for m in matches)
        own = next((m.similarity for m in matches if m.user_id == person.id), 0.0)
        other = max((m.similarity for m in matches if m.user_id != person.id), default=0.0)
        if own < UNSURE_FROM or (other >= SURE_FROM and other > own):
            continue
        closest_other[face_id] = other
        scored.append((own, face_id))
    scored.sort(key=lambda s: (-s[0], s[1]))
    sure, unsure, sure_photos = [], [], set()
    for own, face_id in scored:
        spot = where[face_id]
        is_sure = (own >= SURE_FROM and closest_other[face_id] < own
                   and spot.image_path not in sure_photos)
        proposal = Proposal(face_id, spot.image_path, round(own, 2), is_sure, spot.box)
        if is_sure:
            sure_photos.add(spot.image_path)
            sure.append(proposal)
        else:
            unsure.append(proposal)
    return Proposals(person, sure, unsure, frozenset(looked) | frozenset(mine),
                     frozenset(compared), dict(users.failed))


def _ranked(people: People, alike: dict[str, float], named: dict | None,
            rejected: set[str]) -> tuple[list[str], list[str]]:
    """The :data:`MAX_CANDIDATES` faces of ``alike`` most alike (ties by id) that are neither
    named nor ``rejected``: the most alike looked at first, a few hundred at a time, and only
    those asked whether they are named (not every named face of the album read: 55,000 at
    100,000 photos). ``named``: every named face, if just read. And the faces looked at: what
    a change must touch to change them (a face less alike than all of those, named or not,
    rejected or not, would rank after them)."""
    among = getattr(people.private, "named_among", None) if named is None else None
    taken: Container[str] | None = named
    ranked: list[str] = []
    seen: list[str] = []
    looked, wanted = 0, 2 * MAX_CANDIDATES
    while len(ranked) < MAX_CANDIDATES and looked < len(alike):
        cut = heapq.nlargest(wanted, alike.values())[-1]  # (the values alone: quicker)
        best = sorted((f for f, s in alike.items() if s >= cut),
                      key=lambda f: (-alike[f], f))[looked:]  # (the ties at the cut too)
        named_now = among(best) if among is not None else None
        if named_now is None and taken is None:
            taken = people.named_ids()  # (ids only, where it can)
        ranked.extend(f for f in best if f not in (named_now if named_now is not None
                                                    else taken) and f not in rejected)
        seen.extend(best)
        looked, wanted = looked + len(best), wanted * 4
    return ranked[:MAX_CANDIDATES], seen
