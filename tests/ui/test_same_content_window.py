"""Publishing from the window photos the album already holds in another picset (the same
content, under another name): the window says so and asks -- publish anyway, skip those, or
cancel -- after hashing them off the GUI thread. Real widgets, a real library."""

from __future__ import annotations

import threading

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox

from finpics_desktop.pipeline.publish.upload import Publisher
from finpics_desktop.ui import same_content
from finpics_desktop.ui.sources import NodeRole

FIRST = "001_first"


def _published(library, picset: str) -> set[str]:
    return {i["sortkey"] for i in library.tables.query_pics(picset)}


def _setup(library, copy_photos):
    first = copy_photos("faces/biden/biden.jpg", "faces/biden/biden2.jpg", folder="first")
    assert Publisher.for_backend(library).publish([first], FIRST).ok
    second = copy_photos("faces/biden/biden.jpg", "faces/obama/obama.jpg", folder="second")
    (second / "biden.jpg").rename(second / "joe.jpg")  # the same photo, another name
    return second


def _box(qtbot, window) -> QMessageBox:
    qtbot.waitUntil(lambda: getattr(window, "same_content_box", None) is not None
                    and window.same_content_box.isVisible(), timeout=60_000)
    return window.same_content_box


def _answer(box: QMessageBox, text: str) -> None:
    next(b for b in box.buttons() if b.text() == text).click()


def _new_picset(qtbot, window, folder) -> None:
    window.publishing.on_files_dropped([folder], window.sources.library.data(NodeRole))
    qtbot.waitUntil(lambda: window.dialog is not None and window.dialog.isVisible())
    dialog = window.dialog
    qtbot.waitUntil(lambda: dialog.photos is not None)
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok),
                     Qt.MouseButton.LeftButton)


def test_a_new_picset_of_photos_held_elsewhere_is_said_and_those_skipped(
        qtbot, window, library, copy_photos, monkeypatch):
    second = _setup(library, copy_photos)
    threads = []
    looked = same_content.same_content_elsewhere

    def spy(*args):
        threads.append(threading.current_thread() is threading.main_thread())
        return looked(*args)

    monkeypatch.setattr(same_content, "same_content_elsewhere", spy)
    _new_picset(qtbot, window, second)
    box = _box(qtbot, window)
    assert threads == [False]  # hashed off the GUI thread
    assert "1 of the 2 photo(s)" in box.text() and "joe.jpg" in box.text()
    assert "another picset" in box.text()
    assert "joe.jpg: as biden.jpg in picset “first” (001_first)" in box.detailedText()
    assert box.defaultButton().text() == "Skip those"
    assert window.upload_panel.job is None  # nothing sent before the curator answers
    _answer(box, "Skip those")
    qtbot.waitUntil(lambda: window.upload_panel.report is not None, timeout=60_000)
    report = window.upload_panel.report
    assert report.ok and [r.name for r in report.results] == ["obama.jpg"]
    assert _published(library, report.picset) == {"obama.jpg"}
    assert _published(library, FIRST) == {"biden.jpg", "biden2.jpg"}


def test_cancel_publishes_nothing_and_publish_anyway_publishes_all(
        qtbot, window, library, copy_photos):
    second = _setup(library, copy_photos)
    _new_picset(qtbot, window, second)
    _answer(_box(qtbot, window), "Cancel")
    qtbot.waitUntil(lambda: not window.same_content_box.isVisible())
    assert window.upload_panel.job is None
    assert {i["sortkey"] for i in library.tables.query_pics("/")} == {FIRST}

    # a drop on a picset's grid is asked about too: published anyway, both photos go
    window.publishing.into_picset(library, [second], "002_second")
    box = _box(qtbot, window)
    assert "joe.jpg" in box.text()
    _answer(box, "Publish anyway")
    qtbot.waitUntil(lambda: window.upload_panel.report is not None, timeout=60_000)
    assert window.upload_panel.report.ok
    assert _published(library, "002_second") == {"joe.jpg", "obama.jpg"}
