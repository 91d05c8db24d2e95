"""*Unnamed faces* a page of tiles at a time (app/window/group_places.py, app/window/paging.py,
the grid's fetchMore), in the window (real widgets offscreen, the real engine on faces/ and
lfw10/): opening it locates only the first page's faces and the grid holds only that page;
scrolling to its end fetches the next pages, until every tile of the listing is there in its
order; a group named on it leaves the grid in place -- no listing again, the grid where it was
scrolled, the tiles after it kept."""

from __future__ import annotations

import pytest
from labelled_album import publish_labelled
from ui_helpers import select_source

from finpics_desktop.app import people_views
from finpics_desktop.app.entries import GROUP, HEADING
from finpics_desktop.app.people_views import PeopleViews
from finpics_desktop.app.window import group_places
from finpics_desktop.app.window.navigation import UNNAMED
from finpics_desktop.pipeline.people.naming import People
from finpics_desktop.ui.grid import CELL_MAX
from finpics_desktop.ui.sources import NodeRole

PAGE = 6  # tiles a page here (240 in the app): the real photos' ~40 tiles make several pages


@pytest.fixture
def album(library, photos_dir, labels, monkeypatch):
    publish_labelled(library, photos_dir, labels)
    monkeypatch.setattr(group_places, "PAGE", PAGE, raising=False)
    return library


def located_counted(monkeypatch) -> list[int]:
    """How many faces each locating of faces (reading their photos' items) asked for."""
    counted = []
    real = People.locate

    def locate(self, face_ids, known=None):
        face_ids = list(face_ids)
        counted.append(len(face_ids))
        return real(self, face_ids, known)

    monkeypatch.setattr(People, "locate", locate)
    return counted


def open_unnamed(qtbot, window) -> None:
    root = window.sources.library
    item = next(root.child(r) for r in range(root.rowCount())
                if root.child(r).data(NodeRole).kind == UNNAMED)
    select_source(qtbot, window, item)
    assert window.nav.location.kind == UNNAMED


def small(window):
    """A window whose grid shows fewer tiles than a page (so the first page fills it)."""
    window.resize(520, 420)
    window.grid.set_cell(CELL_MAX)
    return window


def keys(entries) -> list:
    return [(e.kind, e.face_id, e.members, e.title) for e in entries]


def scroll_to_end(qtbot, window) -> None:
    """Scrolled to the end of the grid until nothing more comes (as a user keeps scrolling)."""
    bar = window.grid.verticalScrollBar()
    for _ in range(100):
        rows = window.model.rowCount()
        qtbot.waitUntil(lambda rows=rows: window.grid.visualRect(  # (every row laid out, so
            window.model.index(rows - 1)).isValid())  # the end scrolled to is the end)
        bar.setValue(bar.maximum())
        pages = getattr(window.nav, "pages", None)
        if pages is None or not pages.more():
            qtbot.waitUntil(lambda: getattr(window.nav, "_fetching", None) is None,
                            timeout=20_000)
            if window.model.rowCount() == rows:
                return
        else:
            qtbot.waitUntil(lambda rows=rows: window.model.rowCount() > rows, timeout=20_000)
    raise AssertionError("the grid never came to its end")


def test_opening_locates_only_the_first_page_and_scrolling_fetches_the_rest(
        qtbot, make_window, album, monkeypatch):
    whole = group_places.unnamed_entries(album)  # every page (and the groups kept)
    assert len(whole) > 3 * PAGE
    people_views.views(album).forget(in_album=False)  # (a new session: nothing in memory)
    window = small(make_window())
    counted = located_counted(monkeypatch)
    open_unnamed(qtbot, window)
    qtbot.waitUntil(lambda: window.grid.visualRect(window.model.index(0)).isValid())
    assert window.model.rowCount() <= PAGE + 1  # (the heading before the faces alone)
    assert keys(window.model.entries) == keys(whole[:window.model.rowCount()])
    assert sum(counted) <= PAGE  # only the first page's faces were located
    total = sum(1 for e in whole if e.kind != HEADING)
    assert f"{sum(1 for e in whole if e.kind == GROUP)} group(s)" in (
        window.statusBar().currentMessage())  # the status counts the whole listing

    scroll_to_end(qtbot, window)
    assert keys(window.model.entries) == keys(whole)  # every tile, in the listing's order
    assert len(counted) > 2 and max(counted) <= PAGE  # a page at a time
    assert sum(counted) >= total


def test_a_group_named_leaves_the_grid_in_place(qtbot, make_window, album, monkeypatch):
    window = small(make_window())
    open_unnamed(qtbot, window)
    scroll_to_end(qtbot, window)  # (several pages fetched)
    listed = []
    real = PeopleViews.unnamed
    monkeypatch.setattr(PeopleViews, "unnamed", lambda views: listed.append(1) or real(views))
    bar = window.grid.verticalScrollBar()
    before = list(window.model.entries)
    groups = [r for r, e in enumerate(before) if e.kind == GROUP]
    row = groups[len(groups) // 2]  # a tile down the grid, scrolled to
    window.grid.scrollTo(window.model.index(row), window.grid.ScrollHint.PositionAtCenter)
    scrolled = bar.value()
    assert scrolled > 0
    tile = before[row]
    window.people.actions.name_group(tile, "Someone Named")
    qtbot.waitUntil(lambda: set(tile.members) <= set(People(album).named()), timeout=20_000)
    qtbot.waitUntil(lambda: tile not in window.model.entries, timeout=20_000)
    assert not window.nav.loading and listed == []  # not listed again
    assert keys(window.model.entries) == keys(before[:row] + before[row + 1:])
    assert abs(bar.value() - scrolled) <= window.grid.cell_size().height()  # where it was
