"""Near-duplicates in the window: *Find near-duplicates…* (the Edit menu, a picset's or a
folder's context menu) opens the place of its groups (:mod:`~finpics_desktop.app.window.
similar_places`: listed off the GUI thread, its progress and Cancel in the status bar), and
*Keep the best of each group* there sends the others to the trash as one action (Ctrl+Z undoes
it) -- or, for a folder, whose files are never changed, offers to publish it keeping the best."""

from __future__ import annotations

from PySide6.QtGui import QAction

from finpics_desktop.app.window.navigation import CLOUD, LIBRARY, PICSET_PLACE, Place
from finpics_desktop.app.window.similar_places import SIMILAR, left_out, to_trash
from finpics_desktop.domain.picsets import display_name
from finpics_desktop.ui.sources import NodeRole


class SimilarController:
    def __init__(self, w):
        self.w = w

    def make_actions(self, edit, action) -> None:
        """In the Edit menu (``action(text, keys, slot, menu)`` makes one of the window's)."""
        w = self.w
        w.similar_action = action("Find &near-duplicates…", [], self.on_find, edit)
        w.keep_best_action = action("&Keep the best of each group", [], self.on_keep_best, edit)
        w.publish_best_action = QAction("Publish keeping the best of each group…", w)
        w.publish_best_action.triggered.connect(self.on_keep_best)  # (a folder's menus)

    def on_find(self) -> None:
        """The near-duplicates of the picset shown or chosen, else of the folder shown."""
        w, nav = self.w, self.w.nav
        loc = nav.location
        if loc is not None and loc.kind == SIMILAR:
            nav.refresh()  # (found again)
            return
        chosen = w.selection.picset()
        if chosen is not None:
            backend, picset = chosen
            cloud = w.albums.cloud
            within = loc.within if loc is not None and loc.kind == PICSET_PLACE else (
                CLOUD if cloud is not None and cloud.backend is backend else LIBRARY)
            nav.open(Place(SIMILAR, backend, picset, title=display_name(picset),
                           within=within))
        elif nav.folder is not None:
            nav.open(Place(SIMILAR, path=nav.folder))
        else:
            w.message("Choose a picset or open a folder first: its near-duplicates are found "
                      "there.", "info")

    def on_keep_best(self) -> None:
        """The best of each group kept: the others to the trash (a picset's), or the folder
        published without them (a folder's: its files stay as they are)."""
        w, nav = self.w, self.w.nav
        loc = nav.location
        if loc is None or loc.kind != SIMILAR or nav.loading:
            w.message("Find the near-duplicates first (Edit \u25b8 Find near-duplicates\u2026)"
                      + (": they are still being found." if nav.loading else "."), "info")
            return
        if loc.path is not None:
            if not left_out(nav.entries):
                w.message(f"No near-duplicates in {loc.path}: nothing to leave out.", "info")
                return
            w.publishing.on_files_dropped([loc.path], w.sources.library.data(NodeRole),
                                          keep_best=True)
            return
        targets = to_trash(nav.entries)
        if not targets:
            w.message(f"No near-duplicates left in {loc.title}.", "info")
            return
        w.curation.run(loc.backend, lambda curator: curator.delete(targets))
