"""The main window's albums in its sources: the picsets of the library and the cloud listed
(again when an action changed them), and the cloud connected as Settings say (a mixin of
:class:`~finpics_desktop.ui.main_window.MainWindow`: ``albums``, ``sources``, ``nav``,
``navigator``, ``counts``, ``publishing``, ``settings`` and ``message`` are the window's)."""

from __future__ import annotations

from PySide6.QtGui import QStandardItem

from finpics_desktop.app.albums import open_cloud
from finpics_desktop.app.browse import list_picsets
from finpics_desktop.app.changes import Changes
from finpics_desktop.app.entries import Entry
from finpics_desktop.app.errors import describe_error, settings_section
from finpics_desktop.app.window.navigation import CLOUD
from finpics_desktop.domain.errors import SETTINGS_CLOUD
from finpics_desktop.ports import Backend
from finpics_desktop.ui.sources import NodeRole
from finpics_desktop.ui.workers import run_task


class AlbumSources:
    def refresh_picsets(self, root: QStandardItem | None) -> None:
        """List the picsets of a root of the sources (Library, finpics cloud) again."""
        backend = root.data(NodeRole).backend if root is not None else None
        if backend is None:
            return

        def done(entries: list[Entry]) -> None:
            if self.sources.root_for(backend) is root:
                self.sources.set_picsets(root, entries)
            self.nav.picsets_refreshed(backend, entries)

        run_task(lambda: list_picsets(backend), done,
                 lambda e: self.message(f"cannot list the picsets: {describe_error(e)}", "error",
                                        settings=settings_section(e)))

    def on_album_changed(self, changes: Changes) -> None:
        """The sources list the album's picsets again when an operation changed them."""
        album = self.albums.by_key(changes.album)
        if album is not None and (changes.touches_picset_list or changes.picsets):
            root = self.sources.root_for(album.backend)
            if root is not None:
                self.sources.drop_picsets(root, {old for old, _ in changes.renamed}
                                          | set(changes.removed))
            self.refresh_picsets(root)

    def apply_cloud_settings(self) -> None:
        """Show *finpics cloud* when it is switched on; it opens through the same ports as the
        library. Why it cannot be reached is said where it is: on its row and when chosen."""
        self.albums.open(CLOUD, None)  # until the cloud now set connects (not the one before)
        if self._connecting is not None:  # a slower connection to the cloud set before
            self._connecting.cancel()
        if not self.settings.cloud_shown:
            self.sources.show_cloud(False)
            self.navigator.reopen_if_shown(self.sources.library.data(NodeRole).place(),
                                           leaving=CLOUD)
            return
        options = self.settings.cloud_options()
        root = self.sources.show_cloud(True, "connecting…")
        self.sources.set_backend(root, None, "connecting…")
        self.navigator.reopen_if_shown(root.data(NodeRole).place())

        def done(backend: Backend) -> None:
            self.albums.open(CLOUD, backend)
            self.counts.forget(backend)  # (the counts known were the cloud's before)
            if self.sources.cloud is root:
                self.sources.set_backend(root, backend)
                root.setToolTip(options.describe())
                self.refresh_picsets(root)
                self.navigator.reopen_if_shown(root.data(NodeRole).place())
                self.publishing.offer_resume(backend)

        def fail(error: BaseException) -> None:
            reason = describe_error(error)  # the window's way out, not the command line's
            if self.sources.cloud is root:
                self.sources.set_backend(root, None, f"not connected: {reason}")
                root.setToolTip(f"not connected: {reason}")
                self.navigator.reopen_if_shown(root.data(NodeRole).place())
            cloud_shown = self.nav.location is not None and self.nav.location.kind == CLOUD
            self.message(f"finpics cloud: {reason}", "error", status=cloud_shown,
                         settings=settings_section(error) or SETTINGS_CLOUD)

        self._connecting = run_task(lambda: open_cloud(options), done, fail)
