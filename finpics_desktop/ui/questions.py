"""The questions a publishing job leaves for the curator, asked without blocking the window:
resuming jobs that a crash, a kill or a closed lid interrupted, and what to do with photos
whose name is already taken in the picset by a different photo.

The upload journal records every job file by file; when a backend is attached (the library at
start, the cloud once connected) its unfinished jobs are offered here, one at a time. What a
choice means is the application layer's (``app/publish.py``).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QMessageBox, QVBoxLayout, QWidget

from finpics_desktop.app.errors import describe_error
from finpics_desktop.app.publish import (
    PublishPlan,
    abandon,
    conflict_plan,
    resume_plan,
    unfinished_jobs,
)
from finpics_desktop.domain.picsets import titled
from finpics_desktop.pipeline.publish.journal import Job
from finpics_desktop.pipeline.publish.upload import UploadReport
from finpics_desktop.ports import Backend
from finpics_desktop.ui.workers import run_task

Start = Callable[[Backend, PublishPlan], object]  # starts a publishing job
Role = QMessageBox.ButtonRole


def ask_question(parent, name: str, title: str, text: str, informative: str,
                 answers: list[tuple[str, QMessageBox.ButtonRole, Callable[[], None] | None]],
                 details: str = "", default: str = "") -> QMessageBox:
    """A window-modal question (``open()``, never a blocking ``exec()``), kept as
    ``parent.<name>``; the chosen answer's action runs once it is closed. Enter chooses
    ``default`` (the label of an answer), else the first answer that loses nothing: an answer
    of the destructive role (deleting or overwriting for good) is never the default. Esc
    chooses the answer of the reject role."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=parent)
    box.setInformativeText(informative)
    if details:
        box.setDetailedText(details)
    buttons = [(box.addButton(label, role), role, label) for label, role, _ in answers]
    actions = {button: action for (button, _, _), (_, _, action) in zip(buttons, answers,
                                                                           strict=True)}
    safe = [b for b, role, label in buttons if role != Role.DestructiveRole
            and (not default or label == default)]
    for button, _, _ in buttons:  # (a push button with the focus would take Enter)
        button.setAutoDefault(False)
    if safe:
        box.setDefaultButton(safe[0])
    escape = [b for b, role, _ in buttons if role == Role.RejectRole]
    if escape:
        box.setEscapeButton(escape[0])
    box.setObjectName(name)
    setattr(parent, name, box)

    def answered(_result: int) -> None:
        action = actions.get(box.clickedButton())
        if action is not None:
            action()

    box.finished.connect(answered)
    box.open()
    return box


def offer_resume(parent, backend: Backend, busy: Callable[[], bool], start: Start,
                 tell: Callable[[str, str], None]) -> None:
    """Look for interrupted jobs off the GUI thread; ask about the oldest one (not while a job
    runs). A journal that cannot be read (e.g. a full disk) is said, not asked about."""

    def ask(jobs: list[Job]) -> None:
        if not jobs or busy():
            return
        job = jobs[0]
        ask_question(parent, "resume_box", "Resume publishing?",
             f"Publishing to picset {titled(job.picset)} was interrupted "
             f"({job.done} of {job.total} photo(s) done).",
             "Resume sends only what is missing: photos already published are not sent again. "
             "Discard forgets the job: the photos not sent yet stay unpublished (those "
             "published stay).",
             [("Resume", Role.AcceptRole, lambda: start(backend, resume_plan(job))),
              ("Discard", Role.DestructiveRole, lambda: run_task(
                  lambda: abandon(backend, job.id),
                  lambda _: offer_resume(parent, backend, busy, start, tell))),
              ("Later", Role.RejectRole, None)],
             details="\n".join(j.describe() for j in jobs))

    def failed(error: BaseException) -> None:  # e.g. a full disk: said, not a dialog
        tell(f"cannot look for interrupted uploads: {describe_error(error)}", "warning")

    run_task(lambda: unfinished_jobs(backend), ask, failed)


def ask_about_conflicts(parent, backend: Backend, report: UploadReport, start: Start) -> None:
    """Same name, different content: never overwritten silently nor dropped; the curator
    replaces the photos in the picset, keeps both (the new ones renamed ``name-2.jpg``) or
    skips them."""
    conflicts = report.conflicts
    if not conflicts:
        return
    names = ", ".join(r.name for r in conflicts[:5]) + (" ..." if len(conflicts) > 5 else "")

    def again(choice: str) -> Callable[[], None]:
        return lambda: start(backend, conflict_plan(report, choice))

    ask_question(parent, "conflict_box", "Photos with names already taken",
         f"{len(conflicts)} photo(s) have the name of a different photo already in "
         f"picset {titled(report.picset)}: {names}",
         "Replace the photos in the picset (the ones there now are lost for good: this cannot "
         "be undone), keep both (the new ones are renamed), or skip them?",
         [("Replace", Role.DestructiveRole, again("replace")),
          ("Keep both", Role.AcceptRole, again("rename")),
          ("Skip", Role.RejectRole, None)], default="Keep both")


def one_field(dialog: QDialog, text: str, field: QWidget) -> None:
    """The layout of the window's small questions: a line of text, one field, OK / Cancel."""
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                               | QDialogButtonBox.StandardButton.Cancel, dialog)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    layout = QVBoxLayout(dialog)
    layout.addWidget(QLabel(text, dialog))
    layout.addWidget(field)
    layout.addWidget(buttons)
