"""The places of *This computer*: the home folder and Pictures, and any folder the curator
adds (an SD card, an external disk), kept across starts in the declared setting ``places``
(only that setting is saved: a session's command-line options never are). The tree follows
what happens inside them on disk (:mod:`~finpics_desktop.ui.folder_watch`)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QWidget

from finpics_desktop.app.window.navigation import FOLDER
from finpics_desktop.ui.folder_watch import FolderWatch
from finpics_desktop.ui.settings import AppSettings
from finpics_desktop.ui.sources import SourcesModel, SourcesView


class Places:
    def __init__(self, sources: SourcesModel, tree: SourcesView,
                 settings: Callable[[], AppSettings], parent: QWidget,
                 tell: Callable[[str, str], None]):
        self.sources, self.tree, self.settings = sources, tree, settings
        self.parent, self.tell = parent, tell
        self.watch = FolderWatch(sources, parent)

    def show_all(self) -> None:
        """The standard places, then those added (a folder gone meanwhile still shows: its
        row says it cannot be listed, and it is back once the disk is)."""
        for folder in (Path.home() / "Pictures", Path.home()):
            if folder.is_dir():
                self.sources.add_folder(folder)
        for place in self.settings().places:
            self.sources.add_folder(Path(place))

    def on_add(self) -> None:
        folder = QFileDialog.getExistingDirectory(self.parent, "Add a place to This computer",
                                                  str(Path.home()))
        if folder:
            self.add(Path(folder))

    def add(self, folder: Path) -> None:
        """``folder`` is a place of This computer from now on, chosen in the tree."""
        settings = self.settings()
        if str(folder) not in settings.places:
            settings.places = (*settings.places, str(folder))
            settings.save_setting("places")
        item = self.sources.add_folder(folder)
        self.tree.setCurrentIndex(self.sources.indexFromItem(item))

    def chosen_place(self) -> Path | None:
        """The place added by the curator that is chosen in the tree, if any."""
        index = self.tree.currentIndex()
        node = self.sources.node(index)
        if node is None or node.kind != FOLDER or index.parent() != self.sources.indexFromItem(
                self.sources.computer):
            return None
        return node.path if str(node.path) in self.settings().places else None

    def on_remove(self) -> None:
        place = self.chosen_place()
        if place is None:
            self.tell("Choose a place you added under This computer to remove it (the home "
                      "folder and Pictures always show).", "info")
            return
        self.remove(place)

    def remove(self, place: Path) -> None:
        """``place`` leaves This computer (the folder itself is untouched)."""
        settings = self.settings()
        settings.places = tuple(p for p in settings.places if p != str(place))
        settings.save_setting("places")
        self.sources.remove_place(place)
        self.tell(f"{place} is no longer a place of This computer (nothing was deleted).",
                  "info")
