"""The people actions the window can undo -- merge a person into another, move faces to another
(or a new) person, "not this person", ignore strangers (or bring them back) -- each the same
call as the command line's (:mod:`~finpics_desktop.app.people`), with the records it changed
read before and after it (:mod:`~finpics_desktop.pipeline.people.undo`), as a
:class:`PeopleStep` the album's curator keeps in the session's history that Ctrl+Z undoes. Each
does I/O: the window runs it off the GUI thread."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from finpics_desktop.app.people import _people
from finpics_desktop.domain.errors import FinpicsError
from finpics_desktop.domain.people import Person
from finpics_desktop.pipeline.people import ignored
from finpics_desktop.pipeline.people import undo as people_undo
from finpics_desktop.pipeline.people.merge import merge as merge_people
from finpics_desktop.pipeline.people.naming import Outcome
from finpics_desktop.ports import Backend


@dataclass(frozen=True)
class PeopleStep:
    """How to undo one people action: what it changed, and the names it concerned (whose
    pages follow)."""

    change: people_undo.Change
    names: tuple[str, ...]

    @property
    def made(self) -> tuple[str, ...]:
        """The names of the people the action made (gone again once it is undone)."""
        before, after = self.change.before.persons, self.change.after.persons
        return tuple(doc["name"] for p, doc in after.items()
                     if doc is not None and before.get(p) is None)


def merge(backend: Backend, name: str, into: str) -> tuple[Person, int, PeopleStep]:
    """:func:`finpics_desktop.app.people.merge`, undoable."""
    people = _people(backend, "merging people")
    source, target = people.find(name), people.find(into)
    ids = (source.id, target.id)
    faces = people_undo.faces_of_person(people, source.id)
    before = people_undo.snapshot(people, ids, faces)
    merged, moved = merge_people(people, name, into)
    after = people_undo.snapshot(people, ids, faces)
    return merged, moved, PeopleStep(people_undo.Change(before, after),
                                     (source.name, merged.name))


def move_faces(backend: Backend, face_ids: Sequence[str], to: str
               ) -> tuple[list[Outcome], PeopleStep]:
    """These (named) faces are ``to``'s (a new person if nobody has the name), even in a photo
    where ``to`` is named already: the curator picked them. Each face that cannot says why."""
    people = _people(backend, "naming faces")
    now = people_undo.snapshot(people, (), face_ids)
    ids = [*(doc["person"] for doc in now.faces.values() if doc),
           people_undo.find_id(people, to)]
    before = people_undo.snapshot(people, ids, face_ids)
    outcomes = []
    for face_id in face_ids:
        try:
            outcomes.append(people.name_face(face_id, to, same_photo=True))
        except FinpicsError as e:
            outcomes.append(Outcome(face_id, to, error=str(e)))
    after = people_undo.snapshot(people, [*ids, people_undo.find_id(people, to)], face_ids)
    names = {o.previous for o in outcomes if o.previous} | {to}
    return outcomes, PeopleStep(people_undo.Change(before, after), tuple(sorted(names)))


def not_this_person(backend: Backend, name: str, face_ids: Sequence[str]
                    ) -> tuple[list[Outcome], PeopleStep]:
    """These faces are not ``name``'s: taken from them and never proposed for them again
    (:func:`finpics_desktop.app.people.reject`), undoable."""
    people = _people(backend, "rejecting faces")
    person = people.find(name)
    before = people_undo.snapshot(people, [person.id], face_ids)
    outcomes = people.reject(name, face_ids)
    after = people_undo.snapshot(people, [person.id], face_ids)
    return outcomes, PeopleStep(people_undo.Change(before, after), (person.name,))


def ignore(backend: Backend, face_ids: Sequence[str], back: bool = False
           ) -> tuple[list[Outcome], PeopleStep]:
    """:func:`finpics_desktop.app.people.ignore` (``back``: ``unignore``), undoable: the
    faces' records and their rejections for anyone, before and after."""
    people = _people(backend, "bringing back ignored faces" if back else "ignoring faces")
    before = ignored.snapshot(people, face_ids)
    outcomes = (ignored.unignore if back else ignored.ignore)(people, face_ids)
    return outcomes, PeopleStep(people_undo.Change(before, ignored.snapshot(people, face_ids)),
                                ())


def undo(backend: Backend, steps: Sequence[PeopleStep]) -> list[str]:
    """Undo the steps (the latest first); the lines of what was left as it is."""
    people = _people(backend, "undoing")
    left: list[str] = []
    for step in reversed(steps):
        left += people_undo.undo(people, step.change)
    return left


__all__ = ["PeopleStep", "ignore", "merge", "move_faces", "not_this_person", "undo"]
