"""The grid's empty state: when the place shown has nothing to list (the first start on an
empty library, an empty picset, a folder without photos, the cloud not connected...), what
:func:`finpics_desktop.app.window.empty.empty_state` decides is drawn in the grid's place --
an icon, a title, a line, and its actions as buttons that trigger the window's own actions."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QRect, Qt
from PySide6.QtGui import QAction, QFont, QPalette
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from finpics_desktop.app.window.empty import ACTION_TEXTS, EmptyState, empty_state
from finpics_desktop.app.window.navigation import GRID, Navigation
from finpics_desktop.ui.grid import GridModel, GridView
from finpics_desktop.ui.icons import action_icon


class EmptyStateView(QWidget):
    """Covers the grid's viewport while it has nothing to show (mouse and drops go through
    to the grid where there is no button)."""

    def __init__(self, grid: GridView, actions: dict[str, QAction]):
        super().__init__(grid.viewport())
        self.setObjectName("emptyState")
        self.grid, self.actions = grid, actions
        self.state: EmptyState | None = None
        self.buttons: dict[str, QPushButton] = {}
        inner = QWidget(self)  # as tall as what it holds, centred in the grid's place
        inner.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.icon = QLabel(inner)
        self.icon.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title = QLabel(inner)
        self.title.setObjectName("emptyStateTitle")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        font = QFont(self.title.font())
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        self.title.setFont(font)
        self.text = QLabel(inner)
        self.text.setObjectName("emptyStateText")
        self.text.setWordWrap(True)
        self.text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.row = QHBoxLayout()
        self.row.setSpacing(8)
        column = QVBoxLayout(inner)
        column.setSpacing(10)
        column.addWidget(self.icon)
        column.addWidget(self.title)
        column.addWidget(self.text, 0, Qt.AlignmentFlag.AlignHCenter)
        column.addSpacing(6)
        column.addLayout(self.row)
        self.inner = inner
        outer = QVBoxLayout(self)
        outer.addStretch(2)
        outer.addWidget(inner, 0, Qt.AlignmentFlag.AlignHCenter)
        outer.addStretch(3)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, False)
        grid.viewport().installEventFilter(self)
        self.hide()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Resize:
            self._fit()
        return False

    def _fit(self) -> None:
        """Over the whole viewport; the text wraps at 460 px (less in a narrow grid)."""
        area = self.grid.viewport().rect()
        width = max(160, min(460, area.width() - 48))
        lines = self.text.fontMetrics().boundingRect(
            QRect(0, 0, width, 10_000), Qt.TextFlag.TextWordWrap, self.text.text())
        self.text.setFixedSize(width, lines.height() + 4)
        self.setGeometry(area)

    def show_state(self, state: EmptyState | None) -> None:
        if state == self.state:
            return
        self.state = state
        if state is None:
            self.hide()
            return
        self.icon.setPixmap(action_icon(state.icon).pixmap(64, 64))
        self.title.setText(state.title)
        self.text.setText(state.text)
        self.text.setVisible(bool(state.text))
        palette = self.text.palette()  # the text's colour, softened: on a dark palette too
        soft = self.grid.palette().color(QPalette.ColorRole.Text)
        soft.setAlpha(170)
        palette.setColor(QPalette.ColorRole.WindowText, soft)
        self.text.setPalette(palette)
        self._fit()
        while self.row.count():
            item = self.row.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self.buttons = {}
        self.row.addStretch(1)
        for name in state.actions:
            action = self.actions[name]
            button = QPushButton(action.icon(), ACTION_TEXTS[name], self.inner)
            button.setObjectName(f"empty-{name}")
            button.clicked.connect(action.trigger)
            self.row.addWidget(button)
            self.buttons[name] = button
        self.row.addStretch(1)
        self._fit()
        self.show()
        self.raise_()


class EmptyStateController:
    """Shows the empty state whenever the grid page is up with no cell and nothing listing."""

    def __init__(self, nav: Navigation, model: GridModel, view: EmptyStateView,
                 cloud_shown: Callable[[], bool]):
        self.nav, self.model, self.view, self.cloud_shown = nav, model, view, cloud_shown
        nav.listen(lambda _event: self.update())
        for signal in (model.modelReset, model.rowsInserted, model.rowsRemoved):
            signal.connect(self.update)

    def update(self, *_args) -> None:
        nav = self.nav
        state = None
        # (the navigation's entries too: a listing ends a moment before its entries reach the
        # grid, and the empty state drawn and hidden between took ~30 ms of the first screen)
        if nav.page == GRID and not nav.loading and self.model.rowCount() == 0 and not (
                nav.entries):
            state = empty_state(nav.location, cancelled=nav.listing_cancelled,
                                failed=nav.listing_failed, cloud_shown=self.cloud_shown())
        self.view.show_state(state)
