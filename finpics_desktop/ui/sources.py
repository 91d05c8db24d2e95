"""The sources tree: *This computer* (folders, expanded lazily off the GUI thread),
*Library* (local picsets) and *finpics cloud* (remote picsets, when AWS is configured), each
album with its *People* and *Unnamed faces* first.
Folders can be dragged out of it; folders and files can be dropped on Library or the cloud."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import QEvent, QMimeData, QModelIndex, Qt, QUrl, Signal
from PySide6.QtGui import QIcon, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QAbstractItemView, QStyle, QTreeView

from finpics_desktop.app.browse import list_subfolders
from finpics_desktop.app.errors import describe_error
from finpics_desktop.app.window.navigation import (
    CLOUD,
    FOLDER,
    GROUP_PLACE,
    IGNORED,
    LIBRARY,
    PEOPLE,
    PERSON_PLACE,
    SIMILAR,
    TOGETHER,
    UNNAMED,
    Place,
)
from finpics_desktop.ports import Backend
from finpics_desktop.ui.icons import shipped_icon
from finpics_desktop.ui.painting import PaintedInOneEntry
from finpics_desktop.ui.picset_rows import PicsetRows
from finpics_desktop.ui.source_nodes import (  # (the tree's own names, here too)
    COMPUTER,
    PICSET_NODE,
    PLACEHOLDER,
    IconRole,
    Node,
    NodeRole,
)
from finpics_desktop.ui.workers import run_task

PHOTOS_MIME = "application/x-finpics-photos"  # {"album", "picset", "names"}: from the grid
PEOPLE_MIME = "application/x-finpics-people"  # {"album", "people"}: person tiles dragged
PICSET_MIME = "application/x-finpics-picset"  # {"album", "picset"}: a picset row dragged
SHIPPED_ICONS = {"folder-pictures": "finpics-library"}  # theme name -> shipped icon's name




class SourcesModel(PicsetRows, QStandardItemModel):
    files_dropped = Signal(list, object)  # paths, target Node (library or cloud)
    photos_dropped = Signal(dict, object, bool)  # PHOTOS_MIME payload, target picset, copy
    picset_dropped = Signal(dict, object, int)  # PICSET_MIME payload, target Node, its index
    folder_listed = Signal(object)  # a folder's subfolders are listed: Path (to watch it)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setHorizontalHeaderLabels(["Sources"])
        self.computer = self._add_root("This computer", Node(COMPUTER), "computer",
                                       QStyle.StandardPixmap.SP_ComputerIcon)
        self.library = self._add_root("Library", Node(LIBRARY), "folder-pictures",
                                      QStyle.StandardPixmap.SP_DriveHDIcon)
        self.cloud: QStandardItem | None = None
        self._style = None
        self._start_rows()

    @staticmethod
    def _icon(theme: str, fallback) -> QIcon:
        """The shipped one of the toolbar's set (in the palette's colours), else the theme's,
        else Qt's style's."""
        from PySide6.QtWidgets import QApplication

        shipped = shipped_icon(SHIPPED_ICONS.get(theme, theme))
        if not shipped.isNull():
            return shipped
        if QIcon.hasThemeIcon(theme):
            return QIcon.fromTheme(theme)
        return QApplication.style().standardIcon(fallback)

    def _add_root(self, text: str, node: Node, theme: str, fallback) -> QStandardItem:
        item = self._item(text, node, (theme, fallback))
        self.appendRow(item)
        return item

    def retint(self) -> None:
        """The palette changed (light <-> dark): every row's icon drawn anew in its colours."""
        todo = [self.invisibleRootItem()]
        while todo:
            parent = todo.pop()
            for row in range(parent.rowCount()):
                child = parent.child(row)
                spec = child.data(IconRole)
                if spec is not None:
                    child.setIcon(self._icon(*spec))
                todo.append(child)

    @classmethod
    def _item(cls, text: str, node: Node, icon: tuple | None = None) -> QStandardItem:
        """A row; ``icon``: (its name, Qt's style's icon if there is none of that name)."""
        item = QStandardItem(text)
        item.setData(node, NodeRole)
        item.setEditable(False)
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if node.kind in (FOLDER, PICSET_NODE):
            flags |= Qt.ItemFlag.ItemIsDragEnabled
        if node.accepts_drops:
            flags |= Qt.ItemFlag.ItemIsDropEnabled
        item.setFlags(flags)
        if icon is not None:
            item.setData(icon, IconRole)
            item.setIcon(cls._icon(*icon))
        return item

    def node(self, index: QModelIndex) -> Node | None:
        return index.data(NodeRole) if index.isValid() else None

    def place(self, index: QModelIndex) -> Place | None:
        node = self.node(index)
        return node.place(index.data()) if node is not None else None

    def item_for(self, place: Place) -> QStandardItem | None:
        """The row showing ``place``: a root, a folder of This computer, or a picset (added in
        its place if it is not listed yet)."""
        if place.kind == SIMILAR:  # (the tree stays where it is: Back returns there)
            return None
        if place.kind == LIBRARY:
            return self.library
        if place.kind == CLOUD:
            return self.cloud
        root = self.library if place.within == LIBRARY else self.cloud
        if place.kind == PICSET_NODE:
            return self.ensure_picset(root, place.picset, place.title) if root else None
        if place.kind in (PEOPLE, UNNAMED, PERSON_PLACE, TOGETHER, GROUP_PLACE, IGNORED) and (
                root is not None):
            kind = UNNAMED if place.kind in (UNNAMED, GROUP_PLACE, IGNORED) else PEOPLE
            return next((root.child(r) for r in range(root.rowCount())
                         if root.child(r).data(NodeRole).kind == kind), None)
        return self._find_folder(self.computer, place.path)

    def _find_folder(self, parent: QStandardItem, path: Path) -> QStandardItem | None:
        for row in range(parent.rowCount()):
            child = parent.child(row)
            node = child.data(NodeRole)
            if node is not None and node.path == path:
                return child
            if node is not None and node.path is not None and node.loaded and (
                    node.path in path.parents):
                return self._find_folder(child, path)
        return None

    # -- This computer ----------------------------------------------------------------------
    def add_folder(self, path: Path, parent: QStandardItem | None = None,
                   at: int | None = None) -> QStandardItem:
        """A folder row with a placeholder child (so it shows an expander until listed), at
        ``at`` (else last)."""
        parent = parent or self.computer
        path = Path(path)
        for row in range(parent.rowCount()):
            node = parent.child(row).data(NodeRole)
            if node is not None and node.path == path:
                return parent.child(row)
        label = str(path) if parent is self.computer else path.name
        item = self._item(label, Node(FOLDER, path=path),
                          ("folder", QStyle.StandardPixmap.SP_DirIcon))
        item.setToolTip(str(path))
        item.appendRow(self._item("…", Node(PLACEHOLDER)))
        parent.insertRow(parent.rowCount() if at is None else at, [item])
        return item

    def remove_place(self, path: Path) -> bool:
        """The place ``path`` leaves This computer (its folder is untouched)."""
        for row in range(self.computer.rowCount()):
            if self.computer.child(row).data(NodeRole).path == Path(path):
                self.computer.removeRow(row)
                return True
        return False

    def expand_folder(self, item: QStandardItem) -> None:
        """List the subfolders off the GUI thread, then replace the placeholder."""
        node: Node = item.data(NodeRole)
        if node is None or node.kind != FOLDER or node.loaded:
            return
        node.loaded = True
        path = node.path

        run_task(lambda: list_subfolders(path), lambda folders: self.set_subfolders(
            item, folders), lambda error: self.cannot_list(item, error))

    def set_subfolders(self, item: QStandardItem, folders: list[Path]) -> None:
        """The folder's rows are its subfolders (listed): rows that stay keep their own
        (expanded, chosen), new ones come in their place, gone ones go."""
        wanted = list(folders)
        for row in reversed(range(item.rowCount())):
            node = item.child(row).data(NodeRole)
            if node is None or node.kind != FOLDER or node.path not in wanted:
                item.removeRow(row)
        for position, folder in enumerate(wanted):
            current = item.child(position)
            if current is None or current.data(NodeRole).path != folder:
                self.add_folder(folder, item, position)
        self.folder_listed.emit(item.data(NodeRole).path)

    def cannot_list(self, item: QStandardItem, error: BaseException) -> None:
        item.removeRows(0, item.rowCount())
        item.appendRow(self._item(f"cannot list: {describe_error(error)}", Node(PLACEHOLDER)))
        self.folder_listed.emit(item.data(NodeRole).path)  # watched: it may come back

    def listed_folders(self, path: Path) -> list[QStandardItem]:
        """The rows of folder ``path`` whose subfolders are listed (it may show twice: as a
        place and inside another)."""
        found, todo = [], [self.computer]
        while todo:
            parent = todo.pop()
            for row in range(parent.rowCount()):
                child = parent.child(row)
                node = child.data(NodeRole)
                if node is not None and node.kind == FOLDER and node.loaded:
                    if node.path == path:
                        found.append(child)
                    todo.append(child)
        return found

    # -- picsets ----------------------------------------------------------------------------
    def set_backend(self, root: QStandardItem, backend: Backend | None,
                    problem: str = "") -> None:
        """The album a root shows, or None and why it is not there."""
        node: Node = root.data(NodeRole)
        if backend is not node.backend:  # another album, or none: nothing of the last stays
            root.removeRows(0, root.rowCount())
            node.listing = None
        node.backend, node.problem = backend, problem
        self._people_rows(root, backend, problem)
        flags = root.flags()
        if backend is not None:
            flags |= Qt.ItemFlag.ItemIsDropEnabled
        else:
            flags &= ~Qt.ItemFlag.ItemIsDropEnabled
        root.setFlags(flags)

    def _people_rows(self, root: QStandardItem, backend: Backend | None, problem: str) -> None:
        """*People* and *Unnamed faces*, the album's first rows (none for an album that is not
        open)."""
        within = root.data(NodeRole).kind
        if backend is None:
            for row in reversed(range(self._picset_rows(root))):
                root.removeRow(row)
            return
        for row, (kind, text, theme, fallback) in enumerate((
                (PEOPLE, "People", "system-users", QStyle.StandardPixmap.SP_DirHomeIcon),
                (UNNAMED, "Unnamed faces", "user-identity",
                 QStyle.StandardPixmap.SP_FileDialogInfoView))):
            child = root.child(row) if row < root.rowCount() else None
            if child is None or child.data(NodeRole).kind != kind:
                child = self._item(text, Node(kind, within=within), (theme, fallback))
                root.insertRow(row, [child])
            node = child.data(NodeRole)
            node.backend, node.problem = backend, problem


    def root_for(self, backend: Backend) -> QStandardItem | None:
        """The root (Library or finpics cloud) showing ``backend``."""
        for root in (self.library, self.cloud):
            if root is not None and root.data(NodeRole).backend is backend:
                return root
        return None

    def show_cloud(self, visible: bool, status: str = "") -> QStandardItem | None:
        if visible and self.cloud is None:
            self.cloud = self._add_root("finpics cloud", Node(CLOUD), "network-server",
                                        QStyle.StandardPixmap.SP_DriveNetIcon)
        elif not visible and self.cloud is not None:
            self.removeRow(self.cloud.row())
            self.cloud = None
        if self.cloud is not None:
            self.cloud.setToolTip(status)
        return self.cloud

    # -- drag and drop ----------------------------------------------------------------------
    def mimeTypes(self):  # noqa: N802
        return ["text/uri-list", PHOTOS_MIME, PICSET_MIME]

    def mimeData(self, indexes):  # noqa: N802
        mime = QMimeData()
        nodes = [n for n in map(self.node, indexes) if n is not None]
        mime.setUrls([QUrl.fromLocalFile(str(n.path)) for n in nodes if n.kind == FOLDER])
        picsets = [n for n in nodes if n.kind == PICSET_NODE and n.backend is not None]
        if picsets:
            mime.setData(PICSET_MIME, json.dumps(
                {"album": picsets[0].backend.identity, "picset": picsets[0].picset}).encode())
        return mime

    def supportedDropActions(self):  # noqa: N802
        return Qt.DropAction.CopyAction | Qt.DropAction.MoveAction

    def supportedDragActions(self):  # noqa: N802
        return Qt.DropAction.CopyAction | Qt.DropAction.MoveAction

    def drop_root(self, index: QModelIndex) -> QModelIndex | None:
        """Where files dropped on ``index`` are published: a picset's row or the rows between
        them count as their root (Library or cloud); None where nothing can be dropped."""
        if (node := self.node(index)) is not None and node.kind == PICSET_NODE:
            index = index.parent()
            node = self.node(index)
        return index if node is not None and node.accepts_drops else None

    def _target(self, row: int, parent: QModelIndex) -> Node | None:
        root = self.drop_root(parent)
        return None if root is None else self.node(root)

    @staticmethod
    def local_paths(mime: QMimeData | None) -> list[Path]:
        return [Path(u.toLocalFile()) for u in mime.urls() if u.isLocalFile()] if (
            mime is not None and mime.hasUrls()) else []

    @staticmethod
    def _payload(mime: QMimeData, kind: str) -> dict | None:
        return json.loads(bytes(mime.data(kind)).decode()) if mime.hasFormat(kind) else None

    def _picset_target(self, row: int, parent: QModelIndex) -> tuple[Node, int] | None:
        """Where a dragged picset lands: a root or a picset row, and its index in the list of
        picsets (the People rows above them are not in it)."""
        node = self.node(parent)
        if node is None or node.backend is None:
            return None
        if node.kind == PICSET_NODE:
            row, parent = parent.row(), parent.parent()
        elif node.kind not in (LIBRARY, CLOUD):
            return None
        first = self._picset_rows(self.itemFromIndex(parent))
        return node, max(row - first, 0)

    def canDropMimeData(self, mime, action, row, column, parent) -> bool:  # noqa: N802
        if mime.hasFormat(PHOTOS_MIME):
            node = self.node(parent)
            return node is not None and node.kind == PICSET_NODE and row < 0
        if mime.hasFormat(PICSET_MIME):
            return self._picset_target(row, parent) is not None
        return bool(self._target(row, parent) and self.local_paths(mime))

    def dropMimeData(self, mime, action, row, column, parent) -> bool:  # noqa: N802
        if (photos := self._payload(mime, PHOTOS_MIME)) is not None:
            node = self.node(parent)
            if node is not None and node.kind == PICSET_NODE:
                self.photos_dropped.emit(photos, node, action == Qt.DropAction.CopyAction)
            return False
        if (picset := self._payload(mime, PICSET_MIME)) is not None:
            target = self._picset_target(row, parent)
            if target is not None:
                node, index = target
                root = self.library if node.within != CLOUD and node.kind != CLOUD else (
                    self.cloud)
                rows = self.picset_ids(root)
                if picset["picset"] in rows and rows.index(picset["picset"]) < index:
                    index -= 1  # its place in the list without it
                self.picset_dropped.emit(picset, node, index)
            return False
        target = self._target(row, parent)
        paths = self.local_paths(mime)
        if target is None or not paths:
            return False
        self.files_dropped.emit(paths, target)
        return False  # nothing is inserted into the tree by the drop itself


class SourcesView(PaintedInOneEntry, QTreeView):
    def __init__(self, model: SourcesModel, parent=None):
        super().__init__(parent)
        self.setModel(model)
        self.setHeaderHidden(True)
        self.setUniformRowHeights(True)
        self.setDragEnabled(True)
        self.setAcceptDrops(True)
        self.setDropIndicatorShown(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.setDefaultDropAction(Qt.DropAction.CopyAction)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.expanded.connect(lambda index: model.expand_folder(model.itemFromIndex(index)))

    def changeEvent(self, event) -> None:  # noqa: N802
        if event.type() == QEvent.Type.PaletteChange:  # light <-> dark: icons drawn anew
            self.model().retint()
        super().changeEvent(event)
