"""The Info panel follows what is chosen: the photo in the viewer (its facts come with the
picture, :meth:`MainWindow.on_photo_loaded`), else the tiles chosen in the grid or the search
results -- one tile, its facts; several, how many and their size (``app/selection_info.py``,
read off the GUI thread; a reading overtaken by another choice is dropped)."""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer

from finpics_desktop.app.entries import Entry
from finpics_desktop.app.selection_info import (
    count_text,
    facts_rows,
    first_rows,
    several_rows,
    tile_rows,
)
from finpics_desktop.app.tasks import Task
from finpics_desktop.app.window.navigation import SEARCH, VIEWER, Navigation, PageChanged
from finpics_desktop.ui.grid import GridModel, GridView, ImageRole
from finpics_desktop.ui.panels import InfoPanel
from finpics_desktop.ui.workers import run_task


class InfoController(QObject):
    def __init__(self, info: InfoPanel, nav: Navigation,
                 views: list[tuple[GridView, GridModel]], parent=None):
        """``views``: the grid's, then the search results'."""
        super().__init__(parent)
        self.info, self.nav, self.views = info, nav, views
        self.task: Task | None = None
        self._view: tuple[GridView, GridModel] | None = None
        self._shown: list[int] = []  # (the ids of the entries whose rows are shown)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(40)  # arrows held down: read once they rest
        self._timer.timeout.connect(self.show_chosen)
        nav.listen(self.on_nav)
        for view, model in views:
            view.selectionModel().selectionChanged.connect(
                lambda *_, pair=(view, model): self._chosen(pair))
            model.dataChanged.connect(
                lambda _top, _bottom, roles=(), pair=(view, model): self._changed(pair, roles))

    def _changed(self, pair: tuple[GridView, GridModel], roles) -> None:
        """A cell changed in place (a group's tile with fewer faces, another cover): its rows
        again if it is the one chosen -- not for a thumbnail come."""
        if list(roles) == [ImageRole] or pair != self._view:
            return
        if [id(e) for e in self.chosen()] != self._shown:
            self._timer.start()

    def _chosen(self, pair: tuple[GridView, GridModel]) -> None:
        self._view = pair
        self._timer.start()

    def chosen(self) -> list[Entry]:
        if self._view is None:
            return []
        view, model = self._view
        entries = model.entries
        return [entries[r] for r in sorted({i.row() for i in view.selectedIndexes()})
                if r < len(entries)]

    def show_chosen(self) -> None:
        """The rows of what the grid (or the search results) has chosen, unless the viewer
        is up (it shows its photo's)."""
        if self.nav.page == VIEWER or self._view is None or not self._view[0].isVisible():
            return
        self._cancel()
        entries = self.chosen()
        self._shown = [id(e) for e in entries]
        if not entries:
            self.info.set_rows([])
            return
        task = self.task = Task()
        if len(entries) == 1:
            entry = entries[0]
            self.info.set_rows(first_rows(entry))
            run_task(lambda: tile_rows(entry), self.info.set_rows, task=task)
        else:
            self.info.set_rows([("Selected", count_text(entries))])
            run_task(lambda: several_rows(entries, task.stop.is_set), self.info.set_rows,
                     task=task)

    def on_nav(self, event) -> None:
        """Back from the viewer (or on to another page): the rows of that page's choice."""
        if isinstance(event, PageChanged) and event.frame.page != VIEWER:
            self._chosen(self.views[1] if event.frame.page == SEARCH else self.views[0])

    def show_photo(self, entry: Entry, facts) -> None:
        """The viewer's photo, loaded: its facts."""
        self._cancel()
        self.info.set_rows(facts_rows(entry, facts))

    def _cancel(self) -> None:
        if self.task is not None:
            self.task.cancel()
            self.task = None
