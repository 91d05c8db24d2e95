"""The window's *Unnamed faces* on a cloud album whose faces were never searched (the local
cloud refusing SearchFaces over 5 calls a second, as AWS does; the window keeping to the rate
set in its Settings): the listing says how far the searches are, Cancel stops them between two
chunks and shows the groups of the faces searched under a heading saying so, nothing refused;
F5 goes on with the other faces only (none searched twice), and shows every face grouped."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from finpics_desktop.app.entries import FACE, GROUP, HEADING
from finpics_desktop.app.window.group_places import STOPPED
from finpics_desktop.app.window.navigation import UNNAMED
from finpics_desktop.pipeline.people import clusters
from finpics_desktop.pipeline.photos.thumbcache import ThumbCache
from finpics_desktop.ui.sources import NodeRole
from tests.aws.aws_helpers import admin_keys
from tests.aws.test_rekognition_rate import faces_published, throttled

CHUNK = 5  # faces searched between two progress reports (1 s at 5 a second)


@pytest.fixture
def album(cloud, photos_dir):
    """faces/ published on fresh cloud resources, never grouped: (names, every FaceId)."""
    names, faces = faces_published(cloud, photos_dir, "group")
    assert len(faces) > 4 * CHUNK
    return names, faces


@pytest.fixture
def window(qtbot, qt_settings, tmp_path, monkeypatch, library, cloud, album):
    from finpics_desktop.ui.main_window import MainWindow
    from finpics_desktop.ui.settings import AppSettings
    from finpics_desktop.ui.workers import wait_all

    monkeypatch.setattr(clusters, "SEARCH_CHUNK", CHUNK)
    monkeypatch.setenv("HOME", str(tmp_path))
    admin_keys(cloud, monkeypatch, "FINPICS_REKOGNITION_TPS")
    names = {k: getattr(album[0], k) for k in ("pics_bucket", "thumbs_bucket", "collection",
                                               "pics_table", "image_table", "private_table")}
    settings = AppSettings(aws_enabled=True, endpoint_url=cloud.url, names=names,
                           rekognition_tps=5)
    win = MainWindow(library, settings=settings, thumb_cache=ThumbCache(tmp_path / "thumbs"))
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.nav.cancel()
    assert wait_all(120_000)


def unnamed_node(window):
    root = window.sources.cloud
    return next(root.child(r) for r in range(root.rowCount())
                if root.child(r).data(NodeRole).kind == UNNAMED)


def shown_faces(entries) -> set[str]:
    return ({f for e in entries if e.kind == GROUP for f in e.members}
            | {e.face_id for e in entries if e.kind == FACE})


def test_the_first_grouping_shows_progress_stops_on_cancel_and_goes_on(
        qtbot, window, cloud, album):
    names, faces = album
    qtbot.waitUntil(lambda: window.cloud_backend is not None, timeout=30_000)
    # the rate set in Settings is the cloud's clients' (one pace for the whole process)
    assert window.cloud_backend.faces.clients.rekognition_limiter.tps == 5
    window.refresh_picsets(window.sources.cloud)
    qtbot.waitUntil(lambda: window.sources.cloud.rowCount() > 2, timeout=30_000)
    with throttled(cloud, 5) as throttle:
        window.tree.setCurrentIndex(window.sources.indexFromItem(unnamed_node(window)))
        qtbot.waitUntil(lambda: window.busy.shown and window.busy.label.toolTip().startswith(
            "Grouping faces: "), timeout=30_000)
        text = window.busy.label.toolTip()
        qtbot.mouseClick(window.busy.cancel_button, Qt.MouseButton.LeftButton)
        done = int(text.split()[2].replace(",", ""))
        assert text == f"Grouping faces: {done} of {len(faces)} searched…"
        qtbot.waitUntil(lambda: not window.nav.loading and bool(window.model.entries),
                        timeout=30_000)
        entries = list(window.model.entries)
        searched_first = throttle.admitted["SearchFaces"]
        refused_first = throttle.refused["SearchFaces"]

        assert entries[0].kind == HEADING and entries[0].section == STOPPED
        assert entries[0].title.startswith("Grouping stopped: ")
        assert f" {searched_first} of {len(faces)} faces searched" in entries[0].title
        assert done < searched_first <= done + CHUNK < len(faces)  # stopped after the chunk
        #                                                            under way
        assert 0 < len(shown_faces(entries)) < len(faces)
        assert "Grouping stopped" in window.statusBar().currentMessage()
        assert not window.nav.listing_cancelled

        window.nav.refresh()  # F5: goes on with the faces not searched
        qtbot.waitUntil(lambda: not window.nav.loading and bool(window.model.entries)
                        and window.model.entries[0].section != STOPPED, timeout=120_000)
        entries = list(window.model.entries)
        assert throttle.admitted["SearchFaces"] == len(faces)  # no face searched twice
        assert throttle.refused["SearchFaces"] == refused_first == 0
    assert not any(e.kind == HEADING and e.section == STOPPED for e in entries)
    assert shown_faces(entries) == set(faces)
    assert any(e.kind == GROUP for e in entries)
