"""*Bring to this computer* (a cloud picset's menu; Edit menu): the picset, its photos and its
names, brought from the finpics cloud into the Library (the application layer's
:func:`~finpics_desktop.app.pull.bring_picset`, off the GUI thread); what it did is said in
*Messages*, and the Library lists the picset (the album reports what changed)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWidget

from finpics_desktop.app.album import Albums
from finpics_desktop.app.errors import describe_error
from finpics_desktop.app.pull import bring_picset
from finpics_desktop.domain.picsets import titled
from finpics_desktop.ui.selection import Selection
from finpics_desktop.ui.workers import run_task


class BringController(QObject):
    def __init__(self, albums: Albums, selection: Selection, tell: Callable[..., None],
                 parent: QWidget):
        super().__init__(parent)
        self.albums, self.selection, self.tell = albums, selection, tell
        self.running = 0

    def offered(self, backend) -> bool:
        """Whether a picset of ``backend`` can be brought here: one of the cloud, with a
        Library to bring it into."""
        cloud, library = self.albums.cloud, self.albums.library
        return (cloud is not None and library is not None and backend is cloud.backend
                and not library.read_only)

    def on_bring(self) -> None:
        chosen = self.selection.picset()
        if chosen is None or not self.offered(chosen[0]):
            self.tell("Choose a picset of finpics cloud to bring to this computer first.",
                      "info")
            return
        self.bring(chosen[1])

    def bring(self, picset: str) -> None:
        library, cloud = self.albums.library, self.albums.cloud
        if library is None or cloud is None:
            self.tell("Bringing a picset here needs the Library and finpics cloud.", "error")
            return
        self.running += 1
        self.tell(f"Bringing {titled(picset)} to this computer…", "info")

        def done(report) -> None:
            self.running -= 1
            for line in report.lines():
                self.tell(line, "info")

        def fail(error: BaseException) -> None:
            self.running -= 1
            self.tell(f"{titled(picset)} was not brought here: {describe_error(error)}",
                      "error")

        run_task(lambda: bring_picset(library, cloud, picset), done, fail)
