"""The tiles of *Unnamed faces*: a group's tile shows its most typical face, its size in a badge,
and "Add a name…" under it -- a click there (or F2) opens a name field right on the tile, which
completes the album's names as every name field does
(:mod:`~finpics_desktop.ui.name_completion`; choosing one names the group as that person). The
grid's own delegate draws everything else (the heading before the faces that fit no group
too)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QModelIndex, QRect, QRectF, Qt
from PySide6.QtGui import QPainter, QPalette
from PySide6.QtWidgets import QLineEdit

from finpics_desktop.app.entries import GROUP, Entry
from finpics_desktop.ui.grid import GridDelegate, GridModel, GridView
from finpics_desktop.ui.name_completion import name_completer

ADD_A_NAME = "Add a name…"


class TileDelegate(GridDelegate):
    """The grid's delegate, with group tiles; ``named(entry, name)`` is called
    when a name is entered on a group's tile, ``names()`` gives the names to complete."""

    def __init__(self, view: GridView, names: Callable[[], list[str]],
                 named: Callable[[Entry, str], None]):
        super().__init__(view)
        self.names, self.named = names, named
        self.editor: QLineEdit | None = None  # the name field open, if any
        self._entered = False

    @staticmethod
    def _entry(index: QModelIndex) -> Entry | None:
        model = index.model()
        if isinstance(model, GridModel) and 0 <= index.row() < len(model.entries):
            return model.entries[index.row()]
        return None

    def caption(self, entry: Entry) -> str:
        return ADD_A_NAME if entry.kind == GROUP else super().caption(entry)

    def _caption_rect(self, option) -> QRect:
        rect = option.rect.adjusted(4, 4, -4, -4)
        text_h = option.fontMetrics.height() + 6
        return rect.adjusted(2, rect.height() - text_h - 2, -2, 0)

    # -- painting ---------------------------------------------------------------------------
    def paint(self, painter: QPainter, option, index) -> None:
        entry = self._entry(index)
        super().paint(painter, option, index)
        if entry is not None and entry.kind == GROUP:
            self._paint_badge(painter, option, len(entry.members))

    @staticmethod
    def _paint_badge(painter: QPainter, option, size: int) -> None:
        """The group's size, in a pill at the top right of the tile."""
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        text = str(size)
        metrics = option.fontMetrics
        width, height = max(metrics.horizontalAdvance(text) + 12, metrics.height() + 4), (
            metrics.height() + 4)
        rect = QRectF(option.rect.right() - 10 - width, option.rect.top() + 10, width, height)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(option.palette.color(QPalette.ColorRole.Highlight))
        painter.drawRoundedRect(rect, height / 2, height / 2)
        painter.setPen(option.palette.color(QPalette.ColorRole.HighlightedText))
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
        painter.restore()

    # -- the name field on a group's tile ---------------------------------------------------
    def editorEvent(self, event, model, option, index) -> bool:  # noqa: N802
        """A click on "Add a name…" of a group's tile opens the name field."""
        entry = self._entry(index)
        if (entry is not None and entry.kind == GROUP
                and event.type() == QEvent.Type.MouseButtonRelease
                and event.button() == Qt.MouseButton.LeftButton
                and self._caption_rect(option).contains(event.position().toPoint())):
            self.view.setCurrentIndex(index)
            self.view.edit(index)
            return True
        return super().editorEvent(event, model, option, index)

    def createEditor(self, parent, option, index):  # noqa: N802
        entry = self._entry(index)
        if entry is None or entry.kind != GROUP:
            return None
        editor = QLineEdit(parent)
        editor.setObjectName("groupName")
        editor.setPlaceholderText(ADD_A_NAME)
        editor.setAccessibleName(f"The name of these {len(entry.members)} faces")
        found = name_completer(self.names(), editor)
        editor.setCompleter(found)
        found.activated.connect(lambda text: self._chosen(editor, text))
        self.editor, self._entered = editor, False
        editor.destroyed.connect(lambda *_: self._forget(editor))
        return editor

    def _forget(self, editor) -> None:
        if self.editor is editor:
            self.editor = None

    def _chosen(self, editor: QLineEdit, text: str) -> None:
        """A name chosen from the completions: the group is named so at once."""
        editor.setText(text)
        self._entered = True
        self.commitData.emit(editor)
        self.closeEditor.emit(editor, GridDelegate.EndEditHint.NoHint)

    def updateEditorGeometry(self, editor, option, index) -> None:  # noqa: N802
        editor.setGeometry(self._caption_rect(option).adjusted(0, -4, 0, 2))

    def setEditorData(self, editor, index) -> None:  # noqa: N802
        pass  # (a new name: the field starts empty)

    def eventFilter(self, editor, event) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.KeyPress and event.key() in (
                Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._entered = True  # Enter names; leaving the field does not
        return super().eventFilter(editor, event)

    def setModelData(self, editor, model, index) -> None:  # noqa: N802
        entry, name = self._entry(index), editor.text().strip()
        entered, self._entered = self._entered, False
        if entered and name and entry is not None and entry.kind == GROUP:
            self.named(entry, name)


def install(view: GridView, names: Callable[[], list[str]],
            named: Callable[[Entry, str], None]) -> TileDelegate:
    """The tiles on ``view``; its cells open their name field only when asked (a click on
    "Add a name…", F2), never on a double click (which opens the group)."""
    delegate = TileDelegate(view, names, named)
    view.setItemDelegate(delegate)
    view.setEditTriggers(GridView.EditTrigger.NoEditTriggers)
    return delegate
