"""The picset rows of a root of the sources tree (Library, finpics cloud) brought up to a
listing: linear in the picsets, rows gone and rows new in runs (a first listing of a thousand
picsets is one insertion, not a thousand, each of which the tree and the counts react to)."""

from __future__ import annotations

from PySide6.QtGui import QStandardItem

from finpics_desktop.app.entries import Entry


def update_picset_rows(model, root: QStandardItem, picsets: list[Entry], role: int) -> None:
    """Update in place, newest first: rows that stay keep their selection, and a picset
    being published stays even before its first photo is in the table. Linear in the
    picsets: rows gone and rows new go and come in runs (one insertion of a thousand rows
    for a first listing, not a thousand), so the tree is not redrawn row by row."""
    node = root.data(role)
    first = model._picset_rows(root)
    titles = {e.picset: e.title for e in picsets}
    listed = []  # (picset, its row's Node), in the rows' order
    for row in range(first, root.rowCount()):
        child = root.child(row)
        listed.append(child.data(role))
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
        _reorder(model, root, first, order, titles, role)
        return
    position, new, like = first, [], None
    for picset in order + [None]:  # (None: the end, where the last run goes in)
        if picset is not None and picset not in kept:
            new.append(model._picset_item(root, node.backend, picset, titles[picset], like))
            like = new[0]
            continue
        if new:
            root.insertRows(position, new)
            position += len(new)
            new = []
        position += 1


def _reorder(model, root: QStandardItem, first: int, order: list[str], titles,
             role: int) -> None:
    """The rows put in ``order`` one by one (rows that stay keep their own)."""
    node = root.data(role)
    for position, picset in enumerate(order, first):
        current = root.child(position) if position < root.rowCount() else None
        if current is not None and current.data(role).picset == picset:
            continue
        existing = next((r for r in range(position, root.rowCount())
                         if root.child(r).data(role).picset == picset), None)
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
