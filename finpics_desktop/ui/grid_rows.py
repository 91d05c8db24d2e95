"""The grid's rows changed in place rather than listed again: faces named or ignored on a page
leave it row by row, so that the grid stays where it was scrolled (*Unnamed faces*: tens of
thousands of tiles, a page at a time), and the keyboard goes on with the tile that took the
place of the one chosen (:func:`taking_place`), as in digiKam's and Lightroom's grids."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex

from finpics_desktop.app.entries import GROUP, HEADING, Entry
from finpics_desktop.ui.grid import GridModel


def shrink_to(model: GridModel, entries: list[Entry]) -> bool:
    """Show ``entries`` -- those shown less some, a heading recounted, a group's tile with
    fewer faces -- by removing the rows
    that left (the grid stays where it was scrolled); False (nothing done) if they are not
    that."""
    old, rows, j = model.entries, [], 0
    for i, entry in enumerate(old):
        if j < len(entries) and same_cell(entry, entries[j]):
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


def same_cell(old: Entry, new: Entry) -> bool:
    """Whether ``new`` shows in the cell of ``old``: the same entry, a heading recounted, or a
    group's tile with some of its faces gone (named, ignored)."""
    return new is old or (old.kind == new.kind and (
        (old.kind == HEADING and old.section == new.section)
        or (old.kind == GROUP and old.group == new.group and old.backend is new.backend)))


def taking_place(old: list[Entry], new: list[Entry], current: int,
                 chosen: list[int]) -> Entry | None:
    """Once the grid's ``old`` entries became ``new`` (tiles left in place): when the tile at
    ``current`` left, the tile that took its place -- the first one after the last of the
    tiles chosen (rows ``chosen``, with ``current``) that left, else the last one before the
    first of them. None when the current tile stayed, or no tile is left."""
    kept = dict(_kept_rows(old, new))
    if not 0 <= current < len(old) or current in kept:
        return None
    gone = sorted(r for r in {current, *chosen} if 0 <= r < len(old) and r not in kept)
    after = next((kept[r] for r in range(gone[-1] + 1, len(old))
                  if r in kept and kept[r].kind != HEADING), None)
    return after or next((kept[r] for r in range(gone[0] - 1, -1, -1)
                          if r in kept and kept[r].kind != HEADING), None)


def _kept_rows(old: list[Entry], new: list[Entry]):
    """(row of ``old``, its entry in ``new``) for each cell kept."""
    j = 0
    for row, entry in enumerate(old):
        if j < len(new) and same_cell(entry, new[j]):
            yield row, new[j]
            j += 1
