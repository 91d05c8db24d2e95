"""Tiles that leave the grid in place -- a group named on its tile (F2, a name, Enter), faces
ignored (I), proposals answered on a person's page (Y / N) -- hand the keyboard to the tile that
took their place, as digiKam's and Lightroom's grids do: the next tile (the one before only when
the last tile left), chosen alone, so the next key goes to it. Real widgets offscreen, the real
engine on faces/ and lfw10/ (Unnamed faces a few tiles a page, so that paging is in play)."""

from __future__ import annotations

import pytest
import test_people_window
from labelled_album import publish_labelled
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtTest import QTest
from test_people_window import key
from test_person_page import current, open_person
from test_unnamed_pages import open_unnamed, scroll_to_end

from finpics_desktop.app.entries import FACE, GROUP, HEADING
from finpics_desktop.app.window import group_places
from finpics_desktop.pipeline.people.naming import People

album = test_people_window.album  # the fixture, shared (a person's page)


@pytest.fixture
def labelled(library, photos_dir, labels, monkeypatch):
    publish_labelled(library, photos_dir, labels)
    monkeypatch.setattr(group_places, "PAGE", 12, raising=False)  # (several pages)
    return library


def ignored(library, face_ids) -> bool:
    return all(People(library).private.get("reject", f"anyone/{f}") is not None
               for f in face_ids)


def chosen_alone(window, entry) -> bool:
    """``entry`` is the grid's current tile, the only one chosen."""
    rows = [i.row() for i in window.grid.selectedIndexes()]
    return current(window) is entry and [window.model.entries[r] for r in rows] == [entry]


def middle_group(window) -> int:
    """The row of a group tile with a group tile before and after it."""
    entries = window.model.entries
    rows = [r for r, e in enumerate(entries) if e.kind == GROUP]
    assert len(rows) >= 4
    return rows[1]


@pytest.mark.qt_log_ignore("This plugin does not support (raise|grabbing the keyboard)")
def test_a_group_named_on_its_tile_hands_the_keyboard_to_the_next_tile(
        qtbot, make_window, labelled):
    window = make_window()
    open_unnamed(qtbot, window)
    for _round in range(2):  # then the tile that took its place is named the same way
        row = middle_group(window)
        tile, after = window.model.entries[row], window.model.entries[row + 1]
        window.selection.choose_row(row)
        window.grid.setFocus()
        key(qtbot, window, "F2")
        qtbot.waitUntil(lambda: window.people.tiles.editor is not None
                        and window.people.tiles.editor.isVisible())
        QTest.keyClicks(window.people.tiles.editor, f"Someone {_round}")
        QTest.keyClick(window.people.tiles.editor, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda t=tile: t not in window.model.entries, timeout=20_000)
        assert set(tile.members) <= set(People(labelled).named())
        assert chosen_alone(window, after), (
            f"{current(window).title} chosen, not the tile after the one named")
        assert window.grid.hasFocus()


def test_faces_ignored_hand_the_keyboard_to_the_next_tile_or_the_last(
        qtbot, make_window, labelled):
    window = make_window()
    open_unnamed(qtbot, window)
    row = middle_group(window)
    tile, after = window.model.entries[row], window.model.entries[row + 1]
    window.selection.choose_row(row)
    key(qtbot, window, "I")
    qtbot.waitUntil(lambda: tile not in window.model.entries, timeout=20_000)
    assert ignored(labelled, tile.members)
    assert chosen_alone(window, after)

    # several chosen at once: the tile after the last of them
    row = middle_group(window)
    first, second = window.model.entries[row], window.model.entries[row + 1]
    after = window.model.entries[row + 2]
    assert second.kind == GROUP
    window.selection.choose_row(row)
    window.grid.selectionModel().select(window.model.index(row + 1),
                                        QItemSelectionModel.SelectionFlag.Select)
    key(qtbot, window, "I")
    qtbot.waitUntil(lambda: first not in window.model.entries
                    and second not in window.model.entries, timeout=20_000)
    assert chosen_alone(window, after)

    # the last tile (every page fetched): the one before it
    scroll_to_end(qtbot, window)
    entries = window.model.entries
    last, before = entries[-1], next(e for e in reversed(entries[:-1]) if e.kind != HEADING)
    window.selection.choose_row(len(entries) - 1)
    key(qtbot, window, "I")
    qtbot.waitUntil(lambda: last not in window.model.entries, timeout=20_000)
    assert chosen_alone(window, before)


def test_proposals_answered_hand_the_keyboard_to_the_next_proposal(qtbot, window, album):
    people, faces = album
    people.name_face(faces["obama"][0], "Obama")
    open_person(qtbot, window, "Obama")
    proposals = [e for e in window.model.entries if e.kind == FACE]
    assert len(proposals) >= 4
    for pressed, chosen in [("N", 1), ("Y", 2)]:  # one, then two chosen at once
        proposals = [e for e in window.model.entries if e.kind == FACE]
        answered, after = proposals[1:1 + chosen], proposals[1 + chosen]
        row = window.model.entries.index(answered[0])
        window.selection.choose_row(row)
        for more in answered[1:]:
            window.grid.selectionModel().select(
                window.model.index(window.model.entries.index(more)),
                QItemSelectionModel.SelectionFlag.Select)
        key(qtbot, window, pressed)
        assert chosen_alone(window, after)  # at once, before the album answers
        qtbot.waitUntil(lambda a=answered: not window.nav.loading and not any(
            e.face_id in {x.face_id for x in a} for e in window.model.entries),
                        timeout=20_000)
        qtbot.waitUntil(lambda a=after: current(window) is not None
                        and current(window).face_id == a.face_id, timeout=20_000)
