"""Settings: QSettings persistence, AWS profiles from the user's config (SSO included), access
keys only in the OS keyring with a warning when it is not secure, window state restored."""

from __future__ import annotations

import threading
from pathlib import Path

import keyring
import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QLabel

from finpics_desktop.app.credentials import aws_profiles, keyring_problem, load_access_keys
from finpics_desktop.app.window.navigation import CLOUD, LIBRARY, PICSET_PLACE, Place
from finpics_desktop.ui.settings import AppSettings, SettingsDialog
from finpics_desktop.ui.sources import NodeRole


@pytest.fixture
def fail_keyring():
    from keyring.backends.fail import Keyring as FailKeyring

    previous = keyring.get_keyring()
    keyring.set_keyring(FailKeyring())
    yield
    keyring.set_keyring(previous)


def test_profiles_come_from_the_aws_config(tmp_path, monkeypatch):
    config = tmp_path / "config"
    config.write_text("[default]\nregion = eu-west-1\n\n[profile dev]\nregion = us-east-1\n\n"
                      "[profile sso-admin]\nsso_session = corp\nsso_account_id = 1\n"
                      "sso_role_name = Admin\n\n[sso-session corp]\nsso_start_url = https://x\n")
    creds = tmp_path / "credentials"
    creds.write_text("[ci]\naws_access_key_id = A\naws_secret_access_key = B\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(creds))
    assert aws_profiles() == ["default", "dev", "sso-admin", "ci"]


def test_dialog_warns_when_keyring_is_not_secure(qtbot, tmp_path, fail_keyring):
    assert keyring_problem() is not None
    dialog = SettingsDialog(AppSettings())
    qtbot.addWidget(dialog)
    assert "No secure keyring" in dialog.keyring_warning.text()
    assert not dialog.secret.isEnabled() and not dialog.key_id.isEnabled()


def test_settings_persist_and_keys_go_only_to_the_keyring(qtbot, tmp_path, memory_keyring,
                                                          monkeypatch):
    config = tmp_path / "config"
    config.write_text("[profile work]\nsso_start_url = https://x\nsso_region = us-east-1\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    dialog = SettingsDialog(AppSettings())
    qtbot.addWidget(dialog)
    assert keyring_problem() is None
    assert "keyring only" in dialog.keyring_warning.text()
    # the contract's names are prefilled with their defaults
    assert dialog.field("names.pics_bucket").text() == "finpics-pics"
    assert dialog.field("names.search_function").text() == "finpics-dev-search"
    profile = dialog.field("aws_profile")
    assert [profile.itemText(i) for i in range(profile.count())] == ["", "work"]
    dialog.field("library").setText(str(tmp_path / "my library"))
    dialog.field("aws_enabled").setChecked(True)
    dialog.field("names.region").setText("eu-central-1")
    dialog.field("names.pics_bucket").setText("my-pics")
    dialog.field("endpoint_url").setText("http://127.0.0.1:4566")
    dialog.key_id.setText("AKIATESTKEY")
    dialog.secret.setText("s3cr3t-value")
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok),
                     Qt.MouseButton.LeftButton)
    assert dialog.result() == dialog.DialogCode.Accepted
    loaded = AppSettings.load()
    assert loaded.library == str(tmp_path / "my library") and loaded.aws_enabled
    assert loaded.endpoint_url == "http://127.0.0.1:4566"
    names = loaded.resolved_names()
    assert (names.region, names.pics_bucket, names.thumbs_bucket) == (
        "eu-central-1", "my-pics", "finpics-thumbs")
    assert load_access_keys() == ("AKIATESTKEY", "s3cr3t-value")
    settings_file = QSettings().fileName()
    text = Path(settings_file).read_text(encoding="utf-8")
    assert "my-pics" in text and "s3cr3t" not in text and "AKIATESTKEY" not in text


def test_keys_typed_in_a_session_of_another_account_go_to_that_account(qtbot, tmp_path,
                                                                       memory_keyring):
    """`--keyring-account work`: the keys typed in Settings are the ones this session reads."""
    dialog = SettingsDialog(AppSettings(keyring_account="work"))
    qtbot.addWidget(dialog)
    dialog.key_id.setText("AKIAWORK")
    dialog.secret.setText("work-secret")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert load_access_keys("work") == ("AKIAWORK", "work-secret")
    assert load_access_keys() is None


def test_window_state_is_restored(qtbot, make_window):
    first = make_window()
    first.resize(700, 500)  # the offscreen screen is 800 x 600
    first.info_dock.hide()
    first.grid.zoom(1)
    first.close()
    second = make_window()
    assert (second.size().width(), second.size().height()) == (700, 500)
    assert not second.info_dock.isVisible()
    assert second.grid.cell == first.grid.cell


def test_quitting_in_full_screen_keeps_the_panes_for_the_next_start(qtbot, make_window):
    first = make_window()
    first.toggle_full_screen()
    assert not first.info_dock.isVisible()
    first.close()
    second = make_window()
    assert not second.isFullScreen()
    assert second.info_dock.isVisible() and second.tree.isVisible()


def test_the_cloud_set_last_wins_and_nothing_of_the_one_before_stays(
        qtbot, make_window, library, tmp_path, engine, monkeypatch, publish):
    """Settings change the cloud while a slow connection to the one before is under way: the
    late answer is dropped; the sources and the grid show only the album now set."""
    from finpics_desktop.app.options import CloudOptions
    from finpics_desktop.backends.local.library import open_library
    from finpics_desktop.ui import window_albums
    from finpics_desktop.ui.workers import settle

    window = make_window(open_library(tmp_path / "own", engine=engine))
    before, now = open_library(tmp_path / "before", engine=engine), library
    publish("001_obama", "faces/obama/obama1.jpg")  # only in the album now set
    release = threading.Event()

    def opening(options):
        if options.endpoint_url == "http://before.invalid":
            assert release.wait(60)
            return before
        return now

    monkeypatch.setattr(window_albums, "open_cloud", opening)
    window.settings.aws_enabled, window.settings.endpoint_url = True, "http://before.invalid"
    window.apply_cloud_settings()
    window.settings.session_cloud = CloudOptions(endpoint_url="http://now.invalid")
    window.apply_cloud_settings()
    qtbot.waitUntil(lambda: window.cloud_backend is now)
    root = window.sources.cloud
    qtbot.waitUntil(lambda: window.sources.picset_ids(root) == ["001_obama"], timeout=20_000)
    window.nav.open(Place(PICSET_PLACE, now, "001_obama", within=CLOUD))
    release.set()  # the slow answer comes last
    assert settle(60_000)
    assert window.cloud_backend is now and root.data(NodeRole).backend is now

    window.settings.session_cloud = CloudOptions(endpoint_url="http://before.invalid")
    window.apply_cloud_settings()  # another cloud: the open picset and its row go
    assert window.nav.location.kind == CLOUD and window.sources.picset_ids(root) == []
    qtbot.waitUntil(lambda: window.cloud_backend is before)
    window.settings.session_cloud, window.settings.aws_enabled = None, False
    window.apply_cloud_settings()  # switched off: back to the library
    assert window.sources.cloud is None and window.nav.location.kind == LIBRARY


def test_the_local_cloud_said_ready_stays_said_whatever_it_prints_after(qtbot, window):
    """Its progress lines and its ready line come on two pipes, in either order."""
    from finpics_desktop.app.options import CloudOptions
    from finpics_desktop.ui.local_cloud import READY

    window.on_settings()
    setup, local = window.cloud_setup, window.local_cloud
    local.state, local.options = READY, CloudOptions(endpoint_url="http://127.0.0.1:4999")
    setup.on_ready(local.options)
    local.line.emit("Ctrl-C stops it (its data is kept only while it runs)")
    assert "local cloud at http://127.0.0.1:4999" in setup.status.text()
    local.state = "idle"


def test_cloud_source_only_when_configured(qtbot, make_window, tmp_path):
    window = make_window()
    assert window.sources.cloud is None  # AWS not configured: no cloud source
    window.close()
    settings = AppSettings(aws_enabled=True, endpoint_url="http://127.0.0.1:9",
                           aws_profile="no-such-profile")
    window = make_window(settings=settings)
    assert window.sources.cloud is not None and window.sources.cloud.text() == "finpics cloud"
    qtbot.waitUntil(lambda: any(t.startswith("finpics cloud:") for t in window.messages.texts()),
                    timeout=30_000)
    assert "no-such-profile" in next(t for t in window.messages.texts()
                                     if t.startswith("finpics cloud:"))


def test_command_line_options_hold_for_the_window_session_only(qtbot, tmp_path, monkeypatch):
    """``finpics-desktop --backend aws --endpoint-url ... --profile ... --region ... --name``
    opens a window whose finpics cloud uses exactly those; Settings keep what was saved; why
    the cloud cannot be reached is said where the cloud is, not over the Library."""
    from finpics_desktop import cli
    from finpics_desktop.app.options import CloudOptions
    from finpics_desktop.ui import app as app_module
    from finpics_desktop.ui.main_window import MainWindow

    AppSettings(endpoint_url="http://saved.invalid:1").save()
    config = tmp_path / "config"
    config.write_text("[profile other]\nregion = us-west-1\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    seen = {}

    def exec_app(app):
        window = next(w for w in QApplication.topLevelWidgets()
                      if isinstance(w, MainWindow) and w.isVisible())
        seen["options"] = window.settings.cloud_options()
        qtbot.waitUntil(lambda: any(t.startswith("finpics cloud:")
                                    for t in window.messages.texts()), timeout=30_000)
        qtbot.waitUntil(lambda: not window.nav.loading)
        seen["message"] = next(t for t in window.messages.texts()
                               if t.startswith("finpics cloud:"))
        seen["status on Library"] = window.statusBar().currentMessage()
        window.tree.setCurrentIndex(window.sources.indexFromItem(window.sources.cloud))
        seen["status on the cloud"] = window.statusBar().currentMessage()
        seen["tooltip"] = window.sources.cloud.toolTip()
        window.close()
        return 0

    monkeypatch.setattr(app_module, "exec_app", exec_app)
    assert cli.main(["--library", str(tmp_path / "lib"), "--backend", "aws", "--endpoint-url",
                     "http://127.0.0.1:9", "--profile", "work", "--region", "eu-west-2",
                     "--name", "pics_bucket=my-pics"]) == 0
    assert seen["options"] == CloudOptions(profile="work", region="eu-west-2",
                                           endpoint_url="http://127.0.0.1:9",
                                           names={"pics_bucket": "my-pics"})
    assert "AWS profile 'work'" in seen["message"]  # the profile given, not the saved one
    assert "finpics cloud" not in seen["status on Library"]
    assert seen["status on the cloud"].startswith("finpics cloud: not connected: ")
    assert "AWS profile 'work'" in seen["status on the cloud"] and "work" in seen["tooltip"]
    saved = AppSettings.load()  # the session's options were not saved
    assert (saved.endpoint_url, saved.aws_profile, saved.aws_enabled) == (
        "http://saved.invalid:1", "", False)


def test_settings_say_which_options_hold_for_the_session(qtbot, tmp_path):
    from finpics_desktop.app.options import CloudOptions, Options

    saved = AppSettings(aws_profile="saved", names={"pics_table": "t"})
    session = saved.with_session(Options(backend="aws", cloud=CloudOptions(
        endpoint_url="http://127.0.0.1:9", names={"pics_bucket": "b"})))
    assert session.aws_enabled and session.session
    assert session.cloud_options() == CloudOptions(
        profile="saved", endpoint_url="http://127.0.0.1:9",
        names={"pics_table": "t", "pics_bucket": "b"})
    assert saved.with_session(Options()) is saved  # nothing given: the saved settings
    dialog = SettingsDialog(session)
    qtbot.addWidget(dialog)
    assert dialog.findChild(QLabel, "sessionNote") is not None
    assert dialog.field("endpoint_url").text() == "http://127.0.0.1:9"


def test_the_rekognition_rate_is_a_setting_of_the_cloud(qtbot, tmp_path):
    """Settings → finpics cloud → Advanced: the calls a second Rekognition allows; empty is the
    command line's default, a number is saved (not a secret) and goes to the cloud's clients,
    what is not a rate is refused with the field's title."""
    from finpics_desktop.app.options import CloudOptions, Options
    from finpics_desktop.app.settings import SETTINGS

    assert AppSettings().rekognition_tps is None  # the command line's default
    assert AppSettings().cloud_options().rekognition_tps is None
    dialog = SettingsDialog(AppSettings())
    qtbot.addWidget(dialog)
    rate = dialog.field("rekognition_tps")
    assert rate.text() == "" and "5 on AWS" in rate.placeholderText()
    assert SETTINGS["rekognition_tps"].advanced
    for wrong in ("fast", "-1"):
        rate.setText(wrong)
        assert dialog.valid_settings() is None
        assert "Rekognition calls a second" in dialog.findChild(QLabel, "settingsError").text()
    rate.setText("12.5")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert dialog.result() == dialog.DialogCode.Accepted
    loaded = AppSettings.load()
    assert loaded.rekognition_tps == 12.5
    assert loaded.cloud_options().rekognition_tps == 12.5
    # the command line's --rekognition-tps holds for its session, 0 (no limit) included
    session = loaded.with_session(Options(backend="aws", cloud=CloudOptions(
        rekognition_tps=0.0)))
    assert session.cloud_options().rekognition_tps == 0.0
    dialog = SettingsDialog(loaded)
    qtbot.addWidget(dialog)
    dialog.field("rekognition_tps").setText("")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert AppSettings.load().rekognition_tps is None
