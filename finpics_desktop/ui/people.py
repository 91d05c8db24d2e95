"""People in the window: the *People* menu (each action with its key, so F1 lists them), the
filter box over people (search by name), the name dialog (every name typed is completed from
the album's names: :mod:`~finpics_desktop.ui.name_completion`), the "in that photo already?"
question, the keyboard review of a person's page (a tile always chosen, every key answered in
the status bar), drawing a missed face in the viewer (kept as a named region where none can be
found) and removing a face (through the curation controller, whose history Ctrl+Z undoes).
What an action does is
:class:`~finpics_desktop.app.window.people_actions.PeopleActions`'; this asks and draws. It is
handed the albums, the navigation, the selection, a way to tell the user and a parent for its
dialogs (not the window); the views refresh themselves from what each action changed."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QDialog,
    QLineEdit,
    QMessageBox,
    QWidget,
)

from finpics_desktop.app.album import Albums
from finpics_desktop.app.entries import FACE, GROUP, PERSON, PHOTO, Entry
from finpics_desktop.app.people import people_names
from finpics_desktop.app.tasks import Task
from finpics_desktop.app.window import navigation as pages
from finpics_desktop.app.window.navigation import (
    GROUP_PLACE,
    IGNORED,
    LIBRARY,
    PEOPLE,
    PERSON_PLACE,
    UNNAMED,
    Event,
    GridChanged,
    Navigation,
    Place,
    PlaceChanged,
)
from finpics_desktop.app.window.people_actions import PeopleActions
from finpics_desktop.app.window.people_places import (
    filter_by_name,
    first_to_review,
    next_to_review,
)
from finpics_desktop.domain.bands import MAYBE
from finpics_desktop.domain.records import FaceRecord
from finpics_desktop.ui import group_tiles
from finpics_desktop.ui.name_completion import keyed, name_completer, set_names
from finpics_desktop.ui.people_picking import PeoplePickingController
from finpics_desktop.ui.questions import one_field
from finpics_desktop.ui.selection import Selection
from finpics_desktop.ui.workers import run_task


class NameDialog(QDialog):
    """Asks for a name, completing the names the album has (case and accents aside, inside
    names too)."""

    def __init__(self, title: str, text: str, names: list[str], default: str, parent=None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.edit = QLineEdit(default, self)
        self.edit.selectAll()
        self.completer = name_completer(names, self.edit)
        self.edit.setCompleter(self.completer)
        one_field(self, text, self.edit)

    @property
    def name(self) -> str:
        return self.edit.text().strip()


class PeopleController:
    def __init__(self, albums: Albums, nav: Navigation, selection: Selection,
                 tell: Callable[[str], None], parent: QWidget):
        self.nav, self.selection, self._tell, self.parent = nav, selection, tell, parent
        self.actions = PeopleActions(nav, albums)
        self.picking = PeoplePickingController(self)  # merge, split, together by picking
        self.dialog: QDialog | None = None  # the question open, if any
        self.curation = None  # the curation controller: removing a face is undoable there
        self.names: list[str] = []  # the names the album has (completion)
        self._names_of = ""  # the album they are of
        self._learning: Task | None = None
        self._next_key: str | None = None  # the proposal to choose once the grid follows
        self.menu_actions: dict[str, object] = {}  # the People menu's QActions, by name
        self.filter = QLineEdit(parent)
        self.filter.setPlaceholderText("Find a person by name (Ctrl+F)…")
        self.filter.setClearButtonEnabled(True)
        self.filter.setCompleter(name_completer([], self.filter))
        self.filter.hide()
        self.filter.textChanged.connect(self.on_filter)
        self.filter.returnPressed.connect(self.on_filter_enter)
        self.nav.listen(self.on_event)
        self.tiles = group_tiles.install(selection.grid, lambda: self.names,
                                         lambda entry, name: self.actions.name_group(entry, name))

    def fill_menu(self, menu, action) -> None:
        """The *People* menu's actions, each with its key (``action(text, keys, slot, menu)``
        makes one), kept in ``menu_actions`` by name (the context menus show them too)."""
        made = self.menu_actions
        made["confirm"] = action("&Confirm the proposal", ["Y"], lambda: self.on_answer(True),
                                 menu)
        made["reject"] = action("Re&ject the proposal", ["N"], lambda: self.on_answer(False),
                                menu)
        made["confirm_sure"] = action("Confirm every &sure proposal", ["Shift+Y"],
                                      self.on_confirm_sure, menu)
        made["search"] = action("Find this person in &other photos", ["S"],
                                self.on_search_face, menu)
        made["unname"] = action("Remove the &name of the face", ["U"], self.on_unname, menu)
        menu.addSeparator()
        made["merge"] = action("&Merge the person into…", ["M"], self.picking.on_merge, menu)
        self.picking.fill_menu(menu, action)
        made["hide"] = action("&Hide the person (or show again)", ["H"], self.on_hide, menu)
        made["show_hidden"] = action("Show the hidden &people", ["Ctrl+H"], self.on_show_hidden,
                                     menu)
        made["find"] = action("&Find a person by name", ["Ctrl+F"], self.on_find, menu)
        menu.addSeparator()
        made["ignore"] = action("&Ignore this person (or bring back)", ["I"], self.on_ignore,
                                menu)
        made["show_ignored"] = action("Show the i&gnored faces", ["Ctrl+I"],
                                      self.on_show_ignored, menu)
        menu.addSeparator()
        made["draw"] = action("&Draw a face the detector missed", ["D"], self.on_draw, menu)
        made["remove_face"] = action("R&emove the face", ["Shift+Del"], self.on_remove_face,
                                     menu)

    # -- where the user is ------------------------------------------------------------------
    @property
    def kind(self) -> str:
        return self.actions.kind

    def current(self) -> Entry | None:
        return self.selection.current()

    def selected(self) -> list[Entry]:
        return self.selection.selected()

    def _ask_name(self, title: str, text: str, default: str,
                  then: Callable[[str], None]) -> None:
        dialog = NameDialog(title, text, self.names, default, self.parent)
        self.dialog = dialog
        loc = self.nav.location
        if loc is not None and loc.backend is not None:  # the names as they are now
            self._learn_names(loc.backend)

        def accepted() -> None:
            if dialog.name:
                if dialog.name not in self.names:  # offered from now on
                    self._set_names([*self.names, dialog.name])
                then(dialog.name)

        dialog.accepted.connect(accepted)
        dialog.open()

    # -- the navigation's events ------------------------------------------------------------
    def on_event(self, event: Event) -> None:
        match event:
            case PlaceChanged(place):
                shown = place.kind == PEOPLE
                self.filter.setVisible(shown)
                if not shown:
                    self.filter.clear()
                self._next_key = None
                if place.backend is not None and (
                        place.kind in (PEOPLE, PERSON_PLACE, UNNAMED)
                        or place.backend.identity != self._names_of):
                    self._learn_names(place.backend)  # for the viewer's F2 too
            case GridChanged(entries, relisted):
                if self.kind == PEOPLE and self.filter.text():
                    self.on_filter(self.filter.text())
                if self.kind == PERSON_PLACE:
                    self._choose_to_review(entries, fresh=not relisted)

    def _choose_to_review(self, entries: list[Entry], fresh: bool) -> None:
        """A person's page always has a tile chosen, where the keyboard is: the proposal after
        those just answered, else the one chosen still, else the first proposal (or tile) --
        which the page opens on, with the keyboard's focus."""
        key, self._next_key = self._next_key, None
        row = self.selection.model.row_of(lambda e: e.key == key) if key else -1
        if row < 0 and not self.selection.model.is_tile(self.selection.current_row()):
            row = first_to_review(entries)
        if row >= 0:
            self.selection.choose_row(row)
        if fresh and self.nav.page == pages.GRID:
            self.selection.focus_grid()

    def _learn_names(self, backend) -> None:
        def done(names: list[str]) -> None:
            self._names_of = backend.identity
            self._set_names(names)

        if self._learning is not None:  # the names of the album shown before
            self._learning.cancel()
        self._learning = run_task(lambda: keyed(people_names(backend)), done)

    def _set_names(self, names: list[str]) -> None:
        if list(names) == self.names:
            return  # (a completion open as the names are learned again stays as it is)
        self.names = list(names)
        set_names(self.filter.completer(), self.names)
        if isinstance(self.dialog, NameDialog):
            set_names(self.dialog.completer, self.names)
        if self.tiles.editor is not None:  # the name field open on a group's tile
            set_names(self.tiles.editor.completer(), self.names)

    def on_filter(self, text: str) -> None:
        if self.kind == PEOPLE:
            self.selection.show_only(filter_by_name(self.nav.entries, text))

    def on_filter_enter(self) -> None:
        if self.selection.shown():
            self.nav.activate(self.selection.shown(), 0)

    # -- actions ----------------------------------------------------------------------------
    def names_here(self) -> bool:
        """Whether F2 names (a face in the viewer, a group of Unnamed faces, a person) rather
        than renames a picset."""
        viewed = self.selection.viewed()
        return (viewed is not None and viewed.kind == PHOTO) or self.kind in (
            UNNAMED, GROUP_PLACE, PEOPLE, PERSON_PLACE)

    def on_name(self) -> None:
        if self.nav.page == pages.VIEWER:
            return self._name_in_viewer()
        entry = self.current()
        if self.kind == UNNAMED and entry is not None and entry.kind == GROUP:
            self.tiles.view.edit(self.tiles.view.currentIndex())  # the name field on the tile
        elif self.kind in (UNNAMED, GROUP_PLACE) and entry is not None and entry.kind == FACE:
            chosen = self.selected()
            count = len(chosen) if len(chosen) > 1 else len(self.actions.group_of(entry))
            self._ask_name("Name these faces", f"Who are the {count} face(s) chosen?", "",
                           lambda name: self.actions.name_group(entry, name, chosen))
        elif self.kind == PEOPLE and entry is not None and entry.kind == PERSON:
            self._ask_name("Rename", f"The new name of {entry.person}:", entry.person,
                           lambda name: self.actions.rename(entry, name))
        elif self.kind == PERSON_PLACE:
            person = self._place_person()
            self._ask_name("Rename", f"The new name of {person.person}:", person.person,
                           lambda name: self.actions.rename(person, name))
        else:
            self._tell("F2 names a face in the viewer, a group in Unnamed faces, or renames "
                       "a person")

    def _place_person(self) -> Entry:
        loc = self.nav.location
        return Entry(PERSON, loc.person, loc.backend, person=loc.person)

    def _name_in_viewer(self) -> None:
        entry, face = self.selection.viewed(), self.selection.viewed_face()
        if entry is None or entry.kind != PHOTO or face is None:
            self._tell("Choose a face first (Tab, or point at it), in a published photo")
            return

        def name(value: str, same_photo: bool = False) -> None:
            self.actions.name_faces(
                entry.backend, [face.face_id], value, same_photo=same_photo,
                ask_same_photo=lambda reason: self._ask_same_photo(
                    reason, lambda: name(value, True)))

        self._ask_name("Name the face", "Who is it?", face.name, name)

    def _ask_same_photo(self, reason: str, yes: Callable[[], None]) -> None:
        box = QMessageBox(QMessageBox.Icon.Question, "In that photo already",
                          f"{reason.split(':', 1)[0]}.\n\nName this face so too?",
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                          self.parent)
        self.dialog = box
        box.buttonClicked.connect(
            lambda button: box.standardButton(button) == QMessageBox.StandardButton.Yes
            and yes())
        box.open()

    def on_answer(self, right: bool) -> None:
        key = "Y" if right else "N"
        if self.nav.page == pages.SEARCH:  # a maybe of a search from a named face
            search = self.selection.search
            current = search.current()
            chosen = [e for e in search.chosen() if e.band == MAYBE] or (
                [current] if current is not None else [])
            self.actions.answer_maybes(chosen, right, search.drop)
            return
        if self.kind != PERSON_PLACE or self.nav.page != pages.GRID:
            self._tell(f"{key} {'confirms' if right else 'rejects'} a suggestion on a person's "
                       "page (or a maybe of a search from a named face)")
            return
        current = self.current()
        chosen = [e for e in self.selected() if e.kind == FACE] or [
            e for e in [current] if e is not None and e.kind == FACE]
        if chosen:
            self._answer(chosen, right)
            return
        person = self.nav.location.person
        if not self.actions.proposals():
            self._tell(f"No suggestion left for {person}: nothing to "
                       f"{'confirm' if right else 'reject'}")
        elif current is not None and current.kind == PHOTO:
            self._tell(f"This photo is confirmed as {person} already: {key} answers the "
                       "suggestions below (U removes the name from a photo)")
        else:
            self._tell(f"Choose a suggestion first: {key} {'confirms' if right else 'rejects'} "
                       "the one chosen")

    def _answer(self, chosen: list[Entry], right: bool) -> None:
        """Answers the proposals ``chosen``; the next one is chosen at once."""
        self._next_key = next_to_review(self.nav.entries, {e.face_id for e in chosen})
        self.actions.answer(chosen, right)

    def on_confirm_sure(self) -> None:
        if self.kind != PERSON_PLACE or self.nav.page != pages.GRID:
            self._tell("Shift+Y confirms every sure suggestion on a person's page")
            return
        sure = [e for e in self.actions.proposals() if e.sure]
        if not sure:
            self._tell(f"No sure suggestion for {self.nav.location.person}: each maybe needs "
                       "Y or N")
            return
        self._answer(sure, True)

    def on_unname(self) -> None:
        if self.nav.page == pages.VIEWER:
            entry, face = self.selection.viewed(), self.selection.viewed_face()
            if entry is not None and face is not None and face.name:
                self.actions.unname(entry.backend, face.face_id)
            return
        entry = self.current()
        if self.kind == PERSON_PLACE and entry is not None and entry.kind == PHOTO:
            self.actions.unname(entry.backend, entry.matched_face_id)

    def on_hide(self) -> None:
        entry = self.current()
        if self.kind == PEOPLE and entry is not None and entry.kind == PERSON:
            self.actions.hide(entry, not self.nav.location.hidden)

    def on_ignore(self) -> None:
        """I: the group or faces chosen are strangers (in Ignored faces: no longer); in the
        viewer, the face chosen."""
        if self.nav.page == pages.VIEWER:
            entry, face = self.selection.viewed(), self.selection.viewed_face()
            if entry is None or entry.kind != PHOTO or face is None:
                self._tell("Choose a face first (Tab, or point at it), in a published photo")
            else:
                self.actions.ignore([Entry(FACE, "", entry.backend, face_id=face.face_id)])
            return
        if self.kind not in (UNNAMED, GROUP_PLACE, IGNORED) or self.nav.page != pages.GRID:
            self._tell("I ignores the group or faces chosen in Unnamed faces (a stranger)")
            return
        chosen = [e for e in self.selected() if e.kind in (FACE, GROUP)] or [
            e for e in [self.current()] if e is not None and e.kind in (FACE, GROUP)]
        if not chosen:
            self._tell("Choose the group or faces to ignore first")
            return
        self.actions.ignore(chosen, back=self.kind == IGNORED)

    def on_show_ignored(self) -> None:
        """Ctrl+I: the faces ignored of the album shown (from there: Unnamed faces again)."""
        loc = self.nav.location
        if loc is None or loc.backend is None or loc.kind not in (
                PEOPLE, PERSON_PLACE, UNNAMED, GROUP_PLACE, IGNORED):
            self._tell("Ctrl+I lists the ignored faces from People or Unnamed faces")
            return
        within = loc.within or LIBRARY
        self.nav.open(Place(UNNAMED if loc.kind == IGNORED else IGNORED, loc.backend,
                            within=within))

    def on_show_hidden(self) -> None:
        loc = self.nav.location
        if loc is not None and loc.kind == PEOPLE:
            self.nav.open(Place(PEOPLE, loc.backend, within=loc.within, hidden=not loc.hidden))

    def on_find(self) -> None:
        """Ctrl+F: People of the album shown (of the library elsewhere), the filter box ready,
        completing the names typed."""
        loc = self.nav.location
        if loc is not None and loc.kind == PERSON_PLACE:  # the tree is on People already
            self.nav.open(loc.parent)
        elif self.kind != PEOPLE and not self.selection.go_to_source(
                loc.backend if loc else None, PEOPLE):
            self._tell("Ctrl+F finds a person in the People of the library or the cloud: "
                       "neither is open")
            return
        self.filter.setFocus()
        self.filter.selectAll()

    def on_search_face(self) -> None:
        """The face chosen in the viewer: every other photo of that person (a click on it)."""
        entry, face = self.selection.viewed(), self.selection.viewed_face()
        if entry is None or face is None:
            self._tell("S searches for the face chosen in the viewer (Tab, or point at it)")
            return
        if face.region:
            self._tell(f"The region named {face.name} has no face to search with: it was "
                       "drawn where no face could be found")
            return
        self.nav.search_face(entry, face.face_id)

    def on_draw(self) -> None:
        entry = self.selection.viewed()
        if entry is None or entry.kind != PHOTO:
            self._tell("D draws a face on a published photo shown in the viewer")
            return
        self.selection.start_drawing()
        self._tell("Drag a box around the face the detector missed (Esc cancels)")

    def on_face_drawn(self, entry: Entry | None, box: dict) -> None:
        if entry is None or entry.kind != PHOTO:
            return
        self._tell("Looking for the face in that box…")
        canvas = self.selection.viewer.canvas
        drawn = canvas.drawn

        def gone() -> None:  # a failed draw leaves no box behind
            if canvas.drawn is drawn:
                canvas.clear_drawn()

        def added(face: FaceRecord) -> None:
            self._ask_name("Name the face", "A face was found there. Who is it?", "",
                           lambda name: self.actions.name_faces(
                               entry.backend, [face.face_id], name))

        def no_face(reason: str) -> None:
            self._ask_name(
                "Keep a named region",
                "No face could be found in that box. Who is it? The box is kept with the "
                "name (shown and counted among their photos, never used to search faces).",
                "", lambda name: self.actions.keep_region(entry, box, name, failed=gone))
            self.dialog.rejected.connect(gone)
            self.dialog.accepted.connect(lambda: None if self.dialog.name else gone())

        self.actions.add_face(entry, box, added, no_face=no_face, failed=gone)

    def on_remove_face(self) -> None:
        """The face chosen in the viewer leaves its photo (Ctrl+Z puts it back)."""
        entry, face = self.selection.viewed(), self.selection.viewed_face()
        if entry is None or entry.kind != PHOTO or face is None or self.curation is None:
            self._tell("Shift+Del removes the face chosen in the viewer (Tab, or point at it)")
            return
        self.curation.run(entry.backend, lambda curator: curator.remove_face(face.face_id))

