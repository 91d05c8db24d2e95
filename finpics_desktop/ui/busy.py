"""The status bar's busy indicator: a listing or a face search under way, an indeterminate bar
and **Cancel** (Esc does the same).

Quick jobs never flash it: it appears only once a job has run for ``DELAY_MS``. There is one
job per kind (a new listing replaces the old one, so does a new search); when several are
under way the newest is shown, and Cancel ends that one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QToolButton, QWidget

LISTING, SEARCHING = "listing", "search"


@dataclass
class BusyJob:
    kind: str
    text: str
    cancel: Callable[[], None]  # called on the GUI thread when the user cancels


class BusyIndicator(QWidget):
    DELAY_MS = 300
    TEXT_WIDTH = 360

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("busyIndicator")
        self.jobs: list[BusyJob] = []
        self.label = QLabel(self)
        self.bar = QProgressBar(self)
        self.bar.setRange(0, 0)  # indeterminate: neither listing nor search knows its length
        self.bar.setTextVisible(False)
        self.bar.setFixedWidth(90)
        self.cancel_button = QToolButton(self)
        self.cancel_button.setText("Cancel")
        self.cancel_button.setToolTip("Cancel (Esc)")
        self.cancel_button.clicked.connect(self.cancel)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 4, 0)
        layout.setSpacing(6)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        layout.addWidget(self.cancel_button)
        self.bar.setMaximumHeight(self.cancel_button.sizeHint().height())
        self.reveal_timer = QTimer(self)
        self.reveal_timer.setSingleShot(True)
        self.reveal_timer.setInterval(self.DELAY_MS)
        self.reveal_timer.timeout.connect(self._reveal)
        self.hide()

    @property
    def current(self) -> BusyJob | None:
        return self.jobs[-1] if self.jobs else None

    @property
    def shown(self) -> bool:
        return not self.isHidden()

    def begin(self, kind: str, text: str, cancel: Callable[[], None]) -> None:
        """A job starts; it replaces a job of the same kind still listed here."""
        self.jobs = [j for j in self.jobs if j.kind != kind] + [BusyJob(kind, text, cancel)]
        self._show_current()
        if self.isHidden():
            self.reveal_timer.start()  # (re)started: what is shown has run DELAY_MS at least

    def end(self, kind: str) -> None:
        """The job of that kind finished, failed or was cancelled (nothing if none runs)."""
        self.jobs = [j for j in self.jobs if j.kind != kind]
        if self.jobs:
            self._show_current()
        else:
            self.reveal_timer.stop()
            self.hide()

    def cancel(self) -> bool:
        """Cancel the newest job; False when nothing is under way."""
        job = self.current
        if job is None:
            return False
        self.end(job.kind)
        job.cancel()
        return True

    def _show_current(self) -> None:
        text = self.current.text
        metrics = self.label.fontMetrics()
        self.label.setText(metrics.elidedText(text, Qt.TextElideMode.ElideMiddle,
                                              self.TEXT_WIDTH))
        self.label.setToolTip(text)

    def _reveal(self) -> None:
        if self.jobs:
            self.show()
