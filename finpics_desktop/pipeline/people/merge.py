"""Merging one person into another: one decision, whoever else merges at the same time, and
completed by whoever comes next if it is killed midway.

A merge is an operation of the log of :mod:`~finpics_desktop.pipeline.curation.ops`: recorded
before its first write, holding both people (resources ``person:<id>``, taken in a fixed order,
so that ``merge A B`` and ``merge B A`` started together never wait in a circle: one of them
waits for the other). Holding them it looks again at both people: the one that comes second
finds one of them gone (merged into the other meanwhile) and is refused, nothing changed.
Once decided, each step is idempotent and conditional on the version read -- the faces and
rejections move, the name is released, the person is deleted, the user vectors follow -- so
the same merge run again, any merge of either person, or ``check --repair`` completes it from
where it stopped, the target's user vector included.

What became of a person merged away is kept (partition :data:`MERGED`, person id ->
``{"into", "name", "at"}``), so that a merge that comes second can say so: "Could not merge
Dubya into George Bush: George Bush was merged into Dubya meanwhile; nothing changed".
"""

from __future__ import annotations

import contextlib
import logging
import time

from finpics_desktop.domain.errors import InvalidValue, WriteConflict
from finpics_desktop.domain.people import Person, name_key
from finpics_desktop.pipeline.curation.errors import Refused
from finpics_desktop.pipeline.curation.ops import Operation, OpLog, is_alive, runs
from finpics_desktop.pipeline.people.naming import People
from finpics_desktop.pipeline.people.records import FACE, MERGED, NAME, PERSON, REJECT

log = logging.getLogger(__name__)

MERGE = "merge-people"


def person_resource(person_id: str) -> str:
    return f"person:{person_id}"


def merge(people: People, name: str, into: str) -> tuple[Person, int]:
    """Every face and rejection of ``name`` become ``into``'s and ``name`` is gone; the person
    merged into and how many faces moved. :class:`Refused` (nothing changed) if another action
    merged either of them meanwhile."""
    ops = OpLog(people.private, lambda op: _resume(people, ops, op))
    done = _complete_interrupted(people, ops, name, into)
    if done is not None:
        return done
    source, target = people.find(name), people.find(into)
    if source.id == target.id:
        raise InvalidValue(f"{source.name} and {into} are the same person")
    before = _faces_by_person(people)
    op = ops.begin(MERGE, {"person": source.id, "name": source.name, "into": target.id,
                           "into_name": target.name},
                   [person_resource(source.id), person_resource(target.id)])
    try:
        return run(people, ops, op, before)
    finally:
        ops.stopped(op)


def _complete_interrupted(people: People, ops: OpLog, name: str,
                          into: str) -> tuple[Person, int] | None:
    """Complete the merges a killed process left; the result of the one that was this very
    request, if any (Refused if it had to be given up)."""
    found = None
    for op in ops.pending():
        if op.kind != MERGE or is_alive(op) or not ops.recover(op):
            continue
        if (name_key(op.params["name"]), name_key(op.params["into_name"])) == (
                name_key(name), name_key(into)):
            if op.refused:
                raise Refused(op.refused)
            target = people._person(op.params["into"])
            found = (target or Person(op.params["into"], op.params["into_name"]),
                     len(op.state.get("faces", [])))
    return found


def _resume(people: People, ops: OpLog, op: Operation) -> None:
    """Complete a merge this process has taken over (a refusal is noted on ``op``)."""
    ops.lock(op)
    try:
        run(people, ops, op)
    except Refused as e:
        log.warning("the interrupted %s was given up: %s", op.describe(), e)
        op.refused = str(e)


def run(people: People, ops: OpLog, op: Operation,
        before: dict[str, set[str]] | None = None) -> tuple[Person, int]:
    """Run the merge ``op`` (its people held) to its end, from the step its record names."""
    source_id, target_id = op.params["person"], op.params["into"]
    if not op.state.get("decided"):
        try:
            target = _decide(people, op, before or {})
        except Refused:
            ops.finish(op)  # nothing was written
            raise
        faces = sorted(d.sk for d in people.private.query(FACE)
                       if d.doc["person"] == source_id)
        ops.save(op, decided=True, faces=faces)
    private = people.private
    _move_faces(people, source_id, target_id, lambda: ops.touch(op))
    for doc in private.query(REJECT, f"{source_id}/"):
        face_id = doc.sk.split("/", 1)[1]
        named = private.get(FACE, face_id)
        if named is None or named.doc["person"] != target_id:
            private.put(REJECT, f"{target_id}/{face_id}", doc.doc)
        with contextlib.suppress(WriteConflict):  # deleted meanwhile: the same
            private.delete(REJECT, doc.sk, if_version=doc.version)
    for claim in private.query(NAME):  # (renamed meanwhile: every name it holds)
        if claim.doc["person"] == source_id:
            with contextlib.suppress(WriteConflict):  # claimed anew by someone else
                private.delete(NAME, claim.sk, if_version=claim.version)
    _move_faces(people, source_id, target_id, lambda: ops.touch(op))  # (named meanwhile)
    private.put(MERGED, source_id, {"into": target_id, "name": op.params["name"],
                                    "at": time.time()})
    while (doc := private.get(PERSON, source_id)) is not None:
        with contextlib.suppress(WriteConflict):  # hidden or renamed meanwhile: again
            private.delete(PERSON, source_id, if_version=doc.version)
    people.index.delete_user(source_id)
    target = people._person(target_id) or Person(target_id, op.params["into_name"])
    people.sync(target)
    ops.finish(op)
    return target, len(op.state.get("faces", []))


@runs(MERGE)
def run_in_curation(c, op: Operation) -> None:
    """Complete an interrupted merge found by curation (``check --repair``, an action waiting
    for its resources): ``c`` is its :class:`~finpics_desktop.pipeline.curation.Curation`."""
    run(People(c.backend), c.ops, op)


def _decide(people: People, op: Operation, before: dict[str, set[str]]) -> Person:
    """Both people are still there (their name theirs): the target; else Refused, saying
    what became of the one that is gone."""
    p = op.params
    what = f"Could not merge {p['name']} into {p['into_name']}"
    for person_id, shown in ((p["person"], p["name"]), (p["into"], p["into_name"])):
        person = people._person(person_id)
        claim = people.private.get(NAME, name_key(person.name)) if person else None
        if person is None or claim is None or claim.doc["person"] != person_id:
            raise Refused(f"{what}: {_fate(people, person_id, shown, before)}; nothing changed")
    return people._person(p["into"])


def _fate(people: People, person_id: str, shown: str, before: dict[str, set[str]]) -> str:
    """What became of a person gone meanwhile: whom they were merged into (as recorded, or as
    their faces tell), else that they are gone."""
    seen, merged = {person_id}, people.private.get(MERGED, person_id)
    while merged is not None and merged.doc["into"] not in seen:
        into = people._person(merged.doc["into"])
        if into is not None:
            return f"{shown} was merged into {into.name} meanwhile"
        seen.add(merged.doc["into"])
        merged = people.private.get(MERGED, merged.doc["into"])
    faces = before.get(person_id, set())
    holders = {d.doc["person"] for d in people.private.query(FACE) if d.sk in faces}
    now = [q for q in (people._person(h) for h in holders) if q is not None]
    if len(now) == 1:
        return f"{shown} was merged into {now[0].name} meanwhile"
    return f"{shown} is no longer in this album (renamed, merged or removed meanwhile)"


def _faces_by_person(people: People) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for doc in people.private.query(FACE):
        found.setdefault(doc.doc["person"], set()).add(doc.sk)
    return found


def _move_faces(people: People, source_id: str, target_id: str, touch) -> None:
    """Every face named ``source_id`` is named ``target_id`` (over the version read: a face
    renamed meanwhile by the curator keeps their newer word). ``touch()`` at each face says
    the merge is alive (a long one on a slow cloud is not taken for abandoned)."""
    for doc in people.private.query(FACE):
        touch()
        while doc is not None and doc.doc["person"] == source_id:
            try:
                people.private.put(FACE, doc.sk, {**doc.doc, "person": target_id},
                                   if_version=doc.version)
                break
            except WriteConflict:
                doc = people.private.get(FACE, doc.sk)


__all__ = ["MERGE", "merge", "person_resource", "run", "run_in_curation"]
