"""The window's navigation state without a display: places, the back stack, the listing and
search under way and the one way their stale results are dropped, on a real library. A
runner of the test's own holds each task until the test delivers its result, as the window's
thread pool would, later and in any order."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from finpics_desktop.app.entries import FILE, Entry
from finpics_desktop.app.tasks import Task
from finpics_desktop.app.window.navigation import (
    CANCELLED,
    CLOUD,
    FOLDER,
    FOUND,
    GRID,
    LIBRARY,
    LISTING,
    PICSET_PLACE,
    SEARCH,
    SEARCHING,
    VIEWER,
    BusyChanged,
    GridChanged,
    Navigation,
    PageChanged,
    PhotoAdded,
    Place,
    PlaceChanged,
    StatusChanged,
    Told,
)
from finpics_desktop.pipeline.publish.upload import Publisher


class HeldRunner:
    """Runs nothing until told: ``deliver(i)`` runs task ``i`` and hands its result over as
    the window would (never after its task was cancelled)."""

    def __init__(self):
        self.held: list[tuple] = []

    def __call__(self, fn, on_done=None, on_error=None, *, task=None):
        task = task or Task()
        self.held.append((fn, on_done, on_error, task))
        return task

    def deliver(self, index: int = -1):
        fn, on_done, on_error, task = self.held.pop(index)
        try:
            result = fn()
        except Exception as e:  # noqa: BLE001 - handed over like the pool does
            if not task.cancelled and on_error:
                on_error(e)
            return
        if not task.cancelled and on_done:
            on_done(result)

    def deliver_all(self):
        while self.held:
            self.deliver(0)


@pytest.fixture
def album(library, copy_photos):
    folder = copy_photos("faces/obama/obama.jpg", "faces/obama/obama2.jpg",
                         "faces/biden/biden.jpg", folder="people")
    assert Publisher.for_backend(library).publish([folder], "001_people").ok
    return library


@pytest.fixture
def nav():
    runner = HeldRunner()
    state = Navigation(runner, first_screen=lambda: 2)
    state.events = []
    state.listen(state.events.append)
    state.runner = runner
    return state


def of(events, kind):
    return [e for e in events if isinstance(e, kind)]


def statuses(nav) -> list[str]:
    return [e.text for e in of(nav.events, StatusChanged)]


def test_a_place_is_listed_and_a_newer_one_drops_the_older_listing(nav, album):
    nav.open(Place(LIBRARY, album))
    assert nav.loading and of(nav.events, BusyChanged)[-1].jobs == (
        (LISTING, "Listing picsets…"),)
    nav.open(Place(PICSET_PLACE, album, "001_people", within=LIBRARY))
    assert [e.place.kind for e in of(nav.events, PlaceChanged)] == [LIBRARY, PICSET_PLACE]
    nav.runner.deliver(0)  # the library's listing comes late: dropped
    assert of(nav.events, GridChanged) == [] and nav.loading
    nav.runner.deliver()
    assert [e.name for e in nav.entries] == ["biden.jpg", "obama.jpg", "obama2.jpg"]
    assert of(nav.events, GridChanged)[-1].entries == nav.entries
    assert not nav.loading and of(nav.events, BusyChanged)[-1].jobs == ()
    assert statuses(nav)[-1] == "3 photos"


def test_the_picsets_listed_again_for_the_tree_redraw_the_grid_only_if_they_changed(
        nav, album):
    nav.open(Place(LIBRARY, album))
    nav.runner.deliver()
    shown = list(nav.entries)
    nav.events.clear()
    nav.picsets_refreshed(album, list(shown))  # the tree's listing at start: the same
    assert of(nav.events, GridChanged) == []
    renamed = [replace(shown[0], title="Other title"), *shown[1:]]
    nav.picsets_refreshed(album, renamed)
    assert of(nav.events, GridChanged)[-1].entries == renamed == nav.entries


def test_cancel_leaves_the_grid_empty_until_listed_again(nav, album):
    place = Place(PICSET_PLACE, album, "001_people", within=LIBRARY)
    nav.open(place)
    assert nav.cancel() is True and not nav.loading and nav.listing_cancelled
    assert statuses(nav)[-1] == "Cancelled listing 001_people (F5 lists it again)"
    nav.runner.deliver()
    assert nav.entries == [] and of(nav.events, GridChanged) == []
    assert nav.cancel() is False  # nothing under way
    nav.refresh()
    nav.runner.deliver()
    assert len(nav.entries) == 3 and nav.location == place


def test_a_cancelled_folder_prefetches_nothing(tmp_path, album):
    folder = tmp_path / "f"
    folder.mkdir()
    for name in ("a.jpg", "b.jpg", "c.jpg"):
        (folder / name).write_bytes(b"x")
    asked, runner = [], HeldRunner()
    nav = Navigation(runner, prefetch=asked.append, first_screen=lambda: 2)
    nav.open(Place(FOLDER, path=folder))
    runner.deliver()
    assert [[e.title for e in batch] for batch in asked] == [["a.jpg", "b.jpg"]] * 2
    asked.clear()
    nav.open(Place(FOLDER, path=folder))
    nav.cancel()
    runner.deliver()  # its first screen came after the cancel: no thumbnails are made
    assert asked == []


def test_the_back_stack_from_a_picset_to_a_person_and_back(nav, album):
    nav.open(Place(LIBRARY, album))
    nav.runner.deliver()
    nav.activate(nav.entries, 0)  # the picset opens
    assert nav.location.kind == PICSET_PLACE and nav.location.parent == Place(LIBRARY, album)
    nav.runner.deliver()
    obama = next(i for i, e in enumerate(nav.entries) if e.name == "obama.jpg")
    nav.activate(nav.entries, obama)
    assert nav.page == VIEWER and nav.frame.current.name == "obama.jpg"
    nav.viewer_moved(obama + 1)  # the viewer stepped to the next photo
    nav.viewer_moved(obama)
    face_id = nav.frame.current.face_boxes()[0][0]
    nav.search_face(nav.frame.current, face_id)
    assert nav.page == SEARCH and nav.searching
    assert of(nav.events, BusyChanged)[-1].jobs[-1] == (SEARCHING, "Searching…")
    nav.runner.deliver()
    assert nav.frame.state == FOUND and [e.name for e in nav.frame.entries] == [
        "obama.jpg", "obama2.jpg"]
    assert nav.frame.entries[0].searched and statuses(nav)[-1] == (
        "1 other photo(s) of this person")
    nav.open_photo(nav.frame.entries, 1)  # a result in the viewer
    assert [f.page for f in nav.stack] == [GRID, VIEWER, SEARCH, VIEWER]
    nav.back()
    change = of(nav.events, PageChanged)[-1]
    assert nav.page == SEARCH and change.left.current.name == "obama2.jpg"
    nav.back()
    assert nav.page == VIEWER and nav.frame.current.name == "obama.jpg"  # the clicked photo
    nav.back()
    assert nav.page == GRID and of(nav.events, PageChanged)[-1].left.current.name == (
        "obama.jpg")
    nav.back()  # the picset's grid: up to the library
    assert nav.location == Place(LIBRARY, album) and nav.loading


def test_cancelling_a_search_returns_to_the_photo_and_drops_its_result(nav, album):
    nav.open(Place(PICSET_PLACE, album, "001_people", within=LIBRARY))
    nav.runner.deliver()
    nav.open_photo(nav.entries, 1)
    photo = nav.frame.current
    nav.search_face(photo, photo.face_boxes()[0][0])
    search = nav.frame
    assert nav.cancel() is True
    assert nav.page == VIEWER and nav.frame.current is photo and search.state == CANCELLED
    assert statuses(nav)[-1] == "Search cancelled" and not nav.searching
    nav.runner.deliver()
    assert search.entries == [] and nav.page == VIEWER  # the late result is dropped
    # a search under way is moot once the user goes elsewhere
    nav.search_face(photo, photo.face_boxes()[0][0])
    nav.open(Place(LIBRARY, album))
    assert not nav.searching and [f.page for f in nav.stack] == [GRID]


def test_esc_cancels_the_newest_of_a_listing_and_a_search(nav, album):
    nav.open(Place(PICSET_PLACE, album, "001_people", within=LIBRARY))
    nav.runner.deliver()
    photos = list(nav.entries)
    nav.refresh()  # a listing under way, then a search
    nav.open_photo(photos, 0)
    nav.search_face(photos[0], photos[0].face_boxes()[0][0])
    assert [j[0] for j in of(nav.events, BusyChanged)[-1].jobs] == [LISTING, SEARCHING]
    assert nav.cancel() and not nav.searching and nav.loading
    assert nav.cancel() and not nav.loading
    assert nav.cancel() is False


def test_photos_published_appear_in_the_tables_order(nav, album):
    place = Place(PICSET_PLACE, album, "001_people", within=LIBRARY)
    nav.open(place)
    late = Entry("photo", "c.jpg", album, picset="001_people", name="c.jpg")
    nav.photo_published(late)  # while the picset is listed: kept for after
    assert of(nav.events, PhotoAdded) == []
    nav.runner.deliver()
    assert [e.name for e in nav.entries] == ["biden.jpg", "c.jpg", "obama.jpg", "obama2.jpg"]
    assert of(nav.events, PhotoAdded)[-1].row == 1 and statuses(nav)[-1] == "4 photos"
    nav.photo_published(late)  # once only
    elsewhere = Entry("photo", "x.jpg", album, picset="002_other", name="x.jpg")
    nav.photo_published(elsewhere)  # another picset: not shown here
    assert len(nav.entries) == 4 and len(of(nav.events, PhotoAdded)) == 1


def test_what_cannot_be_shown_says_why(nav, album, tmp_path):
    nav.open(Place(CLOUD, problem="not connected: cannot reach http://127.0.0.1:9/"))
    assert not nav.loading and nav.runner.held == []
    assert statuses(nav)[-1] == "finpics cloud: not connected: cannot reach http://127.0.0.1:9/"
    nav.search_face(Entry(FILE, "a.jpg", path=tmp_path / "a.jpg"), "f")
    assert of(nav.events, Told)[-1] == Told(
        "Publish this photo first: only published photos can be searched by face.", "info")
    assert nav.page == GRID
    nav.open(Place(FOLDER, path=Path(tmp_path / "missing")))
    nav.runner.deliver()
    told = of(nav.events, Told)[-1]
    assert told.level == "error" and told.text.startswith(f"{tmp_path / 'missing'}: ")
    assert not nav.loading
