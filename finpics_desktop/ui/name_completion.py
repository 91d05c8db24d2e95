"""The completion of a person's name, wherever one is typed (naming a face in the viewer,
naming a group, merging, finding a person): the album's names that hold what was typed, case
and accents aside ("zoe" offers "Zoë Smith", "smi" too), in alphabetical order.
``name_completer(names)`` makes one for a ``QLineEdit``; ``set_names`` gives it the names
learnt later."""

from __future__ import annotations

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, Qt
from PySide6.QtWidgets import QCompleter

from finpics_desktop.domain.people import search_key

KeyRole = Qt.ItemDataRole.UserRole + 1  # a name's search key: what typed text is matched to


_KEYS: dict[str, str] = {}  # name -> its search key, made off the GUI thread (:func:`keyed`)


def keyed(names: list[str]) -> list[str]:
    """(any thread) ``names``, their search keys made now for the completers given them next
    (500 names: ~4 ms of the interpreter the GUI thread then does not spend)."""
    _KEYS.update((n, search_key(n)) for n in names if n not in _KEYS)
    return names


class _Names(QAbstractListModel):
    """The names, each with its search key (:data:`KeyRole`), in alphabetical order of keys:
    given in one go, as Python data, not as a row object a name (500 names were 1,500 calls
    into Qt on the window's first screen, each giving the interpreter up and waiting for it
    while a worker ran Python: 10-24 ms of the GUI thread)."""

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.rows: list[tuple[str, str]] = []  # (key, name)

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.rows)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        key, name = self.rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return name
        return key if role == KeyRole else None

    def set_rows(self, rows: list[tuple[str, str]]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()


class NameCompleter(QCompleter):
    """Matches the typed text's search key inside each name's; completes to the name."""

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.names = _Names(self)
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
        rows = sorted((_KEYS.get(n) or search_key(n), n) for n in set(names))
        if rows != self.names.rows:  # (the same: a popup open stays as it is)
            self.names.set_rows(rows)

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

