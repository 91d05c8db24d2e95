"""Publishing photos as a picset: the "New picset" dialog (a title proposed from the folder's
name, what the site will show for it, validated live) and the progress panel (overall bar,
per-file state, Cancel, Retry failed)."""

from __future__ import annotations

import multiprocessing
import multiprocessing.queues  # noqa: F401 - imported now, not by the first job
import multiprocessing.synchronize  # noqa: F401
import queue
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from finpics_desktop.app.album import Album
from finpics_desktop.app.errors import describe_error
from finpics_desktop.app.publish import Proposal, Publishing, PublishPlan, abandon
from finpics_desktop.app.publish_process import run_publish
from finpics_desktop.domain.errors import FinpicsError
from finpics_desktop.domain.picsets import display_name, read_title, titled
from finpics_desktop.pipeline.publish.upload import (
    CANCELLED,
    DONE,
    FAILED,
    SKIPPED,
    FileResult,
    UploadReport,
    plan_files,
)
from finpics_desktop.ui.workers import call_in_gui, run_task


class NewPicsetDialog(QDialog):
    """Publish these photos to this picset? The curator reads and types a *title* (proposed
    by the application layer: a new picset's is the folder's name as written; a folder
    published before goes on into its picset), sees what the site will show for it -- and
    why, for what a picset's address cannot carry -- before publishing; the id (the number
    ordering the list, then the title) is an *Advanced* detail that may be typed too."""

    def __init__(self, proposal: Proposal, target: str, parent=None):
        super().__init__(parent)
        self.setWindowTitle("New picset")
        self.proposal = proposal
        self.paths = list(proposal.plan.sources)
        self.existing = proposal.existing
        self.title_edit = QLineEdit(proposal.title, self)
        self.title_edit.setObjectName("picsetTitle")
        self.title_edit.setClearButtonEnabled(True)
        self.id_edit = QLineEdit(proposal.picset_id, self)
        self.id_edit.setObjectName("picsetId")
        self.id_edit.setToolTip("The picset's id: its ordering number (the site lists the "
                                "highest first), '_', then the title with '_' for each space")
        self.shown_as = QLabel(self)
        self.shown_as.setObjectName("shownAs")
        self.shown_as.setTextFormat(Qt.TextFormat.PlainText)
        self.reading = QLabel(self)
        self.reading.setObjectName("reading")
        self.reading.setWordWrap(True)
        self.problem = QLabel(self)
        self.problem.setWordWrap(True)
        self.problem.setObjectName("problem")
        self.count = QLabel("Counting photos…", self)
        what = ", ".join(p.name for p in self.paths[:3]) + (
            f" and {len(self.paths) - 3} more" if len(self.paths) > 3 else "")
        source = QLabel(what, self)
        source.setToolTip("\n".join(str(p) for p in self.paths))
        self.advanced = QCheckBox("Advanced: show the picset id", self)
        self.advanced.setObjectName("advanced")
        self.form = form = QFormLayout()
        form.addRow("Publish:", source)
        form.addRow("To:", QLabel(target, self))
        form.addRow("Title:", self.title_edit)
        form.addRow("The site shows:", self.shown_as)
        form.addRow("", self.reading)
        form.addRow("Picset id:", self.id_edit)
        form.addRow("", self.problem)
        form.addRow("Photos:", self.count)
        form.addRow("", self.advanced)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Publish")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(520)
        self.photos: list[Path] | None = None
        self._following = False  # the id follows the title being typed
        self.advanced.toggled.connect(lambda on: form.setRowVisible(self.id_edit, on))
        form.setRowVisible(self.id_edit, False)
        self.title_edit.textChanged.connect(self.on_title_changed)
        self.id_edit.textChanged.connect(self.on_id_changed)
        self.on_id_changed(self.id_edit.text())
        run_task(lambda: plan_files(self.paths), self.on_planned)

    @property
    def picset(self) -> str:
        return self.id_edit.text().strip()

    @property
    def title(self) -> str:
        return self.title_edit.text()

    @property
    def plan(self) -> PublishPlan:
        """What publishing will do with the title and id as the curator left them."""
        return self.proposal.choose(self.picset, self.title)

    def on_title_changed(self, text: str) -> None:
        """The id follows the title (its number kept); a title with nothing an id can carry
        is said at once, with what was typed kept."""
        try:
            picset = self.proposal.id_for(text)
        except FinpicsError as e:
            self._refuse(str(e))
            return
        self._following = True
        try:
            if picset == self.id_edit.text():
                self.on_id_changed(picset)
            else:
                self.id_edit.setText(picset)
        finally:
            self._following = False

    def on_id_changed(self, text: str) -> None:
        ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        try:
            plan = self.proposal.choose(text, self.title)
        except FinpicsError as e:
            self._refuse(str(e))
            return
        self.shown_as.setText(display_name(text.strip()))
        typed = self._following or text.strip() == self.proposal.id_for_or_none(self.title)
        note = read_title(self.title).note() if typed else ""
        self.reading.setText(note[:1].upper() + note[1:] + "." if note else "")
        self.reading.setStyleSheet("color: #b36b00;" if note else "")
        note = (f"The interrupted job is resumed ({plan.resume.done} of {plan.resume.total} "
                "photo(s) done): only what is missing is sent.") if plan.resume else (
            "This picset exists: the photos are added to it.") if (
            text.strip() in self.existing) else ""
        self.problem.setText(note)
        self.problem.setStyleSheet("")
        ok_button.setEnabled(self.photos is None or bool(self.photos))

    def _refuse(self, why: str) -> None:
        self.problem.setText(why[:1].upper() + why[1:])
        self.problem.setStyleSheet("color: #d33;")
        self.shown_as.setText("")
        self.reading.setText("")
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(False)

    def on_planned(self, planned) -> None:
        photos, skipped = planned
        self.photos = photos
        text = f"{len(photos)} photo(s)"
        if skipped:
            text += f", {len(skipped)} other file(s) skipped"
        self.count.setText(text)
        if not photos:
            self.count.setText("No .jpg, .jpeg or .png photo here: nothing to publish.")
        self.on_id_changed(self.id_edit.text())


class UploadJob(QObject):
    """One publish run of a plan, off the GUI thread; results come back to the GUI thread as
    signals.

    Where it runs is the album's policy (:attr:`Album.in_process`): on the local library the
    run has its own process (see :mod:`~finpics_desktop.app.publish_process`), so the face work
    never competes with the window for the GIL; the cloud processes faces itself, so a cloud
    run is a worker thread sending files, with the album's location policy.
    """

    started = Signal(str)  # the picset id (a new picset is numbered when the job starts)
    file_finished = Signal(object, int, int)  # FileResult, finished, total
    finished = Signal(object)  # UploadReport
    crashed = Signal(str)

    POLL_MS = 40

    def __init__(self, album: Album, plan: PublishPlan, parent=None):
        super().__init__(parent)
        self.album, self.backend, self.plan = album, album.backend, plan
        self.picset = plan.picset if isinstance(plan.picset, str) else ""  # known at start
        self.running = False
        self.cancelling = False
        self.in_process = album.in_process
        self.publishing: Publishing | None = None
        self._proc = self._queue = self._cancel = None
        self._timer: QTimer | None = None
        self._quiet_polls = 0

    def start(self) -> None:
        self.running = True
        if self.in_process:
            self._start_process()
        else:
            self._start_thread()

    def cancel(self) -> None:
        self.cancelling = True
        if self.publishing is not None:
            self.publishing.cancel()
        if self._cancel is not None:
            self._cancel.set()

    def wait(self, seconds: float = 120.0) -> None:
        """Block until the run has ended (used when the window closes)."""
        if self._proc is not None:
            self._proc.join(seconds)

    def _on_start(self, picset: str) -> None:
        self.picset = picset
        self.started.emit(picset)

    # -- a worker thread (cloud) ------------------------------------------------------------
    def _start_thread(self) -> None:
        def on_result(result: FileResult, finished: int, total: int) -> None:  # worker thread
            call_in_gui(lambda args: self.file_finished.emit(*args), (result, finished, total))

        def run() -> UploadReport:
            with self.album.journal() as journal:
                self.publishing = job = self.album.publishing(self.plan, journal)
                if self.cancelling:  # cancelled before the job was made (see cancel)
                    job.cancel()
                return job.run(on_result, lambda picset: call_in_gui(self._on_start, picset))

        run_task(run, self._done, lambda e: self._crash(describe_error(e)), pool_name="jobs")

    # -- a process (local library) ----------------------------------------------------------
    def _start_process(self) -> None:
        ctx = multiprocessing.get_context("spawn")  # never fork a process with Qt threads
        self._queue, self._cancel = ctx.Queue(), ctx.Event()
        b = self.backend
        self._proc = ctx.Process(
            target=run_publish, name=f"publish-{self.plan.label}", daemon=True,
            args=(b.library, b.names, self.plan, self._queue, self._cancel))
        self._proc.start()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._poll)
        self._timer.start(self.POLL_MS)

    def _poll(self) -> None:
        got = False
        while self.running:
            try:
                message = self._queue.get_nowait()
            except queue.Empty:
                break
            got = True
            kind = message[0]
            if kind == "start":
                self._on_start(message[1])
            elif kind == "result":
                self.file_finished.emit(*message[1:])
            elif kind == "report":
                self._done(message[1])
            else:
                self._crash(message[1])
        if not self.running or got:
            self._quiet_polls = 0
            return
        if not self._proc.is_alive():
            self._quiet_polls += 1
            if self._quiet_polls > 3:  # exited without a last word: it was killed
                self._crash(f"the publishing process ended unexpectedly "
                            f"(exit code {self._proc.exitcode})")

    def _stop_polling(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        proc = self._proc
        if proc is not None and proc.is_alive():  # it has said its last word and is exiting
            run_task(lambda: proc.join(30))  # reaped off the GUI thread (~30 ms)

    def _done(self, report: UploadReport) -> None:
        self.running = False
        self._stop_polling()
        self.finished.emit(report)

    def _crash(self, reason: str) -> None:
        self.running = False
        self._stop_polling()
        self.crashed.emit(reason)


STATE_TEXT = {DONE: "published", FAILED: "failed", SKIPPED: "skipped", CANCELLED: "cancelled"}


class UploadPanel(QWidget):
    """Progress of the current publish job; Cancel while it runs, Retry failed after."""

    retry_requested = Signal(object, object)  # backend, PublishPlan

    def __init__(self, parent=None):
        super().__init__(parent)
        self.job: UploadJob | None = None
        self.report: UploadReport | None = None
        self.rows: dict[Path, int] = {}
        self.status = QLabel("No publishing under way.", self)
        self.bar = QProgressBar(self)
        self.bar.setRange(0, 1)
        self.bar.setValue(0)
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.setEnabled(False)
        self.retry_button = QPushButton("Retry failed", self)
        self.retry_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.on_cancel)
        self.retry_button.clicked.connect(self.on_retry)
        self.table = QTableWidget(0, 3, self)
        self.table.setHorizontalHeaderLabels(["Photo", "State", "Detail"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        top = QHBoxLayout()
        top.addWidget(self.status, 1)
        top.addWidget(self.bar, 2)
        top.addWidget(self.cancel_button)
        top.addWidget(self.retry_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)

    @property
    def busy(self) -> bool:
        return self.job is not None and self.job.running

    def attach(self, job: UploadJob, photos: list[Path]) -> None:
        self.job, self.report = job, None
        self.table.setRowCount(0)
        self.rows = {}
        for path in photos:
            row = self.table.rowCount()
            self.table.insertRow(row)
            self.table.setItem(row, 0, QTableWidgetItem(path.name))
            self.table.setItem(row, 1, QTableWidgetItem("waiting"))
            self.table.setItem(row, 2, QTableWidgetItem(""))
            self.rows[path] = row
        self.bar.setRange(0, max(1, len(photos)))
        self.bar.setValue(0)
        self.status.setText(f"Publishing {len(photos)} photo(s) to {job.plan.label}…")
        job.started.connect(lambda picset: self.status.setText(
            f"Publishing {len(photos)} photo(s) to {titled(picset)}…"))
        self.cancel_button.setEnabled(True)
        self.cancel_button.setText("Cancel")
        self.retry_button.setEnabled(False)
        job.file_finished.connect(self.on_file_finished)
        job.finished.connect(self.on_finished)

    def on_file_finished(self, result: FileResult, finished: int, total: int) -> None:
        row = self.rows.get(result.path)
        if row is None:
            row = self.table.rowCount()
            self.table.insertRow(row)
            self.table.setItem(row, 0, QTableWidgetItem(result.name))
            self.table.setItem(row, 2, QTableWidgetItem(""))
            self.rows[result.path] = row
        detail = f"{result.faces} face(s)" if result.status == DONE else result.reason
        self.table.setItem(row, 1, QTableWidgetItem(STATE_TEXT.get(result.status, result.status)))
        self.table.setItem(row, 2, QTableWidgetItem(detail))
        self.bar.setRange(0, max(1, total))
        self.bar.setValue(finished)
        cancelling = self.job is not None and self.job.cancelling
        verb = "Cancelling" if cancelling else "Publishing"
        self.status.setText(f"{verb}: {finished} of {total} photo(s) to {titled(self.job.picset)}")

    def on_finished(self, report: UploadReport) -> None:
        self.report = report
        for result in report.results:
            if result.path not in self.rows:
                self.on_file_finished(result, self.bar.value(), self.bar.maximum())
        self.status.setText(report.summary())
        self.bar.setValue(self.bar.maximum())
        self.cancel_button.setEnabled(False)
        self.retry_button.setEnabled(bool(self.retry_paths()))

    def on_crashed(self, reason: str) -> None:
        self.status.setText(f"Stopped: {reason}")
        self.cancel_button.setEnabled(False)
        self.report = None
        self.retry_button.setEnabled(False)

    def retry_paths(self) -> list[Path]:
        if self.report is None:
            return []
        return [r.path for r in self.report.results if r.status in (FAILED, CANCELLED)
                and r.path.is_file()]

    def on_cancel(self) -> None:
        if self.job is not None and self.job.running:
            self.job.cancel()
            self.cancel_button.setEnabled(False)
            self.cancel_button.setText("Cancelling…")
            self.status.setText("Cancelling: the photos under way finish, whole…")

    def on_retry(self) -> None:
        paths = self.retry_paths()
        if paths and self.job is not None:
            backend, old_job = self.job.backend, self.report.job_id
            if old_job is not None:  # the retry supersedes it: no resume offer for it later
                run_task(lambda: abandon(backend, old_job))
            self.retry_requested.emit(backend, PublishPlan.of(paths, self.report.picset))
