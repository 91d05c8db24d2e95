"""Settings -> finpics cloud -> *Deploy / Update the cloud*: the CLI's ``deploy``
(:func:`finpics_desktop.app.deploy.deploy_cloud`) with the stack's events as they come, Cancel
(an update rolled back, a creation deleted: see ``backends/aws/deploy.py``), then what the
public site's configuration needs, with Copy."""

from __future__ import annotations

import threading
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from finpics_desktop.app.deploy import Deployed, DeployRequest, deploy_cloud
from finpics_desktop.app.errors import describe_error
from finpics_desktop.domain.errors import Cancelled
from finpics_desktop.ui.icons import action_icon
from finpics_desktop.ui.workers import call_in_gui, run_task

RUNNING, CANCELLING, DONE, CANCELLED, FAILED = "running", "cancelling", "done", "cancelled", \
    "failed"


class DeployDialog(QDialog):
    def __init__(self, request: DeployRequest, parent: QWidget | None = None,
                 deploy: Callable[..., Deployed] = deploy_cloud, poll: float = 2.0):
        super().__init__(parent)
        self.setObjectName("deployDialog")
        self.setWindowTitle("Deploy / Update the finpics cloud")
        self.request, self._deploy, self._poll = request, deploy, poll
        self.state = ""
        self.result: Deployed | None = None
        self._stop = threading.Event()
        self._task = None

        where = QLabel(f"Stack <b>{request.stack}</b>: {request.cloud.describe()}", self)
        where.setWordWrap(True)
        self.status = QLabel(self)
        self.status.setObjectName("deployStatus")
        self.status.setWordWrap(True)
        self.bar = QProgressBar(self)
        self.bar.setRange(0, 0)  # busy: CloudFormation says no percentage
        self.bar.setTextVisible(False)
        self.bar.setMaximumHeight(8)
        self.events = QPlainTextEdit(self)
        self.events.setObjectName("deployEvents")
        self.events.setReadOnly(True)
        self.events.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.events.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.events.setPlaceholderText("The stack's events appear here as they happen.")

        self.site_box = QGroupBox("The public site's configuration", self)
        self.site_form = QFormLayout()
        self.copy_button = QPushButton(action_icon("edit-copy"), "Copy", self)
        self.copy_button.setToolTip("Copy the configuration (JSON) to the clipboard")
        self.copy_button.clicked.connect(self.on_copy)
        copy_row = QHBoxLayout()
        copy_row.addStretch(1)
        copy_row.addWidget(self.copy_button)
        site = QVBoxLayout(self.site_box)
        site.addLayout(self.site_form)
        site.addLayout(copy_row)
        self.site_box.hide()

        self.buttons = QDialogButtonBox(self)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.cancel_button.clicked.connect(self.on_cancel)
        self.close_button.clicked.connect(self.accept)
        self.close_button.hide()

        layout = QVBoxLayout(self)
        layout.addWidget(where)
        layout.addWidget(self.status)
        layout.addWidget(self.bar)
        layout.addWidget(self.events, 1)
        layout.addWidget(self.site_box)
        layout.addWidget(self.buttons)
        self.resize(720, 520)

    # -- the deploy -------------------------------------------------------------------------
    def start(self) -> None:
        self._set_state(RUNNING, "Deploying: uploading the functions' code, then creating or "
                        "updating the stack…")
        request, stop, poll = self.request, self._stop, self._poll

        def progress(line: str) -> None:  # the worker's thread
            call_in_gui(self.add_line, line, self._task)

        self._task = run_task(lambda: self._deploy(request, progress, stop=stop, poll=poll),
                              self.on_done, self.on_failed, pool_name="deploy")
        self.destroyed.connect(self._task.cancel)  # closed with its window: nothing to show

    def add_line(self, line: str) -> None:
        self.events.appendPlainText(line)

    def on_done(self, result: Deployed) -> None:
        self.result = result
        late = " (it had finished: too late to cancel)" if self.state == CANCELLING else ""
        self._set_state(DONE, f"Stack {result.stack}: {result.status}{late}. The public site "
                        "needs the configuration below.")
        while self.site_form.rowCount():
            self.site_form.removeRow(0)
        for label, value in result.site_rows():
            text = QLabel(value, self)
            text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.site_form.addRow(f"{label}:", text)
        self.site_box.show()

    def on_failed(self, error: BaseException) -> None:
        if isinstance(error, Cancelled):
            self._set_state(CANCELLED, str(error)[0].upper() + str(error)[1:] + ".")
        else:
            self._set_state(FAILED, f"The deploy failed: {describe_error(error)}")

    def _set_state(self, state: str, text: str) -> None:
        self.state = state
        self.status.setText(text)
        running = state in (RUNNING, CANCELLING)
        self.bar.setVisible(running)
        self.cancel_button.setVisible(running)
        self.cancel_button.setEnabled(state == RUNNING)
        self.close_button.setVisible(not running)
        self.status.setStyleSheet("color: #d33;" if state == FAILED else "")

    # -- the user ---------------------------------------------------------------------------
    def on_cancel(self) -> None:
        if self.state != RUNNING:
            return
        self._stop.set()
        self._set_state(CANCELLING, "Cancelling: a stack change under way is undone (an update "
                        "rolled back to the version that ran, a new stack deleted)…")

    def on_copy(self) -> None:
        if self.result is not None:
            QGuiApplication.clipboard().setText(self.result.site_text())
            self.status.setText("The configuration is on the clipboard.")

    def reject(self) -> None:
        """Esc or the window's close button: Cancel while it runs; once cancelling, the dialog
        may close (the rollback goes on in the cloud and needs no one to watch it)."""
        if self.state == RUNNING:
            self.on_cancel()
            return
        if self._task is not None:
            self._task.cancel()
        super().reject()
