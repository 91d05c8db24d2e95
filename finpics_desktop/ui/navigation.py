"""The window's navigation controller: draws the plain navigation state
(:mod:`finpics_desktop.app.window.navigation`) on the widgets -- the tree's current row, the page up
(grid, viewer, search results), the grid's entries, the busy indicator, the status bar -- and
hands the user's choices in the tree to it. The state decides; this only draws."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QItemSelectionModel
from PySide6.QtWidgets import QStackedWidget, QStatusBar

from finpics_desktop.app.window.navigation import (
    CANCELLED,
    FAILED,
    FOUND,
    GRID,
    SEARCH,
    VIEWER,
    BusyChanged,
    Event,
    Frame,
    FrameChanged,
    GridChanged,
    Navigation,
    PageChanged,
    PhotoAdded,
    Place,
    PlaceChanged,
    RowsAdded,
    StatusChanged,
    Told,
)
from finpics_desktop.domain.bands import MAYBE
from finpics_desktop.ui.busy import BusyIndicator
from finpics_desktop.ui.grid import GridModel, GridView
from finpics_desktop.ui.grid_rows import shrink_to, taking_place
from finpics_desktop.ui.pages import SearchPage, ViewerPage
from finpics_desktop.ui.panels import InfoPanel
from finpics_desktop.ui.sources import SourcesModel, SourcesView

PAGES = (GRID, VIEWER, SEARCH)  # the order of the window's stacked pages


class NavigationController:
    def __init__(self, nav: Navigation, *, tree: SourcesView, sources: SourcesModel,
                 stack: QStackedWidget, grid: GridView, model: GridModel, viewer: ViewerPage,
                 search: SearchPage, info: InfoPanel, busy: BusyIndicator,
                 status: QStatusBar, tell: Callable[[str, str], None]):
        self.nav = nav
        self.tree, self.sources, self.stack = tree, sources, stack
        self.grid, self.model, self.viewer, self.search = grid, model, viewer, search
        self.info, self.busy, self.status, self.tell = info, busy, status, tell
        nav.listen(self.on_event)
        model.can_fetch_more = nav.can_fetch_more  # (a place listed a page at a time)
        model.fetch_more = nav.fetch_more

    # -- the user's choice in the tree ------------------------------------------------------
    def on_tree_current(self, current, _previous=None) -> None:
        place = self.sources.place(current)
        if place is not None and place != self.nav.location:  # not the tree catching up
            self.nav.open(place)

    def reopen_if_shown(self, place: Place, *, leaving: str = "") -> None:
        """The library or cloud ``place`` stands for changed (connected, or failed to): the
        grid goes there from anywhere in that album (or in album ``leaving``, switched off)."""
        loc = self.nav.location
        album = leaving or place.kind
        if loc is not None and album in (loc.kind, loc.within) and loc != place:
            self.nav.open(place)

    # -- drawing the state ------------------------------------------------------------------
    def on_event(self, event: Event) -> None:
        match event:
            case PlaceChanged(place):
                self._show_place(place)
            case GridChanged(entries, relisted):
                self._show_entries(entries, relisted)
            case PhotoAdded(row, entry):
                self.model.insert(row, entry)
            case RowsAdded(entries):
                self.model.append(entries)
            case PageChanged(frame, left):
                self._show_page(frame, left)
            case FrameChanged(frame):
                self._show_search(frame)
            case BusyChanged(jobs, started):
                self.busy.show_jobs(list(jobs), started)
            case StatusChanged(text):
                self.status.showMessage(text) if text else self.status.clearMessage()
            case Told(text, level, settings):
                self.tell(text, level, settings=settings) if settings else self.tell(text, level)

    def _show_entries(self, entries, relisted: bool) -> None:
        """The grid's entries; the place listed again keeps the cell chosen (the same photo,
        face or person if it is still there, else the same row). Tiles that left in place
        (named, ignored, answered) hand the keyboard to the tile that took the place of the one
        chosen (:func:`~finpics_desktop.ui.grid_rows.taking_place`)."""
        current = self.grid.currentIndex()
        key = self.model.entries[current.row()].key if relisted and current.isValid() and (
            current.row() < len(self.model.entries)) else None
        follow = None if relisted else taking_place(
            self.model.entries, entries, current.row() if current.isValid() else -1,
            [i.row() for i in self.grid.selectedIndexes()])
        if relisted or self.nav.pages is None or not shrink_to(self.model, entries):
            self.model.set_entries(entries)  # (else: the grid stays where it was scrolled)
        if follow is not None:
            self._choose(follow)
        if key is None or not entries:
            return
        row = self.model.row_of(lambda e: e.key == key)
        self.grid.setCurrentIndex(self.model.index(row if row >= 0 else min(
            current.row(), len(entries) - 1)))

    def _choose(self, entry) -> None:
        """``entry``'s tile chosen alone, where the keyboard is."""
        row = next((r for r, e in enumerate(self.model.entries) if e is entry), -1)
        if row >= 0:
            index = self.model.index(row)
            self.grid.selectionModel().setCurrentIndex(
                index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
            self.grid.scrollTo(index)

    def _show_place(self, place: Place) -> None:
        self.stack.setCurrentIndex(PAGES.index(GRID))
        self.model.set_entries([])
        self.info.set_rows([])
        item = self.sources.item_for(place)
        if item is not None:
            index = self.sources.indexFromItem(item)
            if self.tree.currentIndex() != index:
                self.tree.setCurrentIndex(index)

    def _show_page(self, frame: Frame, left: Frame | None) -> None:
        self.stack.setCurrentIndex(PAGES.index(frame.page))
        if frame.page == VIEWER:
            if left is None or self.viewer.entries != frame.entries or (
                    self.viewer.index != frame.index):
                self.viewer.show_entries(frame.entries, frame.index)
            self.viewer.canvas.setFocus()
        elif frame.page == SEARCH:
            if left is None:
                self.search.start(frame.searched)
            else:
                self._show_search(frame)
            self.search.view.setFocus()  # Esc reaches the page (and cancels) while it searches
        if left is not None and left.page == VIEWER:
            self._select(frame.page, left.current)

    def _select(self, page: str, entry) -> None:
        """Back from the viewer: the photo it showed is the current cell of the page."""
        view, model = (self.search.view, self.search.model) if page == SEARCH else (
            self.grid, self.model)
        if page == SEARCH and entry is not None and entry.band == MAYBE:
            view, model = self.search.maybe_view, self.search.maybe_model
        if page == GRID:
            self.info.set_rows([])
        if page not in (GRID, SEARCH):
            return
        if entry is not None:
            row = model.row_of(lambda e: e.key == entry.key)
            if row >= 0:
                view.setCurrentIndex(model.index(row))
                view.scrollTo(model.index(row))
        view.setFocus()

    def _show_search(self, frame: Frame) -> None:
        if frame.state == FOUND:
            self.search.show_results(frame.entries, frame.person, frame.person_faces)
            if self.nav.frame is frame:
                self.search.view.setFocus()
        elif frame.state == FAILED:
            self.search.show_error(frame.error)
        elif frame.state == CANCELLED:
            self.search.show_cancelled()
