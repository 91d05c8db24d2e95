"""What the curator does in the window's people places, as plain state on top of the
navigation: confirm or reject the proposals on a person's page (one key each), name a group of
unnamed faces at once (a group's tile), ignore strangers (and bring them back), name or unname
a face in the viewer, draw a missed face (where none can be found, a region named by hand),
rename, merge and hide people (splitting and "together": ``people_picking``); merging and
ignoring are undoable (Ctrl+Z). Each action runs off the GUI thread through the navigation's
runner; the grid loses the faces answered at once (the navigation's events, with a line for the
status bar), and what the action changed (:class:`~finpics_desktop.app.changes.Changes`: the
people and faces) is reported once through the album, for every view to refresh what it shows
of it. Tests drive it without a display. The window asks the questions (a name, "in that photo
already?") and calls these."""

from __future__ import annotations

from collections.abc import Callable

from finpics_desktop.app import people, people_edits
from finpics_desktop.app.album import Albums
from finpics_desktop.app.changes import Changes
from finpics_desktop.app.entries import FACE, GROUP, Entry
from finpics_desktop.app.errors import describe_error
from finpics_desktop.app.window.group_places import tiles_left
from finpics_desktop.app.window.navigation import Navigation
from finpics_desktop.app.window.people_places import PERSON_PLACE, without_faces
from finpics_desktop.domain.bands import MAYBE
from finpics_desktop.domain.errors import NoFaceFound
from finpics_desktop.domain.records import FaceRecord
from finpics_desktop.pipeline.people.naming import Outcome

Done = Callable[[object], None]


def faces_of(entry: Entry) -> list[str]:
    """The faces a tile stands for: a group's, or the one face."""
    return list(entry.members) if entry.kind == GROUP else [entry.face_id]


class PeopleActions:
    def __init__(self, nav: Navigation, albums: Albums | None = None):
        self.nav = nav
        self.albums = albums or Albums()

    # -- where we are -----------------------------------------------------------------------
    @property
    def kind(self) -> str:
        loc = self.nav.location
        return loc.kind if loc is not None else ""

    def proposals(self) -> list[Entry]:
        """The proposals on the person's page shown (sure ones first)."""
        if self.kind != PERSON_PLACE:
            return []
        return [e for e in self.nav.entries if e.kind == FACE]

    def group_of(self, entry: Entry) -> list[Entry]:
        """In the Unnamed view: the faces of the entry's group."""
        return [e for e in self.nav.entries if e.kind == FACE and e.group == entry.group]

    # -- running ----------------------------------------------------------------------------
    def _run(self, job, done: Done, what: str, fail: Callable | None = None) -> None:
        def failed(error: BaseException) -> None:
            if fail is not None and fail(error):
                return
            self.nav.tell(f"{what}: {describe_error(error)}", "error")

        self.nav.run(job, done, failed)

    def _drop(self, face_ids: set[str], rest: dict[int, Entry] | None = None) -> None:
        """The grid no longer shows these faces (answered, named), nor the pages of it still
        to come (:mod:`~finpics_desktop.app.window.paging`); ``rest``: the group tiles that
        keep some of their faces, as they are now (:func:`tiles_left`, by ``id`` of the tile
        shown): they stay where they are, the others holding any of these faces leave."""
        rest = rest or {}
        pages = self.nav.pages
        shown = [rest.get(id(e), e) for e in self.nav.entries]
        kept = without_faces(shown, face_ids)
        shrunk = [(e, rest[id(e)]) for e in self.nav.entries if id(e) in rest]
        if pages is not None:
            left = {id(e) for e in kept}
            pages.drop(face_ids, [e for e in shown if id(e) not in left], shrunk)
        if len(kept) != len(self.nav.entries) or shrunk:
            self.nav.show_entries(pages.recount(kept) if pages is not None else kept)

    def _tiles_of(self, face_ids) -> list[Entry]:
        """The group tiles shown holding any of these faces."""
        wanted = set(face_ids)
        return [e for e in self.nav.entries if e.kind == GROUP and wanted.intersection(e.members)]

    def _changed(self, backend, **changes) -> None:
        self.albums.report(backend, Changes.of(**changes))

    def _report(self, outcomes: list[Outcome], done: str) -> set[str]:
        """Says what could not be done; the faces that were."""
        for outcome in outcomes:
            if outcome.error:
                self.nav.tell(f"face {outcome.face_id}: not {done} {outcome.person}: "
                              f"{outcome.error}")
        return {o.face_id for o in outcomes if not o.error}

    # -- proposals --------------------------------------------------------------------------
    def answer(self, entries: list[Entry], right: bool) -> None:
        """Confirm (``right``) or reject the proposals ``entries`` on the person's page: they
        leave the grid at once (the next key goes to the next one), and the page is listed
        again once they are written (the person's vector changed: more may come). Said in the
        status bar either way; a proposal that could not be answered comes back."""
        entries = [e for e in entries if e.kind == FACE and e.person]
        if not entries:
            return
        name = entries[0].person
        backend = entries[0].backend
        ids = [e.face_id for e in entries]
        verb = "confirmed as" if right else "rejected for"
        self.nav.answered.update(ids)
        self._drop(set(ids))
        self.nav.say(f"{'Confirming' if right else 'Rejecting'} {len(ids)} face(s) "
                     f"{'as' if right else 'for'} {name}…")

        def job():
            return _answer(backend, name, ids, right)

        def done(outcomes: list[Outcome]) -> None:
            answered = self._report(outcomes, verb)
            self.nav.say(f"{len(answered)} face(s) {verb} {name}")
            self._come_back(set(ids) - answered)
            self._changed(backend, faces=answered, people=[name])

        def fail(error: BaseException) -> bool:
            self.nav.tell(f"{'confirming' if right else 'rejecting'} for {name}: "
                          f"{describe_error(error)}", "error")
            self._come_back(set(ids))
            return True

        self._run(job, done, f"{'confirming' if right else 'rejecting'} for {name}", fail)

    def _come_back(self, face_ids: set[str]) -> None:
        """Faces dropped from the grid but not answered after all: listed again."""
        if face_ids:
            self.nav.answered.difference_update(face_ids)
            if self.kind == PERSON_PLACE:
                self.nav.relist()

    def answer_maybes(self, entries: list[Entry], right: bool,
                      then: Callable[[list[Entry]], None]) -> None:
        """Confirm (``right``) or reject, as the person of the face searched from, the matched
        faces of the search results ``entries`` of the maybe band; ``then`` gets those
        answered."""
        entries = [e for e in entries if e.band == MAYBE and e.person and e.matched_face_id]
        if not entries:
            self.nav.say("Y and N answer a maybe of a search from a named face")
            return
        name, backend = entries[0].person, entries[0].backend
        ids = [e.matched_face_id for e in entries]
        verb = "confirmed as" if right else "rejected for"

        def job():
            return _answer(backend, name, ids, right)

        def done(outcomes: list[Outcome]) -> None:
            answered = self._report(outcomes, verb)
            self.nav.say(f"{len(answered)} face(s) {verb} {name}")
            self._changed(backend, faces=answered, people=[name])
            then([e for e in entries if e.matched_face_id in answered])

        self._run(job, done, f"{'confirming' if right else 'rejecting'} for {name}")

    def confirm_sure(self) -> None:
        """Confirm every proposal the app is sure of."""
        self.answer([e for e in self.proposals() if e.sure], True)

    # -- names ------------------------------------------------------------------------------
    def name_faces(self, backend, face_ids: list[str], name: str, *, same_photo: bool = False,
                   ask_same_photo: Callable[[str], None] | None = None,
                   then: Done | None = None) -> None:
        """Name the faces (one, from the viewer; a group, from the Unnamed view). When one face
        is in a photo the person is named in already, ``ask_same_photo(reason)`` is called to
        ask the curator (who calls this again with ``same_photo``)."""

        tiles = self._tiles_of(face_ids)

        def job():
            outcomes = people.name_faces(backend, face_ids, name, same_photo=same_photo)
            named = {o.face_id for o in outcomes if not o.error}
            return outcomes, tiles_left(backend, tiles, named)  # (some faces of a group)

        self.nav.warm()  # (Unnamed faces: what listing it after the naming needs, read meanwhile)

        def done(result: tuple[list[Outcome], dict[int, Entry]]) -> None:
            outcomes, rest = result
            same = [o for o in outcomes if o.error and "once in a photo" in o.error]
            if len(face_ids) == 1 and same and ask_same_photo is not None:
                ask_same_photo(same[0].error)
                return
            named = self._report(outcomes, "named")
            self._drop(named, rest)
            if named:
                self.nav.say(f"{len(named)} face(s) named {name}")
                self._changed(backend, faces=named, people=[name, *(
                    o.previous for o in outcomes if o.face_id in named)])
            if then is not None:
                then(outcomes)

        self._run(job, done, f"naming {name}")

    def name_group(self, entry: Entry, name: str, selected: list[Entry] | None = None,
                   then: Done | None = None) -> None:
        """The Unnamed view: name the faces chosen (several), or the whole group of the one
        chosen."""
        faces = selected if selected and len(selected) > 1 else (
            [entry] if entry.kind == GROUP else self.group_of(entry))
        self.name_faces(entry.backend, [f for e in faces for f in faces_of(e)], name,
                        then=then)

    def ignore(self, entries: list[Entry], back: bool = False) -> None:
        """"Ignore this person": the faces of ``entries`` (a group's tile: all its faces) are
        strangers, never proposed and gone from the unnamed faces; ``back``: no longer ignored
        (the Ignored faces place). Either joins the album's history: Ctrl+Z undoes it."""
        entries = [e for e in entries if e.kind in (FACE, GROUP) and e.backend is not None]
        if not entries:
            return
        backend = entries[0].backend
        face_ids = [f for e in entries for f in faces_of(e)]
        verb = "no longer ignored" if back else "ignored"
        tiles = self._tiles_of(face_ids)

        self.nav.warm()

        def job():
            outcomes, step = people_edits.ignore(backend, face_ids, back)
            done_ = {o.face_id for o in outcomes if not o.error}
            if done_:
                self.remember(backend, f"{len(done_)} face(s) {verb}", step)
            return outcomes, tiles_left(backend, tiles, done_)

        def done(result: tuple[list[Outcome], dict[int, Entry]]) -> None:
            outcomes, rest = result
            for outcome in outcomes:
                if outcome.error:
                    self.nav.tell(f"face {outcome.face_id}: "
                                  f"{'not brought back' if back else 'not ignored'}: "
                                  f"{outcome.error}")
            changed = sorted(o.face_id for o in outcomes if not o.error)
            self._drop(set(changed), rest)
            said = f"{len(changed)} face(s) {verb}" + (" (Ctrl+Z undoes it)" if changed else "")
            self.nav.say(said)
            if changed:  # in Messages too: the place's count soon replaces the status line
                self.nav.tell(said, "info")
                self._changed(backend, faces=changed)

        self._run(job, done, "bringing faces back" if back else "ignoring faces")

    def unname(self, backend, face_id: str, then: Done | None = None) -> None:
        def done(was: str | None) -> None:
            self.nav.say(f"the face is no longer {was}" if was else "the face had no name")
            if was:
                self._changed(backend, faces=[face_id], people=[was])
            if then is not None:
                then(was)

        self._run(lambda: people.unname(backend, face_id), done, "removing the name")

    def add_face(self, entry: Entry, box: dict, then: Done,
                 no_face: Callable[[str], None] | None = None,
                 failed: Callable[[], None] | None = None) -> None:
        """A face drawn on the photo ``entry``: ``then(face)`` once it is indexed;
        ``no_face(reason)`` when none can be found in the box (the curator may keep it as a
        region named by hand), ``failed()`` after any other refusal (said first)."""
        def done(face: FaceRecord) -> None:
            self._changed(entry.backend, faces=[face.face_id],
                          photos=[(entry.picset, entry.name)])
            then(face)

        def fail(error: BaseException) -> bool:
            if isinstance(error, NoFaceFound) and no_face is not None:
                no_face(str(error))
                return True
            if failed is not None:
                failed()
            return False

        self._run(lambda: people.add_face(entry.backend, entry.picset, entry.name, box), done,
                  f"adding a face to {entry.label}", fail)

    def keep_region(self, entry: Entry, box: dict, name: str, then: Done | None = None,
                    failed: Callable[[], None] | None = None) -> None:
        """A box where no face can be found, kept as a region named ``name``."""
        def done(region) -> None:
            self.nav.say(f"kept as a region named {region.name} (no face could be found "
                         "there: it is shown and counted, never searched)")
            self._changed(entry.backend, faces=[region.region_id], people=[region.name],
                          photos=[(entry.picset, entry.name)])
            if then is not None:
                then(region)

        def fail(error: BaseException) -> bool:
            if failed is not None:
                failed()
            return False

        self._run(lambda: people.keep_region(entry.backend, entry.picset, entry.name, box,
                                             name), done, f"naming a region of {entry.label}",
                  fail)

    # -- people -----------------------------------------------------------------------------
    def _person_change(self, entry: Entry, job, what: str, failing: str, **changes) -> None:
        """A change to a person; the places showing them follow what changed (a person's page
        renamed or merged away leaves for People). ``failing``: what a refusal begins with."""
        def done(_) -> None:
            self.nav.say(what)
            self._changed(entry.backend, **changes)

        self._run(job, done, failing)

    def remember(self, backend, summary: str, step: people_edits.PeopleStep) -> None:
        """A people action done: Ctrl+Z undoes it in its turn (from the job's thread: the
        album's history may be busy with a curation action)."""
        album = self.albums.of(backend)
        if album is not None:
            album.curator.remember(summary, step)

    def rename(self, entry: Entry, new_name: str) -> None:
        self._person_change(entry, lambda: people.rename(entry.backend, entry.person, new_name),
                            f"{entry.person} is now {new_name}",
                            f"Could not rename {entry.person} to {new_name}", people=[new_name],
                            gone=[entry.person])

    def merge(self, entry: Entry, into: str) -> None:
        """The person of ``entry`` is ``into`` (undoable: Ctrl+Z)."""
        backend, name = entry.backend, entry.person

        def job():
            target, moved, step = people_edits.merge(backend, name, into)
            self.remember(backend, f"{name} merged into {target.name}", step)
            return target, moved

        def done(result) -> None:
            target, moved = result
            self.nav.tell(f"{name} merged into {target.name}: {moved} face(s) moved "
                          "(Ctrl+Z undoes it)", "info")  # (Messages: as curation's actions)
            self._changed(backend, people=[target.name], gone=[name])

        self._run(job, done, f"Could not merge {name} into {into}")

    def hide(self, entry: Entry, hidden: bool) -> None:
        self._person_change(entry, lambda: people.hide(entry.backend, entry.person, hidden),
                            f"{entry.person} is {'hidden' if hidden else 'shown again'}",
                            f"Could not {'hide' if hidden else 'show'} {entry.person}",
                            people=[entry.person])


def _answer(backend, name: str, face_ids: list[str], right: bool) -> list[Outcome]:
    """Confirm (``right``) or reject the faces as ``name``'s."""
    return (people.confirm(backend, name, face_ids) if right
            else people.reject(backend, name, face_ids))
