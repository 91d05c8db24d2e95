"""Before a publishing job starts in the window: photos whose content the album already holds in
another picset are said, and the curator publishes them anyway, skips them or cancels.

The photos are read and hashed off the GUI thread and looked up in the album's records of what
it stores (``app/publish.same_content_elsewhere``): the album's originals are not read again.
A check that cannot be made (the cloud unreachable, say) is said and the job goes ahead: the
job itself then says what it could not do.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QMessageBox

from finpics_desktop.app.album import Album
from finpics_desktop.app.errors import describe_error
from finpics_desktop.app.publish import PublishPlan, leave_out, same_content_elsewhere
from finpics_desktop.domain.picsets import titled
from finpics_desktop.pipeline.publish.upload import plan_files
from finpics_desktop.ui.questions import ask_question
from finpics_desktop.ui.workers import run_task

Role = QMessageBox.ButtonRole
SHOWN = 8  # photos named in the question (all of them in its details)


def check_then_start(parent, album: Album, plan: PublishPlan, photos: list[Path] | None,
                     start: Callable[[PublishPlan, list[Path]], object],
                     tell: Callable[[str, str], None]) -> None:
    """Start ``plan`` (its files: ``photos``, listed off the GUI thread when None) at once if
    the album holds none of its photos elsewhere; else ask first (``parent.same_content_box``).
    """
    def look() -> tuple[list[Path], dict[Path, str]]:
        files = photos if photos is not None else plan_files(plan.sources)[0]
        return files, same_content_elsewhere(album, files, plan)

    def found(result: tuple[list[Path], dict[Path, str]]) -> None:
        files, held = result
        if not held:
            start(plan, files)
            return
        _ask(parent, plan, files, held, start)

    def failed(error: BaseException) -> None:
        tell(f"could not look for photos already in {album.title}: {describe_error(error)}",
             "warning")
        start(plan, photos if photos is not None else plan_files(plan.sources)[0])

    run_task(look, found, failed)


def _said(where: str) -> str:
    picset, _, name = where.partition("/")
    return f"as {name} in picset {titled(picset)}"


def _ask(parent, plan: PublishPlan, files: list[Path], held: dict[Path, str],
         start: Callable[[PublishPlan, list[Path]], object]) -> None:
    listed = ", ".join(p.name for p in list(held)[:SHOWN]) + (
        f" and {len(held) - SHOWN} more" if len(held) > SHOWN else "")
    skipped, kept = leave_out(plan, files, held)

    def skip_them() -> None:
        if skipped is not None:
            start(skipped, kept)

    ask_question(
        parent, "same_content_box", "Photos already in the album",
        f"{len(held)} of the {len(files)} photo(s) for {plan.label} are already in the album in "
        f"another picset (the same content): {listed}.",
        "Publish them anyway (the album then holds them twice), skip them ("
        + (f"the other {len(kept)} photo(s) are published" if kept else "nothing is published")
        + "), or cancel (nothing is published)?",
        [("Publish anyway", Role.AcceptRole, lambda: start(plan, files)),
         ("Skip those", Role.AcceptRole, skip_them),
         ("Cancel", Role.RejectRole, None)],
        details="Already in the album:\n" + "\n".join(
            f"{path.name}: {_said(where)}" for path, where in held.items()),
        default="Skip those")
