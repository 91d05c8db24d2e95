"""Context menus on each kind of item, with real widgets on a real library: a right-click (or
the Menu key, or Shift+F10) opens the menu of what is pointed at (or focused), made of the
window's own actions, and choosing an item does what the menu bar's does."""

from __future__ import annotations

import pytest
import test_people_window
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from test_people_window import (
    answer_dialog,
    node,
    open_first_person,
    open_in_viewer,
    open_people,
)
from ui_helpers import grid_rows, picset_item, select_source

from finpics_desktop.app.entries import FACE, GROUP, PERSON
from finpics_desktop.app.window.navigation import LIBRARY, PICSET_PLACE, SEARCH, UNNAMED
from finpics_desktop.ui.curation_dialogs import RenameDialog

# the offscreen platform (the tests' display) cannot raise a popup nor grab the keyboard for it
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support raise\\(\\)",
                                       "This plugin does not support grabbing the keyboard")

album = test_people_window.album  # the fixture, shared

PICSET_MENU = ["Open", "Rename or name…", "Find near-duplicates…", "Delete", "Trash…"]
PHOTO_MENU = ["Open", "Set as featured photo", "Move to picset…", "Copy to picset…", "Delete"]


def _settled(qtbot, window) -> None:
    qtbot.waitUntil(lambda: window.curation.running == 0 and not window.nav.loading,
                    timeout=30_000)


def _menu(qtbot, window) -> list[str]:
    menus = window.context_menus
    qtbot.waitUntil(lambda: menus.menu is not None and menus.menu.isVisible(), timeout=5_000)
    return menus.texts()


def right_click(qtbot, window, widget, pos: QPoint) -> list[str]:
    """What a right-click at ``pos`` of ``widget`` sends it (QTest's right button sends no
    context menu event: the real click is tried under Xvfb); the menu's items."""
    if window.context_menus.menu is not None:
        window.context_menus.menu.hide()
    QApplication.sendEvent(widget, QContextMenuEvent(QContextMenuEvent.Reason.Mouse, pos,
                                                     widget.mapToGlobal(pos)))
    return _menu(qtbot, window)


def _right_click(qtbot, window, view, row) -> list[str]:
    """A right-click on the tile ``row`` (or the tree's row at that index) of ``view``."""
    index = view.model().index(row, 0) if view is not window.tree else row
    return right_click(qtbot, window, view.viewport(), view.visualRect(index).center())


def _key(qtbot, window, widget, key, modifier=Qt.KeyboardModifier.NoModifier) -> list[str]:
    if window.context_menus.menu is not None:
        window.context_menus.menu.hide()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    widget.setFocus()
    QTest.keyClick(widget, key, modifier)
    return _menu(qtbot, window)


def _row_of(window, title: str) -> int:
    return grid_rows(window).index(title)


def _library_with_picsets(qtbot, window, publish) -> None:
    publish("001_obama", "faces/obama/obama1.jpg", "faces/obama/obama2.jpg",
            "faces/obama/obama3.jpg")
    publish("002_biden", "faces/biden/biden.jpg")
    window.on_refresh()
    qtbot.waitUntil(lambda: picset_item(window, "002_biden") is not None, timeout=20_000)
    select_source(qtbot, window, window.sources.library)
    qtbot.waitUntil(lambda: len(window.model.entries) == 2, timeout=20_000)


def test_a_picset_tile_menu_deletes_renames_and_opens_it(qtbot, window, publish, library):
    _library_with_picsets(qtbot, window, publish)
    biden = next(r for r, e in enumerate(window.model.entries) if e.picset == "002_biden")
    assert _right_click(qtbot, window, window.grid, biden) == PICSET_MENU
    window.context_menus.trigger("Rename or name…")  # the Edit menu's dialog, on that picset
    qtbot.waitUntil(lambda: isinstance(window.curation.dialog, RenameDialog)
                    and window.curation.dialog.isVisible())
    assert window.curation.dialog.picset == "002_biden"
    window.curation.dialog.reject()

    assert _right_click(qtbot, window, window.grid, biden) == PICSET_MENU
    window.context_menus.trigger("Delete")
    _settled(qtbot, window)
    qtbot.waitUntil(lambda: library.tables.query_pics("002_biden") == [], timeout=20_000)
    assert [e.what for e in window.albums.library.curator.trash()] == [
        "picset 002_biden (1 photo)"]
    assert library.tables.query_pics("001_obama")  # only the tile pointed at

    qtbot.waitUntil(lambda: [e.picset for e in window.model.entries] == ["001_obama"],
                    timeout=20_000)
    _right_click(qtbot, window, window.grid, 0)
    window.context_menus.trigger("Open")  # what Enter does
    qtbot.waitUntil(lambda: window.nav.location.kind == PICSET_PLACE
                    and window.nav.location.picset == "001_obama", timeout=20_000)


def test_a_photo_tile_menu_acts_on_the_tile_pointed_at_or_on_all_those_chosen(
        qtbot, window, publish, library):
    _library_with_picsets(qtbot, window, publish)
    select_source(qtbot, window, picset_item(window, "001_obama"))
    qtbot.waitUntil(lambda: window.model.rowCount() == 3, timeout=20_000)
    window.selection.choose_row(_row_of(window, "obama1.jpg"))
    # a tile not chosen: the only one chosen now
    assert _right_click(qtbot, window, window.grid, _row_of(window, "obama3.jpg")) == PHOTO_MENU
    assert [e.title for e in window.selection.selected()] == ["obama3.jpg"]
    window.context_menus.trigger("Set as featured photo")
    _settled(qtbot, window)
    qtbot.waitUntil(lambda: window.albums.library.curator.can_undo is not None)
    assert library.tables.get_pics_item("/", "001_obama")["pic"] == "obama3.jpg"

    # among those chosen: all of them stay chosen, and Delete takes them all
    grid, model = window.grid, window.model
    window.selection.choose_row(_row_of(window, "obama1.jpg"))  # alone, whatever keys Qt
    # believes held after the tests before
    QTest.mouseClick(grid.viewport(), Qt.MouseButton.LeftButton,
                     Qt.KeyboardModifier.ControlModifier,
                     grid.visualRect(model.index(_row_of(window, "obama2.jpg"))).center())
    assert sorted(e.title for e in window.selection.selected()) == ["obama1.jpg", "obama2.jpg"]
    _right_click(qtbot, window, grid, _row_of(window, "obama2.jpg"))
    assert sorted(e.title for e in window.selection.selected()) == ["obama1.jpg", "obama2.jpg"]
    window.context_menus.trigger("Delete")
    _settled(qtbot, window)
    qtbot.waitUntil(lambda: {i["sortkey"] for i in library.tables.query_pics("001_obama")} == {
        "obama3.jpg"}, timeout=20_000)
    qtbot.waitUntil(lambda: grid_rows(window) == ["obama3.jpg"], timeout=20_000)


def test_a_picset_row_of_the_sources_opens_its_menu_on_that_picset(qtbot, window, publish):
    _library_with_picsets(qtbot, window, publish)
    select_source(qtbot, window, picset_item(window, "001_obama"))
    qtbot.waitUntil(lambda: window.model.rowCount() == 3, timeout=20_000)
    window.grid.selectAll()  # photos chosen: the row's menu is the picset's, not theirs
    tree = window.tree
    row = window.sources.indexFromItem(picset_item(window, "002_biden"))
    assert _right_click(qtbot, window, tree, row) == [
        "Rename or name…", "Find near-duplicates…", "Delete", "Trash…", "Refresh"]
    assert window.nav.location.picset == "002_biden"  # gone to
    window.context_menus.trigger("Rename or name…")
    qtbot.waitUntil(lambda: isinstance(window.curation.dialog, RenameDialog)
                    and window.curation.dialog.isVisible())
    assert window.curation.dialog.picset == "002_biden"
    window.curation.dialog.reject()

    library_row = window.sources.indexFromItem(window.sources.library)
    assert _right_click(qtbot, window, tree, library_row) == [
        "Publish photos…", "Trash…", "Refresh"]
    assert window.nav.location.kind == LIBRARY
    window.context_menus.trigger("Trash…")
    qtbot.waitUntil(lambda: window.curation.trash_dialog is not None
                    and window.curation.trash_dialog.isVisible())
    window.curation.trash_dialog.close()


def test_the_menu_key_and_shift_f10_open_the_menu_of_the_focused_item(qtbot, window, publish):
    _library_with_picsets(qtbot, window, publish)
    grid = window.grid
    grid.setCurrentIndex(window.model.index(0))
    assert _key(qtbot, window, grid, Qt.Key.Key_Menu) == PICSET_MENU
    menu = window.context_menus.menu
    assert menu.activeAction() is menu.actions()[0]  # Enter opens the picset
    # the platform's context menu event for that key press (X11 sends it too, twice): the
    # menu shown stays (it was replaced, deleted while shown, and Enter then did nothing)
    for _ in range(2):
        QApplication.sendEvent(grid.viewport(), QContextMenuEvent(
            QContextMenuEvent.Reason.Keyboard, QPoint(5, 5), grid.viewport().mapToGlobal(
                QPoint(5, 5))))
    assert window.context_menus.menu is menu and menu.isVisible()
    rect = grid.visualRect(window.model.index(0))  # shown at the tile
    assert grid.viewport().rect().intersects(rect)
    assert rect.contains(grid.viewport().mapFromGlobal(menu.pos()))
    assert _key(qtbot, window, grid, Qt.Key.Key_F10, Qt.KeyboardModifier.ShiftModifier) == (
        PICSET_MENU)
    window.tree.setCurrentIndex(window.sources.indexFromItem(picset_item(window, "001_obama")))
    qtbot.waitUntil(lambda: window.model.rowCount() == 3, timeout=20_000)
    assert _key(qtbot, window, window.tree, Qt.Key.Key_F10, Qt.KeyboardModifier.ShiftModifier
                ) == ["Rename or name…", "Find near-duplicates…", "Delete", "Trash…", "Refresh"]
    grid.setCurrentIndex(window.model.index(1))
    assert _key(qtbot, window, grid, Qt.Key.Key_Menu) == PHOTO_MENU
    assert [e.title for e in window.selection.selected()] == [window.model.entries[1].title]


def test_the_viewer_and_its_face_boxes_have_menus(qtbot, window, album):
    people, faces = album
    people.name_face(faces["group"][0], "Obama")
    open_first_person(qtbot, window)
    open_in_viewer(qtbot, window, faces["group"][0])
    canvas = window.viewer.canvas
    rects = canvas.face_rects()
    biden = next(i for i, f in enumerate(canvas.faces) if f.face_id == faces["group"][1])
    obama = 1 - biden

    photo = ["Set as featured photo", "Move to picset…", "Copy to picset…", "Delete",
             "Draw a face the detector missed", "Zoom in", "Zoom out", "Fit to window",
             "Full screen", "Back"]
    assert right_click(qtbot, window, canvas, QPoint(2, 2)) == photo  # not on a face: the photo's
    assert right_click(qtbot, window, canvas, rects[biden].center().toPoint()) == [
        "Find this person in other photos", "Rename or name…",  # no name to remove: a
        "Ignore this person (or bring back)", "Remove the face", *photo]  # stranger ignored
    assert canvas.current_face().face_id == faces["group"][1]
    window.context_menus.trigger("Rename or name…")  # F2: name that face
    answer_dialog(qtbot, window, "Joe Biden")
    qtbot.waitUntil(lambda: faces["group"][1] in people.named(), timeout=20_000)

    qtbot.waitUntil(lambda: any(f.name == "Obama" for f in canvas.faces)
                    and not window.viewer.loading, timeout=20_000)
    rects = canvas.face_rects()
    obama = next(i for i, f in enumerate(canvas.faces) if f.face_id == faces["group"][0])
    assert right_click(qtbot, window, canvas, rects[obama].center().toPoint()) == [
        "Find this person in other photos", "Rename or name…", "Remove the name of the face",
        "Remove the face", *photo]
    window.context_menus.trigger("Remove the name of the face")  # not this person
    qtbot.waitUntil(lambda: faces["group"][0] not in people.named(), timeout=20_000)
    assert faces["group"][1] in people.named()  # only the face pointed at

    qtbot.waitUntil(lambda: not window.viewer.loading and len(canvas.faces) == 2 and [
        f.name for f in canvas.faces if f.face_id == faces["group"][0]] == [""], timeout=20_000)
    canvas.chosen = -1
    canvas.setFocus()
    QTest.keyClick(canvas, Qt.Key.Key_Tab)  # a face chosen with Tab: Shift+F10 is its menu
    chosen = canvas.current_face()
    assert _key(qtbot, window, canvas, Qt.Key.Key_F10, Qt.KeyboardModifier.ShiftModifier)[
        0] == "Find this person in other photos"
    assert canvas.current_face() == chosen
    window.context_menus.trigger("Find this person in other photos")  # a click on the face
    qtbot.waitUntil(lambda: window.nav.page == SEARCH)
    assert window.nav.frame.face_id == chosen.face_id


def test_people_group_and_proposal_tiles_have_menus(qtbot, window, album):
    people, faces = album
    people.name_face(faces["obama"][0], "Obama")
    people.name_face(faces["biden"][0], "Biden")
    open_people(qtbot, window)
    biden = [e.person for e in window.model.entries].index("Biden")
    assert window.model.entries[biden].kind == PERSON
    assert _right_click(qtbot, window, window.grid, biden) == [
        "Open", "Rename or name…", "Merge the person into…", "Hide the person (or show again)",
        "Photos with all of them", "Photos of only them", "Show the hidden people",
        "Find a person by name"]
    window.context_menus.trigger("Hide the person (or show again)")
    qtbot.waitUntil(lambda: people.find("Biden").hidden, timeout=20_000)
    qtbot.waitUntil(lambda: [e.person for e in window.model.entries] == ["Obama"]
                    and not window.nav.loading, timeout=20_000)

    _right_click(qtbot, window, window.grid, 0)
    window.context_menus.trigger("Open")
    qtbot.waitUntil(lambda: window.nav.location.kind == "person" and not window.nav.loading,
                    timeout=20_000)
    proposal = next(r for r, e in enumerate(window.model.entries) if e.kind == FACE)
    face = window.model.entries[proposal].face_id
    assert _right_click(qtbot, window, window.grid, proposal) == [
        "Open its photo", "Confirm the proposal", "Reject the proposal",
        "Confirm every sure proposal"]
    window.context_menus.trigger("Confirm the proposal")  # Y
    qtbot.waitUntil(lambda: face in people.named(), timeout=20_000)

    select_source(qtbot, window, node(window, UNNAMED))
    entries = window.model.entries
    kit = next(r for r, e in enumerate(entries) if e.kind == GROUP
               and set(e.members) & set(faces["kit"]))
    assert _right_click(qtbot, window, window.grid, kit) == [
        "Open", "Rename or name…", "Ignore this person (or bring back)",
        "Show the ignored faces"]
    window.context_menus.trigger("Rename or name…")  # F2: the name field on the tile
    qtbot.waitUntil(lambda: window.people.tiles.editor is not None
                    and window.people.tiles.editor.isVisible())
    QTest.keyClicks(window.people.tiles.editor, "Kit Harington")
    QTest.keyClick(window.people.tiles.editor, Qt.Key.Key_Return)  # names the whole group
    qtbot.waitUntil(lambda: set(faces["kit"]) <= set(people.named()), timeout=20_000)
