"""The window's layout kept between runs (QSettings): geometry, docks, the splitter between
sources and grid, and the thumbnail size."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings, QSize
from PySide6.QtGui import QGuiApplication

FIRST_SIZE = QSize(1280, 820)


def first_size(window) -> None:
    """The first window's size: 1280 x 820, or less where the screen is smaller (a small
    screen, or a large scale: ``QT_SCALE_FACTOR=2`` on 1366 x 768 leaves 683 x 384), room
    kept for the window's frame; the panes' least sizes are lowered to fit."""
    screen = window.screen() or QGuiApplication.primaryScreen()
    if screen is None:
        window.resize(FIRST_SIZE)
        return
    room = screen.availableGeometry()
    width = min(FIRST_SIZE.width(), room.width() - 16)
    height = min(FIRST_SIZE.height(), room.height() - 40)  # the title bar and borders
    window.resize(width, height)


def restore_layout(window) -> None:
    s = QSettings()
    geometry, state = s.value("window/geometry"), s.value("window/state")
    if isinstance(state, QByteArray | bytes):
        window.restoreState(state)
    if isinstance(geometry, QByteArray | bytes):
        window.restoreGeometry(geometry)
    splitter = s.value("window/splitter")
    if isinstance(splitter, QByteArray | bytes):
        window.splitter.restoreState(splitter)
    cell = s.value("grid/cell")
    if cell is not None and str(cell).isdigit():
        window.grid.set_cell(int(cell))


def save_layout(window) -> None:
    s = QSettings()
    s.setValue("window/geometry", window.saveGeometry())
    s.setValue("window/state", window.saveState())
    s.setValue("window/splitter", window.splitter.saveState())
    s.setValue("grid/cell", window.grid.cell)
    s.sync()
