"""Curating an album -- the featured photo, a picset's id and place in the list, moving, copying
and deleting photos, the trash, removing a face from a photo -- as the window and the command
line both ask for it, with the history the window's Ctrl+Z undoes (people actions join it:
:meth:`Curator.remember`). Each call does I/O (the window runs it off the GUI thread) and
refuses with :class:`~finpics_desktop.pipeline.curation.Refused` naming what and why, having
changed nothing. The rules of each action are in ``pipeline/curation``. Each action
says what it changed (:class:`~finpics_desktop.app.changes.Changes`, on ``Outcome.changes``),
and tells ``on_change`` once it is done (the album publishes it to the views)."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable
from dataclasses import replace

from finpics_desktop.app import people, people_edits
from finpics_desktop.app.albums import check_writable
from finpics_desktop.app.changes import Changes
from finpics_desktop.app.people_edits import PeopleStep
from finpics_desktop.domain.keys import parse_key
from finpics_desktop.pipeline import curation as cur
from finpics_desktop.pipeline.curation import OrderStep, Outcome, Refused, TrashEntry
from finpics_desktop.pipeline.people import regions, removal
from finpics_desktop.ports import Backend

FACE_STEPS = (removal.FaceBack, regions.RegionBack)  # what putting a face back undoes

__all__ = ["Curator", "OrderStep", "Outcome", "PeopleStep", "Refused", "TrashEntry"]

_done = itertools.count(1)  # the order of the actions done in this session, in any album


class Curator:
    """The curation of one album for one session (thread-safe: one action at a time). Every
    action returns its :class:`Outcome`; the last ones can be undone, latest first."""

    def __init__(self, backend: Backend, progress: Callable[[str], None] | None = None,
                 cancel: threading.Event | None = None,
                 on_change: Callable[[Changes], None] | None = None):
        self.backend = backend
        self.on_change = on_change or (lambda changes: None)
        self.progress = progress or (lambda line: None)
        self.cancel = cancel or threading.Event()
        # (what was done, how to undo it, when: the session's count of actions done)
        self.history: list[tuple[str, list, int]] = []
        self._lock = threading.Lock()

    def _run(self, doing: str, action: Callable[[cur.Curation], Outcome],
             changes: Changes) -> Outcome:
        check_writable(self.backend, doing)
        changes = replace(changes, album=self.backend.identity)
        try:
            with self._lock:
                c = cur.Curation(self.backend, cancel=self.cancel)
                c.progress = self.progress
                settled = c.settle()  # whatever a kill left half-done, first
                if settled:  # an action a kill interrupted, completed: anything may have moved
                    changes |= Changes(everything=True, trash=True)
                outcome = action(c)
                changes |= Changes(renamed=tuple(pair for pair in _renames(
                    outcome.undo, undoing=False) if pair not in changes.renamed))
                changes |= _photos_renamed(outcome.undo, undoing=False)
                outcome.completed += [d for d in settled if d not in outcome.completed]
                if outcome.undo:
                    self.history.append((outcome.summary, outcome.undo, next(_done)))
                outcome.changes = changes
                return outcome
        except BaseException:  # refused: nothing was renamed (the views must not follow)
            changes = replace(changes, renamed=())
            raise
        finally:  # a refusal midway (a photo gone...) may have changed part of it too
            self.on_change(changes)

    # -- actions ------------------------------------------------------------------------------
    def set_cover(self, picset: str, name: str) -> Outcome:
        return self._run("changing it", lambda c: cur.set_cover(c, picset, name),
                         Changes.of(picsets=[picset], picset_list=True))

    def rename(self, picset: str, new_id: str) -> Outcome:
        return self._run("renaming a picset", lambda c: cur.rename_picset(c, picset, new_id),
                         Changes.of(picsets=[picset, new_id], picset_list=True,
                                    renamed=((picset, new_id),)))

    def reorder(self, picset: str, index: int) -> Outcome:
        """Show ``picset`` at ``index`` of the list (0: the top, newest first); ids may be
        renumbered to make room."""
        return self._run("reordering it", lambda c: cur.reorder(c, picset, index),
                         Changes(everything=True, picset_list=True))

    def order(self, picset: str, *, by: str | None = None,
              first: list[str] | None = None) -> Outcome:
        """Order the photos of ``picset`` ``by`` ``"date"`` or ``"name"``, or put the photos
        named ``first`` first, in that order (a drag in the grid): the site shows that order."""
        return self._run("ordering its photos",
                         lambda c: cur.order_photos(c, picset, by=by, first=first),
                         Changes.of(picsets=[picset], picset_list=True))

    def renumber(self, width: int | None = None) -> Outcome:
        return self._run("renumbering it", lambda c: cur.renumber(c, width),
                         Changes(everything=True, picset_list=True))

    def move(self, photos: list[tuple[str, str]], to: str) -> Outcome:
        return self._run("moving photos", lambda c: cur.move_photos(c, photos, to),
                         Changes.of(photos=((to, n) for _, n in photos), left=photos,
                                    picset_list=True))

    def copy(self, photos: list[tuple[str, str]], to: str) -> Outcome:
        return self._run("copying photos", lambda c: cur.copy_photos(c, photos, to),
                         Changes.of(picsets=[to], photos=((to, n) for _, n in photos),
                                    picset_list=True))

    def delete(self, targets: list[str]) -> Outcome:
        """``PICSET`` or ``PICSET/FILE`` each: to the trash."""
        photos = [tuple(t.split("/", 1)) for t in targets if "/" in t]
        picsets = [t for t in targets if "/" not in t]
        return self._run("deleting", lambda c: cur.delete(c, targets),
                         Changes.of(picsets=picsets, left=photos, removed=picsets,
                                    picset_list=True, trash=True))

    def restore(self, trash_id: str) -> Outcome:
        return self._run("restoring", lambda c: cur.restore(c, trash_id),
                         Changes(everything=True, picset_list=True, trash=True))

    def empty_trash(self, trash_ids: list[str] | None = None) -> Outcome:
        outcome = self._run("emptying the trash", lambda c: cur.empty_trash(c, trash_ids),
                            Changes(trash=True))
        with self._lock:  # what restored them is gone for good
            self.history = [(s, u, n) for s, u, n in self.history if not any(
                isinstance(step, cur.RestoreStep)
                and (trash_ids is None or step.trash_id in trash_ids) for step in u)]
        return outcome

    def trash(self) -> list[TrashEntry]:
        """What the trash holds (a delete a kill interrupted is completed first: its photos
        are out of the album already)."""
        with self._lock:
            c = cur.Curation(self.backend, cancel=self.cancel)
            if c.settle():  # an action a kill interrupted, completed: anything may have moved
                self.on_change(Changes(self.backend.identity, everything=True, trash=True))
            return cur.list_trash(c)

    def remove_face(self, face_id: str) -> Outcome:
        """Remove a face from its photo, or a region named by hand (``app.people``); Ctrl+Z
        puts it back."""
        check_writable(self.backend, "removing faces")
        with self._lock:
            changes = Changes(self.backend.identity)
            try:
                was = people.remove_face(self.backend, face_id)
                changes = _face_changes(self.backend, was)
            finally:
                self.on_change(changes)
            whose = f"the face of {was.name}" if was.name else "the face"
            if isinstance(was, regions.Region):
                whose, undo = f"the region named {was.name}", regions.RegionBack(was)
            else:
                undo = removal.FaceBack(was)
            outcome = Outcome(f"{whose} removed from {was.image_path} (Ctrl+Z puts it back)",
                              [undo])
            self.history.append((f"{whose} removed from {was.image_path}", outcome.undo,
                                 next(_done)))
            outcome.changes = changes
            return outcome

    def _put_back(self, steps: list) -> Outcome:
        outcome, changes = Outcome(""), Changes(self.backend.identity)
        try:
            for step in steps:
                was = step.region if isinstance(step, regions.RegionBack) else step.removed
                people.put_back(self.backend, was)
                changes |= _face_changes(self.backend, was)
        finally:
            self.on_change(changes)
        outcome.changes = changes
        return outcome

    # -- undo ---------------------------------------------------------------------------------
    def remember(self, summary: str, step: PeopleStep) -> None:
        """A people action done (:mod:`~finpics_desktop.app.people_edits`): Ctrl+Z undoes it
        in its turn (waits for a curation action under way: call it off the GUI thread)."""
        with self._lock:
            self.history.append((summary, [step], next(_done)))

    @property
    def can_undo(self) -> str | None:
        """What Ctrl+Z would undo, or None."""
        return self.history[-1][0] if self.history else None

    @property
    def last_done(self) -> int:
        """When the action Ctrl+Z would undo was done (the session's count; 0: none), to undo
        the latest of every album's first."""
        return self.history[-1][2] if self.history else 0

    def undo(self) -> Outcome | None:
        """Undo the last action (None if there is none). A refusal (the album changed since:
        a name taken again...) leaves it in the history."""
        with self._lock:
            if not self.history:
                return None
            entry = self.history[-1]
            summary, steps, _ = entry
            check_writable(self.backend, "undoing")
            if all(isinstance(s, FACE_STEPS) for s in steps):  # a face or region removed
                outcome = self._put_back(steps)
            elif all(isinstance(step, PeopleStep) for step in steps):
                outcome = self._undo_people(steps)
            else:
                outcome = self._undo_curation(steps)
            self.history.remove(entry)
            outcome.summary = f"undone: {summary}"
            return outcome

    def _undo_curation(self, steps: list[cur.Step]) -> Outcome:
        c = cur.Curation(self.backend, cancel=self.cancel)
        c.progress = self.progress
        changes = Changes(self.backend.identity, everything=True, picset_list=True,
                          trash=True, renamed=_renames(steps, undoing=True))
        changes |= _photos_renamed(steps, undoing=True)
        try:
            outcome = cur.undo(c, steps)
        finally:
            self.on_change(changes)
        outcome.changes = changes
        return outcome

    def _undo_people(self, steps: list[PeopleStep]) -> Outcome:
        changes = Changes.of(self.backend.identity,
                             people=[n for s in steps for n in s.names],
                             gone=[n for s in steps for n in s.made],
                             faces=[f for s in steps for f in s.change.before.faces])
        try:
            failed = people_edits.undo(self.backend, steps)
        finally:
            self.on_change(changes)
        return Outcome("", failed=failed, changes=changes)


def _face_changes(backend: Backend, was: removal.Removed | regions.Region) -> Changes:
    """What removing (or putting back) a face or region changes: its photo, its person."""
    photo = parse_key(was.key)
    face_id = was.region_id if isinstance(was, regions.Region) else was.face_id
    return Changes.of(backend.identity, photos=[(photo.picset, photo.name)], faces=[face_id],
                      people=[was.name])


def _renames(steps: list[cur.Step], undoing: bool) -> tuple[tuple[str, str], ...]:
    """(old id, new id) of the picsets an action renamed, read from its undo steps (each
    renames one back), or of those its undo renames back (``undoing``)."""
    pairs = [(s.picset, s.new_id) for s in steps if isinstance(s, cur.RenameStep)]
    return tuple(pairs if undoing else ((new, old) for old, new in pairs))


def _photos_renamed(steps: list[cur.Step], undoing: bool) -> Changes:
    """The photos an order renamed (under their new names; their old names left), read from
    its undo steps (each gives the names back), or those its undo renames back (``undoing``)."""
    changes = Changes()
    for step in steps:
        if isinstance(step, cur.OrderStep):
            back = [(b, a) for a, b in step.renames] if not undoing else list(step.renames)
            # (the undo step's renames, read backwards, are what the action did)
            present = {new for _, new in back}
            changes |= Changes.of(photos=[(step.picset, n) for n in present], left=[
                (step.picset, old) for old, _ in back if old not in present])
    return changes
