"""Ordering a picset's photos by hand: the photos of the picset shown, dragged within the grid,
go where they are dropped (a bar marks the place between two cells while dragging). An event
filter on the grid's viewport, installed after the grid's drop target so that it sees drags of
published photos first (files of this computer still go to the drop target). The grid keeps
showing the album's order: it is listed again once the order is written."""

from __future__ import annotations

import json
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QPoint, QRect, Qt

from finpics_desktop.app.entries import PHOTO
from finpics_desktop.app.window.navigation import GRID, PICSET_PLACE, Navigation
from finpics_desktop.domain.photo_order import placed
from finpics_desktop.ports import Backend
from finpics_desktop.ui.drop_targets import DropHighlight
from finpics_desktop.ui.grid import GridView
from finpics_desktop.ui.sources import PHOTOS_MIME

Placed = Callable[[Backend, str, list[str]], None]  # (album, picset, every name in the order)


class GridOrder(QObject):
    def __init__(self, view: GridView, nav: Navigation, placed_: Placed):
        super().__init__(view)
        self.view, self.nav, self.placed = view, nav, placed_
        self.mark = DropHighlight(view.viewport())
        self.mark.setObjectName("orderMark")
        view.viewport().installEventFilter(self)

    def _picset(self) -> tuple[Backend, str] | None:
        loc = self.nav.location
        if loc is None or loc.kind != PICSET_PLACE or self.nav.page != GRID or (
                loc.backend is None):
            return None
        return loc.backend, loc.picset

    def _moving(self, event) -> list[str] | None:
        """The names of the photos of the picset shown being dragged (from the grid, or from
        search results), None for anything else."""
        shown = self._picset()
        mime = event.mimeData()
        if shown is None or not mime.hasFormat(PHOTOS_MIME):
            return None
        payload = json.loads(bytes(mime.data(PHOTOS_MIME)).decode())
        if payload.get("album") != shown[0].identity or payload.get("picset") != shown[1]:
            return None
        return list(payload.get("names") or []) or None

    def row_at(self, pos: QPoint) -> int:
        """Where a drop at ``pos`` puts the photos: before this row (the row count: last)."""
        model = self.view.model()
        index = self.view.indexAt(pos)
        if not index.isValid():
            return model.rowCount()
        rect = self.view.visualRect(index)
        return index.row() + (1 if pos.x() > rect.center().x() else 0)

    def _show_mark(self, row: int) -> None:
        model = self.view.model()
        count = model.rowCount()
        if count == 0:
            self.mark.hide()
            return
        rect = self.view.visualRect(model.index(min(row, count - 1)))
        x = rect.left() if row < count else rect.right()
        self.mark.show_at(QRect(x - 3, rect.top() + 4, 6, rect.height() - 8))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        kind = event.type()
        if kind in (QEvent.Type.DragEnter, QEvent.Type.DragMove):
            if self._moving(event) is None:
                self.mark.hide()
                return False  # (files of this computer: the drop target's)
            event.setDropAction(Qt.DropAction.MoveAction)
            event.accept()
            self._show_mark(self.row_at(event.position().toPoint()))
            return True
        if kind == QEvent.Type.DragLeave:
            self.mark.hide()
            return False
        if kind == QEvent.Type.Drop:
            self.mark.hide()
            moving, shown = self._moving(event), self._picset()
            if moving is None or shown is None:
                return False
            event.setDropAction(Qt.DropAction.MoveAction)
            event.accept()
            self.drop(moving, self.row_at(event.position().toPoint()))
            return True
        return False

    def drop(self, moving: list[str], row: int) -> None:
        """``moving`` (names of the picset shown) dropped before row ``row`` of the grid."""
        shown = self._picset()
        if shown is None:
            return
        entries = self.view.model().entries
        current = [e.name for e in entries if e.kind == PHOTO and e.picset == shown[1]]
        order = placed(current, moving, row)
        if order != current:
            self.placed(shown[0], shown[1], order)
