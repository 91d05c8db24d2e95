"""The album tree of a lifetime's album: a thousand picsets listed into it in runs (a first
listing in runs of FILL_ROWS, the window painting between, the newest first), updated in place
without losing the rows that stay."""

from __future__ import annotations

import sys

from PySide6.QtCore import Qt

from finpics_desktop.app.entries import PICSET, Entry
from finpics_desktop.ui.picset_rows import FILL_ROWS
from finpics_desktop.ui.sources import IconRole, NodeRole, SourcesModel


def picsets(numbers) -> list[Entry]:
    return [Entry(PICSET, f"Set {n}", picset=f"{n:04d}_set_{n}") for n in numbers]


def listed(model: SourcesModel) -> list[str]:
    return model.picset_ids(model.library)


def fill(qtbot, model: SourcesModel, root, entries: list[Entry]) -> None:
    model.set_picsets(root, entries)
    qtbot.waitUntil(lambda: root.data(NodeRole).listing is None)


def tree(qtbot, library):
    model = SourcesModel()
    model.set_backend(model.library, library)
    inserted = []
    model.rowsInserted.connect(lambda parent, first, last: inserted.append(last - first + 1))
    return model, inserted


def test_a_thousand_picsets_go_in_a_few_runs_the_newest_first(qtbot, library):
    model, inserted = tree(qtbot, library)
    model.set_picsets(model.library, picsets(range(1, 1001)))
    newest = [f"{n:04d}_set_{n}" for n in range(1000, 0, -1)]
    assert listed(model) == newest[:FILL_ROWS]  # (the rows on screen, before the next paint)
    assert model.picset_count(model.library) == FILL_ROWS
    qtbot.waitUntil(lambda: model.picset_count(model.library) == 1000)
    assert listed(model) == newest
    assert inserted == [FILL_ROWS] * (1000 // FILL_ROWS)  # runs, not a thousand insertions
    root = model.library
    assert [root.child(r).data(NodeRole).kind for r in range(2)] == ["people", "unnamed"]
    assert root.child(2).text() == "Set 1000"
    for row in (2, 1001):  # every row a picset's: its icon, droppable, its own node
        item = root.child(row)
        assert not item.icon().isNull() and item.data(IconRole)[0] == "image-x-generic"
        assert item.flags() & Qt.ItemFlag.ItemIsDropEnabled
        assert "Picset id: " + item.data(NodeRole).picset in item.toolTip()
    assert root.child(2).data(NodeRole) is not root.child(3).data(NodeRole)


def test_an_update_keeps_the_rows_that_stay(qtbot, library):
    model, inserted = tree(qtbot, library)
    root = model.library
    fill(qtbot, model, root, picsets(range(1, 1001)))
    stays = {root.child(r).data(NodeRole).picset: root.child(r) for r in range(2, 1002)}
    pending = model.ensure_picset(root, "1500_new", "being published")
    inserted.clear()
    wanted = [n for n in range(1, 1004) if n % 100 != 7]  # 10 gone, 3 new at the top
    model.set_picsets(root, picsets(wanted))
    assert listed(model) == ["1500_new"] + [f"{n:04d}_set_{n}" for n in reversed(wanted)]
    assert inserted == [3]  # the new ones in one run
    for row in range(6, root.rowCount()):  # the same rows (chosen, expanded stay so)
        item = root.child(row)
        assert stays[item.data(NodeRole).picset] is item
    assert model.item_for(pending.data(NodeRole).place()) is pending  # pending stays
    model.settle(root, "1500_new")
    model.set_picsets(root, picsets(wanted))
    assert "1500_new" not in listed(model)


def test_rows_out_of_order_are_put_in_order(qtbot, library):
    model, _ = tree(qtbot, library)
    root = model.library
    model.set_picsets(root, picsets(range(1, 51)))
    moved = root.takeRow(root.rowCount() - 1)  # the oldest, put first
    root.insertRow(2, moved)
    model.set_picsets(root, picsets(range(1, 53)))
    assert listed(model) == [f"{n:04d}_set_{n}" for n in range(52, 0, -1)]
    assert root.child(root.rowCount() - 1) is moved[0]


def test_a_thousand_rows_shown_ask_the_interpreter_nothing_for_their_icons(qtbot, library,
                                                                         monkeypatch):
    """A tree of a thousand picsets shown asks each row's icon whether it is null and its
    size; an icon drawn by Python (the shipped SVGs in the palette's colours) answered each
    through the interpreter -- a thousand waits for it while listings ran -- so the icons are
    Qt's own (its SVG engine); and a count arriving finds its row by halving."""
    from PySide6.QtWidgets import QTreeView

    asked = []

    def profile(frame, event, arg):  # (any Python of the icons' module, called by Qt or not)
        if event == "call" and frame.f_code.co_filename.endswith("icons.py"):
            asked.append(frame.f_code.co_name)

    model, _ = tree(qtbot, library)
    view = QTreeView()
    qtbot.addWidget(view)
    view.setUniformRowHeights(True)
    view.setModel(model)
    view.expandAll()
    view.resize(300, 600)
    view.show()
    qtbot.waitExposed(view)
    fill(qtbot, model, model.library, picsets(range(1, 1001)))
    sys.setprofile(profile)
    try:
        view.resizeColumnToContents(0)  # (every row's size asked)
        view.viewport().repaint()
    finally:
        sys.setprofile(None)
    assert asked == [], f"{len(asked)} questions to the interpreter for icons"
    assert model.picset_item(model.library, "0500_set_500").text() == "Set 500"
    assert model.picset_item(model.library, "0500_set_501") is None
