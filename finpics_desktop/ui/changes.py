"""The one Qt signal of "an operation did execute": what any operation changed in any open
album (:class:`~finpics_desktop.app.changes.Changes`, published by the application layer on
whichever thread ran it) arrives here on the GUI thread, and every view that shows something
of an album connects to it and refreshes what it shows of the change."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from finpics_desktop.app.album import Albums
from finpics_desktop.app.changes import Changes
from finpics_desktop.ui.workers import call_in_gui


class OperationDone(QObject):
    changed = Signal(object)  # Changes

    def __init__(self, albums: Albums, parent: QObject | None = None):
        super().__init__(parent)
        stop = albums.changes.listen(self._published)
        self.destroyed.connect(lambda *_: stop())

    def _published(self, changes: Changes) -> None:  # any thread
        call_in_gui(self._deliver, changes)

    def _deliver(self, changes: Changes) -> None:
        self.changed.emit(changes)
