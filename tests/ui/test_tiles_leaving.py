"""Tiles that leave the grid in place -- a group named on its tile (F2, a name, Enter), faces
ignored (I), proposals answered on a person's page (Y / N) -- hand the keyboard to the tile that
took their place, as digiKam's and Lightroom's grids do: the next tile (the one before only when
the last tile left), chosen alone, so the next key goes to it. Real widgets offscreen, the real
engine on faces/ and lfw10/ (Unnamed faces a few tiles a page, so that paging is in play)."""

from __future__ import annotations

import re

import pytest
import test_people_window
from labelled_album import publish_labelled
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtTest import QTest
from test_people_window import answer_dialog, key
from test_person_page import current, open_person
from test_unnamed_pages import keys, open_unnamed, scroll_to_end

from finpics_desktop.app import people as app_people
from finpics_desktop.app.entries import FACE, GROUP, HEADING
from finpics_desktop.app.people_views import PeopleViews
from finpics_desktop.app.window import group_places
from finpics_desktop.app.window.navigation import GROUP_PLACE, UNNAMED
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


def counts(window) -> tuple[int, int]:
    """The status bar's count of Unnamed faces: (groups, their faces)."""
    found = re.search(r"(\d+) group\(s\) of (\d+) unnamed faces",
                      window.statusBar().currentMessage())
    assert found, window.statusBar().currentMessage()
    return int(found[1]), int(found[2])


def partly_nameable(library):
    """A group's tile, a face of it that is not its cover, and another face of that face's
    photo outside the tile: named first, it makes the tile's face fail ("once in a photo")."""
    entries = group_places.unnamed_entries(library)
    tiles = [e for e in entries if e.kind == GROUP]
    faces = [f for e in entries for f in (e.members or (e.face_id,))]
    where = app_people.locate_faces(library, faces)
    in_photo: dict[str, list[str]] = {}
    for face, spot in where.items():
        in_photo.setdefault(spot.image_path, []).append(face)
    for tile in tiles:
        for face in tile.members[1:]:
            others = [o for o in in_photo[where[face].image_path] if o not in tile.members]
            if others:
                return tile, face, others[0], where[face]
    raise AssertionError("no group holds a face of a photo with someone else")


@pytest.mark.qt_log_ignore("This plugin does not support (raise|grabbing the keyboard)")
def test_a_group_named_in_part_stays_with_the_faces_left(qtbot, make_window, labelled,
                                                          monkeypatch):
    """A naming where a face of the group fails ("once in a photo"): the tile stays where it
    was with the faces left -- its count, its cover that face now --, nothing listed again."""
    tile, face, other, spot = partly_nameable(labelled)
    People(labelled).name_face(other, "Zed")  # (before the listing: the tile is as it was)
    window = make_window()
    open_unnamed(qtbot, window)
    scroll_to_end(qtbot, window)
    row = next(r for r, e in enumerate(window.model.entries)
               if e.kind == GROUP and e.members == tile.members)
    listed = []
    real = PeopleViews.unnamed
    monkeypatch.setattr(PeopleViews, "unnamed", lambda views: listed.append(1) or real(views))
    before = list(window.model.entries)
    counted = counts(window)
    window.selection.choose_row(row)
    qtbot.waitUntil(lambda: (window.info.value("Face in") or "").endswith(
        f"/ {before[row].name}"))
    key(qtbot, window, "F2")
    qtbot.waitUntil(lambda: window.people.tiles.editor is not None
                    and window.people.tiles.editor.isVisible())
    QTest.keyClicks(window.people.tiles.editor, "Zed")
    QTest.keyClick(window.people.tiles.editor, Qt.Key.Key_Return)
    rest = set(tile.members) - {face}
    qtbot.waitUntil(lambda: rest <= set(People(labelled).named())
                    and window.model.entries[row] is not before[row], timeout=20_000)
    assert face not in People(labelled).named()
    shown = window.model.entries[row]
    assert (shown.kind, shown.members, shown.title, shown.face_id) == (
        GROUP, (face,), "1 face", face)  # the face left, its cover now
    assert f"{shown.picset}/{shown.name}" == spot.image_path and shown.box == spot.box
    assert keys(window.model.entries[:row]) == keys(before[:row])  # the others as they were
    assert keys(window.model.entries[row + 1:]) == keys(before[row + 1:])
    assert chosen_alone(window, shown)  # (it stayed: the keyboard with it)
    qtbot.waitUntil(lambda: (window.info.value("Face in") or "").endswith(
        f"/ {shown.name}"))  # the Info panel follows: its cover's photo now
    assert any(face in m and "once in a photo" in m for m in window.messages.texts())
    assert not window.nav.loading and listed == []  # not listed again
    qtbot.waitUntil(lambda: counts(window) == (counted[0], counted[1] - len(rest)))
    qtbot.waitUntil(lambda: window.loader.image(shown) is not None, timeout=20_000)


def test_faces_named_in_an_opened_group_leave_the_rest_on_its_tile(qtbot, window, labelled):
    """Some faces of a group opened named (several chosen, F2): back in Unnamed faces, its
    tile shows the faces left."""
    open_unnamed(qtbot, window)
    tile = next(e for e in window.model.entries if e.kind == GROUP and len(e.members) >= 4)
    window.nav.activate(window.model.entries, window.model.entries.index(tile))
    qtbot.waitUntil(lambda: window.nav.location.kind == GROUP_PLACE and not window.nav.loading)
    faces = [e.face_id for e in window.model.entries]
    window.selection.choose_row(1)
    window.grid.selectionModel().select(window.model.index(2),
                                        QItemSelectionModel.SelectionFlag.Select)
    key(qtbot, window, "F2")
    answer_dialog(qtbot, window, "Someone")
    qtbot.waitUntil(lambda: {faces[1], faces[2]} <= set(People(labelled).named())
                    and len(window.model.entries) == len(faces) - 2
                    and not window.nav.loading, timeout=20_000)
    assert current(window) is not None  # a tile chosen still, where the keyboard is
    key(qtbot, window, "Alt+Left")
    qtbot.waitUntil(lambda: window.nav.location.kind == UNNAMED and not window.nav.loading)
    left = [f for f in faces if f not in (faces[1], faces[2])]
    assert any(e.kind == GROUP and set(e.members) == set(left) for e in window.model.entries)
