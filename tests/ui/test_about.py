"""The version in the window's title and in Help > About; the app icon on the window."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

from finpics_desktop import __version__
from finpics_desktop.ui.about import AboutDialog


def test_the_title_and_about_show_the_version(qtbot, window):
    assert window.windowTitle() == f"finpics {__version__}"
    assert not QApplication.windowIcon().isNull()
    assert not window.windowIcon().isNull()  # the application's, on every window
    window.about_action.trigger()
    dialog = window.findChild(AboutDialog)
    qtbot.waitUntil(dialog.isVisible)
    assert f"finpics {__version__}" in dialog.text()
    assert "MIT licence" in dialog.text() and "Tabler Icons" in dialog.text()
    assert not dialog.iconPixmap().isNull()
    dialog.close()
    qtbot.waitUntil(lambda: not dialog.isVisible())
