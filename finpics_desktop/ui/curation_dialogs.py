"""The dialogs of curation: a picset's new title (rename), choosing a picset by its title (move,
copy) and the Trash view. Each is window-modal and opened with ``open()`` (never a blocking
``exec()``); what was chosen comes back through a callback, and a title dialog stays open,
with what was typed, until its action is done or says why not."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from datetime import UTC, datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLayout,
    QLineEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from finpics_desktop.app.curate import TrashEntry
from finpics_desktop.domain.errors import FinpicsError, InvalidName
from finpics_desktop.domain.picsets import (
    check_new_picset_id,
    display_name,
    new_picset_id,
    read_title,
    retitled_id,
    title_of,
    validate_picset_id,
)


def _local_time(iso_utc: str) -> str:
    """``2026-12-01T13:34:58Z`` as this computer's time, to the minute."""
    try:
        moment = datetime.strptime(iso_utc, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    except ValueError:
        return iso_utc
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


class _TitleDialog(QDialog):
    """A window-modal question whose answer is a picset, typed as a title: what the site will
    show is said as the curator types, and a refusal -- at once, or by the action it starts
    -- is said inline with what was typed kept. The dialog closes once the action is done
    (:meth:`finish`); :meth:`refuse` says why it was not, and the curator may change it."""

    def __init__(self, parent, title: str, ok_text: str):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.shown_as = QLabel(self)
        self.shown_as.setObjectName("shownAs")
        self.shown_as.setTextFormat(Qt.TextFormat.PlainText)
        self.shown_as.setWordWrap(True)
        self.reading_note = QLabel(self)  # why the site shows it otherwise than typed
        self.reading_note.setObjectName("reading")
        self.reading_note.setWordWrap(True)
        self.reading_note.setStyleSheet("color: #b36b00;")
        self.detail = QLabel(self)  # the Advanced line: the id
        self.detail.setObjectName("picsetId")
        self.detail.setWordWrap(True)
        self.detail.setEnabled(False)  # shown dimmed: a detail
        self.problem = QLabel(self)
        self.problem.setObjectName("problem")
        self.problem.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel, self)
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText(ok_text)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.pending = False  # the action runs: the dialog waits for its outcome

    def lay_out(self, text: str, field: QWidget) -> None:
        layout = QVBoxLayout(self)
        layout.setSizeConstraint(QLayout.SizeConstraint.SetFixedSize)  # fits its wrapped lines
        field.setMinimumWidth(460)
        for widget in (QLabel(text, self), field, self.shown_as, self.reading_note, self.detail,
                       self.problem, self.buttons):
            layout.addWidget(widget)

    def resolve(self) -> str:  # pragma: no cover - each dialog says
        raise NotImplementedError

    def start(self, picset: str) -> bool:  # pragma: no cover - each dialog says
        """Start the action for ``picset``; False: there is nothing to do."""
        raise NotImplementedError

    def update_reading(self) -> None:
        """What the site will show for what is typed, or why it cannot be used."""
        try:
            picset, note, detail = self.reading()
        except FinpicsError as e:
            self._say(str(e))
            for label in (self.shown_as, self.reading_note, self.detail):
                label.setText("")
            self.reading_note.hide()
            self.ok.setEnabled(False)
            return
        self.shown_as.setText(f"The site shows: {display_name(picset)}")
        self.reading_note.setText(f"{note[:1].upper()}{note[1:]}." if note else "")
        self.reading_note.setVisible(bool(note))
        self.detail.setText(detail)
        self._say("")
        self.ok.setEnabled(not self.pending)

    def reading(self) -> tuple[str, str, str]:  # pragma: no cover - each dialog says
        """(the picset, what the site will show and why if not what was typed, the id)"""
        raise NotImplementedError

    def accept(self) -> None:
        if self.pending:
            return
        try:
            picset = self.resolve()
        except FinpicsError as e:
            self._say(str(e))
            return
        self.pending = True
        self.ok.setEnabled(False)
        self._say("")
        if not self.start(picset):
            self.finish()

    def finish(self) -> None:
        """The action is done: the dialog closes."""
        self.pending = False
        super().accept()

    def refuse(self, why: str) -> bool:
        """The action was refused: said inline, what was typed kept (False if the dialog was
        closed meanwhile: the caller says it elsewhere)."""
        self.pending = False
        if not self.isVisible():
            return False
        self._say(why)
        self.ok.setEnabled(True)
        return True

    def _say(self, why: str) -> None:
        self.problem.setText(why[:1].upper() + why[1:])
        self.problem.setStyleSheet("color: #d33;" if why else "")
        self.problem.setVisible(bool(why))


class RenameDialog(_TitleDialog):
    """A picset's new title; its number (its place in the list) is kept."""

    def __init__(self, parent, picset: str, existing: list[str],
                 rename: Callable[[str], bool]):
        super().__init__(parent, "Rename picset", "Rename")
        self.picset, self.existing, self._rename = picset, set(existing) - {picset}, rename
        self.title_edit = QLineEdit(title_of(picset), self)
        self.title_edit.setObjectName("picsetTitle")
        self.lay_out(f"The new title of \u201c{title_of(picset)}\u201d:", self.title_edit)
        self.setObjectName("renameDialog")
        self.title_edit.selectAll()
        self.title_edit.textChanged.connect(lambda _text: self.update_reading())
        self.update_reading()

    def reading(self) -> tuple[str, str, str]:
        new_id = self.resolve()
        return new_id, read_title(self.title_edit.text()).note(), (
            f"Picset id: {new_id} (its number, {new_id.split('_', 1)[0]}, is kept)")

    def resolve(self) -> str:
        new_id = retitled_id(self.picset, self.title_edit.text())
        if new_id == self.picset:
            raise InvalidName("that is its title already")
        if new_id in self.existing:
            raise InvalidName(f"another picset is titled \u201c{title_of(new_id)}\u201d "
                              f"with the same number ({new_id})")
        return new_id

    def start(self, picset: str) -> bool:
        return self._rename(picset)

    def rename(self, title: str) -> None:
        """Type ``title`` and press Rename (what a curator does)."""
        self.title_edit.setText(title)
        self.accept()


class PicsetChooser(_TitleDialog):
    """A picset to move or copy photos to: one of the album's, listed by title (the id in its
    tooltip), or a new one typed as a title (or as an id, ``NNN_title``)."""

    def __init__(self, parent, title: str, text: str, choices: list[str], current: str,
                 chosen: Callable[[str], bool], existing: list[str] | None = None):
        super().__init__(parent, title, "OK")
        self.combo = QComboBox(self)
        self.existing = list(existing if existing is not None else choices)
        self._chosen = chosen
        self.lay_out(text, self.combo)
        self.setObjectName("picsetChooser")
        self.combo.setEditable(True)
        self.combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        labels = [title_of(c) for c in choices]
        for picset, label in zip(choices, labels, strict=True):
            shown = label if labels.count(label) == 1 else f"{label} ({picset})"
            self.combo.addItem(shown, picset)
            self.combo.setItemData(self.combo.count() - 1, picset, Qt.ItemDataRole.ToolTipRole)
        if current in choices:
            self.combo.setCurrentIndex(choices.index(current))
        self.combo.currentTextChanged.connect(lambda _text: self.update_reading())
        self.update_reading()

    def resolve(self) -> str:
        text = unicodedata.normalize("NFC", self.combo.currentText().strip())
        if not text:
            raise InvalidName("choose a picset, or type the title of a new one")
        index = self.combo.findText(text, Qt.MatchFlag.MatchExactly)
        if index >= 0:
            return self.combo.itemData(index)
        try:
            return check_new_picset_id(validate_picset_id(text), self.existing)
        except InvalidName:  # not an id: the title of a new picset
            if not read_title(text).slug:
                raise InvalidName(f"nothing of \u201c{text}\u201d can travel in a picset's "
                                  "address: give letters or digits") from None
            return new_picset_id(text, self.existing)

    def reading(self) -> tuple[str, str, str]:
        picset = self.resolve()
        if picset in self.existing:
            return picset, "", f"Picset id: {picset}"
        note = read_title(self.combo.currentText()).note() if (
            display_name(picset) != self.combo.currentText().strip()) else ""
        return picset, note, f"A new picset: {picset}"

    def start(self, picset: str) -> bool:
        return self._chosen(picset)

    def choose(self, picset: str) -> None:
        """Type ``picset`` (a title or an id) and press OK (what a curator does)."""
        self.combo.setCurrentText(picset)
        self.accept()


class TrashDialog(QDialog):
    """What the trash of one album holds, latest first: restore an entry, or empty it.
    ``empty(entries)`` is handed the entries listed (it asks before deleting them for good).
    Enter never empties: no button takes it but Close."""

    def __init__(self, parent, where: str, restore: Callable[[str], None],
                 empty: Callable[[list[TrashEntry]], None]):
        super().__init__(parent)
        self.setObjectName("trashDialog")
        self.where = where
        self.entries: list[TrashEntry] = []
        self.setWindowTitle(f"Trash — {where}")
        self.resize(620, 360)
        self.table = QTreeWidget(self)
        self.table.setHeaderLabels(["Deleted", "What", "Id"])
        self.table.setRootIsDecorated(False)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.note = QLabel("Listing the trash…", self)
        self.restore_button = QPushButton("&Restore", self)
        self.empty_button = QPushButton("&Empty trash", self)
        self.restore_button.setEnabled(False)
        self.empty_button.setEnabled(False)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.addButton(self.restore_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.empty_button, QDialogButtonBox.ButtonRole.DestructiveRole)
        buttons.rejected.connect(self.reject)
        for button in buttons.buttons():  # Enter: Close, whichever button has the focus
            button.setAutoDefault(False)
        buttons.button(QDialogButtonBox.StandardButton.Close).setDefault(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(self.note)
        layout.addWidget(buttons)
        self.table.itemSelectionChanged.connect(
            lambda: self.restore_button.setEnabled(self.selected() is not None))
        self.restore_button.clicked.connect(lambda: restore(self.selected()))
        self.empty_button.clicked.connect(lambda: self.entries and empty(list(self.entries)))

    def set_entries(self, entries: list[TrashEntry]) -> None:
        self.table.clear()
        self.entries = list(entries)
        for e in entries:
            item = QTreeWidgetItem([_local_time(e.deleted_at), e.what, e.id])
            item.setData(0, Qt.ItemDataRole.UserRole, e.id)
            self.table.addTopLevelItem(item)
        for column in range(3):
            self.table.resizeColumnToContents(column)
        self.note.setText("The trash is empty." if not entries else (
            f"{len(entries)} deleted — kept privately (never on the site) until the trash is "
            "emptied."))
        self.empty_button.setEnabled(bool(entries))
        self.restore_button.setEnabled(self.selected() is not None)

    def selected(self) -> str | None:
        items = self.table.selectedItems()
        return items[0].data(0, Qt.ItemDataRole.UserRole) if items else None
