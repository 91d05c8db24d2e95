"""Help -> About: the version, what finpics-desktop is, its licence and what it is built on."""

from __future__ import annotations

import platform

import PySide6
from PySide6.QtCore import qVersion
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from finpics_desktop import __version__


def about_text() -> str:
    return (
        f"<h3>finpics {__version__}</h3>"
        "<p>The curator's desktop tool for finpics, the face-searchable serverless photo "
        "album: publish folders of photos as picsets, see the faces in every photo and find "
        "every other photo of a person from one face.</p>"
        "<p>MIT licence. Toolbar icons: Tabler Icons (MIT licence).</p>"
        f"<p><small>Python {platform.python_version()} · Qt {qVersion()} · "
        f"PySide6 {PySide6.__version__}</small></p>")


class AboutDialog(QMessageBox):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("aboutDialog")
        self.setWindowTitle("About finpics")
        self.setText(about_text())
        self.setIconPixmap(QApplication.windowIcon().pixmap(64, 64))
        self.setStandardButtons(QMessageBox.StandardButton.Close)
