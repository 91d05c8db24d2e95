"""Curation in the window: the *Edit* menu (undo, featured photo, move, copy, delete, rename,
order the photos, publish a picset to the cloud, the trash), dragging photos onto a picset (a
move; with Ctrl a copy) or within the grid of their picset (their order, ``grid_order``),
dragging a picset in the list (reorder) or onto *finpics cloud* (publish it there). Every
action is the application layer's (the album's :class:`~finpics_desktop.app.curate.Curator`,
holding the history Ctrl+Z undoes) run off the GUI thread; what it did or why it was refused is
a line in *Messages*. What it changed is published by the album and each view refreshes itself
(:mod:`~finpics_desktop.ui.changes`): only the trash dialog, while open, is listed again by this
controller. The controller is handed the albums, the navigation, the selection, a way to tell
the user and a parent for its dialogs -- not the window."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QMessageBox, QWidget

from finpics_desktop.app.album import CLOUD, Album, Albums
from finpics_desktop.app.changes import Changes
from finpics_desktop.app.curate import Curator, Outcome, TrashEntry
from finpics_desktop.app.entries import Entry
from finpics_desktop.app.errors import describe_error
from finpics_desktop.app.push import PushPlan, difference, publish_picset
from finpics_desktop.app.window.navigation import Navigation
from finpics_desktop.domain.picsets import titled
from finpics_desktop.ports import Backend
from finpics_desktop.ui.curation_dialogs import PicsetChooser, RenameDialog, TrashDialog
from finpics_desktop.ui.questions import ask_question
from finpics_desktop.ui.selection import Selection
from finpics_desktop.ui.workers import run_task

Tell = Callable[..., None]  # (text, level)


class CurationController(QObject):
    def __init__(self, albums: Albums, nav: Navigation, selection: Selection, tell: Tell,
                 parent: QWidget):
        super().__init__(parent)
        self.albums, self.nav, self.selection, self.tell = albums, nav, selection, tell
        self.parent_widget = parent
        self.dialog: PicsetChooser | RenameDialog | None = None
        self.trash_dialog: TrashDialog | None = None
        self._trash_of: Album | None = None  # the album whose trash the dialog shows
        self.running = 0  # actions under way

    def selected_photos(self) -> list[Entry]:
        return self.selection.photos()

    # -- running an action ------------------------------------------------------------------
    def run(self, backend: Backend, call: Callable[[Curator], Outcome | None],
            then: Callable[[Outcome], None] | None = None, *, undoing: bool = False,
            refused: Callable[[str], bool] | None = None) -> None:
        """``call(curator)`` off the GUI thread; its outcome said in Messages. ``undoing``:
        the call undoes the curator's last action (which stays undoable if it is refused).
        ``refused(why)``: who says a refusal instead of Messages (True if it did: the dialog
        that asked, still open)."""
        album = self.albums.of(backend)
        if album is None:
            self.tell("That album is no longer open.", "info")
            return
        curator = album.curator
        self.running += 1

        def done(outcome: Outcome | None) -> None:
            self.running -= 1
            if outcome is None:
                self.tell("Nothing to undo.", "info")
                return
            for line in outcome.failed:
                self.tell(line, "warning")
            self.tell(outcome.summary, "info")
            if then is not None:
                then(outcome)

        def fail(error: BaseException) -> None:
            self.running -= 1
            if refused is None or not refused(describe_error(error)):
                self.tell(describe_error(error), "error")

        run_task(lambda: call(curator), done, fail)

    def on_changes(self, changes: Changes) -> None:
        """The trash shown follows what an action changed in it."""
        album = self._trash_of
        if changes.trash and album is not None and album.key == changes.album:
            self.list_trash(album.backend)

    # -- the Edit menu ----------------------------------------------------------------------
    def on_undo(self) -> None:
        """Ctrl+Z: the latest action done in any open album (a curation or a people action)."""
        curators = [album.curator for album in self.albums if album.curator.can_undo]
        if not curators:
            self.tell("Nothing to undo.", "info")
            return
        curator = max(curators, key=lambda c: c.last_done)
        self.run(curator.backend, lambda c: c.undo(), undoing=True)

    def on_set_cover(self) -> None:
        photos = self.selected_photos()
        if len(photos) != 1:
            self.tell("Choose one photo to feature.", "info")
            return
        photo = photos[0]
        self.run(photo.backend, lambda c: c.set_cover(photo.picset, photo.name))

    def on_move(self, copy: bool = False) -> None:
        photos = self.selected_photos()
        if not photos:
            self.tell(f"Choose the photos to {'copy' if copy else 'move'} first.", "info")
            return
        backend, verb = photos[0].backend, "Copy" if copy else "Move"
        every = self.selection.picset_ids(backend)
        ids = [i for i in every if copy or i != photos[0].picset]
        self.dialog = dialog = PicsetChooser(
            self.parent_widget, f"{verb} photos", f"{verb} {len(photos)} photo(s) to the "
            "picset (or type the title of a new one):", ids, ids[0] if ids else "",
            lambda to: self.move_to(photos, to, copy, dialog), existing=every)
        dialog.open()

    def move_to(self, photos: list[Entry], to: str, copy: bool = False,
                dialog: PicsetChooser | None = None) -> bool:
        if not to:
            return False
        pairs = [(p.picset, p.name) for p in photos]
        self.run(photos[0].backend, lambda c: (c.copy if copy else c.move)(pairs, to),
                 (lambda _outcome: dialog.finish()) if dialog else None,
                 refused=dialog.refuse if dialog else None)
        return True

    def on_delete(self) -> None:
        photos = self.selected_photos()
        if photos:
            targets = [f"{p.picset}/{p.name}" for p in photos]
            backend = photos[0].backend
        elif (chosen := self.selection.picset()) is not None:
            backend, targets = chosen[0], [chosen[1]]
        else:
            self.tell("Choose the photos or the picset to delete first.", "info")
            return
        self.run(backend, lambda c: c.delete(targets))

    def on_rename(self) -> None:
        chosen = self.selection.picset()
        if chosen is None:
            self.tell("Choose the picset to rename first.", "info")
            return
        backend, picset = chosen
        self.dialog = dialog = RenameDialog(
            self.parent_widget, picset, self.selection.picset_ids(backend),
            lambda new: self.rename(backend, picset, new, dialog))
        dialog.open()

    def rename(self, backend: Backend, picset: str, new_id: str,
               dialog: RenameDialog | None = None) -> bool:
        """Rename ``picset`` (False: nothing to do); ``dialog``, which asked, closes once it
        is done or says why not."""
        if not new_id or new_id == picset:
            return False
        self.run(backend, lambda c: c.rename(picset, new_id),
                 (lambda _outcome: dialog.finish()) if dialog else None,
                 refused=dialog.refuse if dialog else None)
        return True

    def reorder(self, backend: Backend, picset: str, index: int) -> None:
        self.run(backend, lambda c: c.reorder(picset, index))

    def on_order(self, by: str) -> None:
        """Edit > Order photos: the picset shown (or chosen) by date taken or by name."""
        chosen = self.selection.picset()
        if chosen is None:
            self.tell("Open or choose the picset whose photos to order first.", "info")
            return
        backend, picset = chosen
        self.run(backend, lambda c: c.order(picset, by=by))

    def place_photos(self, backend: Backend, picset: str, order: list[str]) -> None:
        """Photos dragged within the grid: the picset's photos in this order (every name)."""
        self.run(backend, lambda c: c.order(picset, first=order))

    # -- the trash --------------------------------------------------------------------------
    def on_trash(self) -> None:
        loc = self.nav.location
        album = (self.albums.of(loc.backend) if loc is not None and loc.backend is not None
                 else None) or self.albums.library
        if album is None:
            return
        backend = album.backend
        self._trash_of = album
        self.trash_dialog = dialog = TrashDialog(
            self.parent_widget, album.title, lambda trash_id: trash_id and self.run(
                backend, lambda c: c.restore(trash_id)),
            lambda entries: self.ask_empty(dialog, backend, entries))
        dialog.finished.connect(lambda _result: self._trash_closed(dialog))
        dialog.open()
        self.list_trash(backend)

    def ask_empty(self, dialog: TrashDialog, backend: Backend, entries: list[TrashEntry]
                  ) -> None:
        """Empty the trash -- the entries the dialog lists, no other -- once the curator said
        so, knowing how many photos are lost and that it cannot be undone (Cancel: Enter)."""
        photos = sum(e.count for e in entries)
        ids = [e.id for e in entries]
        ask_question(
            dialog, "empty_trash_question", "Empty the trash",
            f"Delete the {photos} photo{'' if photos == 1 else 's'} in the trash of "
            f"{dialog.where} for good?",
            f"{'The photo and its' if photos == 1 else 'The photos and their'} faces are "
            "deleted for good. This cannot be undone.",
            [("Empty trash", QMessageBox.ButtonRole.DestructiveRole,
              lambda: self.run(backend, lambda c: c.empty_trash(ids))),
             ("Cancel", QMessageBox.ButtonRole.RejectRole, None)], default="Cancel")

    def _trash_closed(self, dialog: TrashDialog) -> None:
        if self.trash_dialog is dialog:  # (its listing is no longer wanted)
            self.trash_dialog, self._trash_of = None, None

    def list_trash(self, backend: Backend) -> None:
        dialog, album = self.trash_dialog, self.albums.of(backend)
        if dialog is None or album is None:
            return
        run_task(album.curator.trash, dialog.set_entries,
                 lambda e: self.tell(f"cannot list the trash: {describe_error(e)}", "error"))

    # -- publishing a library picset to the cloud -------------------------------------------
    def on_push(self) -> None:
        chosen = self.selection.picset()
        library = self.albums.library
        if chosen is None or library is None or chosen[0] is not library.backend:
            self.tell("Choose a picset of the Library to publish first.", "info")
            return
        self.push(chosen[1])

    def push(self, picset: str) -> None:
        """Show what publishing ``picset`` would change on the cloud, then do it if asked."""
        library, cloud = self.albums.library, self.albums.cloud
        if cloud is None:
            self.tell("finpics cloud is not connected: switch it on in Settings.", "error")
            return
        remove = cloud.strips_location

        def ask(plan: PushPlan) -> None:
            if plan.empty and not plan.cloud_changes:  # no photo to send: the names may go
                self.tell(plan.lines()[0], "info")
                self.publish(library, cloud, plan)
                return
            changed = len(plan.changed)  # overwritten on the cloud: asked, Cancel the default
            answers = [("Publish", QMessageBox.ButtonRole.AcceptRole,
                        lambda: self.publish(library, cloud, plan)),
                       ("Cancel", QMessageBox.ButtonRole.RejectRole, None)]
            if plan.needs_choice:  # what changed on the cloud: the curator chooses
                answers[:1] = [
                    ("Publish, keep the cloud's changes", QMessageBox.ButtonRole.AcceptRole,
                     lambda: self.publish(library, cloud, plan, "keep")),
                    ("Publish over the cloud's changes", QMessageBox.ButtonRole.DestructiveRole,
                     lambda: self.publish(library, cloud, plan, "overwrite"))]
            ask_question(self.parent_widget, "push_question", "Publish to finpics cloud",
                 f"Publish {titled(picset)} to the finpics cloud?",
                 "\n".join(plan.lines()[1:] if not plan.empty else plan.change_lines()) + (
                     "\n\nThe published copies leave the photos' location out." if remove
                     else "") + (
                     f"\n\nThe cloud's present version of {changed} changed photo"
                     f"{'' if changed == 1 else 's'} is replaced for good: this cannot be "
                     "undone." if changed else ""),
                 answers, default="Cancel" if changed or plan.needs_choice else "")

        run_task(lambda: difference(library, cloud, picset), ask,
                 lambda e: self.tell(describe_error(e), "error"))

    def publish(self, library: Album, cloud: Album, plan: PushPlan,
                choice: str | None = None) -> None:
        """Push as ``plan`` says; with a ``choice`` about what changed on the cloud since the
        last push, the difference is taken again with it first."""
        self.running += 1
        if not plan.empty:  # (else only the names may go)
            self.tell(f"Publishing {titled(plan.picset)} to the finpics cloud…", "info")

        def done(report) -> None:
            self.running -= 1
            for line in ([report.upload.summary()] if report.upload else []) + (
                    [report.renamed.summary] if report.renamed else []) + [
                    o.summary for o in report.carried] + (
                    [report.deleted.summary] if report.deleted else []) + report.notes + (
                    report.people.lines() if report.people else []):
                self.tell(line, "info")

        def fail(error: BaseException) -> None:
            self.running -= 1
            self.tell(describe_error(error), "error")

        def work():
            chosen = plan if choice is None else difference(library, cloud, plan.picset, choice)
            return publish_picset(library, cloud, chosen)

        run_task(work, done, fail)

    # -- drops on the sources ---------------------------------------------------------------
    def on_photos_dropped(self, payload: dict, target, copy: bool) -> None:
        album = self.albums.by_key(payload["album"])
        if album is None or target.backend is not album.backend or target.picset is None:
            self.tell("Photos move between picsets of the same album: drop them on a "
                      "picset of their own album.", "info")
            return
        if target.picset == payload["picset"] and not copy:
            return
        pairs = [(payload["picset"], n) for n in payload["names"]]
        self.run(album.backend, lambda c: (c.copy if copy else c.move)(pairs, target.picset))

    def on_picset_dropped(self, payload: dict, target, row: int) -> None:
        album = self.albums.by_key(payload["album"])
        if album is None:
            return
        if album is self.albums.library and CLOUD in (target.kind, target.within):
            self.push(payload["picset"])  # a Library picset onto the cloud: publish it there
            return
        if target.backend is not album.backend:
            return
        self.reorder(album.backend, payload["picset"], row)
