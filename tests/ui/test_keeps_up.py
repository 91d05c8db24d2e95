"""A window that keeps up (issue 21, item 5): the Info panel follows the grid's choice, the
tree follows folders made and removed on disk, a place added stays across starts, and a
cancelled publish says what really happened."""

from __future__ import annotations

import shutil

from PySide6.QtCore import QItemSelectionModel, Qt
from ui_helpers import picset_item, select_source

from finpics_desktop.app.selection_info import describe_size
from finpics_desktop.pipeline.publish.upload import CANCELLED, DONE, FAILED
from finpics_desktop.ui.settings import AppSettings
from finpics_desktop.ui.sources import NodeRole

PHOTOS = ("faces/obama/obama.jpg", "faces/obama/obama2.jpg", "faces/biden/biden.jpg")


def choose(window, rows: list[int]) -> None:
    """Tiles chosen as a click and Ctrl+clicks choose them."""
    selection = window.grid.selectionModel()
    window.selection.choose_row(rows[0])
    for row in rows[1:]:
        selection.select(window.model.index(row), QItemSelectionModel.SelectionFlag.Select)


def folder_rows(item) -> list[str]:
    return [item.child(r).text() for r in range(item.rowCount())]


# -- the Info panel -------------------------------------------------------------------------
def test_info_follows_one_and_then_three_tiles_of_a_folder(qtbot, window, copy_photos):
    folder = copy_photos(*PHOTOS, folder="trip")
    window.open_folder(folder)
    qtbot.waitUntil(lambda: len(window.model.entries) == 3 and not window.nav.loading)
    names = [e.path.name for e in window.model.entries]
    choose(window, [1])
    qtbot.waitUntil(lambda: window.info.value("File") == names[1]
                    and window.info.value("File size") is not None, timeout=10_000)
    assert window.info.value("Folder") == str(folder)
    assert window.info.value("File size") == describe_size((folder / names[1]).stat().st_size)
    assert " × " in window.info.value("Size")  # its facts, read from the file

    choose(window, [0, 1, 2])
    total = sum((folder / n).stat().st_size for n in names)
    qtbot.waitUntil(lambda: window.info.value("Selected") == "3 photos"
                    and window.info.value("Size") == describe_size(total), timeout=10_000)
    assert window.info.value("File") is None

    window.grid.clearSelection()
    qtbot.waitUntil(lambda: window.info.rows == [])


def test_info_follows_published_photos_and_comes_back_after_the_viewer(qtbot, window,
                                                                       publish, library):
    publish("001_trip", *PHOTOS)
    window.on_refresh()
    qtbot.waitUntil(lambda: picset_item(window, "001_trip") is not None)
    select_source(qtbot, window, picset_item(window, "001_trip"))
    qtbot.waitUntil(lambda: len(window.model.entries) == 3)
    choose(window, [0, 2])
    sizes = [library.store.head(library.names.pics_bucket, f"photos/001_trip/{e.name}").size
             for e in window.model.entries]
    qtbot.waitUntil(lambda: window.info.value("Selected") == "2 photos" and
                    window.info.value("Size") == describe_size(sizes[0] + sizes[2]),
                    timeout=10_000)
    choose(window, [1])
    entry = window.model.entries[1]
    qtbot.waitUntil(lambda: window.info.value("File") == entry.name
                    and window.info.value("File size") == describe_size(sizes[1]),
                    timeout=10_000)
    assert window.info.value("Picset") == "trip"  # its title, as the site shows it
    assert window.info.value("Faces") == str(len(entry.faces))
    window.nav.activate(window.model.entries, 1)  # the viewer's photo, then back: its tile
    qtbot.waitUntil(lambda: not window.viewer.loading and bool(window.info.value("Faces")))
    window.nav.back()
    qtbot.waitUntil(lambda: window.info.value("File size") == describe_size(sizes[1]),
                    timeout=10_000)


# -- This computer follows the disk ---------------------------------------------------------
def test_folders_made_and_removed_on_disk_come_and_go_in_the_tree(qtbot, window, tmp_path):
    card = tmp_path / "card"
    (card / "DCIM").mkdir(parents=True)
    window.places.add(card)
    item = window.sources.item_for(window.nav.location)
    assert item.data(NodeRole).path == card
    window.tree.expand(window.sources.indexFromItem(item))
    qtbot.waitUntil(lambda: folder_rows(item) == ["DCIM"])
    dcim = item.child(0)
    window.tree.expand(window.sources.indexFromItem(dcim))
    qtbot.waitUntil(lambda: dcim.data(NodeRole).loaded and folder_rows(dcim) == [])

    (card / "Misc").mkdir()  # made: it appears in its place, DCIM keeps its row
    (card / "DCIM" / "100CANON").mkdir()
    qtbot.waitUntil(lambda: folder_rows(item) == ["DCIM", "Misc"], timeout=10_000)
    qtbot.waitUntil(lambda: folder_rows(dcim) == ["100CANON"], timeout=10_000)
    assert item.child(0) is dcim and window.tree.isExpanded(window.sources.indexFromItem(dcim))

    shutil.rmtree(card / "DCIM")  # removed: its row goes
    qtbot.waitUntil(lambda: folder_rows(item) == ["Misc"], timeout=10_000)
    (card / "Misc").rename(card / "Other")
    qtbot.waitUntil(lambda: folder_rows(item) == ["Other"], timeout=10_000)


def test_a_place_added_stays_across_starts_and_can_be_removed(qtbot, make_window, tmp_path):
    disk = tmp_path / "External disk"
    disk.mkdir()
    first = make_window()
    first.places.add(disk)
    assert AppSettings.load().places == (str(disk),)
    first.close()

    second = make_window()
    computer = second.sources.computer
    places = [computer.child(r).data(NodeRole).path for r in range(computer.rowCount())]
    assert disk in places
    row = places.index(disk)
    second.tree.setCurrentIndex(second.sources.indexFromItem(computer.child(row)))
    second.places.on_remove()
    assert disk not in [computer.child(r).data(NodeRole).path
                        for r in range(computer.rowCount())]
    assert AppSettings.load().places == () and disk.is_dir()


def test_a_session_option_is_not_saved_with_a_place(qtbot, make_window, tmp_path):
    from finpics_desktop.app.options import CloudOptions, Options

    settings = AppSettings.load().with_session(Options(cloud=CloudOptions(profile="work")))
    assert settings.aws_profile == "work"  # for this session
    window = make_window(settings=settings)
    window.places.add(tmp_path)
    saved = AppSettings.load()
    assert saved.places == (str(tmp_path),) and saved.aws_profile == ""


# -- a cancelled publish says what happened -------------------------------------------------
def test_a_cancelled_publish_ends_saying_how_many_were_done(qtbot, window, library,
                                                           copy_photos):
    folder = copy_photos("faces/obama", "faces/biden", "faces/kit_harington", folder="many")
    total = len(list(folder.iterdir()))
    job = window.start_upload(library, [folder], "001_many")
    with qtbot.waitSignal(job.file_finished, timeout=60_000):
        pass
    panel = window.upload_panel
    qtbot.mouseClick(panel.cancel_button, Qt.MouseButton.LeftButton)
    assert panel.cancel_button.text() == "Cancelling…"
    qtbot.waitUntil(lambda: panel.report is not None, timeout=60_000)
    report = panel.report
    done, cancelled = report.with_status(DONE), report.with_status(CANCELLED)
    assert done and cancelled
    sent = len(done) + len(report.with_status(FAILED))
    assert (panel.bar.value(), panel.bar.maximum()) == (sent, sent + len(cancelled))
    assert panel.bar.value() < panel.bar.maximum()  # not 100 %
    assert panel.status.text().startswith(
        f"Cancelled: {len(done)} of {total} photo(s) published to 001_many")
    assert f"the other {len(cancelled)} " in panel.status.text()
    assert panel.cancel_button.text() == "Cancel" and not panel.cancel_button.isEnabled()
    assert panel.retry_button.isEnabled()
