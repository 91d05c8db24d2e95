"""Undoing a people action -- a merge, faces moved to another person, "not this person", faces
ignored -- as the window's Ctrl+Z asks for it: the private store's records the action could touch
before and after it (:func:`snapshot`), and undoing writes back what it changed, record by
record, each only if it is still as the action left it (a face named otherwise since keeps its
newer name, and is said). A person the action removed (merged away) comes back under their id
and name; a person it made (moved to a new name) goes once no face is theirs; every person
concerned has their user vector made to match their faces again.

A refusal before anything is written (a name taken meanwhile by someone else) raises
:class:`~finpics_desktop.pipeline.curation.errors.Refused`: nothing changed, and the action
stays undoable."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from dataclasses import dataclass, field

from finpics_desktop.domain.errors import NotFound, WriteConflict
from finpics_desktop.domain.people import name_key
from finpics_desktop.pipeline.curation.errors import Refused
from finpics_desktop.pipeline.people.naming import People
from finpics_desktop.pipeline.people.records import FACE, MERGED, NAME, PERSON, REJECT


@dataclass(frozen=True)
class Snapshot:
    """Records of the private store as they were: people (id -> document, None: none), faces
    (FaceId -> document) and the rejections of those people (key -> document)."""

    persons: dict[str, dict | None] = field(default_factory=dict)
    faces: dict[str, dict | None] = field(default_factory=dict)
    rejects: dict[str, dict] = field(default_factory=dict)


@dataclass(frozen=True)
class Change:
    """What a people action changed: the records ``before`` and ``after`` it."""

    before: Snapshot
    after: Snapshot


def snapshot(people: People, person_ids: Iterable[str | None],
             face_ids: Iterable[str]) -> Snapshot:
    """The records of these people (with their rejections) and of these faces, now."""
    persons, rejects = {}, {}
    for person_id in dict.fromkeys(p for p in person_ids if p):
        doc = people.private.get(PERSON, person_id)
        persons[person_id] = dict(doc.doc) if doc else None
        rejects.update((d.sk, dict(d.doc)) for d in people.private.query(REJECT, f"{person_id}/"))
    faces = {}
    for face_id in dict.fromkeys(face_ids):
        doc = people.private.get(FACE, face_id)
        faces[face_id] = dict(doc.doc) if doc else None
    return Snapshot(persons, faces, rejects)


def faces_of_person(people: People, person_id: str) -> list[str]:
    return [d.sk for d in people.private.query(FACE) if d.doc["person"] == person_id]


def _owner(doc: dict | None) -> str | None:
    return doc["person"] if doc else None


def undo(people: People, change: Change) -> list[str]:
    """Write back what ``change`` changed; the lines of what was left as it is (changed since),
    each naming the face or person and why."""
    before, after = change.before, change.after
    revived = [p for p, doc in before.persons.items()
               if doc is not None and after.persons.get(p) is None]
    made = [p for p, doc in after.persons.items()
            if doc is not None and before.persons.get(p) is None]
    for person_id in revived:  # refused before anything is written
        claim = people.private.get(NAME, name_key(before.persons[person_id]["name"]))
        holder = people._person(claim.doc["person"]) if claim else None
        if holder is not None and holder.id != person_id:
            raise Refused(f"{before.persons[person_id]['name']} is the name of someone else "
                          "now: rename them first; nothing changed")
    for person_id in revived:
        doc = before.persons[person_id]
        with contextlib.suppress(WriteConflict):  # there already (undone before, half)
            people.private.put(PERSON, person_id, doc, if_version=0)
        people._claim(doc["name"], person_id)
        people.private.delete(MERGED, person_id)
    left = [line for face_id in before.faces
            if (line := _face_back(people, face_id, before, after))]
    for key in set(before.rejects) | set(after.rejects):
        was, now = before.rejects.get(key), after.rejects.get(key)
        if was == now:
            continue
        if was is None:
            people.private.delete(REJECT, key)
        else:
            people.private.put(REJECT, key, was)
    for person_id in made:
        if not faces_of_person(people, person_id):
            _remove(people, person_id)
    for person_id in {*before.persons, *after.persons}:
        person = people._person(person_id)
        if person is not None:
            people.sync(person)
    return left


def _face_back(people: People, face_id: str, before: Snapshot, after: Snapshot) -> str:
    """The face's record as it was before (if the action changed it and nobody since); a
    line saying why not, else ""."""
    was, then = before.faces.get(face_id), after.faces.get(face_id)
    if _owner(was) == _owner(then):
        return ""
    spot = people.locate([face_id]).get(face_id)
    try:
        with people._holding(spot, "undoing") if spot else contextlib.nullcontext():
            current = people.private.get(FACE, face_id)
            if _owner(current.doc if current else None) != _owner(then):
                who = people._person(current.doc["person"]) if current else None
                return (f"face {face_id} was left as it is: it was named {who.name} since"
                        if who else f"face {face_id} was left as it is: its name was taken "
                        "away since")
            version = current.version if current else 0
            if was is None:
                people.private.delete(FACE, face_id, if_version=version)
            else:
                people.private.put(FACE, face_id, was, if_version=version)
    except (NotFound, WriteConflict) as e:
        return f"face {face_id} was left as it is: {e}"
    return ""


def _remove(people: People, person_id: str) -> None:
    """A person the action made, with no face left: gone (their name free again)."""
    doc = people.private.get(PERSON, person_id)
    if doc is None:
        return
    claim = people.private.get(NAME, name_key(doc.doc["name"]))
    if claim is not None and claim.doc["person"] == person_id:
        with contextlib.suppress(WriteConflict):
            people.private.delete(NAME, claim.sk, if_version=claim.version)
    with contextlib.suppress(WriteConflict):
        people.private.delete(PERSON, person_id, if_version=doc.version)
    with contextlib.suppress(NotFound):
        people.index.delete_user(person_id)


def find_id(people: People, name: str) -> str | None:
    """The id of the person named ``name``, None if nobody is."""
    try:
        return people.find(name).id
    except NotFound:
        return None


__all__ = ["Change", "Snapshot", "faces_of_person", "find_id", "snapshot", "undo"]
