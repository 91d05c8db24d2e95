"""Splitting people by picking, and "A and B together", as plain state on top of the navigation
(merging is :meth:`PeopleActions.merge`): move the faces chosen on a person's page to another
(or a new) person, say they are not this person, and open the photos where all the people
chosen appear (or only them). Each change is the undoable call of
:mod:`~finpics_desktop.app.people_edits`, run off the GUI thread, and joins the album's history
that Ctrl+Z undoes; a refusal reads as one ("Could not move ...") and says what to do in the
window. Tests drive it without a display."""

from __future__ import annotations

from finpics_desktop.app import people_edits
from finpics_desktop.app.entries import PERSON, PHOTO, Entry
from finpics_desktop.app.window.navigation import Navigation
from finpics_desktop.app.window.people_actions import PeopleActions
from finpics_desktop.app.window.people_places import TOGETHER
from finpics_desktop.app.window.places import Place
from finpics_desktop.pipeline.people.naming import Outcome

UNDO = " (Ctrl+Z undoes it)"


def together_place(chosen: list[Entry], only: bool = False) -> Place | None:
    """The photos with all the people of the ``chosen`` tiles (two or more)."""
    names = list(dict.fromkeys(e.person for e in chosen if e.kind == PERSON and e.person))
    if len(names) < 2:
        return None
    return Place(TOGETHER, chosen[0].backend, people=tuple(names), only=only)


def faces_chosen(chosen: list[Entry]) -> list[Entry]:
    """The person's photos chosen on their page: each stands for the person's face in it."""
    return [e for e in chosen if e.kind == PHOTO and e.matched_face_id]


class PeoplePicking:
    def __init__(self, actions: PeopleActions):
        self.actions = actions

    @property
    def nav(self) -> Navigation:
        return self.actions.nav

    # -- split ------------------------------------------------------------------------------
    def move_faces(self, chosen: list[Entry], to: str) -> None:
        """The faces of the person's photos ``chosen`` are ``to``'s (a new person if nobody
        has that name)."""
        faces = faces_chosen(chosen)
        if not faces:
            return
        backend, ids = faces[0].backend, [e.matched_face_id for e in faces]

        def job():
            outcomes, step = people_edits.move_faces(backend, ids, to)
            moved = [o for o in outcomes if not o.error]
            if moved:
                self.actions.remember(backend, f"{len(moved)} face(s) moved to {to}", step)
            return outcomes

        def done(outcomes: list[Outcome]) -> None:
            moved = self.actions._report(outcomes, "moved to")
            self._drop_photos(faces, moved)
            self.nav.tell(f"{len(moved)} face(s) moved to {to}{UNDO if moved else ''}", "info")
            self.actions._changed(backend, faces=moved, people=[to, *(
                o.previous for o in outcomes if o.face_id in moved)])

        self.actions._run(job, done, f"Could not move the faces to {to}")

    def not_this_person(self, chosen: list[Entry]) -> None:
        """The faces of the person's photos ``chosen`` are not theirs: taken from them, and
        never proposed for them again."""
        faces = faces_chosen(chosen)
        loc = self.nav.location
        if not faces or loc is None or not loc.person:
            return
        backend, name, ids = faces[0].backend, loc.person, [e.matched_face_id for e in faces]

        def job():
            outcomes, step = people_edits.not_this_person(backend, name, ids)
            if any(not o.error for o in outcomes):
                self.actions.remember(backend, f"{len(ids)} face(s) taken from {name}", step)
            return outcomes

        def done(outcomes: list[Outcome]) -> None:
            taken = self.actions._report(outcomes, "taken from")
            self._drop_photos(faces, taken)
            self.nav.tell(f"{len(taken)} face(s) are not {name}{UNDO if taken else ''}", "info")
            self.actions._changed(backend, faces=taken, people=[name])

        self.actions._run(job, done, f"Could not take the faces from {name}")

    def _drop_photos(self, faces: list[Entry], done: set[str]) -> None:
        """The person's page no longer shows the photos whose face left them."""
        gone = {id(e) for e in faces if e.matched_face_id in done}
        kept = [e for e in self.nav.entries if id(e) not in gone]
        if len(kept) != len(self.nav.entries):
            self.nav.show_entries(kept)

    # -- together ---------------------------------------------------------------------------
    def open_together(self, chosen: list[Entry], only: bool = False) -> bool:
        """The photos with all the people chosen (False: fewer than two chosen)."""
        place = together_place(chosen, only)
        loc = self.nav.location
        if place is None or loc is None:
            return False
        self.nav.open(Place(place.kind, place.backend, within=loc.within,
                            people=place.people, only=only))
        return True
