"""A listing or a face search under way shows in the status bar (after a short delay) with
Cancel; Cancel or Esc drops it at once, and its late result never shows."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import Qt
from ui_helpers import grid_rows, picset_item, select_source

from finpics_desktop.app.window import navigation
from finpics_desktop.ui.main_window import GRID, SEARCH, VIEWER
from finpics_desktop.ui.workers import run_task, wait_all

WAIT = 20_000


class Gate:
    """Holds a worker function until the test opens it; counts the calls that went through."""

    def __init__(self, fn):
        self.fn = fn
        self.open = threading.Event()
        self.entered = threading.Event()
        self.calls = 0

    def __call__(self, *args):
        self.entered.set()
        assert self.open.wait(60), "the test never opened the gate"
        self.calls += 1
        return self.fn(*args)


def settle(qtbot) -> None:
    """Every worker has returned and its result has been delivered on the GUI thread: a
    marker queued behind those results on the one dispatcher comes back last."""
    assert wait_all(60_000)
    delivered = []
    run_task(lambda: True, delivered.append)  # from a pool thread: queued behind the results
    qtbot.waitUntil(lambda: bool(delivered), timeout=WAIT)


def status(window) -> str:
    return window.statusBar().currentMessage()


@pytest.fixture
def make_gate():
    """Gates that open, whatever happens, before the window's fixture waits for the workers
    (set up after it, so torn down before it)."""
    gates = []

    def make(fn) -> Gate:
        gates.append(Gate(fn))
        return gates[-1]

    yield make
    for gate in gates:
        gate.open.set()


@pytest.fixture
def gated_photos(make_window, make_gate, monkeypatch):
    gate = make_gate(navigation.list_photos)
    monkeypatch.setattr(navigation, "list_photos", gate)
    return gate


def open_picset(qtbot, window, picset: str) -> None:
    qtbot.waitUntil(lambda: picset_item(window, picset) is not None, timeout=WAIT)
    window.tree.setCurrentIndex(window.sources.indexFromItem(picset_item(window, picset)))


def test_cancel_a_slow_picset_listing(qtbot, make_window, publish, gated_photos):
    publish("001_slow", "faces/biden/biden.jpg")
    window = make_window()
    qtbot.waitUntil(lambda: not window.nav.loading, timeout=WAIT)
    busy = window.busy
    assert not busy.shown
    open_picset(qtbot, window, "001_slow")
    assert not busy.shown  # never at once: only once the listing has run a moment
    qtbot.waitUntil(lambda: busy.shown, timeout=WAIT)
    assert busy.label.text() == "Listing 001_slow…"
    assert busy.cancel_button.isVisible() and window.nav.loading

    qtbot.mouseClick(busy.cancel_button, Qt.MouseButton.LeftButton)
    assert not busy.shown and not window.nav.loading  # at once, the worker still blocked
    assert "Cancelled listing 001_slow" in status(window)
    assert window.stack.currentIndex() == GRID and grid_rows(window) == []
    assert window.nav.location.picset == "001_slow"

    gated_photos.open.set()  # the listing's result arrives late: it is dropped
    settle(qtbot)
    assert gated_photos.calls == 1
    assert grid_rows(window) == [] and not busy.shown
    assert "Cancelled listing 001_slow" in status(window)

    qtbot.keyClick(window, Qt.Key.Key_F5)  # lists it again
    qtbot.waitUntil(lambda: grid_rows(window) == ["biden.jpg"], timeout=WAIT)
    assert status(window) == "1 photo" and not busy.shown


def test_esc_cancels_a_listing_first_then_goes_back(qtbot, make_window, publish, gated_photos):
    publish("001_slow", "faces/biden/biden.jpg")
    window = make_window()
    qtbot.waitUntil(lambda: not window.nav.loading, timeout=WAIT)
    open_picset(qtbot, window, "001_slow")
    assert gated_photos.entered.wait(30)
    qtbot.keyClick(window.grid, Qt.Key.Key_Escape)  # shown yet or not, Esc cancels
    assert not window.busy.shown and not window.nav.loading
    assert "Cancelled listing 001_slow" in status(window)
    assert window.nav.location.picset == "001_slow"  # cancelled, not gone back
    gated_photos.open.set()
    settle(qtbot)
    assert grid_rows(window) == []
    qtbot.keyClick(window.grid, Qt.Key.Key_Escape)  # nothing under way: back to the picsets
    qtbot.waitUntil(lambda: window.nav.location.kind == "library" and not window.nav.loading,
                    timeout=WAIT)
    assert grid_rows(window) == ["slow"]


def test_a_new_listing_replaces_the_one_under_way(qtbot, make_window, publish, gated_photos):
    publish("001_first", "faces/biden/biden.jpg")
    publish("002_second", "faces/obama/obama.jpg")
    window = make_window()
    qtbot.waitUntil(lambda: not window.nav.loading, timeout=WAIT)
    busy = window.busy
    open_picset(qtbot, window, "001_first")
    qtbot.waitUntil(lambda: busy.shown, timeout=WAIT)
    open_picset(qtbot, window, "002_second")  # the indicator follows the newest
    assert busy.shown and busy.label.text() == "Listing 002_second…"
    qtbot.mouseClick(busy.cancel_button, Qt.MouseButton.LeftButton)
    assert not busy.shown and "Cancelled listing 002_second" in status(window)
    gated_photos.open.set()
    settle(qtbot)
    assert gated_photos.calls == 2 and grid_rows(window) == [] and not busy.shown
    # a listing replaced by a quick one: the quick one shows, the slow one never does
    gated_photos.open.clear()
    open_picset(qtbot, window, "001_first")
    assert gated_photos.entered.wait(30)
    select_source(qtbot, window, window.sources.library)
    assert sorted(grid_rows(window)) == ["first", "second"] and not busy.shown
    gated_photos.open.set()
    settle(qtbot)
    assert sorted(grid_rows(window)) == ["first", "second"] and status(window) == "2 picsets"


def test_a_quick_listing_never_shows_the_indicator(qtbot, window, copy_photos):
    folder = copy_photos("faces/biden/biden.jpg", "faces/obama/obama.jpg", folder="quick")
    window.open_folder(folder)
    assert not window.busy.shown  # started, not shown yet
    qtbot.waitUntil(lambda: not window.nav.loading and window.model.rowCount() == 2,
                    timeout=WAIT)
    assert not window.busy.shown and window.busy.jobs == []
    assert not window.busy.reveal_timer.isActive()  # it cannot show up later either
    assert status(window) == "2 photos"


def test_cancelled_folder_makes_no_thumbnails(qtbot, window, copy_photos, make_gate,
                                              monkeypatch):
    folder = copy_photos("faces/biden", folder="big")
    gate = make_gate(navigation.list_folder)
    monkeypatch.setattr(navigation, "list_folder", gate)
    asked = []
    monkeypatch.setattr(window.loader, "prefetch", lambda entries: asked.append(entries))
    window.open_folder(folder)
    qtbot.waitUntil(lambda: window.busy.shown, timeout=WAIT)
    assert window.busy.label.toolTip() == f"Listing {folder}…"
    qtbot.keyClick(window.grid, Qt.Key.Key_Escape)
    assert not window.busy.shown and f"Cancelled listing {folder}" in status(window)
    gate.open.set()
    settle(qtbot)
    assert gate.calls == 1 and asked == [] and window.model.rowCount() == 0


@pytest.fixture
def photo_in_viewer(qtbot, make_window, make_gate, publish, library, monkeypatch):
    """The window on a published photo with one face; the search waits for the test."""
    publish("001_people", "faces/obama/obama.jpg")
    gate = make_gate(library.search)
    monkeypatch.setattr(library, "search", gate)
    window = make_window()
    qtbot.waitUntil(lambda: picset_item(window, "001_people") is not None, timeout=WAIT)
    select_source(qtbot, window, picset_item(window, "001_people"))
    window.selection.choose_row(0)
    window.nav.activate(window.model.entries, 0)
    qtbot.waitUntil(lambda: window.stack.currentIndex() == VIEWER
                    and not window.viewer.loading, timeout=WAIT)
    assert len(window.viewer.canvas.faces) == 1
    return window, gate


def click_the_face(qtbot, window) -> None:
    canvas = window.viewer.canvas
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton,
                     pos=canvas.face_rects()[0].center().toPoint())
    assert window.stack.currentIndex() == SEARCH and window.search.searching


@pytest.mark.parametrize("how", ["button", "esc"])
def test_cancel_a_search_returns_to_the_photo(qtbot, photo_in_viewer, how):
    window, gate = photo_in_viewer
    busy = window.busy
    click_the_face(qtbot, window)
    assert not busy.shown
    qtbot.waitUntil(lambda: busy.shown, timeout=WAIT)
    assert busy.label.text() == "Searching…"
    if how == "button":
        qtbot.mouseClick(busy.cancel_button, Qt.MouseButton.LeftButton)
    else:
        assert window.focusWidget() is window.search.view
        qtbot.keyClick(window.search.view, Qt.Key.Key_Escape)
    assert not busy.shown and status(window) == "Search cancelled"
    assert window.stack.currentIndex() == VIEWER  # where the user was
    assert window.viewer.current.name == "obama.jpg" and not window.search.searching

    gate.open.set()  # the search's result arrives late: it is dropped
    settle(qtbot)
    assert gate.calls == 1
    assert window.stack.currentIndex() == VIEWER and window.search.model.rowCount() == 0
    assert status(window) == "Search cancelled" and not busy.shown
    qtbot.keyClick(window.viewer.canvas, Qt.Key.Key_Escape)  # the viewer's Esc: to the grid
    assert window.stack.currentIndex() == GRID

    # the search works as before once nothing holds it
    window.nav.activate(window.model.entries, 0)
    qtbot.waitUntil(lambda: not window.viewer.loading, timeout=WAIT)
    click_the_face(qtbot, window)
    qtbot.waitUntil(lambda: not window.search.searching, timeout=WAIT)
    assert window.stack.currentIndex() == SEARCH and not busy.shown
    assert window.search.model.entries[0].name == "obama.jpg"
    assert "other photo" in status(window)


def test_choosing_a_source_drops_the_search_under_way(qtbot, photo_in_viewer):
    window, gate = photo_in_viewer
    click_the_face(qtbot, window)
    qtbot.waitUntil(lambda: window.busy.shown, timeout=WAIT)
    select_source(qtbot, window, window.sources.library)
    assert window.stack.currentIndex() == GRID and grid_rows(window) == ["people"]
    assert not window.busy.shown and not window.search.searching
    gate.open.set()
    settle(qtbot)
    assert window.stack.currentIndex() == GRID and window.search.model.rowCount() == 0
    assert status(window) == "1 picset"
