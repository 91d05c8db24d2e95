"""Merging and splitting people by picking, and "A and B together", in the window: the person to
merge into (or to move faces to) is chosen from a list of the album's people that the typed
text filters -- a name nobody has is refused right there, saying so, and the dialog stays open
(moving faces may name a new person instead); a person tile dropped on another asks to merge
them; "Move to…", "Not this person" on the photos chosen on a person's page; "Photos with all
of them" (and "only them") on the people chosen. What each does is
:mod:`~finpics_desktop.app.window.people_picking`'s and ``PeopleActions.merge``; each is undone
by Ctrl+Z."""

from __future__ import annotations

import json
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QVBoxLayout,
)

from finpics_desktop.app.entries import PERSON, Entry
from finpics_desktop.app.window.navigation import GRID, PEOPLE, PERSON_PLACE, Navigation
from finpics_desktop.app.window.people_picking import PeoplePicking, faces_chosen
from finpics_desktop.domain.people import name_key, search_key
from finpics_desktop.ui.grid import GridView
from finpics_desktop.ui.sources import PEOPLE_MIME


class PersonChooser(QDialog):
    """Choose a person from the album's people: the typed text filters the list (case and
    accents aside, inside names too); OK takes the person chosen in the list, or the one whose
    name is typed. With ``new``, a name nobody has is a new person; without, it is refused in
    the dialog."""

    def __init__(self, parent, title: str, text: str, names: list[str],
                 chosen: Callable[[str], None], *, new: bool = False):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setObjectName("personChooser")
        self.names, self._chosen, self.new = sorted(names, key=str.casefold), chosen, new
        self.edit = QLineEdit(self)
        self.edit.setPlaceholderText("Type to find a person…" if not new else
                                     "Type to find a person, or a new name…")
        self.list = QListWidget(self)
        self.list.addItems(self.names)
        self.problem = QLabel(self)
        self.problem.setWordWrap(True)
        self.problem.hide()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(text, self))
        layout.addWidget(self.edit)
        layout.addWidget(self.list)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        self.edit.textChanged.connect(self.on_filter)
        self.list.itemDoubleClicked.connect(lambda _item: self.accept())
        self.edit.installEventFilter(self)
        if self.names:
            self.list.setCurrentRow(0)

    def on_filter(self, text: str) -> None:
        wanted = search_key(text) if text.strip() else ""
        first = None
        for row in range(self.list.count()):
            item = self.list.item(row)
            hidden = bool(wanted) and wanted not in search_key(item.text())
            item.setHidden(hidden)
            if not hidden and first is None:
                first = row
        self.list.setCurrentRow(first if first is not None else -1)
        self.problem.hide()

    def eventFilter(self, watched, event) -> bool:  # noqa: N802
        """Up and Down in the text move in the list."""
        if watched is self.edit and event.type() == QEvent.Type.KeyPress and event.key() in (
                Qt.Key.Key_Up, Qt.Key.Key_Down):
            self.list.keyPressEvent(event)
            return True
        return False

    def choice(self) -> str | None:
        """The name chosen: typed in full (case aside), else the list's current one; a new
        name with ``new``; None if nobody has the name typed."""
        typed = self.edit.text().strip()
        if typed:
            exact = next((n for n in self.names if name_key(n) == name_key(typed)), None)
            if exact is not None or self.new:
                return exact or typed
        item = self.list.currentItem()
        if item is not None and not item.isHidden():
            return item.text()
        return None

    def accept(self) -> None:
        name = self.choice()
        if name is None:
            typed = self.edit.text().strip()
            self.problem.setText(f"Nobody is named \u201c{typed}\u201d in this album: choose "
                                 "the person from the list." if typed else
                                 "Choose the person from the list.")
            self.problem.setStyleSheet("color: #d33;")
            self.problem.show()
            return
        super().accept()
        self._chosen(name)


class PeoplePickingController:
    """The window's side of :class:`PeoplePicking`, for the People controller: its menu
    actions, its dialogs, and person tiles dropped on one another."""

    def __init__(self, people):
        self.people = people  # the PeopleController
        self.picking = PeoplePicking(people.actions)

    @property
    def nav(self) -> Navigation:
        return self.people.nav

    def fill_menu(self, menu, action) -> None:
        made = self.people.menu_actions
        made["move_to"] = action("Mo&ve the faces to another person…", ["V"], self.on_move,
                                 menu)
        made["not_this"] = action("No&t this person", ["X"], self.on_not_this, menu)
        made["together"] = action("Photos with &all of them", ["T"],
                                  lambda: self.on_together(False), menu)
        made["only_them"] = action("Photos of on&ly them", ["Shift+T"],
                                   lambda: self.on_together(True), menu)

    def _choose(self, title: str, text: str, names: list[str], then: Callable[[str], None],
                new: bool = False) -> None:
        dialog = PersonChooser(self.people.parent, title, text, names, then, new=new)
        self.people.dialog = dialog
        dialog.open()

    # -- merge ------------------------------------------------------------------------------
    def on_merge(self) -> None:
        entry = self.people.current()
        if self.people.kind != PEOPLE or entry is None or entry.kind != PERSON:
            self.people._tell("M merges the person chosen in People into another")
            return
        others = [n for n in self.people.names if name_key(n) != name_key(entry.person)]
        self._choose("Merge", f"{entry.person} is the same person as:", others,
                     lambda into: self.people.actions.merge(entry, into))

    def on_person_dropped(self, entry: Entry, onto: Entry) -> None:
        """A person tile dropped on another's: asked, then merged."""
        if entry.person == onto.person:
            return
        box = QMessageBox(QMessageBox.Icon.Question, "Merge",
                          f"Merge {entry.person} into {onto.person}?\n\nEvery face of "
                          f"{entry.person} becomes {onto.person}'s (Ctrl+Z undoes it).",
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                          self.people.parent)
        box.setDefaultButton(QMessageBox.StandardButton.Yes)
        self.people.dialog = box
        box.buttonClicked.connect(
            lambda button: box.standardButton(button) == QMessageBox.StandardButton.Yes
            and self.people.actions.merge(entry, onto.person))
        box.open()

    # -- split ------------------------------------------------------------------------------
    def _faces(self, what: str) -> list[Entry] | None:
        chosen = faces_chosen(self.people.selected()) or faces_chosen(
            [e for e in [self.people.current()] if e is not None])
        if self.people.kind != PERSON_PLACE or self.nav.page != GRID or not chosen:
            self.people._tell(f"{what} takes the photos chosen on a person's page")
            return None
        return chosen

    def on_move(self) -> None:
        chosen = self._faces("Move to…")
        if chosen is None:
            return
        person = self.nav.location.person
        others = [n for n in self.people.names if name_key(n) != name_key(person)]
        self._choose("Move to another person",
                     f"Whose are the {len(chosen)} face(s) chosen (not {person})?", others,
                     lambda to: self.picking.move_faces(chosen, to), new=True)

    def on_not_this(self) -> None:
        chosen = self._faces("Not this person")
        if chosen is not None:
            self.picking.not_this_person(chosen)

    # -- together ---------------------------------------------------------------------------
    def on_together(self, only: bool) -> None:
        chosen = [e for e in self.people.selected() if e.kind == PERSON]
        if self.people.kind != PEOPLE or not self.picking.open_together(chosen, only):
            self.people._tell("Choose two people or more in People (Ctrl+click) first")


class PeopleDrop(QObject):
    """Person tiles dropped on another person's tile in People: ``dropped(entry, onto)``. An
    event filter on the grid's viewport, seeing drags of people only."""

    def __init__(self, view: GridView, nav: Navigation,
                 dropped: Callable[[Entry, Entry], None]):
        super().__init__(view)
        self.view, self.nav, self.dropped = view, nav, dropped
        view.viewport().installEventFilter(self)

    def _onto(self, event) -> tuple[list[Entry], Entry] | None:
        loc = self.nav.location
        mime = event.mimeData()
        if loc is None or loc.kind != PEOPLE or not mime.hasFormat(PEOPLE_MIME):
            return None
        payload = json.loads(bytes(mime.data(PEOPLE_MIME)).decode())
        entries = self.view.model().entries
        index = self.view.indexAt(event.position().toPoint())
        if not index.isValid() or index.row() >= len(entries) or (
                payload.get("album") != loc.backend.identity):
            return None
        onto = entries[index.row()]
        moving = [e for e in entries if e.kind == PERSON and e.person in payload["people"]
                  and e.person != onto.person]
        return (moving, onto) if moving and onto.kind == PERSON else None

    def eventFilter(self, watched, event) -> bool:  # noqa: N802
        kind = event.type()
        if kind not in (QEvent.Type.DragEnter, QEvent.Type.DragMove, QEvent.Type.Drop):
            return False
        if not event.mimeData().hasFormat(PEOPLE_MIME):
            return False
        found = self._onto(event)
        if found is None:
            event.ignore()
            return kind != QEvent.Type.DragEnter or self._accept(event)
        event.setDropAction(Qt.DropAction.MoveAction)
        event.accept()
        if kind == QEvent.Type.Drop:
            moving, onto = found
            self.dropped(moving[0], onto)
        return True

    @staticmethod
    def _accept(event) -> bool:
        """A drag of people enters: taken (the tile under it decides each move)."""
        event.setDropAction(Qt.DropAction.MoveAction)
        event.accept()
        return True

