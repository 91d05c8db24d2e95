"""Drop targets highlighted while dragging: the row of the sources tree that a drop would
publish into (*Library*, *finpics cloud*), and the grid when the place it shows takes photos
(a library, the cloud, a picset) -- where a drop publishes them. Event filters on the views'
viewports and an overlay that paints the highlight, so the views keep their own drag and drop.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QRect, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPalette, QPen
from PySide6.QtWidgets import QAbstractItemView, QWidget

from finpics_desktop.ui.sources import SourcesModel


class DropHighlight(QWidget):
    """A rounded frame in the palette's highlight colour over ``rect``, with an optional label;
    transparent to the mouse and to drops."""

    def __init__(self, parent: QWidget):
        super().__init__(parent)
        self.setObjectName("dropHighlight")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.label = ""
        self.hide()

    def show_at(self, rect: QRect, label: str = "") -> None:
        self.label = label
        self.setGeometry(rect)
        self.show()
        self.raise_()
        self.update()

    def paintEvent(self, event) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        color = self.palette().color(QPalette.ColorRole.Highlight)
        fill = QColor(color)
        fill.setAlpha(45)
        painter.setBrush(fill)
        painter.setPen(QPen(color, 2, Qt.PenStyle.DashLine if self.label else
                            Qt.PenStyle.SolidLine))
        painter.drawRoundedRect(QRectF(self.rect()).adjusted(1.5, 1.5, -1.5, -1.5), 6, 6)
        if self.label:
            font = painter.font()
            font.setBold(True)
            painter.setFont(font)
            painter.setPen(color)
            painter.drawText(self.rect().adjusted(0, 0, 0, -16),
                             Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom,
                             self.label)


class TreeDropHighlight(QObject):
    """Highlights the row of the sources tree a drop of files would go to (a drop on a picset
    goes to its library or cloud, as the model decides) while files are dragged over it."""

    def __init__(self, tree: QAbstractItemView, model: SourcesModel):
        super().__init__(tree)
        self.tree, self.model = tree, model
        self.highlight = DropHighlight(tree.viewport())
        self.target = None  # the QModelIndex highlighted
        tree.viewport().installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        kind = event.type()
        if kind in (QEvent.Type.DragEnter, QEvent.Type.DragMove):
            index = self.model.drop_root(self.tree.indexAt(event.position().toPoint())) if (
                SourcesModel.local_paths(event.mimeData())) else None
            if index is None:
                self.clear()
            else:
                rect = self.tree.visualRect(index)
                self.target = index
                self.highlight.show_at(QRect(0, rect.top(), self.tree.viewport().width(),
                                             rect.height()))
        elif kind in (QEvent.Type.DragLeave, QEvent.Type.Drop):
            self.clear()
        return False  # the tree handles the drag itself

    def clear(self) -> None:
        self.target = None
        self.highlight.hide()


class GridDropTarget(QObject):
    """Makes a grid a drop target while ``label()`` says where a drop goes ("" while the
    place shown takes no photos): highlighted while files are over it, ``dropped(paths)``
    on a drop."""

    def __init__(self, view: QAbstractItemView, label: Callable[[], str],
                 dropped: Callable[[list[Path]], None]):
        super().__init__(view)
        self.view, self.label, self.dropped = view, label, dropped
        self.highlight = DropHighlight(view.viewport())
        view.setAcceptDrops(True)
        view.viewport().setAcceptDrops(True)
        view.viewport().installEventFilter(self)

    def _wanted(self, event) -> str:
        if event.source() is self.view:  # the grid's own photos dragged out of it
            return ""
        return self.label() if SourcesModel.local_paths(event.mimeData()) else ""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        kind = event.type()
        if kind in (QEvent.Type.DragEnter, QEvent.Type.DragMove):
            label = self._wanted(event)
            if not label:
                self.highlight.hide()
                event.ignore()
                return True
            event.setDropAction(Qt.DropAction.CopyAction)
            event.accept()
            if not self.highlight.isVisible():
                self.highlight.show_at(self.view.viewport().rect().adjusted(4, 4, -4, -4),
                                       label)
            return True
        if kind == QEvent.Type.DragLeave:
            self.highlight.hide()
            return True
        if kind == QEvent.Type.Drop:
            self.highlight.hide()
            paths = SourcesModel.local_paths(event.mimeData())
            if self._wanted(event) and paths:
                event.setDropAction(Qt.DropAction.CopyAction)
                event.accept()
                self.dropped(paths)
            else:
                event.ignore()
            return True
        return False
