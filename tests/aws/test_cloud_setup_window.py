"""Setting the cloud up from the window: the deploy dialog against the local cloud (the stack's
events shown, the site's configuration shown and copied, Cancel) and *Try it locally* (the
window's own local cloud in a child process, enforcing IAM: it starts, the cloud connects with
the keys it printed, publishing works, and the child stops when the window closes)."""

from __future__ import annotations

import json
import os
import signal
import tempfile
import threading
from pathlib import Path

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox

from finpics_desktop.app.deploy import DeployRequest, deploy_cloud
from finpics_desktop.app.options import CloudOptions
from finpics_desktop.pipeline.photos.thumbcache import ThumbCache
from finpics_desktop.ui import deploy_dialog as dd
from finpics_desktop.ui.deploy_dialog import DeployDialog


def admin_options(cloud) -> CloudOptions:
    keys = cloud.credentials
    return CloudOptions(endpoint_url=cloud.url, region="us-east-1",
                        access_keys=(keys["access_key_id"], keys["secret_access_key"]))


def stack_state(cloud) -> tuple[str, str, list]:
    cf = boto3.client("cloudformation", endpoint_url=cloud.url, region_name="us-east-1",
                      aws_access_key_id=cloud.credentials["access_key_id"],
                      aws_secret_access_key=cloud.credentials["secret_access_key"])
    stack = cf.describe_stacks(StackName="finpics")["Stacks"][0]
    events = cf.describe_stack_events(StackName="finpics")["StackEvents"]
    cf.close()
    return stack["StackStatus"], str(stack.get("LastUpdatedTime")), events


def test_deploy_dialog_shows_the_events_then_the_site_config_and_copies_it(qtbot, cloud,
                                                                             deployed):
    dialog = DeployDialog(DeployRequest(admin_options(cloud)), poll=0.0)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.start()
    assert dialog.cancel_button.isVisible() and not dialog.close_button.isVisible()
    qtbot.waitUntil(lambda: dialog.state == dd.DONE, timeout=120_000)
    events = dialog.events.toPlainText()
    assert "uploading" in events and "updating stack finpics" in events
    assert "UPDATE_COMPLETE" in events and "finpics" in events  # the stack's own events
    assert dialog.site_box.isVisible() and dialog.close_button.isVisible()
    assert not dialog.cancel_button.isVisible()
    shown = {dialog.site_form.itemAt(r, dialog.site_form.ItemRole.LabelRole).widget().text():
             dialog.site_form.itemAt(r, dialog.site_form.ItemRole.FieldRole).widget().text()
             for r in range(dialog.site_form.rowCount())}
    assert shown["Identity pool id:"] == deployed.site["identityPoolId"]
    assert shown["Region:"] == "us-east-1"
    assert shown["Originals bucket URL:"] == f"{cloud.url}/finpics-pics/"
    assert shown["Search function:"] == deployed.site["searchFunction"]
    qtbot.mouseClick(dialog.copy_button, dd.Qt.MouseButton.LeftButton)
    copied = json.loads(QGuiApplication.clipboard().text())
    assert copied["identityPoolId"] == deployed.site["identityPoolId"]
    assert copied["thumbsBucketUrl"] == f"{cloud.url}/finpics-thumbs/"
    assert set(copied) >= {"region", "picsBucketUrl", "searchFunction", "picsTable"}


def test_cancel_before_the_stack_changes_leaves_the_cloud_as_it_was(qtbot, cloud, deployed):
    before = stack_state(cloud)
    reached = threading.Event()

    def held_deploy(request, progress, stop, poll):
        """The real deploy, held once the code is uploaded until Cancel is pressed."""

        def held(line):
            progress(line)
            if line.startswith("uploading"):
                reached.set()
                assert stop.wait(60)

        return deploy_cloud(request, held, stop=stop, poll=poll)

    dialog = DeployDialog(DeployRequest(admin_options(cloud)), deploy=held_deploy, poll=0.0)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.start()
    qtbot.waitUntil(reached.is_set, timeout=60_000)
    dialog.reject()  # Esc while it runs is Cancel, not closing
    assert dialog.isVisible() and dialog.state == dd.CANCELLING
    assert not dialog.cancel_button.isEnabled()
    qtbot.waitUntil(lambda: dialog.state == dd.CANCELLED, timeout=60_000)
    assert "the cloud is as it was" in dialog.status.text()
    assert dialog.close_button.isVisible() and not dialog.site_box.isVisible()
    after = stack_state(cloud)
    assert after[:2] == before[:2] and len(after[2]) == len(before[2])  # never touched


def test_a_failed_deploy_says_why_in_one_line(qtbot, cloud, deployed):
    wrong = CloudOptions(endpoint_url=cloud.url, region="us-east-1",
                         access_keys=("AKIANOTAKEY000000000", "not-a-secret"))
    with cloud.iam_enforced():
        dialog = DeployDialog(DeployRequest(wrong), poll=0.0)
        qtbot.addWidget(dialog)
        dialog.show()
        dialog.start()
        qtbot.waitUntil(lambda: dialog.state == dd.FAILED, timeout=60_000)
    assert dialog.status.text().startswith("The deploy failed: ")
    assert "\n" not in dialog.status.text() and "Traceback" not in dialog.status.text()


@pytest.fixture
def window(qtbot, qt_settings, tmp_path, monkeypatch, library):
    from finpics_desktop.ui.main_window import MainWindow
    from finpics_desktop.ui.settings import AppSettings
    from finpics_desktop.ui.workers import wait_all

    monkeypatch.setenv("HOME", str(tmp_path))
    for var in [v for v in os.environ if v.startswith("AWS_")]:
        monkeypatch.delenv(var)
    win = MainWindow(library, settings=AppSettings(),
                     thumb_cache=ThumbCache(tmp_path / "thumbs"))
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.local_cloud.stop()
    win.close()
    assert wait_all(120_000)


def test_try_it_locally_starts_connects_publishes_and_stops_with_the_window(
        qtbot, window, copy_photos, tmp_path):
    assert window.sources.cloud is None  # the cloud is not switched on in the settings
    window.on_settings()
    setup = window.cloud_setup
    qtbot.mouseClick(setup.local_button, dd.Qt.MouseButton.LeftButton)
    assert not setup.local_button.isEnabled()
    qtbot.waitUntil(lambda: window.cloud_backend is not None, timeout=180_000)
    local = window.local_cloud
    url, (key_id, secret) = local.url, local.options.access_keys
    assert window.sources.cloud is not None and url.startswith("http://127.0.0.1:")
    assert url in setup.status.text() and "IAM enforced" in setup.status.text()
    assert secret not in "\n".join(local.output.lines)  # the progress view masks the keys
    window.settings_dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: window.cloud_backend is not None, timeout=60_000)  # reconnected

    cloud = window.cloud_backend
    folder = copy_photos("faces/biden", folder="try-locally")
    window.start_upload(cloud, [folder], "001_try_it")
    qtbot.waitUntil(lambda: window.upload_panel.report is not None, timeout=120_000)
    assert window.upload_panel.report.ok, window.upload_panel.report.summary()
    qtbot.waitUntil(lambda: len(cloud.tables.query_pics("001_try_it")) == 2, timeout=120_000)

    # IAM is enforced: keys of a user with no policy are refused what the admin keys may do
    iam = boto3.client("iam", endpoint_url=url, region_name="us-east-1",
                       aws_access_key_id=key_id, aws_secret_access_key=secret)
    iam.create_user(UserName="nobody")
    nobody = iam.create_access_key(UserName="nobody")["AccessKey"]
    s3 = boto3.client("s3", endpoint_url=url, region_name="us-east-1",
                      aws_access_key_id=nobody["AccessKeyId"],
                      aws_secret_access_key=nobody["SecretAccessKey"],
                      config=Config(retries={"max_attempts": 1}))
    with pytest.raises(ClientError) as refused:
        s3.list_objects_v2(Bucket="finpics-pics")
    assert refused.value.response["Error"]["Code"] == "AccessDenied"
    s3.close()
    iam.close()

    pid = local._process.processId()
    assert pid > 0
    window.close()  # asked first: what happens to the local cloud
    box = window.findChild(QMessageBox, "quitLocalCloud")
    assert window.isVisible() and box is not None and url in box.text()
    next(b for b in box.buttons() if b.text() == "Stop it and quit").click()
    qtbot.waitUntil(lambda: not window.isVisible())
    with pytest.raises(ProcessLookupError):  # stopped and reaped
        os.kill(pid, 0)
    saved = "".join(p.read_text(errors="replace") for p in (tmp_path / "settings").rglob("*")
                    if p.is_file())
    assert "finpicsMainWindow" in saved or "window" in saved  # the settings were written
    assert secret not in saved and key_id not in saved and url not in saved


def test_a_local_cloud_that_dies_is_said_and_no_longer_used(qtbot, window):
    window.on_settings()
    qtbot.mouseClick(window.cloud_setup.local_button, dd.Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.cloud_backend is not None, timeout=180_000)
    window.settings_dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert window.sources.cloud is not None
    qtbot.waitUntil(lambda: window.cloud_backend is not None, timeout=60_000)
    os.kill(window.local_cloud._process.processId(), signal.SIGKILL)
    qtbot.waitUntil(lambda: any("The local cloud stopped" in t
                                for t in window.messages.texts()), timeout=60_000)
    assert window.sources.cloud is None  # not a source whose every call would fail
    assert window.cloud_backend is None and window.settings.session_cloud is None


def local_cloud_folders() -> set[Path]:
    return set(Path(tempfile.gettempdir()).glob("finpics-localcloud-*"))


def test_try_it_locally_shows_its_progress_and_can_be_cancelled(qtbot, window):
    """While it starts: a bar of its stages and its latest line; Cancel stops the child at
    once (while it deploys), leaves nothing of it behind, and the cloud is as it was."""
    before = local_cloud_folders()
    window.on_settings()
    setup, local = window.cloud_setup, window.local_cloud
    qtbot.mouseClick(setup.local_button, dd.Qt.MouseButton.LeftButton)
    assert not setup.progress.isHidden() and not setup.cancel_button.isHidden()
    assert setup.status.text().startswith("Starting the local cloud…")
    qtbot.waitUntil(lambda: local.output.stage >= 1, timeout=120_000)  # deploying into it
    assert setup.progress.value() == local.output.stage + 1
    assert setup.status.text().startswith(("Uploading", "Creating"))
    pid = local._process.processId()
    with qtbot.waitSignal(local.cancelled, timeout=30_000):
        qtbot.mouseClick(setup.cancel_button, dd.Qt.MouseButton.LeftButton)
    assert "Cancelled" in setup.status.text() and setup.local_button.isEnabled()
    assert setup.progress.isHidden()
    with pytest.raises(ProcessLookupError):  # stopped and reaped
        os.kill(pid, 0)
    assert local_cloud_folders() <= before  # its data went with it
    assert window.cloud_backend is None and window.settings.session_cloud is None
    assert not any("stopped" in t for t in window.messages.texts())  # no failure said
