"""A library the previous version of the app (dlib's engine) left: the window says once, in
Messages, that re-indexing will improve matches."""

from __future__ import annotations

from old_library import age_library

from finpics_desktop.backends.local.library import open_library
from finpics_desktop.pipeline.publish.upload import Publisher
from finpics_desktop.ui.workers import settle


def test_an_old_library_is_told_once_that_reindexing_improves_matches(
        tmp_path, engine, copy_photos, make_window, qtbot):
    root = tmp_path / "old-library"
    backend = open_library(root, engine=engine)
    report = Publisher(backend.store, backend.tables, backend.faces, backend.names,
                       backend.process).publish([copy_photos("faces/biden")], "001_b")
    assert report.ok, report.summary()
    backend.close()
    age_library(root)

    def notes(window):
        return [t for t in window.messages.texts() if "older face engine" in t]

    backend = open_library(root, engine=engine)
    first = make_window(backend)
    qtbot.waitUntil(lambda: bool(notes(first)), timeout=20_000)
    assert notes(first) == [
        "This library holds 2 face(s) indexed by an older face engine (dlib-resnet-v1), which "
        "are only matched among themselves: run `finpics-desktop reindex` once to index them "
        "again with the current one, and searches will find more photos with fewer look-alikes"]
    second = make_window(backend)  # the next start
    assert settle(20_000)  # (what the startup's tasks handed to the GUI thread, delivered)
    assert notes(second) == []
    backend.close()
