"""Curation in the window, with real widgets on a real library: the Edit menu's actions (and
their dialogs), dragging photos onto a picset and a picset in the list, Ctrl+Z, the trash."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QApplication
from ui_helpers import grid_rows, picset_item, select_source

from finpics_desktop.app.window.navigation import FOLDER, GRID, PICSET_PLACE
from finpics_desktop.ui.sources import NodeRole


def _settled(qtbot, window) -> None:
    qtbot.waitUntil(lambda: window.curation.running == 0 and not window.nav.loading,
                    timeout=30_000)


def _open_picset(qtbot, window, picset: str) -> None:
    qtbot.waitUntil(lambda: picset_item(window, picset) is not None, timeout=20_000)
    select_source(qtbot, window, picset_item(window, picset))
    qtbot.waitUntil(lambda: window.nav.location.kind == PICSET_PLACE
                    and window.model.rowCount() > 0, timeout=20_000)


def _select(window, *names: str) -> None:
    selection = window.grid.selectionModel()
    selection.clearSelection()
    for row, entry in enumerate(window.model.entries):
        if entry.title in names:
            selection.select(window.model.index(row), QItemSelectionModel.SelectionFlag.Select)


def _picsets(window) -> list[str]:
    """The picsets under Library, in the list's order (not its People rows)."""
    root = window.sources.library
    return [p for r in range(root.rowCount()) if (p := root.child(r).data(NodeRole).picset)]


def _key(qtbot, window, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    """A shortcut of the window, once it is the active window again (a dialog was)."""
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.keyClick(window, key, modifier)


def _said(window, text: str) -> bool:
    return any(text in line for line in window.messages.texts())


def test_menu_actions_move_cover_rename_and_ctrl_z_undoes(qtbot, window, publish, library):
    publish("001_obama", "faces/obama/obama1.jpg", "faces/obama/obama2.jpg",
            "faces/obama/obama3.jpg")
    publish("002_biden", "faces/biden/biden.jpg")
    window.on_refresh()
    _open_picset(qtbot, window, "001_obama")
    faces = library.tables.get_pics_item("001_obama", "obama2.jpg")["data"]

    _select(window, "obama2.jpg")  # Edit > Set as featured photo
    next(a for a in window.actions() if a.text() == "Set as &featured photo").trigger()
    _settled(qtbot, window)
    assert library.tables.get_pics_item("/", "001_obama")["pic"] == "obama2.jpg"

    _select(window, "obama2.jpg", "obama3.jpg")  # Edit > Move to picset… (its dialog)
    next(a for a in window.actions() if a.text() == "&Move to picset…").trigger()
    window.curation.dialog.choose("002_biden")
    _settled(qtbot, window)
    assert grid_rows(window) == ["obama1.jpg"]
    assert [i["sortkey"] for i in library.tables.query_pics("002_biden")] == [
        "biden.jpg", "obama2.jpg", "obama3.jpg"]
    assert library.tables.get_pics_item("002_biden", "obama2.jpg")["data"] == faces
    assert library.tables.get_pics_item("/", "001_obama")["pic"] == "obama1.jpg"
    assert _said(window, "moved 2 photos to “biden” (002_biden)")

    _key(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # Ctrl+Z
    _settled(qtbot, window)
    assert sorted(grid_rows(window)) == ["obama1.jpg", "obama2.jpg", "obama3.jpg"]
    assert [i["sortkey"] for i in library.tables.query_pics("002_biden")] == ["biden.jpg"]
    assert _said(window, "undone: moved 2 photos to “biden” (002_biden)")

    _key(qtbot, window, Qt.Key.Key_F2)  # Edit > Rename picset…: a new title, number kept
    window.curation.dialog.rename("Barack")
    _settled(qtbot, window)
    qtbot.waitUntil(lambda: "001_Barack" in _picsets(window), timeout=20_000)
    assert "001_obama" not in _picsets(window)
    assert window.nav.location.picset == "001_Barack"
    assert sorted(grid_rows(window)) == ["obama1.jpg", "obama2.jpg", "obama3.jpg"]

    _select(window, "obama1.jpg")  # a refusal: one line, nothing changed
    window.curation.move_to(window.curation.selected_photos(), "12_x")
    _settled(qtbot, window)
    assert _said(window, "2-digit ordering number")
    assert sorted(grid_rows(window)) == ["obama1.jpg", "obama2.jpg", "obama3.jpg"]


def test_dragging_photos_onto_a_picset_moves_them_and_with_ctrl_copies(qtbot, window, publish,
                                                                         library):
    publish("001_obama", "faces/obama/obama1.jpg", "faces/obama/obama2.jpg")
    publish("002_biden", "faces/biden/biden.jpg")
    window.on_refresh()
    _open_picset(qtbot, window, "001_obama")
    _select(window, "obama1.jpg")
    mime = window.model.mimeData(window.grid.selectedIndexes())  # what the grid's drag carries
    target = window.sources.indexFromItem(picset_item(window, "002_biden"))
    assert window.sources.canDropMimeData(mime, Qt.DropAction.MoveAction, -1, 0, target)
    window.sources.dropMimeData(mime, Qt.DropAction.MoveAction, -1, 0, target)
    _settled(qtbot, window)
    assert grid_rows(window) == ["obama2.jpg"]
    assert "obama1.jpg" in {i["sortkey"] for i in library.tables.query_pics("002_biden")}

    _select(window, "obama2.jpg")  # with Ctrl: a copy, the photo stays
    mime = window.model.mimeData(window.grid.selectedIndexes())
    window.sources.dropMimeData(mime, Qt.DropAction.CopyAction, -1, 0, target)
    _settled(qtbot, window)
    assert grid_rows(window) == ["obama2.jpg"]
    copied = library.tables.get_pics_item("002_biden", "obama2.jpg")["data"]
    original = library.tables.get_pics_item("001_obama", "obama2.jpg")["data"]
    assert copied["FaceRecords"][0]["Face"]["FaceId"] != (
        original["FaceRecords"][0]["Face"]["FaceId"])  # a new photo: its faces of its own


def test_dragging_a_picset_in_the_list_reorders_the_picsets(qtbot, window, publish):
    for n, photo in enumerate(("faces/obama/obama1.jpg", "faces/biden/biden.jpg",
                               "faces/rose_leslie/img1.jpg"), 1):
        publish(f"00{n}_p{n}", photo)
    window.on_refresh()
    qtbot.waitUntil(lambda: _picsets(window) == ["003_p3", "002_p2", "001_p1"], timeout=20_000)
    library = window.sources.library
    source = window.sources.indexFromItem(picset_item(window, "001_p1"))
    mime = window.sources.mimeData([source])
    root = window.sources.indexFromItem(library)
    assert window.sources.canDropMimeData(mime, Qt.DropAction.MoveAction, 0, 0, root)
    window.sources.dropMimeData(mime, Qt.DropAction.MoveAction, 0, 0, root)  # to the top
    _settled(qtbot, window)
    qtbot.waitUntil(lambda: [p.split("_", 1)[1] for p in _picsets(window)] == ["p1", "p3", "p2"],
                    timeout=20_000)
    assert _picsets(window)[0] == "004_p1"  # the next free number
    _key(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    _settled(qtbot, window)
    qtbot.waitUntil(lambda: _picsets(window) == ["003_p3", "002_p2", "001_p1"], timeout=20_000)


def test_dropping_a_picset_between_two_lands_there_and_move_offers_only_picsets(
        qtbot, window, publish):
    """The People rows above the picsets are not places in the list: a drop between the
    first two picsets is position 1, and Move offers the picsets alone."""
    for n, photo in enumerate(("faces/obama/obama1.jpg", "faces/biden/biden.jpg",
                               "faces/rose_leslie/img1.jpg"), 1):
        publish(f"00{n}_p{n}", photo)
    window.on_refresh()
    qtbot.waitUntil(lambda: _picsets(window) == ["003_p3", "002_p2", "001_p1"], timeout=20_000)
    sources, library = window.sources, window.sources.library
    between = sources.indexFromItem(picset_item(window, "002_p2")).row()  # above 002_p2
    mime = sources.mimeData([sources.indexFromItem(picset_item(window, "001_p1"))])
    sources.dropMimeData(mime, Qt.DropAction.MoveAction, between, 0,
                         sources.indexFromItem(library))
    _settled(qtbot, window)
    # the whole final state: the old row goes at once, the new one with the listing after
    qtbot.waitUntil(lambda: "001_p1" not in _picsets(window) and [
        p.split("_", 1)[1] for p in _picsets(window)] == ["p3", "p1", "p2"], timeout=20_000)

    _open_picset(qtbot, window, _picsets(window)[0])
    _select(window, "img1.jpg")
    window.curation.on_move()
    combo = window.curation.dialog.combo
    choices = [combo.itemText(i) for i in range(combo.count())]
    assert "" not in choices and len(choices) == 2, choices
    window.curation.dialog.reject()


def test_delete_in_the_viewer_takes_the_photo_shown(qtbot, window, publish, library,
                                                    photos_dir):
    """After stepping in the viewer, Delete takes the photo on screen, not the one selected
    in the grid behind it; in a folder's viewer (not an album) it does nothing."""
    publish("001_obama", "faces/obama/obama1.jpg", "faces/obama/obama2.jpg")
    window.on_refresh()
    _open_picset(qtbot, window, "001_obama")
    _select(window, "obama1.jpg")
    window.nav.activate(window.model.entries, window.model.entries.index(
        next(e for e in window.model.entries if e.title == "obama1.jpg")))
    window.viewer.step(1)
    assert window.viewer.current.name == "obama2.jpg"
    delete = next(a for a in window.actions() if a.text() == "&Delete")
    delete.trigger()
    _settled(qtbot, window)
    assert [i["sortkey"] for i in library.tables.query_pics("001_obama")] == ["obama1.jpg"]
    # the photo shown is gone: back to its picset's grid, listed again, no error said
    qtbot.waitUntil(lambda: window.nav.page == GRID and [
        e.title for e in window.model.entries] == ["obama1.jpg"], timeout=20_000)
    assert not any("obama2.jpg" in t for t in window.messages.texts() if "no object" in t)

    window.open_folder(photos_dir / "faces" / "biden")
    qtbot.waitUntil(lambda: window.nav.location.kind == FOLDER and window.model.rowCount() > 0,
                    timeout=20_000)
    window.nav.activate(window.model.entries, 0)
    delete.trigger()  # a file of this computer: not the album's to delete
    _settled(qtbot, window)
    assert window.nav.frame.current.path.is_file()


def test_delete_goes_to_the_trash_view_which_restores_and_empties(qtbot, window, publish,
                                                                  library):
    publish("001_obama", "faces/obama/obama1.jpg", "faces/obama/obama2.jpg")
    window.on_refresh()
    _open_picset(qtbot, window, "001_obama")
    _select(window, "obama1.jpg")
    qtbot.keyClick(window.grid, Qt.Key.Key_Delete)
    _settled(qtbot, window)
    assert grid_rows(window) == ["obama2.jpg"]
    assert _said(window, "001_obama/obama1.jpg moved to the trash")

    window.trash_action.trigger()
    dialog = window.curation.trash_dialog
    qtbot.waitUntil(lambda: dialog.table.topLevelItemCount() == 1, timeout=20_000)
    assert dialog.table.topLevelItem(0).text(1) == "001_obama/obama1.jpg"
    assert not dialog.restore_button.isEnabled()
    dialog.table.setCurrentItem(dialog.table.topLevelItem(0))
    assert dialog.restore_button.isEnabled()
    dialog.restore_button.click()
    _settled(qtbot, window)
    qtbot.waitUntil(lambda: dialog.table.topLevelItemCount() == 0, timeout=20_000)
    assert sorted(grid_rows(window)) == ["obama1.jpg", "obama2.jpg"]
    assert dialog.note.text() == "The trash is empty."

    dialog.close()
    _select(window, "obama2.jpg")
    _key(qtbot, window, Qt.Key.Key_Delete)
    _settled(qtbot, window)
    window.trash_action.trigger()
    dialog = window.curation.trash_dialog
    qtbot.waitUntil(lambda: dialog.table.topLevelItemCount() == 1, timeout=20_000)
    faces = {f["FaceId"] for f in library.faces.list_faces()}
    dialog.empty_button.click()  # asks first (tests/ui/test_nothing_lost.py)
    next(b for b in dialog.empty_trash_question.buttons() if b.text() == "Empty trash").click()
    _settled(qtbot, window)
    qtbot.waitUntil(lambda: dialog.table.topLevelItemCount() == 0, timeout=20_000)
    assert len({f["FaceId"] for f in library.faces.list_faces()}) == len(faces) - 1
    dialog.close()
