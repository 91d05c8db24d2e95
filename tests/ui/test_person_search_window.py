"""Click a named face → the results page searched with the person: "Photos of Barack Obama",
how many of his named faces it searched with, his named photos first, then the photos found."""

from __future__ import annotations

from PySide6.QtCore import Qt
from ui_helpers import picset_item, select_source

from finpics_desktop.pipeline.people.naming import People
from finpics_desktop.ui.main_window import SEARCH
from tests.ui.test_search_and_publish import open_photo, people  # noqa: F401 - a fixture


def faces_of(library, picset: str, name: str) -> list[str]:
    item = library.tables.get_pics_item(picset, name)
    return [r["Face"]["FaceId"] for r in item["data"]["FaceRecords"]]


def test_a_named_faces_search_uses_the_person(qtbot, make_window, library, people):  # noqa: F811
    names = People(library)
    for photo in ("obama.jpg", "obama3.jpg"):
        names.name_face(faces_of(library, "001_people", photo)[0], "Barack Obama")
    window = make_window()
    qtbot.waitUntil(lambda: picset_item(window, "001_people") is not None)
    select_source(qtbot, window, picset_item(window, "001_people"))
    open_photo(qtbot, window, "obama.jpg")
    canvas = window.viewer.canvas
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton,
                     pos=canvas.face_rects()[0].center().toPoint())
    qtbot.waitUntil(lambda: window.stack.currentIndex() == SEARCH
                    and not window.search.searching
                    and len(window.search.model.entries) > 1, timeout=20_000)
    header = window.search.header.text()
    assert "Photos of Barack Obama" in header and "2 named faces" in header, header
    entries = window.search.model.entries
    assert entries[0].searched and entries[0].name == "obama.jpg"
    assert entries[1].name == "obama3.jpg" and entries[1].title == "named · obama3.jpg"
    found = {e.name for e in entries[1:]}
    want = {n for n, who in people.items() if "obama" in who and n != "obama.jpg"}
    assert found == want, f"found {found}, expected {want}"
    for e in entries[1:]:  # the matching face is one of that photo's faces: it is outlined
        assert e.matched_face_id in {fid for fid, _ in e.face_boxes()}
    assert window.statusBar().currentMessage() == "3 other photo(s) of Barack Obama"
