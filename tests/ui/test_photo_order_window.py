"""The order of a picset's photos in the window (issue 21, item 4), with real widgets on a real
library: Edit > Order photos > By date taken / By name, dragging photos within the grid (the
drag events go through the grid's viewport, as a drag of the mouse sends them), Ctrl+Z; the
grid shows the album's order, each photo titled without the order's prefix."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication
from test_curation_window import _key, _open_picset, _said, _select, _settled
from ui_helpers import grid_rows

from finpics_desktop.app.window.navigation import GRID

PHOTOS = ("faces/obama/obama1.jpg", "faces/obama/obama2.jpg", "faces/obama/obama3.jpg",
          "faces/biden/biden.jpg")
# their cameras' dates: obama2 2009; biden and obama3 the same second of 2010 (by name); obama1
# none (last)
BY_DATE = ["obama2.jpg", "biden.jpg", "obama3.jpg", "obama1.jpg"]


def _album_order(library) -> list[str]:
    return [i["sortkey"] for i in library.tables.query_pics("001_trip")]


def _trigger(window, text: str) -> None:
    next(a for a in window.actions() if a.text() == text).trigger()


def _shows(qtbot, window, library, titles: list[str]) -> None:
    """Wait until the grid shows ``titles`` *and* the album's order, name for name."""
    qtbot.waitUntil(lambda: window.curation.running == 0 and not window.nav.loading
                    and grid_rows(window) == titles
                    and [e.name for e in window.model.entries] == _album_order(library),
                    timeout=30_000)


def _drag(window, row: int, left: bool) -> None:
    """Drag the selected photos over the cell of ``row`` (its left or right half) and drop."""
    grid, model = window.grid, window.model
    mime = model.mimeData(grid.selectedIndexes())  # what the grid's drag carries
    rect = grid.visualRect(model.index(row))
    pos = QPoint(rect.left() + rect.width() // 4 if left else rect.right() - rect.width() // 4,
                 rect.center().y())
    move = Qt.DropAction.MoveAction
    buttons, mods = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    viewport = grid.viewport()
    enter = QDragEnterEvent(pos, move, mime, buttons, mods)
    QApplication.sendEvent(viewport, enter)
    assert enter.isAccepted()
    over = QDragMoveEvent(pos, move, mime, buttons, mods)
    QApplication.sendEvent(viewport, over)
    assert over.isAccepted() and window.grid_order.mark.isVisible()
    drop = QDropEvent(QPointF(pos), move, mime, buttons, mods)
    QApplication.sendEvent(viewport, drop)
    assert drop.isAccepted() and not window.grid_order.mark.isVisible()


def test_order_by_date_by_hand_by_name_and_ctrl_z(qtbot, window, publish, library):
    publish("001_trip", *PHOTOS)
    window.on_refresh()
    _open_picset(qtbot, window, "001_trip")
    _shows(qtbot, window, library, ["biden.jpg", "obama1.jpg", "obama2.jpg", "obama3.jpg"])
    faces = {i["sortkey"]: i["data"] for i in library.tables.query_pics("001_trip")}

    _trigger(window, "By &date taken")  # Edit > Order photos > By date taken
    _shows(qtbot, window, library, BY_DATE)
    assert _album_order(library) == ["1~obama2.jpg", "2~biden.jpg", "3~obama3.jpg",
                                      "4~obama1.jpg"]
    assert library.tables.get_pics_item("001_trip", "1~obama2.jpg")["data"] == faces[
        "obama2.jpg"]
    assert _said(window, "ordered 001_trip by date taken (4 photo(s) renamed)")

    assert window.nav.page == GRID
    _select(window, "obama1.jpg", "obama3.jpg")  # dragged before the first photo
    _drag(window, 0, left=True)
    _shows(qtbot, window, library, ["obama3.jpg", "obama1.jpg", "obama2.jpg", "biden.jpg"])
    assert _said(window, "ordered 001_trip by hand")
    _select(window, "obama2.jpg")  # dragged after the last one
    _drag(window, 3, left=False)
    _shows(qtbot, window, library, ["obama3.jpg", "obama1.jpg", "biden.jpg", "obama2.jpg"])

    _key(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # Ctrl+Z
    _shows(qtbot, window, library, ["obama3.jpg", "obama1.jpg", "obama2.jpg", "biden.jpg"])
    assert _said(window, "undone: ordered 001_trip by hand")

    _trigger(window, "By &name")  # the names as published, every prefix gone
    _shows(qtbot, window, library, ["biden.jpg", "obama1.jpg", "obama2.jpg", "obama3.jpg"])
    assert _album_order(library) == sorted(faces)
    _settled(qtbot, window)
