"""Setting the cloud up from Settings -> *finpics cloud*: *Deploy / Update the cloud* (the
deploy dialog) and *Try it locally* (the window's local cloud: its progress while it starts,
with Cancel), with a line saying where this session's cloud is."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from finpics_desktop.app.deploy import DeployRequest
from finpics_desktop.app.local_cloud import STAGES
from finpics_desktop.ui.deploy_dialog import DeployDialog
from finpics_desktop.ui.icons import action_icon
from finpics_desktop.ui.local_cloud import CANCELLING, READY, STARTING, LocalCloudProcess


class CloudSetup(QWidget):
    """The row of buttons under the cloud's settings in the Settings dialog, and the local
    cloud's progress under it."""

    def __init__(self, dialog, local: LocalCloudProcess):
        super().__init__(dialog)
        self.dialog, self.local = dialog, local
        self.deploy_dialog: DeployDialog | None = None
        self.deploy_button = QPushButton(action_icon("finpics-deploy"),
                                         "Deploy / Update the cloud…", self)
        self.deploy_button.setToolTip("Create or update the finpics cloud (its buckets, "
                                      "tables, functions and roles) where the settings above "
                                      "say")
        self.local_button = QPushButton(action_icon("finpics-local-cloud"), "Try it locally",
                                        self)
        self.local_button.setToolTip("Run a local finpics cloud on this computer for this "
                                     "session (it enforces IAM as AWS does) and connect to it")
        self.progress = QProgressBar(self)
        self.progress.setObjectName("localCloudProgress")
        self.progress.setRange(0, len(STAGES))
        self.progress.setFormat("%v of %m")
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.setObjectName("localCloudCancel")
        self.cancel_button.setToolTip("Stop the local cloud while it starts")
        self.status = QLabel(self)
        self.status.setObjectName("cloudSetupStatus")
        self.status.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.addWidget(self.deploy_button)
        buttons.addWidget(self.local_button)
        buttons.addStretch(1)
        starting = QHBoxLayout()
        starting.setContentsMargins(0, 0, 0, 0)
        starting.addWidget(self.progress, 1)
        starting.addWidget(self.cancel_button)
        dialog.cloud_form.addRow(buttons)
        dialog.cloud_form.addRow(starting)
        dialog.cloud_form.addRow(self.status)
        self.deploy_button.clicked.connect(self.on_deploy)
        self.local_button.clicked.connect(self.on_try_locally)
        self.cancel_button.clicked.connect(self.on_cancel)
        local.line.connect(self.on_line)
        local.ready.connect(self.on_ready)
        local.failed.connect(self.on_failed)
        local.cancelled.connect(self.on_cancelled)
        self._show_progress(False)
        self._show_state()

    def _show_progress(self, shown: bool) -> None:
        self.progress.setVisible(shown)
        self.cancel_button.setVisible(shown)

    def _show_state(self) -> None:
        if self.local.state == READY:
            self.on_ready(self.local.options)
        elif self.local.state == STARTING:
            self.on_line("")
        elif self.local.state == CANCELLING:
            self.on_cancel()

    def request(self) -> DeployRequest | None:
        """Where the deploy goes: this session's local cloud once connected, else the cloud
        the dialog's fields name (not saved until OK); None when a field is wrong (the
        dialog says which)."""
        settings = self.dialog.valid_settings()
        return None if settings is None else DeployRequest(settings.cloud_options())

    def on_deploy(self) -> None:
        request = self.request()
        if request is None:
            return
        self.deploy_dialog = DeployDialog(request, self.dialog)
        self.deploy_dialog.open()
        self.deploy_dialog.start()

    def on_try_locally(self) -> None:
        settings = self.dialog.valid_settings()
        if settings is not None and self.local.start(settings.cloud_options()):
            self.on_line("")

    def on_line(self, _line: str) -> None:
        """Its progress: the stage it is at (of :data:`STAGES`) and its latest line."""
        if self.local.state != STARTING:  # a line printed after it said it was ready
            return
        self.local_button.setEnabled(False)
        self._show_progress(True)
        self.cancel_button.setEnabled(True)
        self.progress.setValue(self.local.output.stage + 1)
        self.status.setText(self.local.output.progress())

    def on_cancel(self) -> None:
        self.local.cancel()
        self.cancel_button.setEnabled(False)
        self.status.setText("Cancelling: the local cloud is stopping…")

    def on_cancelled(self) -> None:
        self._show_progress(False)
        self.local_button.setEnabled(True)
        self.status.setText("Cancelled: the local cloud was stopped before it was ready; "
                            "nothing of it is left. The finpics cloud is as the settings "
                            "above say.")

    def on_ready(self, options) -> None:
        self._show_progress(False)
        self.local_button.setEnabled(False)
        self.dialog.settings.session_cloud = options
        self.status.setText(f"This session's finpics cloud is the local cloud at "
                            f"{options.endpoint_url} (IAM enforced, as on AWS). It stops, with "
                            "what was published to it, when finpics closes.")

    def on_failed(self, reason: str) -> None:
        self._show_progress(False)
        self.local_button.setEnabled(True)
        self.status.setText(reason)
