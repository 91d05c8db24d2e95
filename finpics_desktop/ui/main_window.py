"""The main window: sources on the left, the grid / viewer / search results in the centre,
photo info on the right, messages and publishing progress below."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QMainWindow,
    QSplitter,
    QStackedWidget,
)

from finpics_desktop import __version__
from finpics_desktop.pipeline.reindex import upgrade_notice
from finpics_desktop.pipeline.thumbcache import ThumbCache
from finpics_desktop.pipeline.upload import DONE, FAILED
from finpics_desktop.ports import Backend
from finpics_desktop.ui import cloud
from finpics_desktop.ui.about import AboutDialog
from finpics_desktop.ui.busy import BusyIndicator
from finpics_desktop.ui.entries import FILE, Entry, describe_error, photo_entry
from finpics_desktop.ui.grid import GridModel, GridView
from finpics_desktop.ui.navigation import Navigator
from finpics_desktop.ui.pages import SearchPage, ViewerPage, facts_rows
from finpics_desktop.ui.panels import InfoPanel, MessageArea, ShortcutsDialog
from finpics_desktop.ui.questions import ask_about_conflicts, offer_resume
from finpics_desktop.ui.settings import AppSettings, SettingsDialog
from finpics_desktop.ui.sources import CLOUD, LIBRARY, Node, NodeRole, SourcesModel, SourcesView
from finpics_desktop.ui.thumbs import ThumbnailLoader
from finpics_desktop.ui.upload import NewPicsetDialog, UploadJob, UploadPanel
from finpics_desktop.ui.workers import run_task

log = logging.getLogger(__name__)
GRID, VIEWER, SEARCH = 0, 1, 2


class MainWindow(QMainWindow):
    def __init__(self, backend: Backend | None, settings: AppSettings | None = None,
                 thumb_cache: ThumbCache | None = None, default_library: Path | None = None,
                 library_problem: str = ""):
        """``backend`` is the library; None when it cannot be opened (``library_problem``
        says why, in the Messages panel): the rest of the window still works."""
        super().__init__()
        self.setObjectName("finpicsMainWindow")
        self.setWindowTitle(f"finpics {__version__}")
        self.backend = backend
        self.library_problem = library_problem
        self.settings = settings or AppSettings.load()
        self.default_library = default_library or Path(
            (backend.settings if backend else {}).get("library", "."))
        self.cloud_backend: Backend | None = None
        self.loader = ThumbnailLoader(thumb_cache)
        self.job: UploadJob | None = None
        self.dialog: NewPicsetDialog | None = None

        self.sources = SourcesModel(self)
        self.tree = SourcesView(self.sources, self)
        self.model = GridModel(self.loader, self)
        self.grid = GridView(self)
        self.grid.setModel(self.model)
        self.viewer = ViewerPage(self)
        self.search = SearchPage(self.loader, self)
        self.stack = QStackedWidget(self)
        for page in (self.grid, self.viewer, self.search):
            self.stack.addWidget(page)
        self.splitter = QSplitter(self)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.addWidget(self.tree)
        self.splitter.addWidget(self.stack)
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
        self.resizeDocks([self.messages_dock], [150], Qt.Orientation.Vertical)
        self.resizeDocks([self.info_dock], [250], Qt.Orientation.Horizontal)
        self.busy = BusyIndicator(self)  # a listing or search under way, with Cancel
        self.statusBar().addPermanentWidget(self.busy)
        self.statusBar().setMinimumHeight(self.busy.sizeHint().height())  # no jump when shown
        self.nav = Navigator(self)
        self._make_actions()
        self._connect()
        self.statusBar().showMessage("Ready")
        self.resize(1280, 820)
        self.restore_state()
        self.sources.set_backend(self.sources.library, backend)
        self.sources.library.setToolTip(library_problem or str(self.default_library))
        for folder in (Path.home() / "Pictures", Path.home()):
            if folder.is_dir():
                self.sources.add_folder(folder)
        self.tree.expand(self.sources.indexFromItem(self.sources.library))
        self.refresh_picsets(self.sources.library)
        self.apply_cloud_settings()
        self.tree.setCurrentIndex(self.sources.indexFromItem(self.sources.library))
        if library_problem:
            self.message(library_problem, "error")
        elif backend.read_only:
            self.message(f"The library {self.default_library} is read-only: browsing and "
                         "searching work, publishing into it does not.", "info")
        else:
            offer_resume(self, backend)
            run_task(lambda: upgrade_notice(backend),  # faces of an older engine: said once
                     lambda note: note and self.message(note[0].upper() + note[1:], "info"))

    def _dock(self, title: str, name: str, widget, area) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        return dock

    # -- actions and keyboard ---------------------------------------------------------------
    def _action(self, text: str, shortcuts, slot, menu) -> QAction:
        action = QAction(text, self)
        keys = [QKeySequence(s) for s in shortcuts]
        action.setShortcuts(keys)
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(slot)
        menu.addAction(action)
        self.addAction(action)
        return action

    def _make_actions(self) -> None:
        bar = self.menuBar()
        file, view, help_ = bar.addMenu("&File"), bar.addMenu("&View"), bar.addMenu("&Help")
        self.open_action = self._action("&Open folder…", ["Ctrl+O"], self.on_open_folder, file)
        self.publish_action = self._action("&Publish photos…", ["Ctrl+U"], self.on_publish, file)
        file.addSeparator()
        self._action("&Settings…", ["Ctrl+,"], self.on_settings, file)
        file.addSeparator()
        self._action("&Quit", ["Ctrl+Q"], self.close, file)
        self.fullscreen_action = self._action("&Full screen", ["F", "F11"], self.toggle_full_screen,
                                              view)
        self._action("Zoom &in", ["+", "=", "Ctrl++"], self.on_zoom_in, view)
        self._action("Zoom &out", ["-", "Ctrl+-"], self.on_zoom_out, view)
        self._action("&Fit to window", ["0", "Ctrl+0"], self.viewer.canvas.fit_to_window, view)
        self._action("&Back", ["Alt+Left"], self.nav.back, view)
        self._action("&Refresh", ["F5"], self.nav.refresh, view)
        view.addSeparator()
        for dock in (self.info_dock, self.messages_dock, self.upload_dock):
            view.addAction(dock.toggleViewAction())
        self._action("&Keyboard shortcuts", ["F1"], self.on_shortcuts, help_)
        self.about_action = self._action("&About finpics", [], self.on_about, help_)

    def _connect(self) -> None:
        self.tree.selectionModel().currentChanged.connect(
            lambda current, _prev: self.nav.open_node(self.sources.node(current)))
        self.grid.activated.connect(lambda index: self.nav.activate(self.model.entries,
                                                                    index.row()))
        self.viewer.back_requested.connect(self.nav.back)
        self.viewer.face_clicked.connect(self.nav.search_face)
        self.viewer.photo_loaded.connect(self.on_photo_loaded)
        self.viewer.failed.connect(lambda label, reason: self.message(f"{label}: {reason}"))
        self.search.back_requested.connect(self.nav.back)
        self.search.open_entry.connect(self.nav.open_photo)
        self.loader.failed.connect(lambda label, reason: self.message(f"{label}: {reason}"))
        self.sources.files_dropped.connect(self.on_files_dropped)
        self.upload_panel.retry_requested.connect(
            lambda paths, picset, backend: self.start_upload(backend, paths, picset))

    def keyPressEvent(self, event) -> None:  # noqa: N802
        if event.key() == Qt.Key.Key_Escape:
            if self.nav.cancel():  # a listing or search under way: Esc cancels it first
                return
            if self.isFullScreen() and self.stack.currentIndex() != VIEWER:
                self.toggle_full_screen()
            else:
                self.nav.back()
            return
        super().keyPressEvent(event)

    def message(self, text: str, level: str = "warning") -> None:
        self.messages.add(text, level)
        self.statusBar().showMessage(text, 8000)

    # -- picsets in the tree ----------------------------------------------------------------
    def refresh_picsets(self, root) -> None:
        node: Node = root.data(NodeRole)
        backend = node.backend
        if backend is None:
            return
        from finpics_desktop.ui.entries import list_picsets

        def done(entries: list[Entry]) -> None:
            self.sources.set_picsets(root, entries)
            self.nav.picsets_refreshed(backend, entries)

        run_task(lambda: list_picsets(backend), done,
                 lambda e: self.message(f"cannot list the picsets: {describe_error(e)}", "error"))

    def root_for(self, backend: Backend):
        if backend is self.backend:
            return self.sources.library
        return self.sources.cloud

    def apply_cloud_settings(self) -> None:
        """Show *finpics cloud* when AWS is configured; it opens through the same ports."""
        if not self.settings.aws_enabled:
            self.sources.show_cloud(False)
            return
        root = self.sources.show_cloud(True, "connecting…")

        def done(backend: Backend) -> None:
            self.cloud_backend = backend
            if self.sources.cloud is not None:
                self.sources.set_backend(self.sources.cloud, backend)
                self.sources.cloud.setToolTip(cloud.describe(self.settings))
                self.refresh_picsets(self.sources.cloud)
                offer_resume(self, backend)

        def fail(error: BaseException) -> None:
            if root is not None and self.sources.cloud is root:
                root.setToolTip(f"not connected: {describe_error(error)}")
            self.message(f"finpics cloud: {describe_error(error)}", "error")

        settings = self.settings
        run_task(lambda: cloud.open_cloud(settings), done, fail)

    # -- viewer, info, zoom, full screen ----------------------------------------------------
    def on_photo_loaded(self, entry: Entry, facts) -> None:
        self.info.set_rows(facts_rows(entry, facts))

    def on_zoom_in(self) -> None:
        if self.stack.currentIndex() == VIEWER:
            self.viewer.canvas.zoom_in()
        else:
            (self.search.view if self.stack.currentIndex() == SEARCH else self.grid).zoom(1)

    def on_zoom_out(self) -> None:
        if self.stack.currentIndex() == VIEWER:
            self.viewer.canvas.zoom_out()
        else:
            (self.search.view if self.stack.currentIndex() == SEARCH else self.grid).zoom(-1)

    def toggle_full_screen(self) -> None:
        full = not self.isFullScreen()
        if full:
            self._before_full = (self.tree.isVisible(), self.info_dock.isVisible(),
                                 self.messages_dock.isVisible(), self.upload_dock.isVisible())
            for widget in (self.tree, self.info_dock, self.messages_dock, self.upload_dock):
                widget.hide()
            self.menuBar().hide()
            self.statusBar().hide()
            self.showFullScreen()
        else:
            self.showNormal()
            self.menuBar().show()
            self.statusBar().show()
            for widget, visible in zip((self.tree, self.info_dock, self.messages_dock,
                                        self.upload_dock), getattr(self, "_before_full",
                                                                   (True,) * 4), strict=True):
                widget.setVisible(visible)

    def on_shortcuts(self) -> None:
        self.shortcuts_dialog = ShortcutsDialog(self.actions(), self)
        self.shortcuts_dialog.open()

    def on_about(self) -> None:
        self.about_dialog = AboutDialog(self)
        self.about_dialog.open()

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
            selected = [e.path for e in self.nav.selected_entries() if e.kind == FILE]
            self.on_files_dropped(selected or [Path(folder)], self.sources.library.data(NodeRole))

    def on_files_dropped(self, paths: list[Path], target: Node) -> None:
        if self.upload_panel.busy:
            self.message("A publishing job is under way: wait for it or cancel it first.")
            return
        backend = target.backend
        if backend is None:
            self.message(f"The library cannot be used: {self.library_problem}" if (
                target.kind == LIBRARY) else "finpics cloud is not connected: check Settings.",
                "error")
            return
        if backend.read_only:
            self.message(f"The library {self.default_library} is read-only: nothing can be "
                         "published into it (make its folder writable first).", "error")
            return
        existing = [self.sources.library.child(r).data(NodeRole).picset
                    for r in range(self.sources.library.rowCount())] if target.kind == LIBRARY \
            else [self.sources.cloud.child(r).data(NodeRole).picset
                  for r in range(self.sources.cloud.rowCount())]
        where = "Library" if target.kind != CLOUD else "finpics cloud"
        self.dialog = NewPicsetDialog(paths, [e for e in existing if e], where, self)
        self.dialog.accepted.connect(
            lambda d=self.dialog: self.start_upload(backend, d.paths, d.picset))
        self.dialog.open()

    def start_upload(self, backend: Backend, paths: list[Path], picset: str,
                     resume_job: int | None = None, on_conflict: str = "fail") -> UploadJob:
        from finpics_desktop.domain.picsets import display_name
        from finpics_desktop.pipeline.upload import plan_files

        photos, _ = plan_files(paths)  # a directory listing: cheap next to the job itself
        self.job = job = UploadJob(backend, paths, picset, self, resume_job=resume_job,
                                   on_conflict=on_conflict)
        self.upload_panel.attach(job, photos)
        self.upload_dock.show()
        self.upload_dock.raise_()
        if self.upload_dock.height() < 200 and not self.upload_dock.isFloating():
            self.resizeDocks([self.upload_dock], [220], Qt.Orientation.Vertical)
        root = self.root_for(backend)
        item = self.sources.ensure_picset(root, picset, display_name(picset))
        job.file_finished.connect(lambda result, *_: self.on_upload_result(backend, result))
        job.finished.connect(lambda report: self.on_upload_finished(backend, report))
        job.crashed.connect(lambda reason: self.on_upload_crashed(backend, picset, reason))
        job.start()
        self.tree.setCurrentIndex(self.sources.indexFromItem(item))  # watch it fill in
        return job

    def on_upload_result(self, backend: Backend, result) -> None:
        if result.status == FAILED:
            self.message(f"{result.path}: {result.reason}")
        if result.status != DONE or result.key is None:
            return
        picset, _, name = result.key.removeprefix("photos/").partition("/")
        self._show_when_processed(backend, picset, name, tries=30)

    def _show_when_processed(self, backend: Backend, picset: str, name: str, tries: int) -> None:
        """Show the photo once its item exists: at once on the library; on the cloud the
        processing function writes it a moment after the upload, so look again a few times."""

        def done(item) -> None:
            if item is not None:
                self.nav.photo_published(backend, photo_entry(backend, item))
            elif backend.process is None and tries > 1:
                QTimer.singleShot(2000, self, lambda: self._show_when_processed(
                    backend, picset, name, tries - 1))

        run_task(lambda: backend.tables.get_pics_item(picset, name), done)

    def on_upload_crashed(self, backend: Backend, picset: str, reason: str) -> None:
        self.message(f"publishing to {picset} stopped: {reason}", "error")
        self.upload_panel.on_crashed(reason)
        root = self.root_for(backend)
        if root is not None:
            self.sources.settle(root, picset)
            self.refresh_picsets(root)

    def on_upload_finished(self, backend: Backend, report) -> None:
        self.message(report.summary(), "info" if report.ok else "warning")
        if report.stopped:  # a full disk...: what is wrong and what to do
            self.message(report.stopped, "error")
        ask_about_conflicts(self, backend, report)
        root = self.root_for(backend)
        if root is not None:
            self.sources.settle(root, report.picset)
            self.refresh_picsets(root)

    # -- settings and window state ----------------------------------------------------------
    def on_settings(self) -> None:
        dialog = SettingsDialog(self.settings, self.default_library, self)
        self.settings_dialog = dialog

        def saved() -> None:
            old_library = self.settings.library
            self.settings = dialog.settings
            if self.settings.library != old_library:
                self.message("The new library folder is used from the next start.", "info")
            self.apply_cloud_settings()

        dialog.accepted.connect(saved)
        dialog.open()

    def restore_state(self) -> None:
        s = QSettings()
        geometry, state = s.value("window/geometry"), s.value("window/state")
        if isinstance(state, QByteArray | bytes):
            self.restoreState(state)
        if isinstance(geometry, QByteArray | bytes):
            self.restoreGeometry(geometry)
        splitter = s.value("window/splitter")
        if isinstance(splitter, QByteArray | bytes):
            self.splitter.restoreState(splitter)
        cell = s.value("grid/cell")
        if cell is not None and str(cell).isdigit():
            self.grid.cell = int(cell) if int(cell) in (120, 160, 220) else self.grid.cell
            self.grid.zoom(0)

    def save_state(self) -> None:
        s = QSettings()
        s.setValue("window/geometry", self.saveGeometry())
        s.setValue("window/state", self.saveState())
        s.setValue("window/splitter", self.splitter.saveState())
        s.setValue("grid/cell", self.grid.cell)
        s.sync()

    def closeEvent(self, event) -> None:  # noqa: N802
        if self.job is not None and self.job.running:
            self.job.cancel()  # photos under way finish whole; nothing half-written
            self.message("Cancelling the publishing job before quitting…", "info")
            self.job.wait()
        self.save_state()
        super().closeEvent(event)

