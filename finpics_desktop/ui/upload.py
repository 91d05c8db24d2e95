"""Publishing photos as a picset: the job (a child process) and the progress panel (overall
bar, per-file state, Cancel, Retry failed). The question before it: :mod:`.new_picset`."""

from __future__ import annotations

import multiprocessing
import multiprocessing.queues  # noqa: F401 - imported now, not by the first job
import multiprocessing.synchronize  # noqa: F401
import queue
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from finpics_desktop.app.album import Album
from finpics_desktop.app.errors import describe_error
from finpics_desktop.app.publish import Publishing, PublishPlan, abandon
from finpics_desktop.app.publish_process import run_publish
from finpics_desktop.domain.keys import parse_key
from finpics_desktop.domain.picsets import titled
from finpics_desktop.pipeline.publish.upload import (
    CANCELLED,
    DONE,
    FAILED,
    SKIPPED,
    FileResult,
    UploadReport,
)
from finpics_desktop.ui.workers import call_in_gui, run_task


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


def ended_text(report: UploadReport) -> str:
    """The panel's line once a job ended: for a cancelled one, how many photos were published
    and that the rest was cancelled (Retry failed sends them)."""
    cancelled = len(report.with_status(CANCELLED))
    if not cancelled:
        return report.summary()
    done, failed = len(report.with_status(DONE)), len(report.with_status(FAILED))
    total = done + failed + cancelled
    text = f"Cancelled: {done} of {total} photo(s) published to {report.picset}"
    if failed:
        text += f", {failed} failed"
    return (f"{text}; the other {cancelled} {'was' if cancelled == 1 else 'were'} cancelled "
            "(Retry failed publishes them).")


class UploadPanel(QWidget):
    """Progress of the current publish job, photo by photo; Cancel while it runs, Retry
    failed after. On the cloud each photo has two steps, both shown: sent, then processed by
    the cloud (its faces found, its items written: :meth:`on_processed`); the bar counts
    both."""

    retry_requested = Signal(object, object)  # backend, PublishPlan

    def __init__(self, parent=None):
        super().__init__(parent)
        self.job: UploadJob | None = None
        self.report: UploadReport | None = None
        self.rows: dict[Path, int] = {}
        self.stored: dict[tuple[str, str], int] = {}  # (picset, name) sent to the cloud: row
        self.processed = 0  # of them, processed by the cloud
        self.total = self.finished = 0
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

    @property
    def two_steps(self) -> bool:
        """The cloud finds the faces after a photo is sent: a second step per photo."""
        return self.job is not None and not self.job.in_process

    def attach(self, job: UploadJob, photos: list[Path]) -> None:
        self.job, self.report = job, None
        self.table.setRowCount(0)
        self.rows, self.stored, self.processed = {}, {}, 0
        self.total, self.finished = len(photos), 0
        for path in photos:
            row = self.table.rowCount()
            self.table.insertRow(row)
            self.table.setItem(row, 0, QTableWidgetItem(path.name))
            self.table.setItem(row, 1, QTableWidgetItem("waiting"))
            self.table.setItem(row, 2, QTableWidgetItem(""))
            self.rows[path] = row
        self.bar.setRange(0, max(1, len(photos) * (2 if self.two_steps else 1)))
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
        state = STATE_TEXT.get(result.status, result.status)
        if self.two_steps and result.status == DONE and result.key:
            key = parse_key(result.key)
            if (key.picset, key.name) not in self.stored:
                self.stored[(key.picset, key.name)] = row
                state, detail = "sent", "the cloud is finding its faces…"
            else:  # processed before its result came
                state, detail = self.table.item(row, 1).text(), self.table.item(row, 2).text()
        self.table.setItem(row, 1, QTableWidgetItem(state))
        self.table.setItem(row, 2, QTableWidgetItem(detail))
        if result.status == CANCELLED:  # not sent: the bar stays at what was
            return
        self.total, self.finished = total, finished
        self._show_progress()

    def _show_progress(self) -> None:
        finished = self.finished
        steps = 2 if self.two_steps else 1
        self.bar.setRange(0, max(1, self.total * steps))
        self.bar.setValue(finished + (self.processed if self.two_steps else 0))
        cancelling = self.job is not None and self.job.cancelling
        verb = "Cancelling" if cancelling else "Publishing"
        where = titled(self.job.picset) if self.job is not None else ""
        if self.report is not None:
            self.status.setText(f"{ended_text(self.report)} {self._cloud_line()}".strip())
        elif self.two_steps:
            self.status.setText(f"{verb} to {where} on the finpics cloud: {finished} of "
                                f"{self.total} photo(s) sent, {self.processed} processed")
        else:
            self.status.setText(f"{verb}: {finished} of {self.total} photo(s) to {where}")

    def _cloud_line(self) -> str:
        if not self.two_steps or not self.stored:
            return ""
        waiting = len(self.stored) - self.processed
        return (f"The cloud is finding the faces of {waiting} photo(s)…" if waiting > 0
                else f"The cloud has processed all {self.processed}.")

    def on_processed(self, entry) -> None:
        """A photo sent to the cloud was processed by it (its item written, faces found)."""
        row = self.stored.get((entry.picset, entry.name))
        if row is None or self.table.item(row, 1).text() == "published":
            return
        self.processed += 1
        self.table.setItem(row, 1, QTableWidgetItem("published"))
        self.table.setItem(row, 2, QTableWidgetItem(f"{len(entry.faces)} face(s) found by "
                                                    "the cloud"))
        self._show_progress()

    def on_finished(self, report: UploadReport) -> None:
        """The bar and the line say what really happened: a cancelled job ends at the photos
        it sent (not 100 %), and says how many were cancelled."""
        self.report = report
        for result in report.results:
            if result.path not in self.rows:
                self.on_file_finished(result, self.bar.value(), self.bar.maximum())
        cancelled = len(report.with_status(CANCELLED))
        ended = [r for r in report.results if r.status != CANCELLED]
        if self.two_steps:  # what is sent is sent; the cloud's step goes on
            self.total, self.finished = len(ended) + cancelled, len(ended)
            self._show_progress()
        else:
            self.bar.setRange(0, max(1, len(ended) + cancelled))
            self.bar.setValue(len(ended) if cancelled else self.bar.maximum())
            self.status.setText(ended_text(report))
        self._idle()
        self.retry_button.setEnabled(bool(self.retry_paths()))

    def _idle(self) -> None:
        """No job runs: Cancel is back to itself, greyed."""
        self.cancel_button.setEnabled(False)
        self.cancel_button.setText("Cancel")

    def on_crashed(self, reason: str) -> None:
        self.status.setText(f"Stopped: {reason}")
        self._idle()
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
