"""Small side panels: the photo info panel, the non-modal message area, the shortcuts list."""

from __future__ import annotations

import time

from PySide6.QtCore import QRect, QSize, Qt, Signal
from PySide6.QtGui import QAction, QColor
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QStyle,
    QVBoxLayout,
    QWidget,
)


class InfoPanel(QWidget):
    """The facts of what is chosen (the photo in the viewer, the tiles of the grid: ui/info.py)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.form = QFormLayout(self)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.rows: list[tuple[str, str]] = []
        self.set_rows([])

    def set_rows(self, rows: list[tuple[str, str]]) -> None:
        self.rows = list(rows)
        while self.form.rowCount():
            self.form.removeRow(0)
        if not rows:
            hint = QLabel("Choose a photo to see its camera, lens, date, exposure and place; "
                           "several, to see how many and their size.")
            hint.setWordWrap(True)
            hint.setEnabled(False)
            self.form.addRow(hint)
            return
        for label, value in rows:
            self.form.addRow(f"{label}:", FactLabel(value))

    def value(self, label: str) -> str | None:
        return dict(self.rows).get(label)


class FactLabel(QLabel):
    """A value of the Info panel: wrapped between words, a word wider than the panel (a long
    photo or picset name) cut in its middle with "…" -- the whole value in its tooltip --, and
    never asking for more width than the panel has: choosing a tile never widens the panel,
    so the grid beside it keeps its columns and where it was scrolled."""

    def __init__(self, value: str, parent=None):
        super().__init__(value, parent)
        self.whole = value
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        policy = self.sizePolicy()
        policy.setHorizontalPolicy(QSizePolicy.Policy.Ignored)  # (any width: the panel's)
        self.setSizePolicy(policy)

    def heightForWidth(self, width: int) -> int:  # noqa: N802
        """The height of the value as shown at that width (cut, wrapped)."""
        metrics = self.fontMetrics()
        shown = fitted(self.whole, metrics, width)
        return metrics.boundingRect(QRect(0, 0, max(width, 1), 1 << 20),
                                    int(Qt.TextFlag.TextWordWrap), shown).height()

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return QSize(0, self.fontMetrics().height())

    def sizeHint(self) -> QSize:  # noqa: N802
        width = max(self.width(), 1)
        return QSize(width, self.heightForWidth(width))

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        shown = fitted(self.whole, self.fontMetrics(), self.contentsRect().width())
        if shown != self.text():
            self.setText(shown)
            self.setToolTip("" if shown == self.whole else self.whole)


def fitted(text: str, metrics, width: int) -> str:
    """``text`` with each word wider than ``width`` pixels cut in its middle."""
    if width <= 0:
        return text
    return "\n".join(" ".join(
        word if metrics.horizontalAdvance(word) <= width else metrics.elidedText(
            word, Qt.TextElideMode.ElideMiddle, width) for word in line.split(" "))
        for line in text.split("\n"))


class MessageArea(QListWidget):
    """Per-file problems and job outcomes, newest last; never modal. A message whose remedy
    is in Settings carries the window's way out: an *Open Settings…* button opening that
    section (``settings_requested``)."""

    settings_requested = Signal(str)  # the section of Settings

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWordWrap(True)
        self.setAlternatingRowColors(True)
        self.setUniformItemSizes(False)

    def add(self, text: str, level: str = "warning", settings: str = "") -> None:
        icon = {"warning": QStyle.StandardPixmap.SP_MessageBoxWarning,
                "error": QStyle.StandardPixmap.SP_MessageBoxCritical,
                "info": QStyle.StandardPixmap.SP_MessageBoxInformation}[level]
        item = QListWidgetItem(self.style().standardIcon(icon),
                               f"{time.strftime('%H:%M:%S')}  {text}")
        item.setData(Qt.ItemDataRole.UserRole, level)
        item.setData(Qt.ItemDataRole.UserRole + 1, settings)
        self.addItem(item)
        if settings:
            self._add_way_out(item, settings)
        if self.count() > 2000:
            self.takeItem(0)
        self.scrollToBottom()

    def _add_way_out(self, item: QListWidgetItem, section: str) -> None:
        """The message drawn with its button right of it (the item keeps its text, undrawn:
        it is what is read and copied)."""
        item.setForeground(QColor(0, 0, 0, 0))
        holder = QWidget(self)
        row = QHBoxLayout(holder)
        indent = self.style().pixelMetric(QStyle.PixelMetric.PM_SmallIconSize) + 8
        row.setContentsMargins(indent, 2, 4, 2)
        label = QLabel(item.text(), holder)
        label.setWordWrap(True)
        row.addWidget(label, 1)
        button = QPushButton("Open Settings…", holder)
        button.setObjectName("openSettings")
        button.clicked.connect(lambda: self.settings_requested.emit(section))
        row.addWidget(button, 0, Qt.AlignmentFlag.AlignVCenter)
        self.setItemWidget(item, holder)
        width = max(300, self.viewport().width())
        height = max(row.heightForWidth(width) if row.hasHeightForWidth() else 0,
                     holder.sizeHint().height())
        item.setSizeHint(QSize(width, height))

    def settings_buttons(self) -> list[QPushButton]:
        """The *Open Settings…* buttons of the messages, oldest first."""
        buttons = []
        for i in range(self.count()):
            holder = self.itemWidget(self.item(i))
            if holder is not None:
                buttons += holder.findChildren(QPushButton, "openSettings")
        return buttons

    def texts(self) -> list[str]:
        return [self.item(i).text().split("  ", 1)[1] for i in range(self.count())]


class ShortcutsDialog(QDialog):
    """F1: every shortcut of the window's actions, plus the keys the pages handle."""

    EXTRA = [
        ("Arrows", "Move in the grid; previous / next photo in the viewer"),
        ("Enter", "Open the picset or photo"),
        ("Esc", "Cancel a listing or search under way; else back: viewer → grid, "
                "picset → picsets"),
        ("Home / End", "First / last photo in the viewer"),
        ("Mouse wheel", "Previous / next photo; Ctrl+wheel zooms"),
        ("Click a face", "Find the other photos of that person"),
        ("Tab / Shift+Tab", "Choose a face in the viewer (F2 names it, U removes its name)"),
        ("Drag (after D)", "Draw a box around a face the detector missed; Esc cancels"),
        ("Enter in People", "Open the person: the proposals (sure first, then the unsure "
                            "ones), then their photos"),
    ]

    def __init__(self, actions: list[QAction], parent=None):
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        form = QFormLayout()
        self.entries: list[tuple[str, str]] = []
        for action in actions:
            keys = ", ".join(s.toString(s.SequenceFormat.NativeText) for s in action.shortcuts())
            if keys:
                self.entries.append((keys, action.text().replace("&", "")))
        self.entries += self.EXTRA
        for keys, what in self.entries:
            label = QLabel(f"<b>{keys}</b>")
            form.addRow(label, QLabel(what))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
