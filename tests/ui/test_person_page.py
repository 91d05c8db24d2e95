"""A person's page and the names typed, in the window (real widgets offscreen, the real engine
on real photos; issue 22, items 3 and 4): a title and sections under headings -- Confirmed,
Suggested (sure), Maybe -- reviewed from the keyboard with a tile always chosen and framed,
every key answered in the status bar; Ctrl+F there finds a person; every field where a name is
typed completes the album's names, case and accents aside, inside names too."""

from __future__ import annotations

import pytest
import test_people_window
from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtTest import QTest
from test_people_window import choose, key, node, open_people
from ui_helpers import select_source

from finpics_desktop.app.entries import FACE, GROUP, HEADING, PHOTO
from finpics_desktop.app.window.navigation import PEOPLE, PERSON_PLACE, UNNAMED
from finpics_desktop.app.window.people_places import (
    CONFIRMED,
    MAYBE_SECTION,
    SUGGESTED,
    TITLE,
    person_entries,
)
from finpics_desktop.ui.main_window import VIEWER
from finpics_desktop.ui.people import NameDialog
from finpics_desktop.ui.people_picking import PersonChooser

album = test_people_window.album  # the fixture, shared


def open_person(qtbot, window, name: str) -> None:
    """People, then ``name``'s page, listed -- as Enter on their tile does, with no click on
    any tile of the page."""
    open_people(qtbot, window)
    row = [e.person for e in window.model.entries].index(name)
    window.nav.activate(window.model.entries, row)
    qtbot.waitUntil(lambda: window.nav.location.kind == PERSON_PLACE and not window.nav.loading
                    and bool(window.model.entries))


def current(window):
    index = window.grid.currentIndex()
    return window.model.entries[index.row()] if index.isValid() else None


def status(window) -> str:
    return window.statusBar().currentMessage()


def test_a_persons_page_has_a_title_and_sections_under_headings(qtbot, window, album,
                                                                 library):
    people, faces = album
    people.name_face(faces["obama"][0], "Obama")
    people.name_face(faces["obama"][1], "Obama")
    listed = person_entries(library, "Obama")  # what the window lists (off the GUI thread)
    headings = [(e.level, e.section) for e in listed if e.kind == HEADING]
    assert headings[:2] == [(1, TITLE), (2, CONFIRMED)]
    assert listed[0].title == "Obama — 2 photos, 2 faces"
    sections = [e.section for e in listed if e.kind != HEADING]
    assert sections == sorted(sections, key=[CONFIRMED, SUGGESTED, MAYBE_SECTION].index)
    for entry in listed:  # each tile is in its heading's section
        if entry.kind == HEADING and entry.level == 2:
            section = entry.section
        elif entry.kind != HEADING:
            assert entry.section == section
            assert entry.kind == (PHOTO if section == CONFIRMED else FACE)
            assert entry.kind == PHOTO or entry.sure == (section == SUGGESTED)
    assert sorted(e.matched_face_id for e in listed if e.kind == PHOTO) == sorted(
        faces["obama"][:2])
    assert any(e.section == SUGGESTED for e in listed)

    open_person(qtbot, window, "Obama")
    shown = [(e.kind, e.section) for e in window.model.entries]
    assert shown == [(e.kind, e.section) for e in listed]
    title, confirmed = (window.grid.visualRect(window.model.index(r)) for r in (0, 1))
    tile = window.grid.visualRect(window.model.index(2))
    assert title.width() >= window.grid.viewport().width() - 2  # across the grid
    assert confirmed.top() >= title.bottom() and tile.top() >= confirmed.bottom()
    assert tile.left() == 0  # the tiles of a section start a row of their own
    suggested = next(r for r, e in enumerate(window.model.entries)
                     if e.kind == HEADING and e.section == SUGGESTED)
    below = window.grid.visualRect(window.model.index(suggested + 1))
    assert below.left() == 0 and below.top() > window.grid.visualRect(
        window.model.index(suggested)).top()


def listed_after(said: list[str], text: str) -> bool:
    """The status bar said ``text``, then the page was listed again (its count said)."""
    if text not in said:
        return False
    return any("photo(s)" in line for line in said[len(said) - said[::-1].index(text):])


def focus_framed(window) -> bool:
    """The chosen tile is framed where the keyboard is: its frame drawn on the grid."""
    rect = window.grid.visualRect(window.grid.currentIndex()).adjusted(4, 4, -4, -4)
    image = window.grid.viewport().grab().toImage()
    ratio = image.devicePixelRatio()
    frame = window.grid.palette().color(QPalette.ColorRole.HighlightedText)
    pixel = image.pixelColor(round((rect.left() + 1) * ratio), round(rect.center().y() * ratio))
    return window.grid.hasFocus() and abs(pixel.lightness() - frame.lightness()) < 40


def test_review_from_the_keyboard_with_a_tile_always_chosen(qtbot, window, album):
    people, faces = album
    people.name_face(faces["obama"][0], "Obama")
    said = []  # every line the status bar showed
    window.statusBar().messageChanged.connect(said.append)
    open_person(qtbot, window, "Obama")
    entries = window.model.entries
    first = next(e for e in entries if e.kind == FACE)
    assert current(window) is first and first.section == SUGGESTED  # no click needed
    assert window.grid.hasFocus()
    qtbot.waitUntil(lambda: focus_framed(window))

    key(qtbot, window, "Y")  # at once: gone from the grid, the next one chosen, said
    assert first.face_id not in [e.face_id for e in window.model.entries]
    second = current(window)
    assert second is not None and second.kind == FACE and second.face_id != first.face_id
    assert "Confirming 1 face(s) as Obama" in status(window)
    qtbot.waitUntil(lambda: first.face_id in people.named())
    qtbot.waitUntil(lambda: "1 face(s) confirmed as Obama" in said)

    qtbot.waitUntil(lambda: current(window) is not None and current(window).kind == FACE)
    rejected = current(window)
    key(qtbot, window, "N")  # the tile chosen (not clicked) is rejected
    qtbot.waitUntil(lambda: rejected.face_id in people.rejected(people.find("Obama")))
    qtbot.waitUntil(lambda: "1 face(s) rejected for Obama" in said and not window.nav.loading)

    photo = next(r for r, e in enumerate(window.model.entries) if e.kind == PHOTO)
    window.selection.choose_row(photo)
    named = dict(people.named())
    key(qtbot, window, "Y")  # on a confirmed photo: said, nothing changed
    assert "confirmed as Obama already" in status(window)
    key(qtbot, window, "N")
    assert "confirmed as Obama already" in status(window)
    assert people.named().keys() == named.keys()

    for _ in range(5):  # every sure one (more may come as the person's faces grow)
        sure = [e.face_id for e in window.model.entries if e.kind == FACE and e.sure]
        if not sure:
            break
        said.clear()
        key(qtbot, window, "Shift+Y")
        done = f"{len(sure)} face(s) confirmed as Obama"
        qtbot.waitUntil(lambda d=done: listed_after(said, d), timeout=20_000)
    assert window.model.is_tile(window.grid.currentIndex().row())
    key(qtbot, window, "Shift+Y")
    assert "No sure suggestion for Obama" in status(window)
    for _ in range(20):  # the maybes, one N each, the next one chosen each time
        if not [e for e in window.model.entries if e.kind == FACE]:
            break
        chosen = current(window)
        assert chosen is not None and chosen.kind == FACE
        said.clear()
        key(qtbot, window, "N")
        qtbot.waitUntil(lambda: listed_after(said, "1 face(s) rejected for Obama"),
                        timeout=20_000)
        assert chosen.face_id in people.rejected(people.find("Obama"))
    assert not [e for e in window.model.entries if e.kind == FACE]
    assert window.model.is_tile(window.grid.currentIndex().row())  # a tile still chosen
    key(qtbot, window, "Y")
    assert "No suggestion left for Obama" in status(window)


@pytest.mark.parametrize("keys", [("Y", "N"), ("N", "Y"), ("Y", "Y", "N")])
def test_keys_faster_than_the_album_answer_one_proposal_each(qtbot, window, album, keys):
    """Keys pressed before the answer to the one before is written (or the page listed again)
    each answer the next proposal: never one twice, never one shown again once answered."""
    people, faces = album
    people.name_face(faces["obama"][0], "Obama")
    open_person(qtbot, window, "Obama")
    obama = people.find("Obama")
    for _round in range(2):
        proposals = [e for e in window.model.entries if e.kind == FACE]
        if len(proposals) < len(keys):
            break
        chosen = []
        for pressed in keys:  # no event is handled between them: the album cannot answer
            chosen.append(current(window))
            key(qtbot, window, pressed)
        ids = [e.face_id for e in chosen]
        assert len(set(ids)) == len(keys), "a proposal was answered twice"
        for face_id, pressed in zip(ids, keys, strict=True):
            if pressed == "Y":
                qtbot.waitUntil(lambda f=face_id: f in people.named(), timeout=20_000)
            else:
                qtbot.waitUntil(lambda f=face_id: f in people.rejected(obama), timeout=20_000)
        qtbot.waitUntil(lambda: not window.nav.loading, timeout=20_000)
        assert not set(ids) & {e.face_id for e in window.model.entries if e.kind == FACE}
        assert not [m for m in window.messages.texts() if "face" in m]  # nothing refused


def offered(qtbot, edit, text: str) -> list[str]:
    """What the field's completion offers once ``text`` is typed in it."""
    edit.setFocus()
    edit.clear()
    edit.insert(text) if not text.isascii() else QTest.keyClicks(edit, text)
    completer = edit.completer()
    if completer is None or not completer.popup().isVisible():
        return []
    model = completer.completionModel()
    return [model.index(r, 0).data() for r in range(model.rowCount())]


@pytest.fixture
def named(album):
    people, faces = album
    people.name_face(faces["kit"][0], "Zoë Smith")
    people.name_face(faces["biden"][0], "Joe Biden")
    people.name_face(faces["obama"][0], "Barack Obama")
    people.name_face(faces["obama"][1], "Barack")
    return people, faces


@pytest.mark.qt_log_ignore("This plugin does not support (raise|grabbing the keyboard)")
def test_names_are_completed_wherever_one_is_typed(qtbot, window, named, library):
    people, faces = named
    # the viewer's F2, in a picset's photo, People never opened
    select_source(qtbot, window, window.sources.ensure_picset(window.sources.library,
                                                              "004_group", "group"))
    window.nav.activate(window.model.entries, 0)
    qtbot.waitUntil(lambda: window.stack.currentIndex() == VIEWER
                    and not window.viewer.loading, timeout=20_000)
    choose(qtbot, window.viewer.canvas, faces["group"][1])
    key(qtbot, window, "F2")
    qtbot.waitUntil(lambda: isinstance(window.people.dialog, NameDialog)
                    and window.people.dialog.isVisible())
    edit = window.people.dialog.edit
    qtbot.waitUntil(lambda: offered(qtbot, edit, "zoe") == ["Zoë Smith"])  # accents aside
    assert offered(qtbot, edit, "SMI") == ["Zoë Smith"]  # case aside, inside the name
    assert offered(qtbot, edit, "Zoë") == ["Zoë Smith"]
    assert offered(qtbot, edit, "bar") == ["Barack", "Barack Obama"]
    window.people.dialog.reject()
    key(qtbot, window, "Escape")

    # naming a group of unnamed faces, on its tile
    select_source(qtbot, window, node(window, UNNAMED))
    qtbot.waitUntil(lambda: not window.nav.loading and window.model.row_of(
        lambda e: e.kind == GROUP) >= 0)
    window.selection.choose_row(window.model.row_of(lambda e: e.kind == GROUP))
    key(qtbot, window, "F2")
    qtbot.waitUntil(lambda: window.people.tiles.editor is not None
                    and window.people.tiles.editor.isVisible())
    editor = window.people.tiles.editor
    assert offered(qtbot, editor, "biden") == ["Joe Biden"]
    QTest.keyClick(editor.completer().popup(), Qt.Key.Key_Escape)
    QTest.keyClick(editor, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.people.tiles.editor is None
                    or not window.people.tiles.editor.isVisible())

    # merging a person into another
    open_people(qtbot, window)
    row = [e.person for e in window.model.entries].index("Barack")
    window.selection.choose_row(row)
    key(qtbot, window, "M")  # the people of the album to choose from, filtered as typed
    qtbot.waitUntil(lambda: isinstance(window.people.dialog, PersonChooser)
                    and window.people.dialog.isVisible())
    chooser = window.people.dialog
    QTest.keyClicks(chooser.edit, "obama")
    assert [chooser.list.item(r).text() for r in range(chooser.list.count())
            if not chooser.list.item(r).isHidden()] == ["Barack Obama"]
    QTest.keyClick(chooser.edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: [e.person for e in window.model.entries].count("Barack") == 0
                    and not window.nav.loading)

    # finding a person by name (Ctrl+F), from a person's page
    row = [e.person for e in window.model.entries].index("Barack Obama")
    window.nav.activate(window.model.entries, row)
    qtbot.waitUntil(lambda: window.nav.location.kind == PERSON_PLACE and not window.nav.loading)
    key(qtbot, window, "Ctrl+F")
    qtbot.waitUntil(lambda: window.nav.location.kind == PEOPLE and not window.nav.loading)
    assert window.people.filter.isVisible() and window.people.filter.hasFocus()
    assert offered(qtbot, window.people.filter, "zoe") == ["Zoë Smith"]
    assert [e.person for e in window.model.entries] == ["Zoë Smith"]  # the search by name
    qtbot.keyClick(window.people.filter.completer().popup(), Qt.Key.Key_Escape)
    qtbot.keyClick(window.people.filter, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.nav.location.kind == PERSON_PLACE
                    and window.nav.location.person == "Zoë Smith")
