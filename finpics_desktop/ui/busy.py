"""The status bar's busy indicator: a listing or a face search under way, an indeterminate bar
and **Cancel** (Esc does the same).

Quick jobs never flash it: it appears only once a job has run for ``DELAY_MS``. The jobs are
the navigation state's (one per kind, a new listing replaces the old one, so does a new
search); the newest is shown, and Cancel asks to end that one.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QToolButton, QWidget


class BusyIndicator(QWidget):
    cancel_requested = Signal()

    DELAY_MS = 300
    TEXT_WIDTH = 360

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("busyIndicator")
        self.jobs: list[tuple[str, str]] = []  # (kind, text), oldest first
        self.label = QLabel(self)
        self.bar = QProgressBar(self)
        self.bar.setRange(0, 0)  # indeterminate: neither listing nor search knows its length
        self.bar.setTextVisible(False)
        self.bar.setFixedWidth(90)
        self.cancel_button = QToolButton(self)
        self.cancel_button.setText("Cancel")
        self.cancel_button.setToolTip("Cancel (Esc)")
        self.cancel_button.clicked.connect(self.cancel_requested)
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
    def shown(self) -> bool:
        return not self.isHidden()

    def show_jobs(self, jobs: list[tuple[str, str]], started: bool) -> None:
        """The jobs under way; ``started``: one of them has just begun (shown once it has run
        ``DELAY_MS``, unless the indicator is up already)."""
        self.jobs = list(jobs)
        if not self.jobs:
            self.reveal_timer.stop()
            self.hide()
            return
        self._show_current()
        if started and self.isHidden():
            self.reveal_timer.start()  # (re)started: what is shown has run DELAY_MS at least

    def _show_current(self) -> None:
        text = self.jobs[-1][1]
        metrics = self.label.fontMetrics()
        self.label.setText(metrics.elidedText(text, Qt.TextElideMode.ElideMiddle,
                                              self.TEXT_WIDTH))
        self.label.setToolTip(text)

    def _reveal(self) -> None:
        if self.jobs:
            self.show()
