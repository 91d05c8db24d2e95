"""The completion of a person's name, wherever one is typed (naming a face in the viewer,
naming a group, merging, finding a person): the album's names that hold what was typed, case
and accents aside ("zoe" offers "Zoë Smith", "smi" too), in alphabetical order.
``name_completer(names)`` makes one for a ``QLineEdit``; ``set_names`` gives it the names
learnt later."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QCompleter

from finpics_desktop.domain.people import search_key

KeyRole = Qt.ItemDataRole.UserRole + 1  # a name's search key: what typed text is matched to


class NameCompleter(QCompleter):
    """Matches the typed text's search key inside each name's; completes to the name."""

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.names = QStandardItemModel(self)
        self.setModel(self.names)
        self.setCompletionRole(KeyRole)
        self.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setFilterMode(Qt.MatchFlag.MatchContains)
        self.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.setModelSorting(QCompleter.ModelSorting.UnsortedModel)
        self.setMaxVisibleItems(12)

    def splitPath(self, path: str) -> list[str]:  # noqa: N802
        return [search_key(path)]

    def pathFromIndex(self, index) -> str:  # noqa: N802
        return str(index.data(Qt.ItemDataRole.DisplayRole) or "")

    def set_names(self, names: list[str]) -> None:
        if sorted(set(names)) == sorted(self.names.item(r).text()
                                        for r in range(self.names.rowCount())):
            return  # the same: a popup open stays as it is
        self.names.clear()
        items = []  # (each name's key made once, the rows added in one go: 500 people's
        for key, name in sorted((search_key(n), n) for n in set(names)):  # names took ~20 ms
            item = QStandardItem(name)  # of the window's first screen one by one)
            item.setData(key, KeyRole)
            item.setEditable(False)
            items.append(item)
        self.names.invisibleRootItem().appendRows(items)

    def offered(self) -> list[str]:
        """The names the popup offers for the text typed last (in its order)."""
        model = self.completionModel()
        return [str(model.index(r, 0).data(Qt.ItemDataRole.DisplayRole))
                for r in range(model.rowCount())]


def name_completer(names: list[str], parent: QObject | None = None) -> NameCompleter:
    """A completer of the album's ``names``, for any field where a person's name is typed
    (``edit.setCompleter(name_completer(names, edit))``)."""
    completer = NameCompleter(parent)
    completer.set_names(names)
    return completer


def set_names(completer: QCompleter | None, names: list[str]) -> None:
    """The names a field's completer offers, learnt anew."""
    if isinstance(completer, NameCompleter):
        completer.set_names(names)

