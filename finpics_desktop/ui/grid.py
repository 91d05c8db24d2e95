"""The thumbnail grid: a virtualised ``QListView`` over a ``QAbstractListModel``; only the
cells on screen ask for thumbnails, which arrive from :class:`ThumbnailLoader`. Headings
(a page's title, a section's heading) span the grid's width between the tiles, never chosen:
the arrow keys go across them from one section to the next."""

from __future__ import annotations

import json
from collections.abc import Callable

from PySide6.QtCore import (
    QAbstractListModel,
    QMimeData,
    QModelIndex,
    QPoint,
    QRectF,
    QSize,
    QSizeF,
    Qt,
    QTimer,
    QUrl,
    Signal,
)
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPalette, QPen, QPixmap
from PySide6.QtWidgets import QAbstractItemView, QListView, QStyle, QStyledItemDelegate

from finpics_desktop.app.entries import (
    FACE,
    FILE,
    GROUP,
    HEADING,
    PERSON,
    PHOTO,
    PICSET,
    Entry,
)
from finpics_desktop.app.window.people_places import MAYBE_SECTION, SUGGESTED
from finpics_desktop.domain.bands import MAYBE
from finpics_desktop.ui.focus import paint_focus
from finpics_desktop.ui.painting import PaintedInOneEntry
from finpics_desktop.ui.sources import PEOPLE_MIME, PHOTOS_MIME
from finpics_desktop.ui.thumbs import ThumbnailLoader

EntryRole = Qt.ItemDataRole.UserRole + 1
ImageRole = Qt.ItemDataRole.UserRole + 2
BrokenRole = Qt.ItemDataRole.UserRole + 3
CELL_SIZES = (96, 120, 160, 220, 280)  # the stops of zoom in / out (+, -, Ctrl+wheel)
CELL_MIN, CELL_MAX = CELL_SIZES[0], CELL_SIZES[-1]  # the thumbnail-size slider's range
CELL_DEFAULT = 160
# cells laid out per pass of the event loop when a page has headings (each asks Python for its
# size: one turn of the GIL each, up to 1 ms while a listing thread runs Python)
BATCH = 40


class GridModel(QAbstractListModel):
    def __init__(self, loader: ThumbnailLoader, parent=None):
        super().__init__(parent)
        self.loader = loader
        self.entries: list[Entry] = []
        self.headings = False  # whether any entry is a heading (cells then lay out one by one)
        self._rows: dict[str, list[int]] = {}
        self._ready_rows: set[int] = set()
        self._flush = QTimer(self)
        self._flush.setSingleShot(True)
        self._flush.setInterval(16)
        self._flush.timeout.connect(self._flush_ready)
        loader.ready.connect(self.on_thumbnail_ready)
        # a place listed a page at a time: whether a next page is to come, and asking for it
        self.can_fetch_more: Callable[[], bool] = lambda: False
        self.fetch_more: Callable[[], None] = lambda: None

    def set_entries(self, entries: list[Entry]) -> None:
        self.beginResetModel()
        self.entries = list(entries)
        self._reindex()
        self.endResetModel()

    def append(self, entries: list[Entry]) -> None:
        """The next page of a place listed a page at a time, at the end."""
        if entries:
            self.beginInsertRows(QModelIndex(), len(self.entries),
                                 len(self.entries) + len(entries) - 1)
            self.entries.extend(entries)
            self._reindex()
            self.endInsertRows()

    def canFetchMore(self, parent=QModelIndex()) -> bool:  # noqa: B008, N802
        return not parent.isValid() and self.can_fetch_more()

    def fetchMore(self, parent=QModelIndex()) -> None:  # noqa: B008, N802
        if not parent.isValid():
            self.fetch_more()

    def insert(self, row: int, entry: Entry) -> None:
        self.beginInsertRows(QModelIndex(), row, row)
        self.entries.insert(row, entry)
        self._reindex()
        self.endInsertRows()

    def _reindex(self) -> None:
        self.headings = any(e.kind == HEADING for e in self.entries)
        self._rows = {}
        for row, entry in enumerate(self.entries):
            self._rows.setdefault(entry.key, []).append(row)

    def thumbnail(self, row: int):
        """The row's thumbnail if in memory (requested otherwise); None until it is."""
        return self.loader.image(self.entries[row])

    def row_of(self, predicate) -> int:
        return next((r for r, e in enumerate(self.entries) if predicate(e)), -1)

    def is_tile(self, row: int) -> bool:
        """A cell that can be chosen (not a heading)."""
        return 0 <= row < len(self.entries) and self.entries[row].kind != HEADING

    # -- the model API ----------------------------------------------------------------------
    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.entries)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or index.row() >= len(self.entries):
            return None
        entry = self.entries[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return entry.title
        if role == ImageRole:
            return self.loader.image(entry)
        if role == EntryRole:
            return entry
        if role == BrokenRole:
            return self.loader.broken(entry)
        if role == Qt.ItemDataRole.ToolTipRole:
            broken = self.loader.broken(entry)
            text = entry.label
            if entry.kind == PICSET:
                text = f"{entry.title}\nPicset id: {entry.picset}"
            elif entry.faces:
                text += f"\n{len(entry.faces)} face(s)"
            if entry.note:  # (near-duplicates: why this one is the best)
                text += f"\n{entry.note}"
            return f"{text}\n{broken}" if broken else text
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return entry.title
        return None

    def flags(self, index):
        if index.isValid() and self.entries[index.row()].kind == HEADING:
            return Qt.ItemFlag.NoItemFlags  # never chosen; the keys go past it
        flags = super().flags(index)
        kind = self.entries[index.row()].kind if index.isValid() else ""
        if kind in (FILE, PHOTO, PERSON):
            flags |= Qt.ItemFlag.ItemIsDragEnabled
        elif kind == GROUP:  # a name is typed right on the tile
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def mimeTypes(self):  # noqa: N802
        return ["text/uri-list", PHOTOS_MIME, PEOPLE_MIME]

    def mimeData(self, indexes):  # noqa: N802
        mime = QMimeData()
        entries = [self.entries[i.row()] for i in sorted(indexes, key=lambda i: i.row())]
        mime.setUrls([QUrl.fromLocalFile(str(e.path)) for e in entries if e.kind == FILE])
        photos = [e for e in entries if e.kind == PHOTO and e.backend is not None]
        if photos:  # published photos: dropped on a picset they move (with Ctrl, a copy)
            mime.setData(PHOTOS_MIME, json.dumps({
                "album": photos[0].backend.identity, "picset": photos[0].picset,
                "names": [e.name for e in photos if e.picset == photos[0].picset]}).encode())
        people = [e for e in entries if e.kind == PERSON and e.backend is not None]
        if people:  # a person dropped on another: merged into them (asked first)
            mime.setData(PEOPLE_MIME, json.dumps({"album": people[0].backend.identity,
                                                  "people": [e.person for e in people]}).encode())
        return mime

    def supportedDragActions(self):  # noqa: N802
        return Qt.DropAction.CopyAction | Qt.DropAction.MoveAction

    def on_thumbnail_ready(self, keys: list[str]) -> None:
        """Thumbnails arriving together are repainted together, once per frame."""
        for key in keys:
            self._ready_rows.update(self._rows.get(key, ()))
        if self._ready_rows and not self._flush.isActive():
            self._flush.start()

    def _flush_ready(self) -> None:
        rows, self._ready_rows = self._ready_rows, set()
        rows = [r for r in rows if r < len(self.entries)]
        if rows:
            self.dataChanged.emit(self.index(min(rows)), self.index(max(rows)), [ImageRole])


class GridDelegate(QStyledItemDelegate):
    """Thumbnail centred in its square, the title elided below; a search result's matched
    face is outlined on its thumbnail."""

    def __init__(self, view: GridView):
        super().__init__(view)
        self.view = view
        self._placeholder_key: tuple | None = None
        self._placeholder_pixmap = QPixmap()

    def sizeHint(self, option, index) -> QSize:  # noqa: N802
        model = index.model()
        if isinstance(model, GridModel) and index.row() < len(model.entries) and (
                model.entries[index.row()].kind == HEADING):
            return self.view.heading_size(model.entries[index.row()].level)
        return self.view.cell_size()

    def paint(self, painter: QPainter, option, index) -> None:
        # Straight to the model, not index.data(): PySide6 6.12 on Python 3.11 drops a
        # reference to None each time an invalid QVariant comes back to Python, which ends
        # in "deallocating None" after enough paints of cells without a thumbnail yet.
        model = index.model()
        if not isinstance(model, GridModel) or index.row() >= len(model.entries):
            return
        entry = model.entries[index.row()]
        if entry.kind == HEADING:
            return self._paint_heading(painter, option, entry)
        palette = option.palette
        rect = option.rect.adjusted(4, 4, -4, -4)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        if selected:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(palette.color(QPalette.ColorRole.Highlight))
            painter.drawRoundedRect(QRectF(rect), 6, 6)
        text_h = option.fontMetrics.height() + 6
        area = QRectF(rect.adjusted(6, 6, -6, -text_h))
        image = model.loader.image(entry)
        if image is not None and not image.isNull():
            scale = min(area.width() / image.width(), area.height() / image.height())
            w, h = image.width() * scale, image.height() * scale
            target = QRectF(area.center().x() - w / 2, area.center().y() - h / 2, w, h)
            painter.drawImage(target, image)
            if entry.kind == FACE:  # a face cut from its photo: unsure ones look apart
                self._paint_face(painter, entry, target)
            else:
                self._paint_match(painter, entry, target, palette)
        else:
            side = min(area.width(), area.height())
            box = QRectF(area.center().x() - side / 2, area.center().y() - side * 0.375,
                         side, side * 0.75)
            painter.drawPixmap(box.topLeft(), self._placeholder(box.size(), palette))
            broken = model.loader.broken(entry)
            if broken or (entry.kind == PICSET and not entry.name):
                painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
                painter.drawText(box, Qt.AlignmentFlag.AlignCenter,
                                 "cannot show" if broken else "empty")
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        painter.setPen(palette.color(role))
        text_rect = rect.adjusted(4, rect.height() - text_h, -4, -2)
        text = option.fontMetrics.elidedText(self.caption(entry), Qt.TextElideMode.ElideMiddle,
                                             text_rect.width())
        painter.drawText(text_rect, Qt.AlignmentFlag.AlignCenter, text)
        painter.restore()
        paint_focus(painter, option, rect, 6)  # where the keyboard is

    def caption(self, entry: Entry) -> str:
        """The text under the thumbnail."""
        return entry.title

    def _placeholder(self, size: QSizeF, palette) -> QPixmap:
        """The grey rounded box of a cell waiting for its thumbnail, drawn once per size and
        palette (antialiased rounded corners cost ~0.1 ms a cell, in every frame of a scroll)."""
        color = palette.color(QPalette.ColorRole.Mid)
        color.setAlpha(60)
        ratio = self.view.devicePixelRatioF()
        key = (round(size.width()), round(size.height()), color.rgba(), ratio)
        if self._placeholder_key != key:
            pixmap = QPixmap(round(key[0] * ratio), round(key[1] * ratio))
            pixmap.setDevicePixelRatio(ratio)
            pixmap.fill(Qt.GlobalColor.transparent)
            p = QPainter(pixmap)
            p.setRenderHint(QPainter.RenderHint.Antialiasing)
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(color)
            p.drawRoundedRect(QRectF(0, 0, key[0], key[1]), 4, 4)
            p.end()
            self._placeholder_key, self._placeholder_pixmap = key, pixmap
        return self._placeholder_pixmap

    @staticmethod
    def _paint_heading(painter: QPainter, option, entry: Entry) -> None:
        """A page's title, large; a section's heading, bold over a rule (solid green for the
        sure proposals, dashed amber for the maybes: as their tiles are outlined)."""
        painter.save()
        font = option.font
        font.setBold(True)
        if entry.level == 1:
            font.setPointSizeF(font.pointSizeF() * 1.5)
        painter.setFont(font)
        rect = option.rect.adjusted(8, 2, -8, -4)
        active = QPalette.ColorGroup.Active  # not greyed: a heading is never chosen, not off
        painter.setPen(option.palette.color(active, QPalette.ColorRole.Text))
        text = QFontMetrics(font).elidedText(entry.title, Qt.TextElideMode.ElideRight,
                                             rect.width())
        painter.drawText(rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom, text)
        if entry.level > 1:
            colour, style = ((QColor(80, 200, 120), Qt.PenStyle.SolidLine)
                             if entry.section == SUGGESTED else
                             (QColor(230, 160, 40), Qt.PenStyle.DashLine)
                             if entry.section == MAYBE_SECTION else
                             (option.palette.color(active, QPalette.ColorRole.Mid),
                              Qt.PenStyle.SolidLine))
            painter.setPen(QPen(colour, 2, style))
            painter.drawLine(rect.left(), rect.bottom() + 2, rect.right(), rect.bottom() + 2)
        painter.restore()

    @staticmethod
    def _paint_face(painter: QPainter, entry: Entry, target: QRectF) -> None:
        if entry.sure is None:
            return
        color = QColor(80, 200, 120) if entry.sure else QColor(230, 160, 40)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(QPen(color, 3, Qt.PenStyle.SolidLine if entry.sure
                            else Qt.PenStyle.DashLine))
        painter.drawRect(target.adjusted(1, 1, -1, -1))

    @staticmethod
    def _paint_match(painter: QPainter, entry: Entry, target: QRectF, palette) -> None:
        if entry.best:  # the best of its near-duplicates: outlined green, as what is kept
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.setPen(QPen(QColor(80, 200, 120), 3))
            painter.drawRect(target.adjusted(1, 1, -1, -1))
        if entry.band == MAYBE:  # a maybe of a search: dashed, as an unsure proposal
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.setPen(QPen(QColor(230, 160, 40), 3, Qt.PenStyle.DashLine))
            painter.drawRect(target.adjusted(1, 1, -1, -1))
        if not entry.matched_face_id:
            return
        for face_id, box in entry.face_boxes():
            if face_id == entry.matched_face_id:
                pen = QPen(QColor(255, 196, 0), 2)
                painter.setPen(pen)
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawRect(QRectF(target.x() + box["Left"] * target.width(),
                                        target.y() + box["Top"] * target.height(),
                                        box["Width"] * target.width(),
                                        box["Height"] * target.height()))


class GridView(PaintedInOneEntry, QListView):
    """Icon mode: uniform cells wrapping left to right; Enter / double click activates. (List
    mode with wrapping lays out a little faster but lays everything out again on each
    ``dataChanged``: ~30 ms per thumbnail with 10,000 photos.)"""

    zoomed = Signal(int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setMovement(QListView.Movement.Static)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setFlow(QListView.Flow.LeftToRight)
        self.setWrapping(True)
        self.setUniformItemSizes(True)
        self.setLayoutMode(QListView.LayoutMode.Batched)
        self.setBatchSize(BATCH)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setDragEnabled(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)

        self.setSpacing(0)
        self.setItemDelegate(GridDelegate(self))
        self.cell = CELL_DEFAULT
        self._apply_cell()

    def setModel(self, model) -> None:  # noqa: N802
        super().setModel(model)
        if isinstance(model, GridModel):  # headings or not: the layout to go with it
            model.modelReset.connect(self._apply_cell)
            model.rowsInserted.connect(self._apply_cell)

    def cell_size(self) -> QSize:
        return QSize(self.cell, self.cell + self.fontMetrics().height() + 10)

    def heading_size(self, level: int) -> QSize:
        """A heading spans the grid's width: the cells after it start a new row."""
        lines = 2.4 if level == 1 else 1.9
        return QSize(max(self.cell, self.viewport().width() - 1),
                     round(self.fontMetrics().height() * lines))

    def moveCursor(self, action, modifiers):  # noqa: N802
        """As QListView's, but never onto a heading (Home, End, Page Up or Down may land on
        one: the nearest tile past it, in the direction of the move)."""
        index = super().moveCursor(action, modifiers)
        model = self.model()
        if not isinstance(model, GridModel) or not model.headings or not index.isValid() or (
                model.is_tile(index.row())):
            return index
        back = action in (self.CursorAction.MoveUp, self.CursorAction.MoveLeft,
                          self.CursorAction.MovePageUp, self.CursorAction.MovePrevious,
                          self.CursorAction.MoveEnd)
        rows = range(len(model.entries))
        ahead = [r for r in (reversed(rows[:index.row()]) if back else rows[index.row():])
                 if model.is_tile(r)]
        behind = [r for r in (rows[index.row():] if back else reversed(rows[:index.row()]))
                  if model.is_tile(r)]
        row = next(iter(ahead or behind), -1)
        return model.index(row) if row >= 0 else self.currentIndex()

    def startDrag(self, supported) -> None:  # noqa: N802
        """Files of this computer are only ever copied (to the file manager, or published);
        published photos dropped on a picset move there, or with Ctrl are copied."""
        entries = [self.model().entries[i.row()] for i in self.selectedIndexes()]
        files = any(e.kind == FILE for e in entries)
        self.setDefaultDropAction(Qt.DropAction.CopyAction if files else Qt.DropAction.MoveAction)
        super().startDrag(Qt.DropAction.CopyAction if files else supported)

    def _apply_cell(self, *_) -> None:
        """Uniform cells on a grid; with headings (as wide as the grid), each cell is laid out
        by its own size (the same for every tile)."""
        model = self.model()
        headings = isinstance(model, GridModel) and model.headings
        self.setUniformItemSizes(not headings)
        self.setGridSize(QSize() if headings else self.cell_size())
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff if headings
                                          else Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.verticalScrollBar().setSingleStep(self.cell // 4)

    def zoom(self, step: int) -> None:
        """To the next stop up (``step`` > 0) or down from the cell size shown."""
        if step > 0:
            self.set_cell(next((c for c in CELL_SIZES if c > self.cell), CELL_MAX))
        elif step < 0:
            self.set_cell(next((c for c in reversed(CELL_SIZES) if c < self.cell), CELL_MIN))

    def set_cell(self, size: int) -> None:
        """Any size from CELL_MIN to CELL_MAX (the slider's); emits ``zoomed`` if it changed."""
        size = max(CELL_MIN, min(CELL_MAX, int(size)))
        if size != self.cell:
            self.cell = size
            self._apply_cell()
            if not self.gridSize().isValid():  # cells laid out by their sizes: again
                self.scheduleDelayedItemsLayout()
            self.zoomed.emit(self.cell)

    def wheelEvent(self, event) -> None:  # noqa: N802
        """Ctrl+wheel zooms (one stop per notch); the wheel alone scrolls."""
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            delta = event.angleDelta().y()
            if delta:
                self.zoom(1 if delta > 0 else -1)
            event.accept()
            return
        super().wheelEvent(event)

    def cells_per_screen(self) -> int:
        """How many cells a screen shows (before the window is first shown, at most as many
        as its whole size would: the first place is listed while it is being made)."""
        grid = self.cell_size()
        area = self.viewport().size() if self.isVisible() else self.window().size()
        columns = max(1, area.width() // max(1, grid.width()))
        rows = -(-area.height() // max(1, grid.height()))  # a partly shown row counts
        return columns * rows

    def visible_rows(self) -> range:
        """The rows whose cells intersect the viewport (a few dozen ``visualRect`` calls); none
        before the grid has laid them out (its layout is batched: a cell not laid out yet has
        no place, so it is not on screen)."""
        model = self.model()
        if model is None or model.rowCount() == 0:
            return range(0)
        area = self.viewport().rect()
        first = self.indexAt(area.topLeft() + QPoint(4, 4))
        start = first.row() if first.isValid() else 0
        stop = start
        while stop < model.rowCount():
            rect = self.visualRect(model.index(stop, 0))
            if not rect.isValid() or rect.top() > area.bottom():
                break
            stop += 1
        return range(start, stop)
