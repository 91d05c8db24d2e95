"""The window on the finpics cloud (the local stack, the deployed template): the cloud source
connects from the settings, a folder published onto it is processed by the S3 -> Lambda trigger
and fills the picset in, face boxes show on a cloud photo, and clicking a face searches through
the search function."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from finpics_desktop.pipeline.photos.thumbcache import ThumbCache
from finpics_desktop.ui.sources import NodeRole
from tests.aws.aws_helpers import admin_keys

PICSET = "301_window"


@pytest.fixture
def window(qtbot, qt_settings, tmp_path, monkeypatch, library, cloud, deployed):
    from finpics_desktop.ui.main_window import MainWindow
    from finpics_desktop.ui.settings import AppSettings
    from finpics_desktop.ui.workers import wait_all

    monkeypatch.setenv("HOME", str(tmp_path))
    admin_keys(cloud, monkeypatch)
    settings = AppSettings(aws_enabled=True, endpoint_url=cloud.url)
    win = MainWindow(library, settings=settings, thumb_cache=ThumbCache(tmp_path / "thumbs"))
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    yield win
    assert wait_all(120_000)


def cloud_picset(window, picset):
    root = window.sources.cloud
    for row in range(root.rowCount()):
        node = root.child(row).data(NodeRole)
        if node is not None and node.picset == picset:
            return root.child(row)
    return None


def test_publish_browse_view_and_search_on_the_cloud(qtbot, window, copy_photos):
    from finpics_desktop.ui.main_window import SEARCH, VIEWER

    qtbot.waitUntil(lambda: window.cloud_backend is not None, timeout=30_000)
    cloud = window.cloud_backend
    assert cloud.kind == "aws" and window.sources.cloud.text() == "finpics cloud"

    folder = copy_photos("faces/biden", "faces/groups/two_people.jpg", folder="window-cloud")
    window.start_upload(cloud, [folder], PICSET)
    qtbot.waitUntil(lambda: window.upload_panel.report is not None, timeout=60_000)
    assert window.upload_panel.report.ok, window.upload_panel.report.summary()
    # the processing function writes the items a moment after each upload; the picset fills in
    qtbot.waitUntil(lambda: len(cloud.tables.query_pics(PICSET)) == 3, timeout=90_000)
    panel = window.upload_panel  # each photo: sent, then processed by the cloud
    qtbot.waitUntil(lambda: panel.processed == 3, timeout=60_000)
    assert [panel.table.item(r, 1).text() for r in range(3)] == ["published"] * 3
    assert panel.bar.value() == panel.bar.maximum() == 6
    window.refresh_picsets(window.sources.cloud)
    qtbot.waitUntil(lambda: cloud_picset(window, PICSET) is not None, timeout=20_000)
    window.tree.setCurrentIndex(window.sources.indexFromItem(cloud_picset(window, PICSET)))
    qtbot.waitUntil(lambda: not window.nav.loading and len(window.model.entries) == 3,
                    timeout=30_000)
    assert {e.name for e in window.model.entries} == {"biden.jpg", "biden2.jpg",
                                                       "two_people.jpg"}

    row = window.model.row_of(lambda e: e.name == "biden.jpg")
    window.selection.choose_row(row)
    window.nav.activate(window.model.entries, row)
    qtbot.waitUntil(lambda: window.stack.currentIndex() == VIEWER and not window.viewer.loading,
                    timeout=30_000)
    canvas = window.viewer.canvas
    assert len(canvas.faces) == 1
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton,
                     pos=canvas.face_rects()[0].center().toPoint())
    qtbot.waitUntil(lambda: window.stack.currentIndex() == SEARCH
                    and not window.search.searching, timeout=30_000)
    entries = window.search.model.entries
    assert entries[0].searched and entries[0].name == "biden.jpg"
    # this picset's other photos of him (the shared cloud also holds other tests' photos of
    # him, found too), best match first
    assert {e.name for e in entries[1:] if e.picset == PICSET} == {"biden2.jpg",
                                                                    "two_people.jpg"}
    sims = [e.similarity for e in entries[1:]]
    assert sims == sorted(sims, reverse=True) and min(sims) >= 80


def test_the_window_opens_on_the_cloud_given_on_the_command_line(qtbot, qt_settings, tmp_path,
                                                                 monkeypatch, cloud, deployed):
    """`finpics-desktop --backend aws --endpoint-url URL` (the README's way, and how a curator
    points the window at the local cloud): the window's finpics cloud is that endpoint."""
    from PySide6.QtWidgets import QApplication

    from finpics_desktop import cli
    from finpics_desktop.ui import app as app_module
    from finpics_desktop.ui.main_window import MainWindow

    monkeypatch.setenv("HOME", str(tmp_path))
    admin_keys(cloud, monkeypatch, "FINPICS_ENDPOINT_URL")
    seen = {}

    def exec_app(app):
        window = next(w for w in QApplication.topLevelWidgets()
                      if isinstance(w, MainWindow) and w.isVisible())
        qtbot.waitUntil(lambda: window.cloud_backend is not None, timeout=30_000)
        seen["endpoint"] = window.cloud_backend.home.endpoint_url
        window.tree.setCurrentIndex(window.sources.indexFromItem(window.sources.cloud))
        qtbot.waitUntil(lambda: not window.nav.loading, timeout=30_000)
        seen["place"] = window.nav.location.kind
        seen["status"] = window.statusBar().currentMessage()
        seen["errors"] = [t for t in window.messages.texts() if "cloud" in t]
        window.close()
        return 0

    monkeypatch.setattr(app_module, "exec_app", exec_app)
    assert cli.main(["--library", str(tmp_path / "lib"), "--backend", "aws",
                     "--endpoint-url", cloud.url]) == 0
    assert seen["endpoint"] == cloud.url and seen["place"] == "cloud"
    assert seen["status"].endswith(("picset", "picsets")) and seen["errors"] == []


def test_a_library_picset_dragged_onto_the_cloud_is_published_there(qtbot, window, library,
                                                                    photos_dir, tmp_path):
    """Stage in the Library, then drag the picset onto *finpics cloud*: the difference is
    asked about first, then the photos go up (the location left out of their copies)."""
    from finpics_desktop.pipeline.photos.exif import read_facts
    from finpics_desktop.pipeline.publish.upload import Publisher
    from tests.test_location import with_location

    picset = "302_staged"
    folder = tmp_path / "staged"
    folder.mkdir()
    (folder / "biden.jpg").write_bytes((photos_dir / "faces/biden/biden.jpg").read_bytes())
    (folder / "where.jpg").write_bytes(with_location("JPEG"))
    assert Publisher.for_backend(library).publish(sorted(folder.iterdir()), picset).ok
    qtbot.waitUntil(lambda: window.cloud_backend is not None, timeout=30_000)
    cloud = window.cloud_backend
    window.refresh_picsets(window.sources.library)
    qtbot.waitUntil(lambda: any(
        window.sources.library.child(r).data(NodeRole).picset == picset
        for r in range(window.sources.library.rowCount())), timeout=20_000)
    row = next(r for r in range(window.sources.library.rowCount())
               if window.sources.library.child(r).data(NodeRole).picset == picset)
    mime = window.sources.mimeData([window.sources.library.child(row).index()])
    target = window.sources.indexFromItem(window.sources.cloud)
    assert window.sources.canDropMimeData(mime, Qt.DropAction.MoveAction, -1, 0, target)
    window.sources.dropMimeData(mime, Qt.DropAction.MoveAction, -1, 0, target)
    qtbot.waitUntil(lambda: getattr(window, "push_question", None) is not None, timeout=30_000)
    box = window.push_question
    assert "new: 2: biden.jpg, where.jpg" in box.informativeText()
    assert cloud.tables.query_pics(picset) == []  # nothing sent before the answer
    next(b for b in box.buttons() if b.text() == "Publish").click()
    qtbot.waitUntil(lambda: len(cloud.tables.query_pics(picset)) == 2, timeout=90_000)
    stored = cloud.store.get(cloud.names.pics_bucket, f"photos/{picset}/where.jpg")
    assert read_facts(stored, "where.jpg").gps == ""
