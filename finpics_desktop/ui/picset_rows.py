"""The picset rows of a root of the sources tree (Library, finpics cloud) brought up to a
listing: linear in the picsets, rows gone and rows new in runs (a first listing of a thousand
picsets is five insertions of 200, between which the window paints, not a thousand, each of
which the tree and the counts react to)."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QStandardItem
from PySide6.QtWidgets import QStyle

from finpics_desktop.app.entries import Entry
from finpics_desktop.app.window.navigation import PEOPLE, UNNAMED
from finpics_desktop.ui.source_nodes import PICSET_NODE, Node, NodeRole

FILL_ROWS = 200  # picset rows made in one go (a few milliseconds; the window paints between)


class PicsetRows:
    """The :class:`~finpics_desktop.ui.sources.SourcesModel`'s picset rows under its roots
    (Library, finpics cloud): listed, found, added while publishing, dropped."""

    def _start_rows(self) -> None:
        self._fill_more = QTimer(self)  # the next rows of a long listing, in the next turn
        self._fill_more.setSingleShot(True)
        self._fill_more.setInterval(0)
        self._fill_more.timeout.connect(self._go_on_filling)

    def _picset_rows(self, root: QStandardItem) -> int:
        """How many rows of ``root`` come before its picsets (People, Unnamed faces: always
        its first rows, so only they are looked at, not the picsets after them)."""
        first = 0
        while first < root.rowCount() and root.child(first).data(NodeRole).kind in (
                PEOPLE, UNNAMED):
            first += 1
        return first

    def picset_ids(self, root: QStandardItem) -> list[str]:
        """The picsets listed under ``root``, in the list's order."""
        return [root.child(r).data(NodeRole).picset
                for r in range(self._picset_rows(root), root.rowCount())]

    def picset_count(self, root: QStandardItem) -> int:
        """How many picsets are listed under ``root`` (their rows not read)."""
        return root.rowCount() - self._picset_rows(root)

    def set_picsets(self, root: QStandardItem, picsets: list[Entry]) -> None:
        """Update in place, newest first: rows that stay keep their selection, and a picset
        being published stays even before its first photo is in the table
        (:func:`~finpics_desktop.ui.picset_rows.update_picset_rows`). A long first listing
        goes in :data:`FILL_ROWS` rows at a time, newest (the rows on screen) first, the window
        painting and answering between."""
        root.data(NodeRole).listing = picsets
        self._fill(root)

    def _fill(self, root: QStandardItem) -> None:
        node = root.data(NodeRole)
        if update_picset_rows(self, root, node.listing, FILL_ROWS):
            node.listing = None
        else:
            self._fill_more.start()

    def _go_on_filling(self) -> None:
        for root in (self.library, self.cloud):
            if root is not None and root.data(NodeRole).listing is not None:
                self._fill(root)

    def _add_picset(self, root, backend, picset: str, title: str, row: int | None = None):
        item = self._picset_item(root, backend, picset, title)
        if row is None:
            root.appendRow(item)
        else:
            root.insertRow(row, [item])
        return item

    def _picset_item(self, root, backend, picset: str, title: str,
                     like: QStandardItem | None = None) -> QStandardItem:
        """A picset's row; ``like``: a picset row to copy the flags and icon of (a thousand
        rows made at once: a copy made by Qt costs a fraction of a row made anew)."""
        node = Node(PICSET_NODE, backend=backend, picset=picset, within=root.data(NodeRole).kind)
        if like is not None:
            item = like.clone()
            item.setText(title)
            item.setData(node, NodeRole)
        else:
            item = self._item(title, node, ("image-x-generic",
                                             QStyle.StandardPixmap.SP_FileDialogContentsView))
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsDropEnabled)  # photos, picsets
        item.setToolTip(f"{title}\nPicset id: {picset} (its number orders the list)")
        return item

    def ensure_picset(self, root: QStandardItem, picset: str, title: str) -> QStandardItem:
        """The picset's row, added in its place (newest first) if it is not there yet."""
        row = self._place_of(root, picset)
        if row < root.rowCount() and root.child(row).data(NodeRole).picset == picset:
            return root.child(row)
        item = self._add_picset(root, root.data(NodeRole).backend, picset, title, row)
        item.data(NodeRole).pending = True
        return item

    def picset_item(self, root: QStandardItem, picset: str) -> QStandardItem | None:
        """The picset's row under ``root``, if listed."""
        row = self._place_of(root, picset)
        item = root.child(row) if row < root.rowCount() else None
        return item if item is not None and item.data(NodeRole).picset == picset else None

    def _place_of(self, root: QStandardItem, picset: str) -> int:
        """The row of ``picset``, or where it would go: the rows are newest first (the
        table's order, :mod:`~finpics_desktop.ui.picset_rows`), so a few rows are read, not a
        thousand (a count arriving for each picset shown)."""
        low, high = self._picset_rows(root), root.rowCount()
        while low < high:
            middle = (low + high) // 2
            if root.child(middle).data(NodeRole).picset > picset:
                low = middle + 1
            else:
                high = middle
        return low

    def drop_picsets(self, root: QStandardItem, gone) -> None:
        """Rows of picsets an action renamed or deleted go at once (the list is listed again
        after, but never shows a picset under its old id beside its new one meanwhile)."""
        for row in reversed(range(self._picset_rows(root), root.rowCount())):
            if root.child(row).data(NodeRole).picset in gone:
                root.removeRow(row)

    def settle(self, root: QStandardItem, picset: str) -> None:
        """Publishing ended: the next refresh shows the picset only if the table has it."""
        for row in range(self._picset_rows(root), root.rowCount()):
            node = root.child(row).data(NodeRole)
            if node.picset == picset:
                node.pending = False


def update_picset_rows(model, root: QStandardItem, picsets: list[Entry], limit: int) -> bool:
    """Update in place, newest first: rows that stay keep their selection, and a picset
    being published stays even before its first photo is in the table. Linear in the
    picsets: rows gone and rows new go and come in runs (an insertion of up to ``limit`` rows,
    not one a row), so the tree is not redrawn row by row. At most ``limit`` rows are made:
    whether the rows are all there (else the same call goes on)."""
    node = root.data(NodeRole)
    first = model._picset_rows(root)
    titles = {e.picset: e.title for e in picsets}
    listed = []  # (picset, its row's Node), in the rows' order
    for row in range(first, root.rowCount()):
        child = root.child(row)
        listed.append(child.data(NodeRole))
        if listed[-1].pending and listed[-1].picset not in titles:
            titles[listed[-1].picset] = child.text()
        elif listed[-1].picset in titles:
            listed[-1].pending = False
    order = sorted(titles, reverse=True)  # the table's sort order, descending
    gone = [row for row, child in enumerate(listed, first) if child.picset not in titles]
    for start, count in reversed(_runs(gone)):
        root.removeRows(start, count)
    staying = [child.picset for child in listed if child.picset in titles]
    kept = set(staying)
    if staying != [p for p in order if p in kept]:  # rows out of order (rare): moved
        _reorder(model, root, first, order, titles)
        return True
    position, new, like, made = first, [], None, 0
    for picset in order + [None]:  # (None: the end, where the last run goes in)
        missing = picset is not None and picset not in kept
        if missing and made < limit:
            new.append(model._picset_item(root, node.backend, picset, titles[picset], like))
            like, made = new[0], made + 1
            continue
        if new:
            root.insertRows(position, new)
            position += len(new)
            new = []
        if missing:
            return False  # (the rest at the next call)
        position += 1
    return True


def _reorder(model, root: QStandardItem, first: int, order: list[str], titles) -> None:
    """The rows put in ``order`` one by one (rows that stay keep their own)."""
    node = root.data(NodeRole)
    for position, picset in enumerate(order, first):
        current = root.child(position) if position < root.rowCount() else None
        if current is not None and current.data(NodeRole).picset == picset:
            continue
        existing = next((r for r in range(position, root.rowCount())
                         if root.child(r).data(NodeRole).picset == picset), None)
        if existing is not None:
            root.insertRow(position, root.takeRow(existing))
        else:
            model._add_picset(root, node.backend, picset, titles[picset], position)


def _runs(rows: list[int]) -> list[tuple[int, int]]:
    """Ascending ``rows`` as runs of consecutive rows: (first, how many)."""
    runs: list[tuple[int, int]] = []
    for row in rows:
        if runs and runs[-1][0] + runs[-1][1] == row:
            runs[-1] = (runs[-1][0], runs[-1][1] + 1)
        else:
            runs.append((row, 1))
    return runs
