"""*This computer* follows the disk: every folder whose subfolders the tree has listed is
watched (``QFileSystemWatcher``: inotify on Linux, FSEvents on macOS,
ReadDirectoryChangesW on Windows); when one changes it is listed again off the GUI thread and
its rows are updated in place (:meth:`SourcesModel.set_subfolders`): a folder made appears, a
folder removed goes, without a restart or a refresh."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QFileSystemWatcher, QObject

from finpics_desktop.app.browse import list_subfolders
from finpics_desktop.app.tasks import Task
from finpics_desktop.ui.sources import SourcesModel
from finpics_desktop.ui.workers import run_task


class FolderWatch(QObject):
    def __init__(self, sources: SourcesModel, parent=None):
        super().__init__(parent)
        self.sources = sources
        self.watcher = QFileSystemWatcher(self)
        self.watcher.directoryChanged.connect(self.on_changed)
        self._listing: dict[Path, Task] = {}
        sources.folder_listed.connect(self.watch)

    def watch(self, path: Path) -> None:
        if path is not None and str(path) not in self.watcher.directories() and path.is_dir():
            self.watcher.addPath(str(path))

    def on_changed(self, changed: str) -> None:
        """A folder shown changed on disk (made, removed or renamed inside it, or itself
        removed): its rows are listed again; the latest listing wins."""
        path = Path(changed)
        if not self.sources.listed_folders(path):
            self.watcher.removePath(changed)  # no row shows it any more
            return
        if (task := self._listing.pop(path, None)) is not None:
            task.cancel()

        def done(folders: list[Path]) -> None:
            self._listing.pop(path, None)
            for item in self.sources.listed_folders(path):
                self.sources.set_subfolders(item, folders)

        def fail(error: BaseException) -> None:
            self._listing.pop(path, None)
            for item in self.sources.listed_folders(path):
                self.sources.cannot_list(item, error)

        self._listing[path] = run_task(lambda: list_subfolders(path), done, fail)

    def close(self) -> None:
        for task in self._listing.values():
            task.cancel()
        paths = self.watcher.directories()
        if paths:
            self.watcher.removePaths(paths)
