"""Views whose delegate and model are Python, painted in one entry into Python.

Each call from Qt into Python takes the GIL first. While a worker runs Python (a listing, the
places of 150,000 faces read back after a naming), the GUI thread waits for it at every such
call -- up to the switch interval, more when several threads want it -- and a view painted by
Qt calls Python for each cell it draws: the delegate's ``paint``, the model's ``rowCount``,
``flags``, ``data``. The grid's ~35 tiles and the tree's rows drawn again after a naming made
~270 such entries, and the GUI thread waited 100-250 ms for the GIL in one repaint (25 ms of
its own work). With ``paintEvent`` overridden in Python, a repaint enters Python once and holds
the GIL while Qt draws: the delegate and model are called from within, with nothing to wait
for (``tests/ui/test_gui_thread_free.py``)."""

from __future__ import annotations

from PySide6.QtGui import QPaintEvent


class PaintedInOneEntry:
    """Mixed in before a Qt item view: its repaint takes the GIL once, not once a cell."""

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        super().paintEvent(event)
