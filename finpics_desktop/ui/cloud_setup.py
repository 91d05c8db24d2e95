"""Setting the cloud up from Settings -> *finpics cloud*: *Deploy / Update the cloud* (the
deploy dialog) and *Try it locally* (the window's local cloud), with a line saying where this
session's cloud is."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from finpics_desktop.app.deploy import DeployRequest
from finpics_desktop.ui.deploy_dialog import DeployDialog
from finpics_desktop.ui.icons import action_icon
from finpics_desktop.ui.local_cloud import READY, STARTING, LocalCloudProcess


class CloudSetup(QWidget):
    """The row of buttons under the cloud's settings in the Settings dialog."""

    def __init__(self, dialog, local: LocalCloudProcess):
        super().__init__(dialog)
        self.dialog, self.local = dialog, local
        self.deploy_dialog: DeployDialog | None = None
        self.deploy_button = QPushButton(action_icon("finpics-deploy"),
                                         "Deploy / Update the cloud…", self)
        self.deploy_button.setToolTip("Create or update the finpics stack (CloudFormation) "
                                      "where the settings above say, as `finpics-desktop "
                                      "deploy` does")
        self.local_button = QPushButton(action_icon("finpics-local-cloud"), "Try it locally",
                                        self)
        self.local_button.setToolTip("Run a local finpics cloud on this computer for this "
                                     "session (it enforces IAM as AWS does) and connect to it")
        self.status = QLabel(self)
        self.status.setObjectName("cloudSetupStatus")
        self.status.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.addWidget(self.deploy_button)
        buttons.addWidget(self.local_button)
        buttons.addStretch(1)
        dialog.cloud_form.addRow(buttons)
        dialog.cloud_form.addRow(self.status)
        self.deploy_button.clicked.connect(self.on_deploy)
        self.local_button.clicked.connect(self.on_try_locally)
        local.line.connect(self.on_line)
        local.ready.connect(self.on_ready)
        local.failed.connect(self.on_failed)
        self._show_state()

    def _show_state(self) -> None:
        if self.local.state == READY:
            self.on_ready(self.local.options)
        elif self.local.state == STARTING:
            self.on_line("")

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

    def on_line(self, line: str) -> None:
        if self.local.state == READY:  # a line printed after it said it was ready
            return
        self.local_button.setEnabled(False)
        self.status.setText("Starting the local cloud and deploying the finpics stack into "
                            "it…" + (f"\n{line.strip()}" if line.strip() else ""))

    def on_ready(self, options) -> None:
        self.local_button.setEnabled(False)
        self.dialog.settings.session_cloud = options
        self.status.setText(f"This session's finpics cloud is the local cloud at "
                            f"{options.endpoint_url} (IAM enforced, as on AWS). It stops, with "
                            "its photos, when finpics closes.")

    def on_failed(self, reason: str) -> None:
        self.local_button.setEnabled(True)
        self.status.setText(reason)
