"""The dialogs of curation: choosing a picset (move, copy, rename) and the Trash view. Each is
window-modal and opened with ``open()`` (never a blocking ``exec()``); what was chosen comes
back through a callback."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
)

from finpics_desktop.app.curate import TrashEntry
from finpics_desktop.ui.questions import one_field


def _local_time(iso_utc: str) -> str:
    """``2026-12-01T13:34:58Z`` as this computer's time, to the minute."""
    try:
        moment = datetime.strptime(iso_utc, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    except ValueError:
        return iso_utc
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


class PicsetChooser(QDialog):
    """A picset id: one of the album's, or a new one typed in."""

    def __init__(self, parent, title: str, text: str, choices: list[str], current: str,
                 chosen: Callable[[str], None]):
        super().__init__(parent)
        self.setObjectName("picsetChooser")
        self.setWindowTitle(title)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.combo = QComboBox(self)
        self.combo.setEditable(True)
        self.combo.addItems(choices)
        self.combo.setCurrentText(current)
        self.combo.setMinimumWidth(320)
        one_field(self, text, self.combo)
        self.accepted.connect(lambda: chosen(self.combo.currentText().strip()))

    def choose(self, picset: str) -> None:
        """Type ``picset`` and press OK (what a curator does)."""
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
