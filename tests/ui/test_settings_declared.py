"""Settings declared once: an option declared (here by the test alone, nothing else touched)
shows in the dialog, loads, saves and is validated; what a hand-edited settings file holds
loads as the declarations say; the dialog shows the rows of the versions before, in order."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QCheckBox, QDialogButtonBox, QFormLayout, QGroupBox, QLabel

from finpics_desktop.app.option_kinds import BoolOption, IntOption, InvalidSetting
from finpics_desktop.app.settings import SETTINGS
from finpics_desktop.compose import default_library
from finpics_desktop.ui.settings import AppSettings, SettingsDialog


@pytest.fixture
def declared():
    """Two options only this test knows: a number shown under the library, and a yes or no
    the dialog does not show."""
    copies = SETTINGS.declare(IntOption(
        name="test_copies", key="test/copies", default=2, minimum=1, maximum=9,
        title="Copies kept", help="How many copies a test keeps", group="general"))
    hidden = SETTINGS.declare(BoolOption(name="test_hidden", key="test/hidden", default=True,
                                         title="A setting the dialog does not show"))
    yield copies, hidden
    SETTINGS.forget(copies.name)
    SETTINGS.forget(hidden.name)


def write_settings_file(text: str) -> Path:
    """The settings file as a user (or an older version) left it, before anything reads it."""
    path = Path(QSettings().fileName())
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    QSettings().sync()  # re-read what is on disk
    return path


def rows(form: QFormLayout) -> list[str]:
    """Each row's label, or its check box's text, or its label's object name."""
    shown = []
    for i in range(form.rowCount()):
        label = form.itemAt(i, QFormLayout.ItemRole.LabelRole)
        if label is not None:
            shown.append(label.widget().text())
            continue
        widget = form.itemAt(i, QFormLayout.ItemRole.SpanningRole).widget()
        shown.append(widget.text() if isinstance(widget, QCheckBox) else widget.objectName())
    return shown


def ok(dialog: SettingsDialog) -> None:
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()


def test_an_option_declared_once_shows_loads_saves_and_validates(qtbot, declared, caplog):
    path = write_settings_file("[test]\ncopies=7\nhidden=no\n")
    loaded = AppSettings.load()
    assert (loaded.test_copies, loaded.test_hidden) == (7, False)  # loaded

    dialog = SettingsDialog(loaded)  # shown, under the library, with its help
    qtbot.addWidget(dialog)
    assert rows(dialog.forms["general"]) == [
        "Library folder:", "Appearance:", "Copies kept:"]
    copies = dialog.field("test_copies")
    assert copies.text() == "7" and copies.toolTip() == "How many copies a test keeps"
    assert "test_hidden" not in dialog.rows and not any(
        "does not show" in w.text() for w in dialog.findChildren(QCheckBox))

    copies.setText("lots")  # validated: said, naming the option and the value; not saved
    ok(dialog)
    assert dialog.result() != dialog.DialogCode.Accepted
    assert dialog.findChild(QLabel, "settingsError").text() == (
        "Copies kept: 'lots' is not a whole number from 1 to 9")
    assert "copies=7" in path.read_text(encoding="utf-8")

    from finpics_desktop.ui.cloud_setup import CloudSetup
    from finpics_desktop.ui.local_cloud import IDLE, LocalCloudProcess

    setup = CloudSetup(dialog, LocalCloudProcess(dialog))  # its buttons read the fields too
    dialog.error.clear()
    setup.deploy_button.click()
    setup.local_button.click()
    assert setup.deploy_dialog is None and setup.local.state == IDLE
    assert "'lots' is not a whole number" in dialog.error.text()

    copies.setText(" 4 ")  # saved; the option the dialog does not show is kept
    ok(dialog)
    assert dialog.result() == dialog.DialogCode.Accepted and dialog.settings.test_copies == 4
    text = path.read_text(encoding="utf-8")
    assert "copies=4" in text and "hidden=false" in text
    assert (AppSettings.load().test_copies, AppSettings.load().test_hidden) == (4, False)

    with pytest.raises(InvalidSetting, match="Copies kept: 'x' is not a whole number"):
        AppSettings(test_copies="x")  # validated in code too

    QSettings().setValue("test/copies", "12")  # out of range: the default, and a warning
    with caplog.at_level(logging.WARNING):
        assert AppSettings.load().test_copies == 2
    assert any("Copies kept: '12' is not a whole number from 1 to 9" in r.getMessage()
               for r in caplog.records)


@pytest.mark.parametrize("stored, shown, removed", [
    ("yes", True, True), ("1", True, True), ("true", True, True), ("no", False, False),
    ("0", False, False), ("garbage", False, True)])  # garbage: each option's default
def test_a_stored_yes_or_no_loads_as_declared(qtbot, stored, shown, removed, caplog):
    write_settings_file(f"[aws]\nenabled={stored}\n\n[publish]\nremove_location={stored}\n")
    with caplog.at_level(logging.WARNING):
        loaded = AppSettings.load()
    assert (loaded.aws_enabled, loaded.remove_location) == (shown, removed)
    warned = [r.getMessage() for r in caplog.records if "settings:" in r.getMessage()]
    assert len(warned) == (2 if stored == "garbage" else 0)
    dialog = SettingsDialog(loaded)
    qtbot.addWidget(dialog)
    assert dialog.field("aws_enabled").isChecked() == shown
    assert dialog.field("remove_location").isChecked() == removed


def test_the_dialog_shows_the_rows_of_the_versions_before_in_their_order(qtbot):
    dialog = SettingsDialog(AppSettings(names={"pics_table": "my-table"}))
    qtbot.addWidget(dialog)
    assert rows(dialog.forms["general"]) == ["Library folder:", "Appearance:"]
    assert dialog.field("library").placeholderText() == str(default_library())
    # the cloud leads: how to connect (profile or SSO, region), then the keys; the names
    # under Advanced, open because one of them is set
    boxes = [b.title() for b in dialog.findChildren(QGroupBox)]
    assert boxes == ["Connect to your finpics cloud", "Library"]
    assert rows(dialog.cloud_form) == [
        "Show the finpics cloud (AWS) in the sources", "AWS profile:", "ssoSignIn", "Region:",
        "Remove location from published photos", "Access key id:", "Secret access key:",
        "keyringWarning"]
    advanced = dialog.advanced["cloud"]
    assert rows(advanced.form) == [
        "Originals bucket:", "Thumbnails bucket:", "Site bucket:", "Rekognition collection:",
        "Metadata table:", "Face index table:", "Private table:", "Search function:",
        "Processing function:", "Endpoint URL:", "Rekognition calls a second:"]
    assert advanced.is_open and not advanced.body.isHidden()
    closed = SettingsDialog(AppSettings())  # nothing set there: closed until opened
    qtbot.addWidget(closed)
    assert not closed.advanced["cloud"].is_open and closed.advanced["cloud"].body.isHidden()
    closed.advanced["cloud"].toggle.click()
    assert not closed.advanced["cloud"].body.isHidden()
    assert dialog.field("names.pics_table").text() == "my-table"
    assert dialog.field("names.region").text() == "us-east-1"  # the contract's, filled in
    assert dialog.field("remove_location").isChecked()
    assert dialog.field("aws_profile").isEditable()
    assert dialog.result_settings().names == {"pics_table": "my-table"}
