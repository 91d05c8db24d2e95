"""Drawing where no face can be found keeps a region named by hand, and *Remove the face*, in
the window (real widgets offscreen, the real engine on real photos): the region shown with its
name in a style of its own, a failed draw never leaving its dashed box, removal said on the
status line with how to undo it, and Ctrl+Z putting the face back."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from test_context_menus import right_click
from test_people_window import answer_dialog, key
from ui_helpers import select_source

from finpics_desktop.pipeline.people.naming import People
from finpics_desktop.ui.main_window import VIEWER
from finpics_desktop.ui.people import NameDialog

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support raise\\(\\)",
                                       "This plugin does not support grabbing the keyboard")

PHOTO_MENU = ["Set as featured photo", "Move to picset…", "Copy to picset…", "Delete",
              "Draw a face the detector missed", "Zoom in", "Zoom out", "Fit to window",
              "Full screen", "Back"]


def _view(qtbot, window, picset: str, title: str):
    select_source(qtbot, window, window.sources.ensure_picset(window.sources.library, picset,
                                                              title))
    window.nav.activate(window.model.entries, 0)
    qtbot.waitUntil(lambda: window.stack.currentIndex() == VIEWER
                    and not window.viewer.loading, timeout=20_000)
    return window.viewer.canvas


def _draw(qtbot, canvas, box: dict) -> None:
    r = canvas.image_rect()
    start = QPoint(round(r.x() + box["Left"] * r.width()), round(r.y() + box["Top"] * r.height()))
    end = QPoint(round(r.x() + (box["Left"] + box["Width"]) * r.width()),
                 round(r.y() + (box["Top"] + box["Height"]) * r.height()))
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(canvas, QPoint((start.x() + end.x()) // 2, (start.y() + end.y()) // 2))
    qtbot.mouseMove(canvas, end)
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=end)


SKY = {"Left": 0.05, "Top": 0.05, "Width": 0.1, "Height": 0.12}


def _no_face_question(qtbot, window) -> NameDialog:
    qtbot.waitUntil(lambda: isinstance(window.people.dialog, NameDialog)
                    and window.people.dialog.isVisible(), timeout=30_000)
    dialog = window.people.dialog
    assert dialog.windowTitle() == "Keep a named region"
    return dialog


def test_a_draw_where_no_face_is_found_leaves_no_box_or_keeps_a_named_region(
        qtbot, window, library, publish):
    publish("001_trip", "orientation/Landscape_1.jpg")
    canvas = _view(qtbot, window, "001_trip", "trip")
    assert canvas.faces == []
    key(qtbot, window, "D")
    _draw(qtbot, canvas, SKY)
    dialog = _no_face_question(qtbot, window)
    assert canvas.drawn is not None  # shown while the curator is asked
    dialog.reject()  # not kept: the dashed box goes
    qtbot.waitUntil(lambda: canvas.drawn is None, timeout=5_000)
    assert canvas.faces == []

    key(qtbot, window, "D")
    _draw(qtbot, canvas, SKY)
    _no_face_question(qtbot, window)
    answer_dialog(qtbot, window, "Ann Back")
    qtbot.waitUntil(lambda: [(f.name, f.region) for f in canvas.faces] == [("Ann Back", True)]
                    and not window.viewer.loading, timeout=30_000)
    assert canvas.drawn is None
    [summary] = People(library).summaries()
    assert (summary.person.name, summary.faces, summary.photos) == ("Ann Back", 0, 1)

    region = canvas.faces[0]
    assert right_click(qtbot, window, canvas,
                       canvas.face_rects()[0].center().toPoint()) == [
        "Rename or name…", "Remove the face", *PHOTO_MENU]  # no face to search with
    window.context_menus.trigger("Remove the face")
    qtbot.waitUntil(lambda: canvas.faces == [] and not window.viewer.loading, timeout=30_000)
    assert any("region named Ann Back removed from 001_trip/Landscape_1.jpg (Ctrl+Z puts it "
               "back)" in line for line in window.messages.texts())
    key(qtbot, window, "Ctrl+Z")
    qtbot.waitUntil(lambda: [f.face_id for f in canvas.faces] == [region.face_id]
                    and not window.viewer.loading, timeout=30_000)


def test_remove_the_face_from_the_viewer_and_ctrl_z_puts_it_back(qtbot, window, library,
                                                                 publish):
    [item] = publish("001_group", "faces/groups/two_people.jpg")
    ids = sorted(r["Face"]["FaceId"] for r in item["data"]["FaceRecords"])
    People(library).name_face(ids[0], "Barack Obama")
    canvas = _view(qtbot, window, "001_group", "group")
    qtbot.waitUntil(lambda: len(canvas.faces) == len(ids), timeout=20_000)
    gone = next(i for i, f in enumerate(canvas.faces) if f.face_id == ids[0])
    assert right_click(qtbot, window, canvas, canvas.face_rects()[gone].center().toPoint()) \
        == ["Find this person in other photos", "Rename or name…",
            "Remove the name of the face", "Remove the face", *PHOTO_MENU]
    window.context_menus.menu.hide()
    key(qtbot, window, "Shift+Del")  # the face chosen by the click: its key
    qtbot.waitUntil(lambda: sorted(f.face_id for f in canvas.faces) == ids[1:]
                    and not window.viewer.loading, timeout=30_000)
    assert "the face of Barack Obama removed from 001_group/two_people.jpg (Ctrl+Z puts it " \
        "back)" in window.messages.texts()
    assert [r["Face"]["FaceId"] for r in library.tables.get_pics_item(
        "001_group", "two_people.jpg")["data"]["FaceRecords"]] == ids[1:]
    key(qtbot, window, "Ctrl+Z")
    qtbot.waitUntil(lambda: sorted(f.face_id for f in canvas.faces) == ids
                    and any(f.name == "Barack Obama" for f in canvas.faces)
                    and not window.viewer.loading, timeout=30_000)
