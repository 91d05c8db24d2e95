"""What the curator points at in the window -- the photos chosen in the grid, the search results
or the viewer, a picset chosen in the grid or the sources, the face chosen in the viewer -- as
one small interface the controllers read (and the few ways they move the choice), so that they
are handed this rather than the window."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, QModelIndex

from finpics_desktop.app.entries import PHOTO, PICSET, Entry
from finpics_desktop.app.window.navigation import PICSET_PLACE, SEARCH, VIEWER, Navigation
from finpics_desktop.ports import Backend
from finpics_desktop.ui.grid import GridModel, GridView
from finpics_desktop.ui.pages import SearchPage, ViewerPage
from finpics_desktop.ui.sources import NodeRole, SourcesModel, SourcesView
from finpics_desktop.ui.viewer import FaceBox


class Selection:
    def __init__(self, nav: Navigation, *, grid: GridView, model: GridModel, search: SearchPage,
                 viewer: ViewerPage, tree: SourcesView, sources: SourcesModel):
        self.nav, self.grid, self.model, self.search = nav, grid, model, search
        self.viewer, self.tree, self.sources = viewer, tree, sources

    # -- the grid ---------------------------------------------------------------------------
    def current(self) -> Entry | None:
        """The grid's current cell."""
        index, entries = self.grid.currentIndex(), self.model.entries
        return entries[index.row()] if index.isValid() and index.row() < len(entries) else None

    def current_row(self) -> int:
        return self.grid.currentIndex().row()

    def selected(self) -> list[Entry]:
        """The grid's chosen cells, in order."""
        entries = self.model.entries
        return [entries[r] for r in sorted(i.row() for i in self.grid.selectedIndexes())
                if r < len(entries)]

    def shown(self) -> list[Entry]:
        return self.model.entries

    def choose_row(self, row: int) -> None:
        """Choose that tile alone (never extending the choice, whatever keys are held)."""
        index = self.model.index(row) if row >= 0 else QModelIndex()
        self.grid.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        if row >= 0:
            self.grid.scrollTo(index)

    def focus_grid(self) -> None:
        """The keyboard goes to the grid (its chosen tile framed)."""
        self.grid.setFocus()

    def show_only(self, entries: list[Entry]) -> None:
        """The grid shows these of the place's entries (a filter); the first is chosen."""
        self.model.set_entries(entries)
        if entries:
            self.choose_row(0)

    # -- photos and picsets -----------------------------------------------------------------
    def photos(self) -> list[Entry]:
        """The published photos of the page shown: the viewer's photo, or those selected in the
        search results or in the grid."""
        page = self.nav.page
        if page == VIEWER:
            chosen = [self.nav.frame.current]
        elif page == SEARCH:
            chosen = self.search.chosen()
        else:
            chosen = self.selected()
        return [e for e in chosen if e is not None and e.kind == PHOTO and e.backend is not None]

    def picset(self) -> tuple[Backend, str] | None:
        """The picset shown, else chosen in the grid, else in the sources."""
        loc = self.nav.location
        if loc is not None and loc.kind == PICSET_PLACE and loc.backend is not None:
            return loc.backend, loc.picset
        for entry in self.selected():
            if entry.kind == PICSET and entry.backend is not None:
                return entry.backend, entry.picset
        node = self.sources.node(self.tree.currentIndex())
        if node is not None and node.kind == PICSET_PLACE and node.backend is not None:
            return node.backend, node.picset
        return None

    def picset_ids(self, backend: Backend) -> list[str]:
        """The album's picsets as the sources list them."""
        root = self.sources.root_for(backend)
        return [] if root is None else self.sources.picset_ids(root)

    def go_to_source(self, backend: Backend | None, kind: str) -> bool:
        """Choose the album's row of ``kind`` (People...) in the sources (the library's if the
        album is not shown); False if there is none."""
        root = (self.sources.root_for(backend) if backend is not None else None) or (
            self.sources.library)
        item = next((root.child(r) for r in range(root.rowCount())
                     if root.child(r).data(NodeRole).kind == kind), None)
        if item is not None:
            self.tree.setCurrentIndex(self.sources.indexFromItem(item))
        return item is not None

    # -- the viewer -------------------------------------------------------------------------
    def viewed(self) -> Entry | None:
        """The photo in the viewer, when the viewer is the page shown."""
        return self.viewer.current if self.nav.page == VIEWER else None

    def viewed_face(self) -> FaceBox | None:
        return self.viewer.canvas.current_face()

    def start_drawing(self) -> None:
        """The viewer's next drag draws a box around a face."""
        self.viewer.canvas.set_drawing(True)
