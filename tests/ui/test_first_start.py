"""The first start on an empty library guides: it says what to do in the grid's place, and its
buttons do what they say (open a folder, publish one, connect the cloud); other empty places
(a folder without photos, an empty picset, a cancelled listing) say why they are empty."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QFileDialog

from finpics_desktop.app.window.navigation import FOLDER, PICSET_PLACE
from finpics_desktop.domain import items
from tests.ui.ui_helpers import picset_item, select_source


def guidance(window):
    view = window.empty_state.view
    return view if view.isVisible() else None


def click(qtbot, window, name: str) -> None:
    qtbot.mouseClick(window.empty_state.view.buttons[name], Qt.MouseButton.LeftButton)


@pytest.fixture
def chosen_folder(monkeypatch):
    """The folder the user picks in the folder chooser."""
    picked: list[Path] = []
    monkeypatch.setattr(QFileDialog, "getExistingDirectory",
                        lambda *args, **kwargs: str(picked[-1]) if picked else "")
    return picked


def test_an_empty_library_says_what_to_do(qtbot, window):
    qtbot.waitUntil(lambda: guidance(window) is not None)
    view = guidance(window)
    assert view.title.text() == "Your library is empty"
    assert "drop photos or a folder here" in view.text.text()
    assert list(view.buttons) == ["open-folder", "publish", "connect-cloud"]
    assert view.geometry() == window.grid.viewport().rect()  # in the grid's place
    lines = view.text.fontMetrics().boundingRect(view.text.rect(), Qt.TextFlag.TextWordWrap,
                                                 view.text.text())
    assert view.text.rect().contains(lines)  # not cut off


def test_open_a_folder_opens_it_in_the_grid(qtbot, window, copy_photos, chosen_folder):
    chosen_folder.append(copy_photos("faces/biden"))
    qtbot.waitUntil(lambda: guidance(window) is not None)
    click(qtbot, window, "open-folder")
    qtbot.waitUntil(lambda: not window.nav.loading and window.model.rowCount() == 2)
    assert window.nav.location.kind == FOLDER and window.nav.location.path == chosen_folder[-1]
    assert guidance(window) is None


def test_publish_a_folder_publishes_it_into_the_library(qtbot, window, copy_photos,
                                                       chosen_folder):
    chosen_folder.append(copy_photos("faces/biden", folder="Biden at home"))
    qtbot.waitUntil(lambda: guidance(window) is not None)
    click(qtbot, window, "publish")
    qtbot.waitUntil(lambda: window.dialog is not None and window.dialog.isVisible())
    dialog = window.dialog
    qtbot.waitUntil(lambda: dialog.photos is not None)
    assert dialog.id_edit.text() == "001_Biden_at_home"
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: window.upload_panel.report is not None, timeout=60_000)
    assert window.upload_panel.report.ok
    qtbot.waitUntil(lambda: window.nav.location.kind == PICSET_PLACE
                    and window.model.rowCount() == 2, timeout=20_000)
    assert guidance(window) is None
    assert picset_item(window, "001_Biden_at_home") is not None


def test_connect_the_cloud_opens_its_settings(qtbot, window):
    qtbot.waitUntil(lambda: guidance(window) is not None)
    click(qtbot, window, "connect-cloud")
    qtbot.waitUntil(lambda: getattr(window, "settings_dialog", None) is not None
                    and window.settings_dialog.isVisible())
    setup = window.cloud_setup
    assert setup.deploy_button.isVisible() and setup.local_button.isVisible()
    assert setup.local_button.text() == "Try it locally"
    window.settings_dialog.reject()


def test_a_cloud_shown_is_not_offered_again(qtbot, window):
    from finpics_desktop.app.window.empty import empty_state
    from finpics_desktop.app.window.navigation import LIBRARY, Place

    shown = empty_state(Place(LIBRARY, window.backend), cloud_shown=True)
    assert "connect-cloud" not in shown.actions and "publish" in shown.actions


def test_a_folder_without_photos_says_so(qtbot, window, tmp_path):
    folder = tmp_path / "no-photos"
    (folder / "sub").mkdir(parents=True)
    (folder / "notes.txt").write_text("not a photo")
    window.open_folder(folder)
    qtbot.waitUntil(lambda: not window.nav.loading and guidance(window) is not None)
    assert guidance(window).title.text() == "No photos in this folder"
    assert list(guidance(window).buttons) == ["open-folder"]


def test_an_empty_picset_says_its_photos_come_as_they_are_published(qtbot, window, library):
    library.tables.put_pics_item(items.picset_item("001_empty", None))
    window.on_refresh()
    qtbot.waitUntil(lambda: picset_item(window, "001_empty") is not None)
    select_source(qtbot, window, picset_item(window, "001_empty"))
    qtbot.waitUntil(lambda: guidance(window) is not None)
    assert guidance(window).title.text() == "This picset has no photos"
    assert guidance(window).buttons == {}


def test_a_cancelled_listing_offers_to_list_it_again(qtbot, window, publish):
    publish("001_one", "faces/biden/biden.jpg")
    window.nav.refresh()
    assert window.nav.cancel()  # the listing under way
    assert guidance(window).title.text() == "Listing cancelled"
    click(qtbot, window, "refresh")
    qtbot.waitUntil(lambda: not window.nav.loading and window.model.rowCount() == 1)
    assert guidance(window) is None
