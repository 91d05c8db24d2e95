"""Nothing deleted for good by accident: in the Trash dialog Enter empties nothing, emptying
asks first (how many photos, that it cannot be undone, Cancel the default), and every other
step that loses something for good asks with Cancel (or the safe answer) as its default."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox
from ui_helpers import picset_item, select_source

from finpics_desktop.app.window.navigation import PICSET_PLACE


def _settled(qtbot, window) -> None:
    qtbot.waitUntil(lambda: window.curation.running == 0 and not window.nav.loading,
                    timeout=30_000)


def _trash_of(window) -> list:
    return window.albums.library.curator.trash()


def _deleted(qtbot, window, publish, *names: str) -> None:
    """``names`` of picset 001_obama (published with obama1..3) deleted to the trash, one
    deletion each."""
    publish("001_obama", "faces/obama/obama1.jpg", "faces/obama/obama2.jpg",
            "faces/obama/obama3.jpg")
    window.on_refresh()
    qtbot.waitUntil(lambda: picset_item(window, "001_obama") is not None, timeout=20_000)
    select_source(qtbot, window, picset_item(window, "001_obama"))
    qtbot.waitUntil(lambda: window.nav.location.kind == PICSET_PLACE
                    and window.model.rowCount() == 3, timeout=20_000)
    for name in names:
        window.curation.run(window.backend, lambda c, n=name: c.delete([f"001_obama/{n}"]))
        _settled(qtbot, window)


def _open_trash(qtbot, window, count: int):
    window.trash_action.trigger()
    dialog = window.curation.trash_dialog
    qtbot.waitUntil(lambda: dialog.table.topLevelItemCount() == count
                    and dialog.empty_button.isEnabled(), timeout=20_000)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=5_000)
    return dialog


def test_enter_in_the_trash_dialog_empties_nothing(qtbot, window, publish):
    _deleted(qtbot, window, publish, "obama1.jpg")
    dialog = _open_trash(qtbot, window, 1)
    assert not dialog.empty_button.isDefault() and not dialog.empty_button.autoDefault()
    for focus in ("table", "empty_button", "restore_button", None):
        if not dialog.isVisible():  # (Enter may close it)
            dialog = _open_trash(qtbot, window, 1)
        if focus == "table":  # an entry chosen
            dialog.table.setCurrentItem(dialog.table.topLevelItem(0))
        if focus is not None:
            getattr(dialog, focus).setFocus()
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if dialog.isVisible():
                qtbot.keyClick(dialog.focusWidget() or dialog, key)
        _settled(qtbot, window)
        question = getattr(dialog, "empty_trash_question", None)
        assert question is None or not question.isVisible()
        assert [e.what for e in _trash_of(window)] == ["001_obama/obama1.jpg"], focus


def test_emptying_the_trash_asks_how_many_photos_and_cancel_is_the_default(
        qtbot, window, publish, library):
    _deleted(qtbot, window, publish, "obama1.jpg", "obama2.jpg")
    dialog = _open_trash(qtbot, window, 2)
    dialog.empty_button.click()
    question: QMessageBox = dialog.empty_trash_question
    qtbot.waitUntil(question.isVisible, timeout=5_000)
    said = f"{question.text()} {question.informativeText()}"
    assert "2 photos" in said and "cannot be undone" in said
    assert question.defaultButton().text() == "Cancel"
    assert question.escapeButton().text() == "Cancel"
    qtbot.keyClick(question, Qt.Key.Key_Return)  # Enter: the default, Cancel
    qtbot.waitUntil(lambda: not question.isVisible(), timeout=5_000)
    _settled(qtbot, window)
    assert len(_trash_of(window)) == 2

    faces = {f["FaceId"] for f in library.faces.list_faces()}
    dialog.empty_button.click()
    question = dialog.empty_trash_question
    qtbot.waitUntil(question.isVisible, timeout=5_000)
    next(b for b in question.buttons() if b.text() == "Empty trash").click()
    _settled(qtbot, window)
    qtbot.waitUntil(lambda: dialog.table.topLevelItemCount() == 0, timeout=20_000)
    assert _trash_of(window) == []
    assert len({f["FaceId"] for f in library.faces.list_faces()}) == len(faces) - 2
