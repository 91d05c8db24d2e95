"""Where the user is: which source the grid shows, which page is up, and how Enter, Esc and
a face click move between them. Listing and search run off the GUI thread; the status bar's
busy indicator shows them (after a short delay) with Cancel, and Esc cancels them too."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from finpics_desktop.ui.busy import LISTING, SEARCHING
from finpics_desktop.ui.entries import (
    PICSET,
    Entry,
    describe_error,
    list_folder,
    list_photos,
    list_picsets,
    search_entries,
)
from finpics_desktop.ui.sources import CLOUD, FOLDER, LIBRARY, PICSET_NODE, Node
from finpics_desktop.ui.workers import run_task

if TYPE_CHECKING:
    from finpics_desktop.ui.main_window import MainWindow

GRID, VIEWER, SEARCH = 0, 1, 2


class Navigator:
    def __init__(self, window: MainWindow):
        self.w = window
        self.location: Node | None = None
        self._token = 0
        self.loading = False
        self.listing_cancelled = False  # the grid is empty because the user cancelled it
        self._listing: tuple[str, threading.Event] | None = None  # what, its stop flag
        self.viewer_from = GRID  # the page Esc returns to from the viewer
        self.search_token = 0
        self._published_while_listing: list[Entry] = []

    @property
    def folder(self):
        return self.location.path if self.location and self.location.kind == FOLDER else None

    def selected_entries(self) -> list[Entry]:
        return [self.w.model.entries[i.row()] for i in self.w.grid.selectedIndexes()]

    def cancel(self) -> bool:
        """Esc / Cancel: stop the newest listing or search under way (False if none)."""
        return self.w.busy.cancel()

    # -- the grid ---------------------------------------------------------------------------
    def open_node(self, node: Node | None) -> None:
        if node is None or node.kind not in (LIBRARY, CLOUD, PICSET_NODE, FOLDER):
            return
        w = self.w
        self.location = node
        self._drop_listing()  # the listing under way, if any, is replaced by this one
        token = self._token
        self.loading = True
        self.listing_cancelled = False
        if w.search.searching:  # the user left the results page: its search is moot
            self._drop_search()
        w.stack.setCurrentIndex(GRID)
        w.model.set_entries([])
        w.info.set_rows([])
        if node.kind in (LIBRARY, CLOUD) and node.backend is None:
            self.loading = False
            w.busy.end(LISTING)
            w.statusBar().showMessage("finpics cloud is not connected (see Settings)"
                                      if node.kind == CLOUD else
                                      "The library cannot be opened (see Messages)")
            return
        stop = threading.Event()
        if node.kind == FOLDER:
            path, first, loader = node.path, w.grid.cells_per_screen(), w.loader

            def first_screen(head: list[Entry]) -> None:  # listing thread
                if not stop.is_set():  # a cancelled folder's thumbnails are not made
                    loader.prefetch(head)

            job, what = (lambda: list_folder(path, first, first_screen)[0]), str(path)
        elif node.kind == PICSET_NODE:
            backend, picset = node.backend, node.picset
            job, what = (lambda: list_photos(backend, picset)), picset
        else:
            backend = node.backend
            job, what = (lambda: list_picsets(backend)), "picsets"
        self._listing = (what, stop)
        w.statusBar().clearMessage()  # not the last source's count while this one is listed
        w.busy.begin(LISTING, f"Listing {what}…", self._cancel_listing)

        def done(entries: list[Entry]) -> None:
            if token != self._token:
                return
            self._end_listing()
            w.loader.prefetch(entries[:w.grid.cells_per_screen()])
            w.model.set_entries(entries)
            late, self._published_while_listing = self._published_while_listing, []
            for entry in late:  # published after the listing's query ran
                self.photo_published(entry.backend, entry)
            kind = "picset" if node.kind in (LIBRARY, CLOUD) else "photo"
            w.statusBar().showMessage(f"{len(entries)} {kind}{'s' if len(entries) != 1 else ''}")

        def fail(error: BaseException) -> None:
            if token != self._token:
                return
            self._end_listing()
            w.message(f"{what}: {describe_error(error)}", "error")

        run_task(job, done, fail)

    def _end_listing(self) -> None:
        self.loading = False
        self._listing = None
        self.w.busy.end(LISTING)

    def _drop_listing(self) -> None:
        """Forget the listing under way: its result, when it comes, is ignored (token). The
        indicator stays for the listing that replaces it, if any."""
        if self._listing is not None:
            self._listing[1].set()
        self._token += 1
        self._published_while_listing = []
        self.loading = False
        self._listing = None

    def _cancel_listing(self) -> None:
        if self._listing is None:
            return
        what = self._listing[0]
        self._drop_listing()
        self.w.busy.end(LISTING)
        self.listing_cancelled = True  # the grid stays empty until F5 or another source
        self.w.statusBar().showMessage(f"Cancelled listing {what} (F5 lists it again)")

    def refresh(self) -> None:
        if self.location is not None:
            if self.location.kind in (LIBRARY, CLOUD):
                self.w.refresh_picsets(self.w.root_for(self.location.backend))
            self.open_node(self.location)

    def picsets_refreshed(self, backend, entries: list[Entry]) -> None:
        loc = self.location
        if loc is not None and loc.kind in (LIBRARY, CLOUD) and loc.backend is backend and (
                not self.loading and not self.listing_cancelled):
            self.w.model.set_entries(entries)

    def photo_published(self, backend, entry: Entry) -> None:
        """A photo finished publishing: it appears at once if its picset is on screen."""
        loc = self.location
        if loc is None or loc.kind != PICSET_NODE or loc.backend is not backend or (
                loc.picset != entry.picset):
            return
        if self.loading:
            self._published_while_listing.append(entry)
            return
        if self.listing_cancelled:
            return
        model = self.w.model
        if model.row_of(lambda e: e.name == entry.name) < 0:
            # the table's order (by file name), whatever order the photos finish in
            row = next((r for r, e in enumerate(model.entries) if e.name > entry.name),
                       len(model.entries))
            model.insert(row, entry)
            n = len(self.w.model.entries)
            self.w.statusBar().showMessage(f"{n} photo{'s' if n != 1 else ''}")

    def activate(self, entries: list[Entry], row: int) -> None:
        entry = entries[row]
        if entry.kind == PICSET:
            root = self.w.root_for(entry.backend)
            item = self.w.sources.ensure_picset(root, entry.picset, entry.title)
            self.w.tree.setCurrentIndex(self.w.sources.indexFromItem(item))
            return
        photos = [e for e in entries if e.kind != PICSET]
        self.open_photo(photos, photos.index(entry))

    # -- viewer and search ------------------------------------------------------------------
    def open_photo(self, entries: list[Entry], index: int) -> None:
        w = self.w
        if w.stack.currentIndex() != VIEWER:
            self.viewer_from = w.stack.currentIndex()
        w.viewer.show_entries(entries, index)
        w.stack.setCurrentIndex(VIEWER)
        w.viewer.canvas.setFocus()

    def back(self) -> None:
        w = self.w
        page = w.stack.currentIndex()
        if page == VIEWER:
            w.stack.setCurrentIndex(self.viewer_from)
            current = w.viewer.current
            view, model = (w.search.view, w.search.model) if self.viewer_from == SEARCH else (
                w.grid, w.model)
            if current is not None:
                row = model.row_of(lambda e: e.key == current.key)
                if row >= 0:
                    view.setCurrentIndex(model.index(row))
                    view.scrollTo(model.index(row))
            view.setFocus()
            if self.viewer_from == GRID:
                w.info.set_rows([])
        elif page == SEARCH:
            if w.search.searching:
                self._cancel_search()  # leaving the page cancels its search
            else:
                self._leave_search()
        elif self.location is not None and self.location.kind == PICSET_NODE:
            root = w.root_for(self.location.backend)
            if root is not None:
                w.tree.setCurrentIndex(w.sources.indexFromItem(root))

    def search_face(self, entry: Entry, face_id: str) -> None:
        """A click on a face: search in-process (library) or through the search function."""
        w = self.w
        if entry is None or entry.backend is None:
            w.message("Publish this photo first: only published photos can be searched by face.",
                      "info")
            return
        self.search_token += 1
        token = self.search_token
        backend = entry.backend
        w.search.start(entry)
        w.stack.setCurrentIndex(SEARCH)
        w.search.view.setFocus()  # Esc reaches the page (and cancels) while it searches
        w.statusBar().clearMessage()
        w.busy.begin(SEARCHING, "Searching…", self._cancel_search)

        def done(payload: dict) -> None:
            if token != self.search_token:
                return
            w.busy.end(SEARCHING)
            if payload.get("statusCode") != 200:
                reason = str(payload.get("err") or "unknown error")
                w.search.show_error(reason)
                w.message(f"search failed: {reason}", "error")
                return
            results = search_entries(backend, payload)
            w.search.show_results(entry, face_id, results)
            w.search.view.setFocus()
            w.statusBar().showMessage(f"{len(results)} other photo(s) of this person")

        def fail(error: BaseException) -> None:
            if token == self.search_token:
                w.busy.end(SEARCHING)
                w.search.show_error(str(error))
                w.message(f"search failed: {error}", "error")

        run_task(lambda: backend.search(face_id), done, fail)

    def _drop_search(self) -> None:
        """Forget the search under way: its result, when it comes, is ignored (token)."""
        self.search_token += 1
        self.w.search.show_cancelled()
        self.w.busy.end(SEARCHING)

    def _cancel_search(self) -> None:
        """Cancel (button, Esc, Back): back to the photo whose face was clicked."""
        if not self.w.search.searching:
            return
        self._drop_search()
        if self.w.stack.currentIndex() == SEARCH:
            self._leave_search()
        self.w.statusBar().showMessage("Search cancelled")

    def _leave_search(self) -> None:
        w = self.w
        self.viewer_from = GRID  # from the viewer, Back now goes on to the grid
        w.stack.setCurrentIndex(VIEWER if w.viewer.current is not None else GRID)
        w.viewer.canvas.setFocus()
