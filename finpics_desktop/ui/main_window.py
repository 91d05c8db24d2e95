"""The main window: sources on the left, the grid / viewer / search results in the centre,
photo info on the right, messages and publishing progress below.

The window builds the widgets and connects their signals, all in :meth:`MainWindow._connect`;
where the user is lives in the plain navigation state (``app/window/navigation.py``), drawn by the
:class:`NavigationController`; the open albums are the application layer's
(:class:`~finpics_desktop.app.album.Albums`); publishing, curation and people are controllers
handed the albums, the navigation, the selection and a way to tell the user. What an operation
changed reaches every view through one signal (:class:`~finpics_desktop.ui.changes.
OperationDone`): each refreshes what it shows of it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QMainWindow,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from finpics_desktop import __version__
from finpics_desktop.app import people_views
from finpics_desktop.app.album import Albums
from finpics_desktop.app.entries import FILE, Entry
from finpics_desktop.app.notes import older_faces_note
from finpics_desktop.app.publish import PublishPlan
from finpics_desktop.app.settings import GENERAL
from finpics_desktop.app.tasks import Task
from finpics_desktop.app.window import navigation as pages
from finpics_desktop.app.window.empty import (
    CONNECT_CLOUD,
    OPEN_FOLDER,
    PUBLISH,
    REFRESH,
    SETTINGS,
    drop_label,
)
from finpics_desktop.app.window.navigation import CLOUD, LIBRARY, Navigation
from finpics_desktop.domain.errors import SETTINGS_CLOUD, StorageReadOnly
from finpics_desktop.pipeline.photos.thumbcache import ThumbCache
from finpics_desktop.ports import Backend
from finpics_desktop.ui import window_menus
from finpics_desktop.ui.about import AboutDialog
from finpics_desktop.ui.appearance import apply_appearance
from finpics_desktop.ui.bringing import BringController
from finpics_desktop.ui.busy import BusyIndicator
from finpics_desktop.ui.changes import OperationDone
from finpics_desktop.ui.cloud_setup import CloudSetup
from finpics_desktop.ui.context_menus import ContextMenus
from finpics_desktop.ui.curation import CurationController
from finpics_desktop.ui.drop_targets import GridDropTarget, TreeDropHighlight
from finpics_desktop.ui.empty_state import EmptyStateController, EmptyStateView
from finpics_desktop.ui.grid import GridModel, GridView
from finpics_desktop.ui.grid_order import GridOrder
from finpics_desktop.ui.info import InfoController
from finpics_desktop.ui.layout_state import first_size, restore_layout, save_layout
from finpics_desktop.ui.local_cloud import LocalCloudProcess, QuitQuestion
from finpics_desktop.ui.message_badge import MessageBadge
from finpics_desktop.ui.navigation import PAGES, NavigationController
from finpics_desktop.ui.pages import SearchPage, ViewerPage
from finpics_desktop.ui.panels import InfoPanel, MessageArea, ShortcutsDialog
from finpics_desktop.ui.people import PeopleController
from finpics_desktop.ui.people_picking import PeopleDrop
from finpics_desktop.ui.picset_counts import PicsetCountsController
from finpics_desktop.ui.places import Places
from finpics_desktop.ui.publishing import PublishingController
from finpics_desktop.ui.selection import Selection
from finpics_desktop.ui.settings import AppSettings, SettingsDialog
from finpics_desktop.ui.similar import SimilarController
from finpics_desktop.ui.sources import NodeRole, SourcesModel, SourcesView
from finpics_desktop.ui.thumbs import ThumbnailLoader
from finpics_desktop.ui.upload import UploadJob, UploadPanel
from finpics_desktop.ui.window_albums import AlbumSources
from finpics_desktop.ui.workers import call_in_gui, run_task, run_when_idle

log = logging.getLogger(__name__)
GRID, VIEWER, SEARCH = (PAGES.index(page) for page in (pages.GRID, pages.VIEWER, pages.SEARCH))


class MainWindow(AlbumSources, QMainWindow):
    def __init__(self, backend: Backend | None, settings: AppSettings | None = None,
                 thumb_cache: ThumbCache | None = None, default_library: Path | None = None,
                 library_problem: str = ""):
        """``backend`` is the library; None when it cannot be opened (``library_problem``
        says why, in the Messages panel): the rest of the window still works."""
        super().__init__()
        self.setObjectName("finpicsMainWindow")
        self.setWindowTitle(f"finpics {__version__}")
        self.settings = settings or AppSettings.load()
        apply_appearance(self.settings.appearance)  # before the icons are drawn
        self.albums = Albums(self.settings.remove_location)
        self.albums.open(LIBRARY, backend)
        people_views.keep_later(run_when_idle)  # (kept for the next session once drawn)
        self.default_library = default_library or (
            backend.library.folder if backend is not None and backend.library else Path("."))
        self._connecting: Task | None = None  # to the cloud now set
        self.local_cloud = LocalCloudProcess(self)  # Settings -> Try it locally
        self.quit_question = QuitQuestion(self, self.local_cloud)
        self.loader = ThumbnailLoader(thumb_cache)
        self._build()
        self.nav = Navigation(run_task, lambda entries: self.loader.prefetch(entries),
                              self.grid.cells_per_screen,
                              lambda fn: call_in_gui(lambda _value: fn()), run_when_idle)
        self.navigator = NavigationController(
            self.nav, tree=self.tree, sources=self.sources, stack=self.stack, grid=self.grid,
            model=self.model, viewer=self.viewer, search=self.search, info=self.info,
            busy=self.busy, status=self.statusBar(), tell=self.message)
        self.selection = Selection(self.nav, grid=self.grid, model=self.model,
                                   search=self.search, viewer=self.viewer, tree=self.tree,
                                   sources=self.sources)
        self.info_follows = InfoController(self.info, self.nav, [
            (self.grid, self.model), (self.search.view, self.search.model)], self)
        self.places = Places(self.sources, self.tree, lambda: self.settings, self,
                             self.message)
        self.operations = OperationDone(self.albums, self)  # what any operation changed
        self.publishing = PublishingController(
            self.albums, self.nav, self.sources, self.upload_panel, self, self.message,
            self.reveal_upload_panel)
        self.curation = CurationController(self.albums, self.nav, self.selection, self.message,
                                           self)
        self.bringing = BringController(self.albums, self.selection, self.message, self)
        self.similar = SimilarController(self)  # near-duplicates: found, the best kept
        window_menus.make_actions(self)
        self.people = PeopleController(self.albums, self.nav, self.selection,
                                       lambda text: self.statusBar().showMessage(text, 6000),
                                       self)
        self.people.curation = self.curation  # (removing a face is undone by Ctrl+Z)
        window_menus.people_menu(self)
        self.context_menus = ContextMenus(self)  # of the menu bar's actions
        self.centre_layout.insertWidget(0, self.people.filter)
        self._guide()
        self._connect()
        self.statusBar().showMessage("Ready")
        first_size(self)  # the panes take their share of it, the grid the rest
        self.resizeDocks([self.messages_dock], [min(150, self.height() // 6)],
                         Qt.Orientation.Vertical)
        self.resizeDocks([self.info_dock], [min(250, self.width() // 5)],
                         Qt.Orientation.Horizontal)
        restore_layout(self)
        self.message_badge = MessageBadge(self.messages_dock, self.messages)  # hidden if empty
        if self.job is None:
            self.upload_dock.hide()  # until something is published
        library = self.sources.library
        self.sources.set_backend(library, backend, library_problem)
        library.setToolTip(library_problem or str(self.default_library))
        self.places.show_all()
        self.tree.expand(self.sources.indexFromItem(library))
        self.refresh_picsets(library)
        self.apply_cloud_settings()
        self.nav.open(library.data(NodeRole).place())
        if backend is not None:  # the face index, before the first click on a face
            self._after_first_screen(lambda: run_task(backend.prepare))
        if library_problem:
            self.message(library_problem, "error", settings=GENERAL)
        elif backend.read_only:
            self.message(StorageReadOnly.library(self.default_library,
                                                 "publishing into it").sentence(), "info")
        else:
            self.publishing.offer_resume(backend)
            run_task(lambda: older_faces_note(backend),  # faces of an older engine: said once
                     lambda note: note and self.message(note[0].upper() + note[1:], "info"))

    def _after_first_screen(self, start: Callable[[], object]) -> None:
        """``start`` once the first place is listed and its visible cells have their
        pictures (loading the face index beside them took the GIL and a core from the first
        screen: at 100,000 photos its 150,000 faces made the covers' thumbnails wait)."""
        started = []

        def on_event(_event=None) -> None:
            if not started and not self.nav.loading and not self.loader.waiting():
                started.append(start())

        self.nav.listen(on_event)
        self.loader.ready.connect(on_event)
        on_event(None)

    @property
    def backend(self) -> Backend | None:
        """The library's backend (None: it could not be opened)."""
        album = self.albums.library
        return album.backend if album is not None else None

    @property
    def cloud_backend(self) -> Backend | None:
        """The cloud's, once connected."""
        album = self.albums.cloud
        return album.backend if album is not None else None

    def _build(self) -> None:
        self.sources = SourcesModel(self)
        self.tree = SourcesView(self.sources, self)
        self.model = GridModel(self.loader, self)
        self.grid = GridView(self)
        self.grid.setModel(self.model)
        self.viewer = ViewerPage(self)
        self.search = SearchPage(self.loader, self)
        self.stack = QStackedWidget(self)
        for page in (self.grid, self.viewer, self.search):  # in the order of PAGES
            self.stack.addWidget(page)
        self.centre = QWidget(self)  # the pages, under the filter box over people
        self.centre_layout = QVBoxLayout(self.centre)
        self.centre_layout.setContentsMargins(0, 0, 0, 0)
        self.centre_layout.setSpacing(2)
        self.centre_layout.addWidget(self.stack, 1)
        self.splitter = QSplitter(self)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.addWidget(self.tree)
        self.splitter.addWidget(self.centre)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([240, 900])
        self.setCentralWidget(self.splitter)
        self.info = InfoPanel(self)
        self.messages = MessageArea(self)
        self.upload_panel = UploadPanel(self)
        self.info_dock = self._dock("Info", "infoDock", self.info,
                                    Qt.DockWidgetArea.RightDockWidgetArea)
        self.messages_dock = self._dock("Messages", "messagesDock", self.messages,
                                        Qt.DockWidgetArea.BottomDockWidgetArea)
        self.upload_dock = self._dock("Publishing", "uploadDock", self.upload_panel,
                                      Qt.DockWidgetArea.BottomDockWidgetArea)
        self.tabifyDockWidget(self.messages_dock, self.upload_dock)
        self.messages_dock.raise_()
        self.busy = BusyIndicator(self)  # a listing or search under way, with Cancel
        self.statusBar().addPermanentWidget(self.busy)
        self.statusBar().setMinimumHeight(self.busy.sizeHint().height())  # no jump when shown

    def _dock(self, title: str, name: str, widget, area) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        return dock

    # -- actions, signals and keyboard ------------------------------------------------------
    def _guide(self) -> None:
        """The empty grid's guidance and the drop targets' highlights."""
        actions = {OPEN_FOLDER: self.open_action, PUBLISH: self.publish_action,
                   CONNECT_CLOUD: self._settings_opening(SETTINGS_CLOUD),
                   REFRESH: self.refresh_action, SETTINGS: self._settings_opening(GENERAL)}
        self.empty_state = EmptyStateController(self.nav, self.model,
                                                EmptyStateView(self.grid, actions),
                                                lambda: self.settings.cloud_shown)
        self.tree_drops = TreeDropHighlight(self.tree, self.sources)
        self.counts = PicsetCountsController(self.tree, self.sources, self.nav, self.albums)
        self.grid_drops = GridDropTarget(self.grid, lambda: drop_label(self.nav.location)
                                         if self.nav.page == pages.GRID else "",
                                         self.on_grid_dropped)
        self.grid_order = GridOrder(self.grid, self.nav, self.curation.place_photos)
        self.people_drop = PeopleDrop(self.grid, self.nav, self.people.picking.on_person_dropped)

    def _settings_opening(self, section: str) -> QAction:
        """Settings opened on ``section`` (the empty grid's buttons)."""
        opening = QAction(self.settings_action.icon(), self.settings_action.text(), self)
        opening.triggered.connect(lambda: self.on_settings(section))
        return opening

    def on_grid_dropped(self, paths: list[Path]) -> None:
        """Photos dropped on the grid: into the picset shown, else as a drop on its root."""
        loc = self.nav.location
        if loc.kind == pages.PICSET_PLACE:
            self.publishing.into_picset(loc.backend, paths, loc.picset)
        else:
            root = self.sources.root_for(loc.backend) or self.sources.library
            self.publishing.on_files_dropped(paths, root.data(NodeRole))

    def on_rename(self) -> None:
        (self.people.on_name if self.people.names_here() else self.curation.on_rename)()

    def _connect(self) -> None:
        """Every signal between the window's parts, in one place."""
        nav, viewer, search = self.nav, self.viewer, self.search
        self.tree.selectionModel().currentChanged.connect(self.navigator.on_tree_current)
        self.grid.activated.connect(lambda index: nav.activate(self.model.entries, index.row()))
        viewer.back_requested.connect(nav.back)
        viewer.face_clicked.connect(nav.search_face)
        viewer.moved.connect(nav.viewer_moved)
        viewer.photo_loaded.connect(self.on_photo_loaded)
        viewer.failed.connect(lambda label, reason: self.message(f"{label}: {reason}"))
        search.back_requested.connect(nav.back)
        search.open_entry.connect(nav.open_photo)
        self.busy.cancel_requested.connect(nav.cancel)
        self.loader.failed.connect(lambda label, reason: self.message(f"{label}: {reason}"))
        self.sources.files_dropped.connect(self.publishing.on_files_dropped)
        self.sources.photos_dropped.connect(self.curation.on_photos_dropped)
        self.sources.picset_dropped.connect(self.curation.on_picset_dropped)
        self.local_cloud.ready.connect(self.on_local_cloud_ready)
        self.local_cloud.failed.connect(self.on_local_cloud_failed)
        self.messages.settings_requested.connect(self.on_settings)
        self.upload_panel.retry_requested.connect(self.publishing.start)
        viewer.face_drawn.connect(self.people.on_face_drawn)
        for view in (nav.changed, self.on_album_changed, self.counts.on_changes,
                     self.curation.on_changes, viewer.on_changes):
            self.operations.changed.connect(view)

    def keyPressEvent(self, event) -> None:  # noqa: N802
        if event.key() == Qt.Key.Key_Escape:
            if self.nav.cancel():  # a listing or search under way: Esc cancels it first
                return
            if self.isFullScreen() and self.nav.page != pages.VIEWER:
                self.toggle_full_screen()
            else:
                self.nav.back()
            return
        super().keyPressEvent(event)

    def message(self, text: str, level: str = "warning", *, status: bool = True,
                settings: str = "") -> None:
        """A line in the Messages panel, and for a while in the status bar (unless it belongs
        to a place not shown); ``settings``: the section of Settings where what it says is set
        right, offered as a button."""
        self.messages.add(text, level, settings)
        if status:
            self.statusBar().showMessage(text, 8000)

    # -- viewer, info, zoom, full screen ----------------------------------------------------
    def on_photo_loaded(self, entry: Entry, facts) -> None:
        self.info_follows.show_photo(entry, facts)

    def zoom(self, step: int) -> None:
        page = self.stack.currentIndex()
        if page == VIEWER:
            (self.viewer.canvas.zoom_in if step > 0 else self.viewer.canvas.zoom_out)()
        else:
            (self.search.view if page == SEARCH else self.grid).zoom(step)

    def toggle_full_screen(self) -> None:
        panes = (self.tree, self.toolbar, self.info_dock, self.messages_dock, self.upload_dock)
        if not self.isFullScreen():
            self._before_full = tuple(w.isVisible() for w in panes)
            for widget in panes:
                widget.hide()
            self.menuBar().hide()
            self.statusBar().hide()
            self.showFullScreen()
        else:
            self.showNormal()
            self.menuBar().show()
            self.statusBar().show()
            for widget, visible in zip(panes, getattr(self, "_before_full", (True,) * 5),
                                       strict=True):
                widget.setVisible(visible)

    def on_shortcuts(self) -> None:
        self.shortcuts_dialog = ShortcutsDialog(self.actions(), self)
        self.shortcuts_dialog.open()

    def on_about(self) -> None:
        self.about_dialog = AboutDialog(self)
        self.about_dialog.open()

    def on_refresh(self) -> None:
        """F5: the place shown is listed again (and its picsets in the sources)."""
        loc = self.nav.location
        if loc is not None and loc.kind in (LIBRARY, CLOUD) and loc.backend is not None:
            self.counts.forget(loc.backend)
            self.refresh_picsets(self.sources.root_for(loc.backend))
        self.nav.refresh()

    # -- folders and publishing -------------------------------------------------------------
    def on_open_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Open a folder of photos", str(Path.home()))
        if folder:
            self.open_folder(Path(folder))

    def open_folder(self, folder: Path) -> None:
        item = self.sources.add_folder(folder)
        self.tree.setCurrentIndex(self.sources.indexFromItem(item))

    def on_publish(self) -> None:
        """Ctrl+U: publish the folder shown (or one chosen) to the library."""
        current = self.nav.folder
        folder = str(current) if current else QFileDialog.getExistingDirectory(
            self, "Publish a folder of photos", str(Path.home()))
        if folder:
            selected = [self.model.entries[i.row()].path for i in self.grid.selectedIndexes()
                        if self.model.entries[i.row()].kind == FILE]
            self.on_files_dropped(selected or [Path(folder)], self.sources.library.data(NodeRole))

    def on_files_dropped(self, paths: list[Path], target) -> None:
        self.publishing.on_files_dropped(paths, target)

    def start_upload(self, backend: Backend, paths: list[Path], picset: str) -> UploadJob:
        """Publish ``paths`` into ``picset`` at once (no dialog)."""
        return self.publishing.start(backend, PublishPlan.of(paths, picset))

    @property
    def job(self) -> UploadJob | None:
        return self.publishing.job

    @property
    def dialog(self):
        return self.publishing.dialog

    def reveal_upload_panel(self) -> None:
        self.upload_dock.show()
        self.upload_dock.raise_()
        if self.upload_dock.height() < 200 and not self.upload_dock.isFloating():
            self.resizeDocks([self.upload_dock], [220], Qt.Orientation.Vertical)

    # -- settings and window state ----------------------------------------------------------
    def on_settings(self, section: str = "") -> None:
        """Settings, with ``section`` (``cloud``, ``general``) in view."""
        dialog = SettingsDialog(self.settings, self)
        self.settings_dialog = dialog

        def saved() -> None:
            old_library = self.settings.library
            self.settings = dialog.settings
            self.albums.set_remove_location(self.settings.remove_location)
            apply_appearance(self.settings.appearance)
            if self.settings.library != old_library:
                self.message("The new library folder is used from the next start.", "info")
            self.apply_cloud_settings()

        dialog.accepted.connect(saved)
        self.cloud_setup = CloudSetup(dialog, self.local_cloud)
        dialog.open()
        dialog.show_section(section if isinstance(section, str) else "")  # (triggered(bool))

    def on_local_cloud_ready(self, options) -> None:
        """Try it locally: this session's finpics cloud is the local cloud (never saved)."""
        self.settings.session_cloud = options
        self.message(f"finpics cloud: the local cloud at {options.endpoint_url} for this "
                     "session (IAM enforced).", "info")
        self.apply_cloud_settings()

    def on_local_cloud_failed(self, reason: str) -> None:
        """It could not start, or it stopped: said, and the finpics cloud is the saved one
        again rather than a dead endpoint."""
        self.message(reason, "error", settings=SETTINGS_CLOUD)
        if self.settings.session_cloud is not None:
            self.settings.session_cloud = None
            self.apply_cloud_settings()

    def closeEvent(self, event) -> None:  # noqa: N802
        if not self.quit_question.allows_closing():  # a local cloud runs: asked first
            event.ignore()
            return
        if self.isFullScreen():  # a state of this session: the next opens with its panes
            self.toggle_full_screen()
        self.publishing.close()
        self.counts.counts.close()
        self.places.watch.close()
        self.local_cloud.stop()
        save_layout(self)
        super().closeEvent(event)
