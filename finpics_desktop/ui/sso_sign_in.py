"""*Sign in* beside an SSO profile in Settings: the AWS CLI's own ``aws sso login`` (it opens
the browser and keeps the session where boto3 finds it), run as a child process whose output
is read as it comes; when the AWS CLI is not installed, how to get it. Nothing shows for a
profile that does not sign in with SSO."""

from __future__ import annotations

from PySide6.QtCore import QProcess, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from finpics_desktop.app.credentials import AWS_CLI_HINT, aws_profile, sso_login_command


class SsoSignIn(QWidget):
    signed_in = Signal(str)  # the profile

    def __init__(self, profile_box, parent=None):
        super().__init__(parent)
        self.setObjectName("ssoSignIn")
        self.profile_box = profile_box
        self.profile = ""
        self.note = QLabel(self)
        self.note.setObjectName("ssoNote")
        self.note.setWordWrap(True)
        self.note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.button = QPushButton("Sign in", self)
        self.button.setToolTip("Sign in to AWS SSO with this profile (your browser opens)")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.note, 1)
        layout.addWidget(self.button, 0, Qt.AlignmentFlag.AlignTop)
        self._process: QProcess | None = None
        self._said: list[str] = []
        self.button.clicked.connect(self.sign_in)
        profile_box.currentTextChanged.connect(self.update_for)
        self.update_for(profile_box.currentText())

    def update_for(self, name: str) -> None:
        """What shows for the profile now chosen."""
        if self._process is not None:
            return  # a sign-in under way says its own progress
        self.profile = name.strip()
        profile = aws_profile(self.profile) if self.profile else None
        if profile is None or not profile.sso:
            self.hide()
            return
        self.show()
        if sso_login_command(self.profile) is None:
            self.note.setText(AWS_CLI_HINT)
            self.button.hide()
        else:
            self.note.setText(f"{self.profile} signs in with AWS SSO: Sign in when it asks "
                              "(once a day or so).")
            self.button.show()
            self.button.setEnabled(True)

    def sign_in(self) -> None:
        command = sso_login_command(self.profile)
        if command is None or self._process is not None:
            return
        process = self._process = QProcess(self)
        process.setProcessChannelMode(QProcess.ProcessChannelMode.MergedChannels)
        process.readyReadStandardOutput.connect(self._read)
        process.finished.connect(self._finished)
        process.errorOccurred.connect(self._error)
        self._said = []
        self.button.setEnabled(False)
        self.note.setText(f"Signing in to {self.profile}: finish in the browser that opens…")
        process.start(command[0], command[1:])

    def _read(self) -> None:
        if self._process is None:
            return
        text = bytes(self._process.readAllStandardOutput().data()).decode("utf-8", "replace")
        self._said += [line.strip() for line in text.splitlines() if line.strip()]
        shown = [line for line in self._said if "http" in line or "code" in line.lower()]
        self.note.setText(f"Signing in to {self.profile}: finish in the browser that opens…"
                          + "".join(f"\n{line}" for line in shown[-3:]))

    def _finished(self, code: int, _status=None) -> None:
        self._read()
        self._process = None
        self.button.setEnabled(True)
        if code == 0:
            self.note.setText(f"Signed in to {self.profile} (AWS SSO).")
            self.signed_in.emit(self.profile)
        else:
            last = self._said[-1] if self._said else f"the AWS CLI ended with code {code}"
            self.note.setText(f"Signing in to {self.profile} failed: {last}")

    def _error(self, error) -> None:
        if error == QProcess.ProcessError.FailedToStart and self._process is not None:
            reason = self._process.errorString()
            self._process = None
            self.button.setEnabled(True)
            self.note.setText(f"Signing in to {self.profile} failed: the AWS CLI could not "
                              f"be started ({reason})")

    def stop(self) -> None:
        """The dialog closes: a sign-in under way is stopped."""
        process, self._process = self._process, None
        if process is not None:
            process.finished.disconnect(self._finished)
            process.kill()
            process.waitForFinished(5000)
