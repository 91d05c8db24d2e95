"""The window's *Check what the public can read…* (the cloud's menu): ``audit`` run off the GUI
thread, its answer a question -- what leaks, and *Strip the public copies* when it can."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox

from finpics_desktop.app.audit import AuditReport, audit_album
from finpics_desktop.app.errors import describe_error
from finpics_desktop.ui.questions import ask_question
from finpics_desktop.ui.workers import run_task

SHOWN = 12  # leak lines in the question itself; every one in its details


def on_audit(w) -> None:
    """Audit the finpics cloud the window shows."""
    cloud = w.albums.cloud
    tell = w.curation.tell
    if cloud is None:
        tell("finpics cloud is not connected: switch it on in Settings.", "error")
        return
    tell("Reading everything the public can read of the finpics cloud…", "info")
    run_task(lambda: audit_album(cloud.backend), lambda report: _answer(w, cloud, report),
             lambda e: tell(describe_error(e), "error"))


def _answer(w, cloud, report: AuditReport, fixed: bool = False) -> None:
    tell = w.curation.tell
    lines = report.lines()
    if report.ok:
        tell(report.summary(), "info")
        ask_question(w, "audit_question", "What the public can read",
                     "Nothing private is public on the finpics cloud." if not fixed else
                     "The public copies are stripped: nothing private is public now.",
                     report.summary(), [("OK", QMessageBox.ButtonRole.AcceptRole, None)],
                     details="\n".join(lines))
        return
    leaks = [line for line in lines if line.startswith(("LEAK", "NOT SHOWN"))]
    more = f"\n… and {len(leaks) - SHOWN} more (Show Details)" if len(leaks) > SHOWN else ""
    answers = [("Close", QMessageBox.ButtonRole.RejectRole, None)]
    fixable = [leak for leak in report.remaining if not leak.where.startswith("table ")
               and not leak.error]
    if fixable and not fixed:
        answers.insert(0, ("Strip the public copies", QMessageBox.ButtonRole.AcceptRole,
                           lambda: _fix(w, cloud)))
    ask_question(w, "audit_question", "What the public can read",
                 f"{len(leaks)} thing(s) the public can read should be private.",
                 "\n".join(leaks[:SHOWN]) + more, answers, details="\n".join(lines),
                 default="Close")


def _fix(w, cloud) -> None:
    w.curation.tell("Stripping the public copies…", "info")
    run_task(lambda: audit_album(cloud.backend, fix=True),
             lambda report: _answer(w, cloud, report, fixed=True),
             lambda e: w.curation.tell(describe_error(e), "error"))
