"""What a row of the sources tree stands for (its :class:`Node`, under :data:`NodeRole`)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt

from finpics_desktop.app.window.navigation import (
    CLOUD,
    FOLDER,
    LIBRARY,
    PEOPLE,
    PICSET_PLACE,
    UNNAMED,
    Place,
)
from finpics_desktop.ports import Backend

NodeRole = Qt.ItemDataRole.UserRole + 10
IconRole = Qt.ItemDataRole.UserRole + 11  # (icon name, style's fallback): drawn anew
PICSET_NODE = PICSET_PLACE
COMPUTER, PLACEHOLDER = "computer", "placeholder"


@dataclass(eq=False)
class Node:
    kind: str
    path: Path | None = None
    backend: Backend | None = None
    picset: str | None = None
    loaded: bool = False
    pending: bool = False  # a picset being published, not in the table yet
    within: str = ""  # a picset's library or cloud: LIBRARY or CLOUD
    problem: str = ""  # a library or cloud that could not be opened: why
    listing: list | None = None  # a library's or cloud's picsets not all in rows yet

    @property
    def accepts_drops(self) -> bool:
        return self.kind in (LIBRARY, CLOUD) and self.backend is not None

    def place(self, title: str = "") -> Place | None:
        """Where the grid goes when this row is chosen (None: nowhere)."""
        if self.kind in (PEOPLE, UNNAMED):
            return Place(self.kind, self.backend, within=self.within, problem=self.problem)
        if self.kind not in (LIBRARY, CLOUD, PICSET_NODE, FOLDER):
            return None
        return Place(self.kind, self.backend, self.picset, self.path, title, self.within,
                     self.problem)
