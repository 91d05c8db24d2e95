"""Merging and splitting people by picking, and "A and B together", in the window (real widgets
offscreen, the real engine on real photos): M chooses the person to merge into from a list
(a typo is refused in the dialog, as a refusal, and nothing is merged), a person tile dropped on
another merges them once asked, "Move to…" and "Not this person" take the photos chosen on a
person's page, each undone by Ctrl+Z; "Photos with all of them" and "only them" on the people
chosen."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QItemSelectionModel, QPoint, QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QMessageBox
from test_people_window import key, open_people

from finpics_desktop.app.entries import PHOTO
from finpics_desktop.app.window.navigation import PEOPLE, PERSON_PLACE
from finpics_desktop.app.window.people_places import TOGETHER
from finpics_desktop.pipeline.people.naming import People
from finpics_desktop.ui.people_picking import PersonChooser


@pytest.fixture
def album(library, publish):
    """Obama's photos named half "Obama", half "Barack"; Biden's and both group photos named
    (the child at the edge of obama_and_biden.jpg left unnamed)."""
    people = People(library)
    obama = [r["Face"]["FaceId"] for i in publish(
        "001_obama", "faces/obama/obama.jpg", "faces/obama/obama1.jpg", "faces/obama/obama2.jpg",
        "faces/obama/obama3.jpg") for r in i["data"]["FaceRecords"]]
    for face in obama[:2]:
        people.name_face(face, "Obama")
    for face in obama[2:]:
        people.name_face(face, "Barack")
    for item in publish("002_group", "faces/groups/two_people.jpg",
                        "faces/groups/obama_and_biden.jpg"):
        ordered = sorted(item["data"]["FaceRecords"],
                         key=lambda r: r["Face"]["BoundingBox"]["Left"])
        names = (["Obama", "Joe Biden"] if item["sortkey"] == "two_people.jpg"
                 else ["Joe Biden", "Obama"])
        for name, record in zip(names, ordered, strict=False):
            people.name_face(record["Face"]["FaceId"], name)
    return people


def people_shown(window) -> list[str]:
    return sorted(e.person for e in window.model.entries)


def choose_person(qtbot, window, text: str) -> PersonChooser:
    qtbot.waitUntil(lambda: isinstance(window.people.dialog, PersonChooser)
                    and window.people.dialog.isVisible())
    dialog = window.people.dialog
    dialog.edit.clear()
    qtbot.keyClicks(dialog.edit, text)
    qtbot.keyClick(dialog.edit, Qt.Key.Key_Return)
    return dialog


def row_of(window, person: str) -> int:
    return [e.person for e in window.model.entries].index(person)


def settled(window, wanted: list[str]):
    return lambda: not window.nav.loading and people_shown(window) == wanted


def test_merge_by_choosing_refuses_a_typo_and_ctrl_z_undoes_it(qtbot, window, album):
    open_people(qtbot, window)
    window.selection.choose_row(row_of(window, "Barack"))
    qtbot.waitUntil(lambda: sorted(window.people.names) == ["Barack", "Joe Biden", "Obama"])
    key(qtbot, window, "M")
    dialog = choose_person(qtbot, window, "Obma")  # a typo: refused right there
    assert dialog.isVisible() and dialog.problem.isVisible()
    assert dialog.problem.text() == ("Nobody is named \u201cObma\u201d in this album: choose "
                                     "the person from the list.")
    assert [dialog.list.item(r).text() for r in range(dialog.list.count())] == [
        "Joe Biden", "Obama"]  # not Barack himself
    choose_person(qtbot, window, "oba")  # filtered to Obama, chosen with Enter
    qtbot.waitUntil(settled(window, ["Joe Biden", "Obama"]))
    assert "Barack merged into Obama: 2 face(s) moved (Ctrl+Z undoes it)" in list(
        window.messages.texts())
    assert sorted(p.name for p in album.people()) == ["Joe Biden", "Obama"]
    key(qtbot, window, "Ctrl+Z")
    qtbot.waitUntil(settled(window, ["Barack", "Joe Biden", "Obama"]))
    assert any("undone: Barack merged into Obama" in t for t in window.messages.texts())
    assert len(album.faces_of(album.find("Barack"))) == 2


def drag_person(window, row: int, to: QPoint) -> QDropEvent:
    """The tile of ``row`` dragged to ``to`` (of the grid's viewport) and dropped there."""
    mime, viewport = window.model.mimeData([window.model.index(row)]), window.grid.viewport()
    start = window.grid.visualRect(window.model.index(row)).center()
    for kind, pos in ((QDragEnterEvent, start), (QDragMoveEvent, to)):
        QApplication.sendEvent(viewport, kind(pos, Qt.DropAction.MoveAction, mime,
                                              Qt.MouseButton.LeftButton,
                                              Qt.KeyboardModifier.NoModifier))
    drop = QDropEvent(QPointF(to), Qt.DropAction.MoveAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(viewport, drop)
    return drop


def test_a_person_dropped_on_another_is_merged_once_asked(qtbot, window, album):
    open_people(qtbot, window)
    target = window.grid.visualRect(window.model.index(row_of(window, "Obama"))).center()
    assert drag_person(window, row_of(window, "Barack"), target).isAccepted()
    qtbot.waitUntil(lambda: isinstance(window.people.dialog, QMessageBox)
                    and window.people.dialog.isVisible())
    box = window.people.dialog
    assert box.text().startswith("Merge Barack into Obama?")
    box.button(QMessageBox.StandardButton.Yes).click()
    qtbot.waitUntil(settled(window, ["Joe Biden", "Obama"]))
    assert sorted(p.name for p in album.people()) == ["Joe Biden", "Obama"]
    between = QPoint(window.grid.viewport().width() - 2, window.grid.viewport().height() - 2)
    assert not drag_person(window, 0, between).isAccepted()  # between the tiles: nothing
    assert not window.people.dialog.isVisible()


def open_person(qtbot, window, name: str) -> None:
    open_people(qtbot, window)
    window.nav.activate(window.model.entries, row_of(window, name))
    qtbot.waitUntil(lambda: window.nav.location.kind == PERSON_PLACE
                    and not window.nav.loading)


def photos_of(window) -> list:
    return [e for e in window.model.entries if e.kind == PHOTO]


def test_faces_moved_to_a_new_person_and_not_this_person_each_undone(qtbot, window, album):
    open_person(qtbot, window, "Obama")
    photos = photos_of(window)
    assert len(photos) == 4
    chosen = photos[-2:]
    selection = window.grid.selectionModel()
    window.selection.choose_row(window.model.entries.index(chosen[0]))
    selection.select(window.model.index(window.model.entries.index(chosen[1])),
                     QItemSelectionModel.SelectionFlag.Select)
    key(qtbot, window, "V")
    choose_person(qtbot, window, "Michelle")  # nobody has it: a new person
    moved = {e.matched_face_id for e in chosen}
    qtbot.waitUntil(lambda: not window.nav.loading and len(photos_of(window)) == 2)
    assert moved.isdisjoint(e.matched_face_id for e in photos_of(window))
    assert {f.face_id for f in album.faces_of(album.find("Michelle"))} == moved
    key(qtbot, window, "Ctrl+Z")
    qtbot.waitUntil(lambda: not window.nav.loading and len(photos_of(window)) == 4)
    assert "Michelle" not in [p.name for p in album.people()]

    first = photos_of(window)[0]
    window.selection.choose_row(window.model.entries.index(first))
    key(qtbot, window, "X")
    qtbot.waitUntil(lambda: not window.nav.loading and len(photos_of(window)) == 3)
    assert first.matched_face_id in album.rejected(album.find("Obama"))
    key(qtbot, window, "Ctrl+Z")
    qtbot.waitUntil(lambda: not window.nav.loading and len(photos_of(window)) == 4)
    assert album.named()[first.matched_face_id].person == album.find("Obama").id
    assert first.matched_face_id not in album.rejected(album.find("Obama"))


def test_photos_with_all_of_them_and_only_them(qtbot, window, album):
    open_people(qtbot, window)
    selection = window.grid.selectionModel()
    window.selection.choose_row(row_of(window, "Obama"))
    selection.select(window.model.index(row_of(window, "Joe Biden")),
                     QItemSelectionModel.SelectionFlag.Select)
    key(qtbot, window, "T")
    qtbot.waitUntil(lambda: window.nav.location.kind == TOGETHER and not window.nav.loading)
    assert sorted(e.name for e in window.model.entries) == ["obama_and_biden.jpg",
                                                           "two_people.jpg"]
    assert "2 photo(s) together" in window.statusBar().currentMessage()
    key(qtbot, window, "Alt+Left")  # Back: People
    qtbot.waitUntil(lambda: window.nav.location.kind == PEOPLE and not window.nav.loading
                    and len(window.model.entries) == 3)
    window.selection.choose_row(row_of(window, "Obama"))
    selection.select(window.model.index(row_of(window, "Joe Biden")),
                     QItemSelectionModel.SelectionFlag.Select)
    key(qtbot, window, "Shift+T")  # the child nobody named is someone else
    qtbot.waitUntil(lambda: window.nav.location.kind == TOGETHER and window.nav.location.only
                    and not window.nav.loading)
    assert [e.name for e in window.model.entries] == ["two_people.jpg"]
    window.selection.choose_row(0)
    window.grid.setFocus()
    qtbot.keyClick(window.grid, Qt.Key.Key_Return)  # a photo of theirs opens in the viewer
    qtbot.waitUntil(lambda: window.nav.page == "viewer")
