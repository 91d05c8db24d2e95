"""The cloud for a curator, not an AWS admin: a cloud error in the window offers the window's
way out (Open Settings…, on the cloud's section), and no message of the window names a
command-line option or command; an SSO profile offers Sign in through the AWS CLI, or says how
to get it; publishing to the cloud shows each photo's two steps; closing the window while a
local cloud runs asks first, saying what happens to it."""

from __future__ import annotations

import re
import stat
from pathlib import Path

import pytest
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QMessageBox, QWidget

from finpics_desktop.ui.settings import AppSettings, SettingsDialog

# a command-line option (--profile) or one of this program's commands
COMMAND_LINE = re.compile(r"(?<![\w-])--[a-z]|finpics-desktop [a-z]|\$FINPICS_|AWS_PROFILE")


@pytest.fixture
def no_aws(tmp_path, monkeypatch):
    """No AWS config, no credentials in the environment, no keyring keys."""
    for var in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ACCESS_KEY_ID",
                "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_REGION"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "aws-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    return tmp_path / "aws-config"


def shown_strings(window) -> list[str]:
    """Every string the window shows a user: its messages, status bar, sources (and their
    tooltips), labels, buttons, actions and tooltips of every widget."""
    texts = list(window.messages.texts()) + [window.statusBar().currentMessage()]
    model = window.sources
    stack = [model.item(r) for r in range(model.rowCount())]
    while stack:
        item = stack.pop()
        texts += [item.text(), item.toolTip()]
        stack += [item.child(r) for r in range(item.rowCount())]
    for widget in [window, *window.findChildren(QWidget)]:
        texts += [widget.toolTip(), widget.statusTip(), widget.windowTitle()]
        if isinstance(widget, QLabel | QAbstractButton):
            texts.append(widget.text())
    for action in window.findChildren(QAction):
        texts += [action.text(), action.toolTip(), action.statusTip()]
    return [t for t in texts if t]


def command_line_words(window) -> list[str]:
    return [t for t in shown_strings(window) if COMMAND_LINE.search(t)]


def cloud_message(window) -> str:
    return next((t for t in window.messages.texts() if "finpics cloud" in t
                 or "cannot list the picsets" in t), "")


@pytest.mark.parametrize("settings", [
    {"aws_profile": "no-such-profile"},  # a profile not in the AWS config
    {"endpoint_url": "http://127.0.0.1:9"},  # no credentials at all
    {"names": {"region": "eu-west-3"}, "endpoint_url": "http://127.0.0.1:9",
     "aws_profile": "keys"},  # keys, and a cloud that cannot be reached
], ids=["unknown-profile", "no-credentials", "unreachable"])
def test_no_message_of_the_window_names_a_command_line_option(qtbot, make_window, no_aws,
                                                              settings):
    no_aws.write_text("[profile keys]\nregion = eu-west-3\n")
    Path(str(no_aws).replace("config", "credentials")).write_text(
        "[keys]\naws_access_key_id = AKIAFAKE\naws_secret_access_key = fake\n")
    window = make_window(settings=AppSettings(aws_enabled=True, **settings))
    qtbot.waitUntil(lambda: cloud_message(window) != "", timeout=60_000)
    window.tree.setCurrentIndex(window.sources.indexFromItem(window.sources.cloud))
    qtbot.waitUntil(lambda: not window.nav.loading, timeout=60_000)
    assert "Settings" in cloud_message(window)  # the window's way out
    assert command_line_words(window) == []


def test_a_library_that_cannot_be_opened_says_so_without_command_line_options(
        qtbot, tmp_path, qt_settings, monkeypatch):
    from finpics_desktop.app.albums import open_library_for_window
    from finpics_desktop.app.options import Options
    from finpics_desktop.pipeline.photos.thumbcache import ThumbCache
    from finpics_desktop.ui.main_window import MainWindow

    a_file = tmp_path / "library"
    a_file.write_text("not a folder")
    backend, problem = open_library_for_window(Options(library=a_file))
    assert backend is None and "is a file, not a folder" in problem
    window = MainWindow(None, thumb_cache=ThumbCache(tmp_path / "thumbs"),
                        default_library=a_file, library_problem=problem)
    qtbot.addWidget(window)
    window.show()
    assert command_line_words(window) == []
    window.messages.settings_buttons()[-1].click()  # Settings, on the library's section
    dialog = window.settings_dialog
    assert dialog.isVisible() and dialog.focusWidget() is dialog.field("library")
    dialog.reject()


def test_a_cloud_error_has_open_settings_on_the_cloud_section(qtbot, make_window, no_aws):
    window = make_window(settings=AppSettings(aws_enabled=True, aws_profile="no-such-profile"))
    qtbot.waitUntil(lambda: window.messages.settings_buttons() != [], timeout=60_000)
    assert "AWS profile 'no-such-profile'" in cloud_message(window)
    assert "choose one of your AWS profiles in Settings" in cloud_message(window)
    button = window.messages.settings_buttons()[-1]
    assert button.text() == "Open Settings…"
    button.click()
    dialog = window.settings_dialog
    assert dialog.isVisible()
    profile = dialog.field("aws_profile")
    assert dialog.focusWidget() in (profile, profile.lineEdit())
    boxes = [dialog.boxes[name] for name in dialog.boxes]
    assert boxes[0] is dialog.boxes["cloud"]  # Settings lead with the cloud
    assert dialog.boxes["cloud"].title() == "Connect to your finpics cloud"
    dialog.reject()


def fake_aws_cli(folder: Path, exit_code: int = 0) -> Path:
    """A real executable named aws on PATH: it says what the AWS CLI says and notes its
    arguments."""
    folder.mkdir(exist_ok=True)
    script = folder / "aws"
    script.write_text(f"#!/bin/sh\necho \"$@\" > '{folder}/called'\n"
                      "echo 'Attempting to automatically open the SSO authorization page'\n"
                      "echo 'https://device.sso.eu-west-1.amazonaws.com/'\n"
                      "echo 'Then enter the code: ABCD-EFGH'\n"
                      f"exit {exit_code}\n")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return script


def test_an_sso_profile_offers_sign_in_through_the_aws_cli_or_says_how(qtbot, tmp_path,
                                                                      no_aws, monkeypatch):
    no_aws.write_text("[profile work]\nsso_session = corp\nsso_account_id = 123456789012\n"
                      "sso_role_name = Curator\nregion = eu-west-1\n\n[profile plain]\n"
                      "region = us-east-1\n\n[sso-session corp]\n"
                      "sso_start_url = https://corp.awsapps.com/start\nsso_region = eu-west-1\n")
    bin_dir = tmp_path / "bin"
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))  # no AWS CLI
    dialog = SettingsDialog(AppSettings(aws_profile="work"))
    qtbot.addWidget(dialog)
    sign_in = dialog.sign_in
    assert not sign_in.isHidden() and sign_in.button.isHidden()
    assert "needs the AWS CLI" in sign_in.note.text()
    assert "https://aws.amazon.com/cli/" in sign_in.note.text()
    dialog.field("aws_profile").setCurrentText("plain")  # not SSO: nothing to sign in to
    assert sign_in.isHidden()

    fake_aws_cli(bin_dir)
    monkeypatch.setenv("PATH", str(bin_dir))
    dialog.field("aws_profile").setCurrentText("work")
    assert not sign_in.button.isHidden() and sign_in.button.text() == "Sign in"
    with qtbot.waitSignal(sign_in.signed_in, timeout=30_000) as signed:
        sign_in.button.click()
    assert signed.args == ["work"]
    assert (bin_dir / "called").read_text().split() == ["sso", "login", "--profile", "work"]
    assert sign_in.note.text() == "Signed in to work (AWS SSO)."
    dialog.reject()


def test_an_expired_sso_session_in_the_window_says_sign_in_not_a_command(qtbot, make_window,
                                                                         no_aws, monkeypatch):
    no_aws.write_text("[profile work]\nsso_session = corp\nsso_account_id = 123456789012\n"
                      "sso_role_name = Curator\nregion = eu-west-1\n\n[sso-session corp]\n"
                      "sso_start_url = https://corp.awsapps.com/start\nsso_region = eu-west-1\n"
                      "sso_registration_scopes = sso:account:access\n")
    window = make_window(settings=AppSettings(aws_enabled=True, aws_profile="work",
                                              endpoint_url="http://127.0.0.1:9"))
    qtbot.waitUntil(lambda: "SSO" in cloud_message(window), timeout=60_000)
    assert "sign in again in Settings → finpics cloud (Sign in)" in cloud_message(window)
    assert command_line_words(window) == [] and window.messages.settings_buttons()


def test_publishing_to_the_cloud_shows_each_photo_sent_then_processed(qtbot, window, library,
                                                                      copy_photos):
    """The panel on a cloud job (one whose faces the cloud finds): each photo is sent, then
    processed, and the bar counts both steps."""
    from finpics_desktop.app.entries import PHOTO, Entry
    from finpics_desktop.pipeline.publish.upload import DONE, FileResult, UploadReport
    from finpics_desktop.ui.upload import UploadPanel

    class CloudJob:  # the panel reads these of a job
        in_process, cancelling, running, picset = False, False, True, "001_trip"
        plan = type("Plan", (), {"label": "001_trip"})()
        started = file_finished = finished = type("S", (), {"connect": lambda *a: None})()

    folder = copy_photos("faces/biden", folder="trip")
    photos = sorted(folder.iterdir())
    panel = UploadPanel()
    qtbot.addWidget(panel)
    panel.attach(CloudJob(), photos)
    assert panel.bar.maximum() == 2 * len(photos)
    first = FileResult(photos[0], DONE, key=f"photos/001_trip/{photos[0].name}")
    panel.on_file_finished(first, 1, len(photos))
    assert panel.table.item(0, 1).text() == "sent"
    assert "1 of 2 photo(s) sent, 0 processed" in panel.status.text()
    panel.on_processed(Entry(PHOTO, photos[0].name, picset="001_trip", name=photos[0].name))
    assert panel.table.item(0, 1).text() == "published"
    assert "found by the cloud" in panel.table.item(0, 2).text()
    assert panel.bar.value() == 2 and "1 processed" in panel.status.text()
    second = FileResult(photos[1], DONE, key=f"photos/001_trip/{photos[1].name}")
    panel.on_file_finished(second, 2, 2)
    panel.on_finished(UploadReport("001_trip", [first, second]))
    assert "finding the faces of 1 photo(s)" in panel.status.text()
    panel.on_processed(Entry(PHOTO, photos[1].name, picset="001_trip", name=photos[1].name))
    assert panel.bar.value() == panel.bar.maximum() == 4
    assert "The cloud has processed all 2" in panel.status.text()


def shown_questions(window) -> list[QMessageBox]:
    return [b for b in window.findChildren(QMessageBox, "quitLocalCloud") if b.isVisible()]


def test_closing_while_a_local_cloud_runs_asks_and_says_what_happens_to_it(qtbot, window):
    from finpics_desktop.ui.local_cloud import READY

    local = window.local_cloud
    local.state = READY  # (the real child: tests/aws/test_cloud_setup_window.py)
    window.close()
    box = window.findChild(QMessageBox, "quitLocalCloud")
    assert window.isVisible() and box is not None and box.isVisible()
    text = box.text()
    assert "Quitting stops it" in text and "deleted with it" in text
    assert "temporary folder" in text and "photos stay in their folders" in text
    assert box.defaultButton().text() == "Keep it running"
    box.defaultButton().click()  # kept: the window stays
    QApplication.processEvents()
    assert window.isVisible()
    window.close()  # asked again
    qtbot.waitUntil(lambda: len(shown_questions(window)) == 1)
    box = shown_questions(window)[0]
    next(b for b in box.buttons() if b.text() == "Stop it and quit").click()
    qtbot.waitUntil(lambda: not window.isVisible())
    assert local.state == "idle"
