"""The questions a publishing job leaves for the curator, asked without blocking the window:
resuming jobs that a crash, a kill or a closed lid interrupted, and what to do with photos
whose name is already taken in the picset by a different photo.

The upload journal (``pipeline.journal``) records every job file by file; when a backend is
attached (the library at start, the cloud once connected) its unfinished jobs are offered
here, one at a time.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QMessageBox

from finpics_desktop.pipeline.journal import Job, journal_for, target_of
from finpics_desktop.ports import Backend
from finpics_desktop.ui.entries import describe_error
from finpics_desktop.ui.workers import run_task


def unfinished_jobs(backend: Backend) -> list[Job]:
    """(Worker thread.) The backend's interrupted jobs, oldest first."""
    journal = journal_for(backend)
    try:
        return journal.unfinished_jobs(target_of(backend))
    finally:
        journal.close()


def abandon(backend: Backend, job_id: int) -> None:
    """(Worker thread.) The user declined: the job is no longer offered."""
    journal = journal_for(backend)
    try:
        journal.abandon(job_id)
    finally:
        journal.close()


Role = QMessageBox.ButtonRole


def _ask(window, name: str, title: str, text: str, informative: str,
         answers: list[tuple[str, QMessageBox.ButtonRole, Callable[[], None] | None]],
         details: str = "") -> None:
    """A window-modal question (``open()``, never a blocking ``exec()``), kept as
    ``window.<name>``; the chosen answer's action runs once it is closed."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=window)
    box.setInformativeText(informative)
    if details:
        box.setDetailedText(details)
    actions = {box.addButton(label, role): action for label, role, action in answers}
    box.setObjectName(name)
    setattr(window, name, box)

    def answered(_result: int) -> None:
        action = actions.get(box.clickedButton())
        if action is not None:
            action()

    box.finished.connect(answered)
    box.open()


def offer_resume(window, backend: Backend) -> None:
    """Look for interrupted jobs off the GUI thread; ask about the oldest one."""

    def ask(jobs: list[Job]) -> None:
        if not jobs or window.upload_panel.busy:
            return
        job = jobs[0]
        _ask(window, "resume_box", "Resume publishing?",
             f"Publishing to picset {job.picset} was interrupted "
             f"({job.done} of {job.total} photo(s) done).",
             "Resume sends only what is missing: photos already published are not sent again.",
             [("Resume", Role.AcceptRole, lambda: window.start_upload(
                 backend, [Path(s) for s in job.sources], job.picset, resume_job=job.id)),
              ("Discard", Role.DestructiveRole, lambda: run_task(
                  lambda: abandon(backend, job.id), lambda _: offer_resume(window, backend))),
              ("Later", Role.RejectRole, None)],
             details="\n".join(j.describe() for j in jobs))

    def failed(error: BaseException) -> None:  # e.g. a full disk: said, not a dialog
        window.message(f"cannot look for interrupted uploads: {describe_error(error)}")

    run_task(lambda: unfinished_jobs(backend), ask, failed)


def ask_about_conflicts(window, backend: Backend, report) -> None:
    """Same name, different content: never overwritten silently nor dropped; the curator
    replaces the photos in the picset, keeps both (the new ones renamed ``name-2.jpg``) or
    skips them."""
    conflicts = report.conflicts
    if not conflicts:
        return
    names = ", ".join(r.name for r in conflicts[:5]) + (" ..." if len(conflicts) > 5 else "")

    def again(choice: str) -> Callable[[], None]:
        return lambda: window.start_upload(backend, [r.path for r in conflicts], report.picset,
                                           on_conflict=choice)

    _ask(window, "conflict_box", "Photos with names already taken",
         f"{len(conflicts)} photo(s) have the name of a different photo already in "
         f"picset {report.picset}: {names}",
         "Replace the photos in the picset, keep both (the new ones are renamed), or skip them?",
         [("Replace", Role.DestructiveRole, again("replace")),
          ("Keep both", Role.AcceptRole, again("rename")),
          ("Skip", Role.RejectRole, None)])
