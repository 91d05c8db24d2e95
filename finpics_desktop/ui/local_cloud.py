"""*Try it locally*: ``finpics-desktop local-cloud --port 0 --enforce-iam`` as a child process
of the window (``QProcess``: its output is read as it comes, the GUI never waits), read with
:class:`~finpics_desktop.app.local_cloud.LocalCloudOutput`; once it is ready the window's
*finpics cloud* connects to it with the admin keys it printed (held in memory only). It can be
cancelled while it starts. Closing the window asks first (:class:`QuitQuestion`), then stops
the child (SIGTERM, as Ctrl-C)."""

from __future__ import annotations

from PySide6.QtCore import QObject, QProcess, QProcessEnvironment, QTimer, Signal
from PySide6.QtWidgets import QMessageBox

from finpics_desktop.app.local_cloud import LocalCloudOutput, local_cloud_command, missing_extra
from finpics_desktop.app.options import CloudOptions

IDLE, STARTING, READY, FAILED, CANCELLING = "idle", "starting", "ready", "failed", "cancelling"
KILL_AFTER_MS = 15_000  # a child that does not stop on SIGTERM while cancelling


class LocalCloudProcess(QObject):
    line = Signal(str)  # a line of its progress (stderr), keys masked
    ready = Signal(object)  # CloudOptions of this session's cloud on it
    failed = Signal(str)  # why it could not start, or stopped
    cancelled = Signal()  # stopped while starting, as asked (Cancel)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.state = IDLE
        self.output = LocalCloudOutput()
        self.options: CloudOptions | None = None
        self._base = CloudOptions()
        self._process: QProcess | None = None
        self._buffers = {"out": "", "err": ""}

    @property
    def url(self) -> str:
        return self.output.url if self.state == READY else ""

    def start(self, base: CloudOptions | None = None) -> bool:
        """Start it (once); False, with ``failed`` emitted, when the extra is missing."""
        if self.state in (STARTING, READY):
            return True
        if self.state == CANCELLING:  # the one before is stopping: not two at once
            return False
        problem = missing_extra()
        if problem:
            self.state = FAILED
            self.failed.emit(problem[0].upper() + problem[1:])
            return False
        self._base = base or CloudOptions()
        self.output = LocalCloudOutput()
        self._buffers = {"out": "", "err": ""}
        process = QProcess(self)
        env = QProcessEnvironment.systemEnvironment()
        env.insert("PYTHONUNBUFFERED", "1")
        for name in ("FINPICS_ENDPOINT_URL", "AWS_PROFILE"):
            env.remove(name)
        process.setProcessEnvironment(env)
        process.readyReadStandardOutput.connect(lambda: self._read("out"))
        process.readyReadStandardError.connect(lambda: self._read("err"))
        process.finished.connect(self._on_finished)
        process.errorOccurred.connect(self._on_error)
        command = local_cloud_command(self._base)
        self._process = process
        self.state = STARTING
        process.start(command[0], command[1:])
        return True

    def _read(self, channel: str) -> None:
        process = self._process
        if process is None:
            return
        data = (process.readAllStandardOutput() if channel == "out"
                else process.readAllStandardError())
        text = self._buffers[channel] + bytes(data.data()).decode("utf-8", "replace")
        *lines, self._buffers[channel] = text.split("\n")
        for line in lines:
            if channel == "out":
                self.output.stdout_line(line)
            else:
                self.output.stderr_line(line)
                self.line.emit(self.output.lines[-1])
        if self.state == STARTING and self.output.ready:
            self.state = READY
            self.options = self.output.cloud_options(self._base)
            self.ready.emit(self.options)

    def _on_finished(self, *_args) -> None:
        if self.state == CANCELLING:
            self.state, self.options, self._process = IDLE, None, None
            self.cancelled.emit()
            return
        for channel in ("out", "err"):
            if self._buffers[channel]:  # a last line without its newline
                self._buffers[channel] += "\n"
                self._read(channel)
        if self.state in (STARTING, READY):
            self.failed.emit(f"The local cloud stopped: {self.output.problem}")
        self.state = FAILED if self.state != IDLE else IDLE
        self.options = None
        self._process = None

    def _on_error(self, error) -> None:
        if error == QProcess.ProcessError.FailedToStart and self._process is not None:
            self.state = FAILED
            self.failed.emit(f"The local cloud could not be started: "
                             f"{self._process.errorString()}")
            self._process = None

    def cancel(self) -> None:
        """Stop it while it starts, without waiting (SIGTERM: it stops deploying and removes
        what it made; killed if it has not stopped after a while); ``cancelled`` once it
        has."""
        process = self._process
        if self.state != STARTING or process is None:
            return
        self.state = CANCELLING
        process.terminate()
        QTimer.singleShot(KILL_AFTER_MS, process, lambda: process.state()
                          != QProcess.ProcessState.NotRunning and process.kill())

    @property
    def running(self) -> bool:
        """Started (or starting), not stopped yet."""
        return self.state in (STARTING, READY, CANCELLING)

    def stop(self, wait_ms: int = 30_000) -> None:
        """SIGTERM (its Ctrl-C: it stops its server and removes its data), then wait."""
        process, self._process = self._process, None
        self.state, self.options = IDLE, None
        if process is None:
            return
        process.finished.disconnect(self._on_finished)
        process.terminate()
        if not process.waitForFinished(wait_ms):
            process.kill()
            process.waitForFinished(wait_ms)


class QuitQuestion:
    """Closing the window while its local cloud runs: asks first, saying what happens to it
    (it stops, and what was published to it goes with it: it kept it only while it ran;
    the photos stay in their folders, the Library is not touched). *Stop it and quit* closes
    the window; *Keep it running* (the default, and Esc) keeps both."""

    def __init__(self, window, local: LocalCloudProcess):
        self.window, self.local = window, local
        self.box: QMessageBox | None = None
        self.answered = False

    def allows_closing(self) -> bool:
        """True when the window may close now; else the question is shown (once)."""
        if self.answered or not self.local.running:
            return True
        if self.box is None:
            self.box = self._ask()
        self.box.open()
        return False

    def text(self) -> str:
        where = f" at {self.local.url}" if self.local.url else ""
        return (f"A local finpics cloud is running{where} for this session.\n\n"
                "Quitting stops it, and what was published to it is deleted with it: it keeps "
                "its photos, thumbnails, faces and tables only while it runs (in memory and a "
                "temporary folder, removed when it stops). The photos stay in their folders on "
                "this computer, and your Library is not touched.")

    def _ask(self) -> QMessageBox:
        box = QMessageBox(QMessageBox.Icon.Question, "Stop the local cloud?", self.text(),
                          QMessageBox.StandardButton.NoButton, self.window)
        box.setObjectName("quitLocalCloud")
        self.stop_button = box.addButton("Stop it and quit",
                                         QMessageBox.ButtonRole.DestructiveRole)
        self.keep_button = box.addButton("Keep it running", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(self.keep_button)
        box.setEscapeButton(self.keep_button)
        box.finished.connect(self._answered)
        return box

    def _answered(self, *_args) -> None:
        box, self.box = self.box, None
        if box is not None:
            box.deleteLater()
        if box is not None and box.clickedButton() is self.stop_button:
            self.answered = True
            self.window.close()
