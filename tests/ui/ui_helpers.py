"""Helpers shared by the window tests."""

from __future__ import annotations

from finpics_desktop.ui.sources import NodeRole


def grid_rows(window) -> list[str]:
    return [e.title for e in window.model.entries]


def select_source(qtbot, window, item) -> None:
    window.tree.setCurrentIndex(window.sources.indexFromItem(item))
    qtbot.waitUntil(lambda: not window.nav.loading, timeout=20_000)


def picset_item(window, picset: str, root=None):
    root = root or window.sources.library
    for row in range(root.rowCount()):
        node = root.child(row).data(NodeRole)
        if node is not None and node.picset == picset:
            return root.child(row)
    return None

