"""The count of photos beside each picset in the sources tree: asked (through
:class:`~finpics_desktop.app.counts.PicsetCounts`) only for the rows on screen, after the tree
settles (expanded, scrolled, listed), never on the GUI thread; drawn right-aligned in the
palette's placeholder colour by a delegate. A count is asked again once an operation says it
changed the picset (:meth:`PicsetCountsController.on_changes`)."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QTreeView

from finpics_desktop.app.album import Album, Albums
from finpics_desktop.app.changes import Changes
from finpics_desktop.app.counts import PicsetCounts
from finpics_desktop.app.window.navigation import PICSET_PLACE, GridChanged, Navigation, PhotoAdded
from finpics_desktop.ports import Backend
from finpics_desktop.ui.focus import paint_focus
from finpics_desktop.ui.sources import PICSET_NODE, SourcesModel
from finpics_desktop.ui.workers import run_task

CountRole = Qt.ItemDataRole.UserRole + 20


class PicsetCountDelegate(QStyledItemDelegate):
    def paint(self, painter, option, index) -> None:
        count = index.data(CountRole)
        if count is None:
            super().paint(painter, option, index)
            paint_focus(painter, option, radius=2)
            return
        text = f"{count:,}"
        width = option.fontMetrics.horizontalAdvance(text) + 12
        narrowed = QStyleOptionViewItem(option)
        narrowed.rect = option.rect.adjusted(0, 0, -width, 0)
        super().paint(painter, narrowed, index)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        if selected:  # the selection's band goes on under the count
            painter.fillRect(option.rect.adjusted(option.rect.width() - width, 0, 0, 0),
                             option.palette.color(QPalette.ColorRole.Highlight))
        painter.save()
        painter.setPen(option.palette.color(
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.PlaceholderText))
        painter.drawText(option.rect.adjusted(0, 0, -6, 0),
                         Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, text)
        painter.restore()
        paint_focus(painter, option, radius=2)


class PicsetCountsController:
    def __init__(self, tree: QTreeView, sources: SourcesModel, nav: Navigation,
                 albums: Albums):
        self.tree, self.sources, self.nav, self.albums = tree, sources, nav, albums
        self.counts = PicsetCounts(run_task, self.on_count)
        tree.setItemDelegate(PicsetCountDelegate(tree))
        self._timer = QTimer(tree)
        self._timer.setSingleShot(True)
        self._timer.setInterval(150)  # after the tree settles: a scroll asks once
        self._timer.timeout.connect(self.count_visible)
        for signal in (tree.expanded, tree.verticalScrollBar().valueChanged,
                       sources.rowsInserted, sources.modelReset):
            signal.connect(lambda *_: self._timer.start())
        tree.destroyed.connect(self.counts.close)  # a count arriving later finds no tree
        nav.listen(self.on_nav)

    def count_visible(self) -> None:
        viewport = self.tree.viewport()
        y = 0
        while y < viewport.height():
            index = self.tree.indexAt(QPoint(4, y))
            if not index.isValid():
                break
            node = self.sources.node(index)
            album = self.albums.of(node.backend) if node is not None else None
            if album is not None and node.kind == PICSET_NODE and not node.pending:
                self.counts.want(album, node.picset)
            y = self.tree.visualRect(index).bottom() + 1

    def on_count(self, album: Album, picset: str, count: int) -> None:
        root = self.sources.root_for(album.backend)
        if root is None:
            return
        item = self.sources.picset_item(root, picset)
        if item is not None and item.data(CountRole) != count:
            item.setData(count, CountRole)
            item.setToolTip(f"{picset}\n{count} photo{'s' if count != 1 else ''}")

    def on_nav(self, event) -> None:
        """A picset listed (or a photo published into it) on screen: its count is known."""
        loc = self.nav.location
        album = self.albums.of(loc.backend) if loc is not None else None
        if isinstance(event, GridChanged | PhotoAdded) and album is not None and (
                loc.kind == PICSET_PLACE):
            self.counts.known(album, loc.picset, len(self.nav.entries))

    def forget(self, backend: Backend | None, picset: str | None = None) -> None:
        """Counts that may have changed (F5): asked again when on screen."""
        album = self.albums.of(backend)
        if album is not None:
            self.counts.forget(album, picset)
            self._timer.start()

    def on_changes(self, changes: Changes) -> None:
        """An operation changed these picsets: their counts are asked again (every count of
        the album when any may have changed)."""
        album = self.albums.by_key(changes.album)
        if album is None:
            return
        picsets = changes.picsets | changes.removed | {p for pair in changes.renamed for p in pair}
        if changes.everything:
            self.counts.forget(album)
        for picset in picsets:
            self.counts.forget(album, picset)
        if changes.everything or picsets:  # (a naming changes no count: nothing to ask)
            self._timer.start()
