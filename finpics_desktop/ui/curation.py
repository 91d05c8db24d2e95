"""Curation in the window: the *Edit* menu (undo, featured photo, move, copy, delete, rename,
publish a picset to the cloud, the trash), dragging photos onto a picset (a move; with Ctrl a
copy), dragging a picset in the list (reorder) or onto *finpics cloud* (publish it there).

Every action is the application layer's (:class:`~finpics_desktop.app.curate.Curator`, one per
album, holding the history Ctrl+Z undoes) run off the GUI thread; what it did or why it was
refused is a line in *Messages*, and the places it changed are listed again."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QMessageBox

from finpics_desktop.app.curate import Curator, Outcome
from finpics_desktop.app.entries import PHOTO, PICSET, Entry
from finpics_desktop.app.errors import describe_error
from finpics_desktop.app.push import PushPlan, difference, publish_picset
from finpics_desktop.app.window.navigation import (
    CLOUD,
    LIBRARY,
    PICSET_PLACE,
    SEARCH,
    VIEWER,
    Place,
)
from finpics_desktop.domain.picsets import display_name
from finpics_desktop.ports import Backend
from finpics_desktop.ui.curation_dialogs import PicsetChooser, TrashDialog
from finpics_desktop.ui.questions import ask_question
from finpics_desktop.ui.workers import run_task


class CurationController(QObject):
    def __init__(self, window):
        super().__init__(window)
        self.w = window
        self.curators: dict[int, Curator] = {}
        self.done_by: list[Curator] = []  # which album did each action, latest last
        self.dialog: PicsetChooser | None = None
        self.trash_dialog: TrashDialog | None = None
        self.running = 0  # actions under way

    def curator(self, backend: Backend) -> Curator:
        if id(backend) not in self.curators:
            self.curators[id(backend)] = Curator(backend)
        return self.curators[id(backend)]

    def backend_by_id(self, key: int) -> Backend | None:
        return next((b for b in (self.w.backend, self.w.cloud_backend)
                     if b is not None and id(b) == key), None)

    # -- what the curator points at ---------------------------------------------------------
    def selected_photos(self) -> list[Entry]:
        """The photos of the page shown: the viewer's photo, or those selected in the search
        results or in the grid."""
        page = self.w.nav.page
        if page == VIEWER:
            chosen = [self.w.nav.frame.current]
        else:
            shown = self.w.search if page == SEARCH else self.w
            view = shown.view if page == SEARCH else shown.grid
            chosen = [shown.model.entries[r] for r in sorted(
                i.row() for i in view.selectedIndexes())]
        return [e for e in chosen if e is not None and e.kind == PHOTO and e.backend is not None]

    def selected_picset(self) -> tuple[Backend, str] | None:
        loc = self.w.nav.location
        if loc is not None and loc.kind == PICSET_PLACE and loc.backend is not None:
            return loc.backend, loc.picset
        for index in self.w.grid.selectedIndexes():
            entry = self.w.model.entries[index.row()]
            if entry.kind == PICSET and entry.backend is not None:
                return entry.backend, entry.picset
        node = self.w.sources.node(self.w.tree.currentIndex())
        if node is not None and node.kind == PICSET_PLACE and node.backend is not None:
            return node.backend, node.picset
        return None

    # -- running an action ------------------------------------------------------------------
    def run(self, backend: Backend, call: Callable[[Curator], Outcome | None],
            then: Callable[[Outcome], None] | None = None, *, undoing: bool = False) -> None:
        """``call(curator)`` off the GUI thread; its outcome said in Messages. ``undoing``:
        the call undoes the curator's last action (which stays undoable if it is refused)."""
        curator = self.curator(backend)
        self.running += 1

        def done(outcome: Outcome | None) -> None:
            self.running -= 1
            if outcome is None:
                self.w.message("Nothing to undo.", "info")
                return
            if outcome.undo and not undoing:
                self.done_by.append(curator)
            for line in outcome.failed:
                self.w.message(line, "warning")
            self.w.message(outcome.summary, "info")
            self.refresh(backend)
            if then is not None:
                then(outcome)

        def fail(error: BaseException) -> None:
            self.running -= 1
            if undoing:
                self.done_by.append(curator)
            self.w.message(describe_error(error), "error")
            self.refresh(backend)

        run_task(lambda: call(curator), done, fail)

    def refresh(self, backend: Backend, show: Place | None = None) -> None:
        """List the album's picsets again, and the place shown (or ``show``)."""
        root = self.w.sources.root_for(backend)
        if root is not None:
            self.w.refresh_picsets(root)
        loc = self.w.nav.location
        if show is not None:
            self.w.nav.open(show)
        elif loc is not None and loc.backend is backend:
            self.w.nav.refresh()

    def _place(self, backend: Backend, picset: str) -> Place:
        within = CLOUD if backend is self.w.cloud_backend else LIBRARY
        return Place(PICSET_PLACE, backend, picset, None, display_name(picset), within)

    # -- the Edit menu ----------------------------------------------------------------------
    def on_undo(self) -> None:
        while self.done_by and not self.done_by[-1].can_undo:
            self.done_by.pop()
        if not self.done_by:
            self.w.message("Nothing to undo.", "info")
            return
        curator = self.done_by.pop()
        self.run(curator.backend, lambda c: c.undo(), undoing=True)

    def on_set_cover(self) -> None:
        photos = self.selected_photos()
        if len(photos) != 1:
            self.w.message("Choose one photo to feature.", "info")
            return
        photo = photos[0]
        self.run(photo.backend, lambda c: c.set_cover(photo.picset, photo.name))

    def on_move(self, copy: bool = False) -> None:
        photos = self.selected_photos()
        if not photos:
            self.w.message(f"Choose the photos to {'copy' if copy else 'move'} first.", "info")
            return
        backend, verb = photos[0].backend, "Copy" if copy else "Move"
        ids = [i for i in self._picset_ids(backend) if copy or i != photos[0].picset]
        self.dialog = PicsetChooser(
            self.w, f"{verb} photos", f"{verb} {len(photos)} photo(s) to the picset:", ids,
            ids[0] if ids else "", lambda to: self.move_to(photos, to, copy))
        self.dialog.open()

    def move_to(self, photos: list[Entry], to: str, copy: bool = False) -> None:
        if not to:
            return
        pairs = [(p.picset, p.name) for p in photos]
        self.run(photos[0].backend, lambda c: (c.copy if copy else c.move)(pairs, to))

    def on_delete(self) -> None:
        photos = self.selected_photos()
        if photos:
            targets = [f"{p.picset}/{p.name}" for p in photos]
            backend = photos[0].backend
        elif (chosen := self.selected_picset()) is not None:
            backend, targets = chosen[0], [chosen[1]]
        else:
            self.w.message("Choose the photos or the picset to delete first.", "info")
            return
        leaving = self.w.nav.location
        show = leaving.parent if (leaving is not None and leaving.kind == PICSET_PLACE
                                  and not photos) else None
        self.run(backend, lambda c: c.delete(targets),
                 lambda _: show is not None and self.w.nav.open(show))

    def on_rename(self) -> None:
        chosen = self.selected_picset()
        if chosen is None:
            self.w.message("Choose the picset to rename first.", "info")
            return
        backend, picset = chosen
        self.dialog = PicsetChooser(self.w, "Rename picset",
                                    f"The new id of {picset} (its number orders the list):",
                                    [], picset, lambda new: self.rename(backend, picset, new))
        self.dialog.open()

    def rename(self, backend: Backend, picset: str, new_id: str) -> None:
        if new_id and new_id != picset:
            self.run(backend, lambda c: c.rename(picset, new_id),
                     lambda _: self.refresh(backend, self._place(backend, new_id)))

    def reorder(self, backend: Backend, picset: str, index: int) -> None:
        self.run(backend, lambda c: c.reorder(picset, index))

    def _picset_ids(self, backend: Backend) -> list[str]:
        root = self.w.sources.root_for(backend)
        return [] if root is None else self.w.sources.picset_ids(root)

    # -- the trash --------------------------------------------------------------------------
    def on_trash(self) -> None:
        loc = self.w.nav.location
        backend = loc.backend if loc is not None and loc.backend is not None else self.w.backend
        if backend is None:
            return
        where = "finpics cloud" if backend is self.w.cloud_backend else "Library"
        self.trash_dialog = dialog = TrashDialog(
            self.w, where, lambda trash_id: trash_id and self.run(
                backend, lambda c: c.restore(trash_id), lambda _: self.list_trash(backend)),
            lambda: self.run(backend, lambda c: c.empty_trash(),
                             lambda _: self.list_trash(backend)))
        dialog.open()
        self.list_trash(backend)

    def list_trash(self, backend: Backend) -> None:
        dialog = self.trash_dialog
        if dialog is None:
            return
        run_task(self.curator(backend).trash, dialog.set_entries,
                 lambda e: self.w.message(f"cannot list the trash: {describe_error(e)}",
                                          "error"))

    # -- publishing a library picset to the cloud -------------------------------------------
    def on_push(self) -> None:
        chosen = self.selected_picset()
        if chosen is None or chosen[0] is not self.w.backend:
            self.w.message("Choose a picset of the Library to publish first.", "info")
            return
        self.push(chosen[1])

    def push(self, picset: str) -> None:
        """Show what publishing ``picset`` would change on the cloud, then do it if asked."""
        library, cloud = self.w.backend, self.w.cloud_backend
        if cloud is None:
            self.w.message("finpics cloud is not connected: switch it on in Settings.", "error")
            return
        remove = self.w.settings.remove_location

        def ask(plan: PushPlan) -> None:
            if plan.empty:
                self.w.message(plan.lines()[0], "info")
                return
            ask_question(self.w, "push_question", "Publish to finpics cloud",
                 f"Publish {picset} to the finpics cloud?",
                 "\n".join(plan.lines()[1:]) + ("\n\nThe published copies leave the photos' "
                                                "location out." if remove else ""),
                 [("Publish", QMessageBox.ButtonRole.AcceptRole, lambda: self.publish(plan)),
                  ("Cancel", QMessageBox.ButtonRole.RejectRole, None)])

        run_task(lambda: difference(library, cloud, picset, remove_location=remove), ask,
                 lambda e: self.w.message(describe_error(e), "error"))

    def publish(self, plan: PushPlan) -> None:
        library, cloud = self.w.backend, self.w.cloud_backend
        remove = self.w.settings.remove_location
        self.running += 1
        self.w.message(f"Publishing {plan.picset} to the finpics cloud…", "info")

        def done(report) -> None:
            self.running -= 1
            for line in ([report.upload.summary()] if report.upload else []) + (
                    [report.deleted.summary] if report.deleted else []) + report.notes:
                self.w.message(line, "info")
            self.refresh(cloud)

        def fail(error: BaseException) -> None:
            self.running -= 1
            self.w.message(describe_error(error), "error")

        run_task(lambda: publish_picset(library, cloud, plan, remove_location=remove), done,
                 fail)

    # -- drops on the sources ---------------------------------------------------------------
    def on_photos_dropped(self, payload: dict, target, copy: bool) -> None:
        backend = self.backend_by_id(payload["backend"])
        if backend is None or target.backend is not backend or target.picset is None:
            self.w.message("Photos move between picsets of the same album: drop them on a "
                           "picset of their own album.", "info")
            return
        if target.picset == payload["picset"] and not copy:
            return
        pairs = [(payload["picset"], n) for n in payload["names"]]
        self.run(backend, lambda c: (c.copy if copy else c.move)(pairs, target.picset))

    def on_picset_dropped(self, payload: dict, target, row: int) -> None:
        backend = self.backend_by_id(payload["backend"])
        if backend is None:
            return
        if backend is self.w.backend and CLOUD in (target.kind, target.within):
            self.push(payload["picset"])  # a Library picset onto the cloud: publish it there
            return
        if target.backend is not backend:
            return
        self.reorder(backend, payload["picset"], row)
