"""The Messages panel out of the way until there is a message: hidden while empty, shown when
a message arrives, with the count of unread messages on its tab -- "Messages (3)" -- until the
user looks at it: chooses its tab, or clicks into it. (Qt draws no icon on a dock's tab, so the
badge is in its title, where screen readers find it too.)"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QDockWidget, QListWidget

TITLE = "Messages"


class MessageBadge(QObject):
    def __init__(self, dock: QDockWidget, area: QListWidget):
        super().__init__(dock)
        self.dock, self.area = dock, area
        self.unread = 0
        self._showing = False  # the dock shown by a message, not by the user
        area.model().rowsInserted.connect(self.on_message)
        dock.visibilityChanged.connect(self.on_visibility)
        area.viewport().installEventFilter(self)
        area.installEventFilter(self)
        if area.count() == 0:
            dock.hide()

    def on_message(self, *_args) -> None:
        self.unread += 1
        if self.dock.isHidden():
            self._showing = True
            self.dock.show()
            self._showing = False
        self._draw()

    def on_visibility(self, visible: bool) -> None:
        """Shown by the user (its tab chosen, the View menu): what it says is seen."""
        if visible and not self._showing and self.unread:
            self.read()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() in (QEvent.Type.FocusIn, QEvent.Type.MouseButtonPress) and self.unread:
            self.read()
        return False

    def read(self) -> None:
        self.unread = 0
        self._draw()

    def _draw(self) -> None:
        self.dock.setWindowTitle(f"{TITLE} ({self.unread})" if self.unread else TITLE)
