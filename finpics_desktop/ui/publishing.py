"""Publishing from the window: a drop (or Ctrl+U) asks the application layer for a proposal,
the *New picset* dialog shows it, a job runs the plan the curator accepted (:class:`UploadJob`),
the *Publishing* panel follows it, and each photo appears in the grid once the album has
processed it. The questions a job leaves (resume, conflicts) are asked here too. A job ended
is reported as what it changed in its album (the views refresh themselves)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QWidget

from finpics_desktop.app import similar
from finpics_desktop.app.album import Album, Albums
from finpics_desktop.app.changes import Changes
from finpics_desktop.app.entries import Entry
from finpics_desktop.app.errors import describe_error
from finpics_desktop.app.publish import Proposal, PublishPlan, plan_publish, propose
from finpics_desktop.app.tasks import Task
from finpics_desktop.app.window.navigation import LIBRARY, PICSET_PLACE, Navigation, Place
from finpics_desktop.domain.errors import StorageReadOnly
from finpics_desktop.domain.keys import parse_key
from finpics_desktop.domain.picsets import display_name
from finpics_desktop.pipeline.publish.upload import (
    DONE,
    FAILED,
    FileResult,
    UploadReport,
    plan_files,
)
from finpics_desktop.ports import Backend
from finpics_desktop.ui.new_picset import NewPicsetDialog
from finpics_desktop.ui.questions import ask_about_conflicts, offer_resume
from finpics_desktop.ui.same_content import check_then_start
from finpics_desktop.ui.sources import Node, SourcesModel
from finpics_desktop.ui.upload import UploadJob, UploadPanel
from finpics_desktop.ui.workers import call_in_gui, run_task


def _propose(album: Album, paths: list[Path]) -> Proposal:
    with album.journal() as journal:
        return propose(album.backend, journal, paths)


class PublishingController:
    def __init__(self, albums: Albums, nav: Navigation, sources: SourcesModel,
                 panel: UploadPanel, parent: QWidget, tell: Callable[[str, str], None],
                 reveal_panel: Callable[[], None]):
        self.albums, self.nav, self.sources, self.panel = albums, nav, sources, panel
        self.parent, self.tell, self.reveal_panel = parent, tell, reveal_panel
        self.job: UploadJob | None = None
        self.dialog: NewPicsetDialog | None = None
        self._wait_tasks: list[Task] = []
        self.keep_best_after: UploadJob | None = None  # then the best of each group is kept

    # -- from a drop to a job ---------------------------------------------------------------
    def on_files_dropped(self, paths: list[Path], target: Node, keep_best: bool = False) -> None:
        """``keep_best``: the New picset dialog's offer to keep only the best of each
        near-duplicate group comes chosen (asked from the near-duplicates of a folder)."""
        if self.panel.busy:
            self.tell("A publishing job is under way: wait for it or cancel it first.",
                      "warning")
            return
        album = self.albums.of(target.backend)
        if album is None:
            self.tell(f"The library cannot be used: {target.problem}" if target.kind == LIBRARY
                      else "finpics cloud is not connected: check Settings.", "error")
            return
        try:
            album.check_writable("publishing into it")
        except StorageReadOnly as e:
            self.tell(e.sentence(), "error")
            return
        run_task(lambda: _propose(album, paths),
                 lambda proposal: self._ask_picset(album.backend, proposal, album.title,
                                                   keep_best),
                 lambda e: self.tell(f"cannot publish: {describe_error(e)}", "error"))

    def into_picset(self, backend: Backend, paths: list[Path], picset: str) -> None:
        """Photos dropped on a picset's grid: published into it as ``upload --picset`` decides
        (an interrupted job of the same files into it is resumed)."""
        if self.panel.busy:
            self.tell("A publishing job is under way: wait for it or cancel it first.",
                      "warning")
            return
        album = self.albums.of(backend)
        if album is None:  # (the cloud was set up anew meanwhile)
            self.tell("That album is no longer open: drop the photos again.", "warning")
            return

        def plan() -> tuple[PublishPlan, list[Path]]:
            with album.journal() as journal:
                decided = plan_publish(backend, journal, paths, picset=picset)
            return decided, plan_files(decided.sources)[0]

        run_task(plan, lambda planned: self.check_then_start(backend, *planned),
                 lambda e: self.tell(f"cannot publish: {describe_error(e)}", "error"))

    def _ask_picset(self, backend: Backend, proposal: Proposal, where: str,
                    keep_best: bool = False) -> None:
        self.dialog = dialog = NewPicsetDialog(proposal, where, self.parent)
        dialog.keep_best.setChecked(keep_best)  # (offered once its own scan finds groups)
        dialog.accepted.connect(lambda: self.check_then_start(
            backend, dialog.plan, dialog.photos, keep_best=dialog.keeps_best))
        dialog.open()

    def check_then_start(self, backend: Backend, plan: PublishPlan,
                         photos: list[Path] | None, keep_best: bool = False) -> None:
        """Photos the album holds in another picset are said and asked about first
        (``ui/same_content``); with ``keep_best``, the best of each near-duplicate group is kept
        once the photos are in."""
        album = self.albums.of(backend)
        if album is None:  # (the cloud was set up anew meanwhile)
            self.tell("That album is no longer open: publish the photos again.", "warning")
            return

        def start(checked: PublishPlan, files: list[Path] | None) -> None:
            job = self.start(backend, checked, files)
            self.keep_best_after = job if keep_best else None

        check_then_start(self.parent, album, plan, photos, start, self.tell)

    def start(self, backend: Backend, plan: PublishPlan,
              photos: list[Path] | None = None) -> UploadJob | None:
        """``photos``: the files of ``plan.sources`` if they were listed already (off the GUI
        thread); else they are listed here."""
        album = self.albums.of(backend)
        if album is None:  # (the cloud was set up anew meanwhile)
            self.tell("That album is no longer open: publish the photos again.", "warning")
            return None
        if photos is None:
            photos, _ = plan_files(plan.sources)
        self.job = job = UploadJob(album, plan, self.parent)
        self.panel.attach(job, photos)
        self.reveal_panel()
        job.started.connect(lambda picset: self.on_started(backend, picset))
        job.file_finished.connect(lambda result, *_: self.on_result(backend, result))
        job.finished.connect(lambda report: self.on_finished(backend, report))
        job.crashed.connect(lambda reason: self.on_crashed(backend, job, reason))
        job.start()
        return job

    def offer_resume(self, backend: Backend) -> None:
        offer_resume(self.parent, backend, lambda: self.panel.busy, self.start, self.tell)

    # -- a job under way --------------------------------------------------------------------
    def on_started(self, backend: Backend, picset: str) -> None:
        """The picset appears at once and the grid shows it fill in."""
        album = self.albums.of(backend)
        if album is not None:
            self.nav.open(Place(PICSET_PLACE, backend, picset, title=display_name(picset),
                                within=album.kind))

    def on_result(self, backend: Backend, result: FileResult) -> None:
        if result.status == FAILED:
            self.tell(f"{result.path}: {result.reason}", "warning")
        if result.status != DONE or result.key is None:
            return
        key = parse_key(result.key)
        album = self.albums.of(backend)
        if album is None:  # no longer open (the cloud switched off meanwhile)
            return
        wait = album.processed
        if wait.add(key.picset, key.name):  # no wait under way for this album: start one
            task = Task()
            self._wait_tasks = [t for t in self._wait_tasks if not t.cancelled] + [task]
            run_task(lambda: wait.wait(lambda entries: call_in_gui(
                self._processed, entries, task), task.stop), task=task, pool_name="waits")

    def _processed(self, entries: list[Entry]) -> None:
        for entry in entries:
            self.panel.on_processed(entry)
            self.nav.photo_published(entry)

    def on_crashed(self, backend: Backend, job: UploadJob, reason: str) -> None:
        self.tell(f"publishing to {job.plan.label} stopped: {reason}", "error")
        self.panel.on_crashed(reason)
        self._settle(backend, job.picset, [])

    def on_finished(self, backend: Backend, report: UploadReport) -> None:
        self.tell(report.summary(), "info" if report.ok else "warning")
        if report.names is not None and report.names.summary():  # names other apps wrote
            self.tell(report.names.summary(), "warning" if report.names.conflicts else "info")
            for taken in report.names.conflicts:  # shown, not applied
                self.tell(taken.line(), "warning")
        if report.stopped:  # a full disk...: what is wrong and what to do
            self.tell(report.stopped, "error")
        ask_about_conflicts(self.parent, backend, report, self.start)
        taken = [t for t in (report.names.taken if report.names else ())  # (named, or regions)
                 if t.outcome in ("named", "region")]
        self._settle(backend, report.picset, [r.key for r in report.with_status(DONE) if r.key],
                     people=[t.name for t in taken],
                     faces=[t.face_id for t in taken if t.outcome == "named"])
        if self.keep_best_after is not None and self.keep_best_after is self.job:
            self.keep_best_after = None
            self.keep_best(backend, report.picset)

    def keep_best(self, backend: Backend, picset: str) -> None:
        """The best of each near-duplicate group of ``picset`` kept (chosen with the faces the
        album found), the others sent to the trash: one action, which Ctrl+Z undoes."""
        album = self.albums.of(backend)
        if album is None or not picset:
            return
        self.tell(f"Keeping the best of each near-duplicate group of {display_name(picset)}…",
                  "info")

        def done(outcome) -> None:
            if outcome is None:
                self.tell(f"No near-duplicates left in {display_name(picset)}.", "info")
                return
            for line in outcome.failed:
                self.tell(line, "warning")
            self.tell(outcome.summary, "info")

        run_task(lambda: similar.keep_best(album.curator, picset,
                                           similar.in_picset(backend, picset)),
                 done, lambda e: self.tell(f"cannot keep the best of {display_name(picset)}: "
                                           f"{describe_error(e)}", "error"))

    def _settle(self, backend: Backend, picset: str, keys: list[str],
                people: list[str] = (), faces: list[str] = ()) -> None:
        """The job ended: the picset it was publishing into is there only if the table has it,
        and what it published is reported as changed in its album."""
        root = self.sources.root_for(backend)
        if root is not None and picset:
            self.sources.settle(root, picset)
        photos = [(k.picset, k.name) for k in map(parse_key, keys)]
        self.albums.report(backend, Changes.of(picsets=[picset] if picset else [],
                                               photos=photos, picset_list=True,
                                               people=people, faces=faces))

    def close(self) -> None:
        """The window closes: the photos under way finish whole; nothing is waited for."""
        for task in self._wait_tasks:
            task.cancel()
        if self.job is not None and self.job.running:
            self.job.cancel()
            self.tell("Cancelling the publishing job before quitting…", "info")
            self.job.wait()
