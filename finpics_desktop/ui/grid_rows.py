"""The grid's rows changed in place rather than listed again: faces named or ignored on a page
leave it row by row, so that the grid stays where it was scrolled (*Unnamed faces*: tens of
thousands of tiles, a page at a time)."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex

from finpics_desktop.app.entries import HEADING, Entry
from finpics_desktop.ui.grid import GridModel


def shrink_to(model: GridModel, entries: list[Entry]) -> bool:
    """Show ``entries`` -- those shown less some, a heading recounted -- by removing the rows
    that left (the grid stays where it was scrolled); False (nothing done) if they are not
    that."""
    old, rows, j = model.entries, [], 0
    for i, entry in enumerate(old):
        if j < len(entries) and (entries[j] is entry or (
                entry.kind == HEADING == entries[j].kind and entries[j].section == entry.section)):
            rows.append(i)
            j += 1
    if j != len(entries):
        return False
    replaced = {id(new) for row, new in zip(rows, entries, strict=True) if old[row] is not new}
    for row, new in zip(rows, entries, strict=True):
        old[row] = new  # (a heading recounted)
    kept = set(rows)
    runs: list[list[int]] = []
    for row in reversed(range(len(old))):  # bottom up: each run's rows are still where they were
        if row in kept:
            continue
        if runs and runs[-1][0] == row + 1:
            runs[-1][0] = row
        else:
            runs.append([row, row])
    for first, last in runs:
        model.beginRemoveRows(QModelIndex(), first, last)
        del old[first:last + 1]
        model.endRemoveRows()
    model._reindex()  # noqa: SLF001 - the model's own bookkeeping
    for row, entry in enumerate(model.entries):
        if id(entry) in replaced:
            model.dataChanged.emit(model.index(row), model.index(row))
    return True
