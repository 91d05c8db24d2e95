"""The questions a publishing job leaves for the curator, asked without blocking the window:
resuming jobs that a crash, a kill or a closed lid interrupted, and what to do with photos
whose name is already taken in the picset by a different photo.

The upload journal (``pipeline.journal``) records every job file by file; when a backend is
attached (the library at start, the cloud once connected) its unfinished jobs are offered
here, one at a time.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QMessageBox

from finpics_desktop.pipeline.journal import Job, journal_for, target_of
from finpics_desktop.ports import Backend
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


def offer_resume(window, backend: Backend) -> None:
    """Look for interrupted jobs off the GUI thread; ask about the oldest one."""

    def ask(jobs: list[Job]) -> None:
        if not jobs or window.upload_panel.busy:
            return
        job = jobs[0]
        box = QMessageBox(QMessageBox.Icon.Question, "Resume publishing?",
                          f"Publishing to picset {job.picset} was interrupted "
                          f"({job.done} of {job.total} photo(s) done).", parent=window)
        box.setInformativeText(
            "Resume sends only what is missing: photos already published are not sent again.")
        box.setDetailedText("\n".join(j.describe() for j in jobs))
        resume = box.addButton("Resume", QMessageBox.ButtonRole.AcceptRole)
        discard = box.addButton("Discard", QMessageBox.ButtonRole.DestructiveRole)
        box.addButton("Later", QMessageBox.ButtonRole.RejectRole)
        box.setObjectName("resumeBox")
        window.resume_box = box

        def answered(_result: int) -> None:
            clicked = box.clickedButton()
            if clicked is resume:
                window.start_upload(backend, [Path(s) for s in job.sources], job.picset,
                                    resume_job=job.id)
            elif clicked is discard:
                run_task(lambda: abandon(backend, job.id),
                         lambda _: offer_resume(window, backend))

        box.finished.connect(answered)
        box.open()  # window-modal sheet, not a blocking exec()

    run_task(lambda: unfinished_jobs(backend), ask)


def ask_about_conflicts(window, backend: Backend, report) -> None:
    """Same name, different content: never overwritten silently nor dropped; the curator
    replaces the photos in the picset, keeps both (the new ones renamed ``name-2.jpg``) or
    skips them."""
    conflicts = report.conflicts
    if not conflicts:
        return
    names = ", ".join(r.name for r in conflicts[:5]) + (" ..." if len(conflicts) > 5 else "")
    box = QMessageBox(QMessageBox.Icon.Question, "Photos with names already taken",
                      f"{len(conflicts)} photo(s) have the name of a different photo already in "
                      f"picset {report.picset}: {names}", parent=window)
    box.setInformativeText("Replace the photos in the picset, keep both (the new ones are "
                           "renamed), or skip them?")
    replace = box.addButton("Replace", QMessageBox.ButtonRole.DestructiveRole)
    rename = box.addButton("Keep both", QMessageBox.ButtonRole.AcceptRole)
    box.addButton("Skip", QMessageBox.ButtonRole.RejectRole)
    box.setObjectName("conflictBox")
    window.conflict_box = box

    def answered(_result: int) -> None:
        choice = {replace: "replace", rename: "rename"}.get(box.clickedButton())
        if choice is not None:
            window.start_upload(backend, [r.path for r in conflicts], report.picset,
                                on_conflict=choice)

    box.finished.connect(answered)
    box.open()

