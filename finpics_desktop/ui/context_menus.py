"""The context menus: a right-click, the Menu key or Shift+F10 on a picset tile or a row of the
sources, a photo tile or the photo in the viewer, a face box, a person or a group of faces. Each
menu is made of the window's own actions (those of its menu bar, with their keys): what the
curator points at is chosen first -- a tile not among those chosen becomes the only one chosen,
a row of the sources is gone to, a face box becomes the face chosen -- and the action then does
what the menu bar's does on that choice. Only *Open* is the menu's own: it does what Enter or a
double click on the tile does."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPoint, QPointF, Qt
from PySide6.QtGui import QAction, QContextMenuEvent, QKeySequence
from PySide6.QtWidgets import QApplication, QMenu, QWidget

from finpics_desktop.app.entries import FACE, FILE, GROUP, PERSON, PHOTO, PICSET
from finpics_desktop.app.window import navigation as pages
from finpics_desktop.app.window.navigation import (
    CLOUD,
    FOLDER,
    LIBRARY,
    PEOPLE,
    PERSON_PLACE,
    PICSET_PLACE,
    UNNAMED,
)
from finpics_desktop.ui.grid import GridView
from finpics_desktop.ui.sources import COMPUTER, Node

SEPARATOR = None  # in a list of actions: a line between groups


class ContextMenus(QObject):
    """The window's context menus; ``menu`` is the one open last (``popup``, never a blocking
    ``exec``)."""

    def __init__(self, w):
        super().__init__(w)
        self.w = w
        self.menu: QMenu | None = None
        self._own: list[QAction] = []  # the open menu's own actions (Open)
        self.canvas = w.viewer.canvas
        for view in (w.grid, w.search.view, w.tree):
            view.viewport().installEventFilter(self)
        self.canvas.installEventFilter(self)
        w.context_menu_action = made = QAction("Open the &menu of the chosen item", w)
        made.setShortcuts([QKeySequence("Shift+F10"), QKeySequence(Qt.Key.Key_Menu)])
        made.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        made.triggered.connect(self.open_on_focus)
        w.addAction(made)  # (F1 lists it)

    # -- where ------------------------------------------------------------------------------
    def eventFilter(self, watched, event) -> bool:  # noqa: N802
        """A right-click, or the Menu key (the platform's context menu event), on a view."""
        if event.type() != QEvent.Type.ContextMenu:
            return False
        if event.reason() == QContextMenuEvent.Reason.Keyboard:
            self.open_on_focus()
        else:
            view = next(v for v in self._views() if watched in (v, _viewport(v)))
            self.open_at(view, event.pos())
        return True

    def _views(self) -> list[QWidget]:
        return [self.w.grid, self.w.search.view, self.w.tree, self.canvas]

    def open_on_focus(self) -> None:
        """The Menu key or Shift+F10: the menu of the focused item (the grid's current tile,
        the tree's current row, the viewer's chosen face or photo), where it is."""
        focus, view = QApplication.focusWidget(), None
        while focus is not None and view is None:
            view = next((v for v in self._views() if v is focus), None)
            focus = focus.parentWidget()
        if view is None:  # the focus elsewhere (the filter box...): the page shown
            view = {pages.VIEWER: self.canvas, pages.SEARCH: self.w.search.view}.get(
                self.w.nav.page, self.w.grid)
        if view is self.canvas:
            rects = self.canvas.face_rects()
            face = self.canvas.current_face()
            index = self.canvas.faces.index(face) if face is not None else -1
            pos = rects[index].center().toPoint() if index >= 0 else self.canvas.rect().center()
        else:
            current = view.currentIndex()
            pos = view.visualRect(current).center() if current.isValid() else QPoint(8, 8)
        self.open_at(view, pos, keyboard=True)

    def open_at(self, view: QWidget, pos: QPoint, *, keyboard: bool = False) -> None:
        """The menu of what is at ``pos`` of ``view`` (its viewport's, for a list); opened
        from the keyboard, its first item is the active one (Enter chooses it). Not while one
        is open (the Menu key may both be a shortcut and make a context menu event)."""
        if self.menu is not None and self.menu.isVisible():
            return
        for action in self._own:  # (those of the menu before)
            action.deleteLater()
        self._own = []
        if view is self.canvas:
            actions = self._viewer(pos)
        elif view is self.w.tree:
            actions = self._tree(view.indexAt(pos))
        else:
            actions = self._tiles(view, view.indexAt(pos))
        actions = _tidy(actions)
        if not actions:
            return
        if self.menu is not None:
            self.menu.deleteLater()
        self.menu = QMenu(view)
        self.menu.setObjectName("contextMenu")
        for action in actions:
            self.menu.addSeparator() if action is SEPARATOR else self.menu.addAction(action)
        self.menu.popup(_viewport(view).mapToGlobal(pos))
        if keyboard:
            self.menu.setActiveAction(self.menu.actions()[0])

    def texts(self) -> list[str]:
        """The menu open's items, without their ``&`` (empty: none open)."""
        if self.menu is None or not self.menu.isVisible():
            return []
        return [a.text().replace("&", "") for a in self.menu.actions() if not a.isSeparator()]

    def trigger(self, text: str) -> None:
        """Choose the item ``text`` of the menu open (what a click on it does)."""
        action = next(a for a in self.menu.actions() if a.text().replace("&", "") == text)
        self.menu.hide()
        action.trigger()

    # -- the tiles of the grid and of the search results ------------------------------------
    def _tiles(self, view: GridView, index: QModelIndex) -> list:
        model = view.model()
        if not index.isValid() or not model.is_tile(index.row()):  # a heading: the place's
            view.clearSelection()
            return self._place()
        selection = view.selectionModel()
        if not selection.isSelected(index):  # pointed at: the only tile chosen (whatever
            # keys Qt believes held: setCurrentIndex would extend the choice with Shift/Ctrl)
            selection.setCurrentIndex(index, selection.SelectionFlag.ClearAndSelect)
        else:  # among those chosen: they stay chosen
            selection.setCurrentIndex(index, selection.SelectionFlag.NoUpdate)
        entry = model.entries[index.row()]
        w, people = self.w, self.w.people.menu_actions
        opened = self._open(view, index, "Open" if entry.kind != FACE else "Open its photo")
        kind = self._kind()
        if entry.kind == PICSET:
            return [opened, SEPARATOR, w.rename_action, *self._push(entry), *self._pull(entry),
                    SEPARATOR, w.similar_action, SEPARATOR, w.delete_action, SEPARATOR,
                    w.trash_action]
        if kind == pages.SIMILAR and entry.kind in (PHOTO, FILE):  # near-duplicates
            best = w.keep_best_action if entry.kind == PHOTO else w.publish_best_action
            return [opened, SEPARATOR, best, SEPARATOR,
                    *([w.cover_action, w.move_action, w.delete_action]
                      if entry.kind == PHOTO else [])]
        if entry.kind == PHOTO:
            named = [people["unname"], people["move_to"], people["not_this"]] if (
                kind == PERSON_PLACE) else []
            return [opened, SEPARATOR, w.cover_action, w.move_action, w.copy_action, *named,
                    SEPARATOR, w.delete_action]
        if entry.kind == FILE:
            return [opened, SEPARATOR, w.publish_action, w.similar_action]
        if entry.kind == PERSON:
            return [opened, SEPARATOR, w.rename_action, people["merge"], people["hide"],
                    SEPARATOR, people["together"], people["only_them"], SEPARATOR,
                    people["show_hidden"], people["find"]]
        if entry.kind == FACE and kind == PERSON_PLACE:
            return [opened, SEPARATOR, people["confirm"], people["reject"],
                    people["confirm_sure"]]
        if entry.kind == GROUP:
            return [opened, SEPARATOR, w.rename_action, people["ignore"], SEPARATOR,
                    people["show_ignored"]]
        if entry.kind == FACE and kind == pages.IGNORED:
            return [opened, SEPARATOR, people["ignore"]]
        if entry.kind == FACE:
            return [opened, SEPARATOR, w.rename_action, people["ignore"]]
        return [opened]

    def _open(self, view: GridView, index: QModelIndex, text: str) -> QAction:
        """*Open*: what Enter on the tile does (the view's ``activated``)."""
        made = QAction(text, self)
        made.triggered.connect(lambda: view.activated.emit(index))
        self._own.append(made)
        return made

    def _kind(self) -> str:
        loc = self.w.nav.location
        return loc.kind if loc is not None else ""

    def _push(self, entry_or_node) -> list:
        """Publish to the cloud: for a picset of the library, when the cloud is shown."""
        library = self.w.albums.library
        if library is None or entry_or_node.backend is not library.backend or (
                not self.w.settings.cloud_shown):
            return []
        return [self.w.push_action]

    def _pull(self, entry_or_node) -> list:
        """Bring to this computer: for a picset of the cloud, when there is a Library."""
        return [self.w.pull_action] if self.w.bringing.offered(entry_or_node.backend) else []

    def _place(self) -> list:
        """Between the tiles: what the place shown offers."""
        w, kind = self.w, self._kind()
        if self.w.nav.page == pages.SEARCH:
            return [w.back_action]
        if kind == PICSET_PLACE:
            return [*self._push(w.nav.location), *self._pull(w.nav.location), w.rename_action,
                    SEPARATOR, w.similar_action, w.trash_action, w.refresh_action]
        if kind == pages.SIMILAR:
            loc = w.nav.location
            return [w.publish_best_action if loc.path is not None else w.keep_best_action,
                    SEPARATOR, w.back_action, w.refresh_action]
        if kind in (LIBRARY, CLOUD):
            return [w.publish_action if kind == LIBRARY else SEPARATOR, w.trash_action,
                    w.refresh_action]
        if kind == FOLDER:
            return [w.publish_action, w.similar_action, w.refresh_action]
        if kind == PEOPLE:
            people = w.people.menu_actions
            return [people["find"], people["show_hidden"], w.refresh_action]
        if kind in (UNNAMED, pages.GROUP_PLACE, pages.IGNORED):
            return [w.people.menu_actions["show_ignored"], w.refresh_action]
        return [w.refresh_action]

    # -- the rows of the sources ------------------------------------------------------------
    def _tree(self, index: QModelIndex) -> list:
        node: Node | None = self.w.sources.node(index)
        if node is None:
            return []
        if self.w.tree.currentIndex() != index:
            self.w.tree.setCurrentIndex(index)  # the row pointed at is gone to
        self.w.grid.clearSelection()  # the menu is the row's, not the photos chosen before
        w = self.w
        if node.kind == PICSET_PLACE:
            return [w.rename_action, *self._push(node), *self._pull(node), SEPARATOR,
                    w.similar_action, SEPARATOR, w.delete_action, SEPARATOR, w.trash_action,
                    w.refresh_action]
        if node.kind == LIBRARY:
            return [w.publish_action, SEPARATOR, w.trash_action, w.refresh_action]
        if node.kind == CLOUD:
            return [w.trash_action, w.audit_action, w.refresh_action, SEPARATOR,
                    w.settings_action]
        if node.kind == FOLDER:
            return [w.publish_action, w.similar_action, w.refresh_action]
        if node.kind == PEOPLE:
            people = w.people.menu_actions
            return [people["find"], people["show_hidden"], w.refresh_action]
        if node.kind == UNNAMED:
            return [w.people.menu_actions["show_ignored"], w.refresh_action]
        if node.kind == COMPUTER:
            return [w.open_action]
        return []

    # -- the viewer -------------------------------------------------------------------------
    def _viewer(self, pos: QPoint) -> list:
        """The photo shown; on a face box, first what is done with that face (a region named
        by hand has no face to search with: named again, or removed)."""
        entry, w = self.w.viewer.current, self.w
        if entry is None:
            return []
        people = w.people.menu_actions
        face = self.canvas.face_at(QPointF(pos))
        faces: list = []
        if face >= 0 and entry.kind == PHOTO:
            self.canvas.chosen = face  # the face the actions take
            self.canvas.update()
            box = self.canvas.faces[face]
            faces = [w.rename_action, people["remove_face"], SEPARATOR] if box.region else [
                people["search"], w.rename_action,
                *([people["unname"]] if box.name else [people["ignore"]]),
                people["remove_face"], SEPARATOR]
        zoom = [w.zoom_in_action, w.zoom_out_action, w.fit_action, w.fullscreen_action,
                w.back_action]
        if entry.kind != PHOTO:
            return zoom
        return [*faces, w.cover_action, w.move_action, w.copy_action, SEPARATOR,
                w.delete_action, SEPARATOR, people["draw"], SEPARATOR, *zoom]


def _viewport(view: QWidget) -> QWidget:
    """Where a view's positions are (a list's viewport; the viewer's canvas itself)."""
    return view.viewport() if hasattr(view, "viewport") else view


def _tidy(actions: list) -> list:
    """No separator first, last or twice in a row."""
    tidy: list = []
    for action in actions:
        if action is SEPARATOR and (not tidy or tidy[-1] is SEPARATOR):
            continue
        tidy.append(action)
    while tidy and tidy[-1] is SEPARATOR:
        tidy.pop()
    return tidy

