"""The window's layout kept between runs (QSettings): geometry, docks, the splitter between
sources and grid, and the thumbnail size."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings


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
