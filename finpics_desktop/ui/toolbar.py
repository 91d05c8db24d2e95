"""The main toolbar: the window's main actions with the shipped icons (drawn again in the new
palette's colours when it changes: :mod:`finpics_desktop.ui.icons`) and, at its right end,
the thumbnail-size slider shared by the grid and the search results (as Ctrl+wheel and +/-
zoom them)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtGui import QAction, QIcon
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QSlider, QToolBar, QWidget

from finpics_desktop.ui.grid import CELL_MAX, CELL_MIN, GridView
from finpics_desktop.ui.icons import action_icon

# (the action's attribute on the window, icon name, the short text shown under the icon)
MAIN_ACTIONS = (
    ("back_action", "go-previous", "Back"),
    ("open_action", "folder-open", "Open folder"),
    ("publish_action", "document-send", "Publish"),
    ("refresh_action", "view-refresh", "Refresh"),
    None,
    ("settings_action", "preferences-system", "Settings"),
    ("fullscreen_action", "view-fullscreen", "Full screen"),
)
MENU_ICONS = {"zoom_in_action": "zoom-in", "zoom_out_action": "zoom-out",
              "fit_action": "zoom-fit-best", "about_action": "help-about",
              "shortcuts_action": "help-keyboard-shortcuts"}


class ThumbnailSizeSlider(QWidget):
    """Thumbnail size, from CELL_MIN to CELL_MAX px: sets every grid's cell, and follows a
    grid zoomed another way (keys, Ctrl+wheel)."""

    def __init__(self, views: list[GridView], parent=None):
        super().__init__(parent)
        self.views = views
        self.slider = QSlider(Qt.Orientation.Horizontal, self)
        self.slider.setObjectName("thumbnailSizeSlider")
        self.slider.setRange(CELL_MIN, CELL_MAX)
        self.slider.setSingleStep(8)
        self.slider.setPageStep(40)
        self.slider.setValue(views[0].cell)
        self.slider.setFixedWidth(140)
        self.slider.setToolTip("Thumbnail size (Ctrl+wheel, + and - in the grid)")
        self.slider.setAccessibleName("Thumbnail size")
        self.small, self.large = small, large = QLabel(self), QLabel(self)
        self.set_icons()
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 0, 8, 0)
        layout.setSpacing(6)
        layout.addWidget(small)
        layout.addWidget(self.slider)
        layout.addWidget(large)
        self.slider.valueChanged.connect(self.on_value)
        for view in views:
            view.zoomed.connect(self.follow)

    def set_icons(self) -> None:
        self.small.setPixmap(action_icon("image-x-generic").pixmap(14, 14))
        self.large.setPixmap(action_icon("image-x-generic").pixmap(22, 22))

    def on_value(self, size: int) -> None:
        for view in self.views:
            view.set_cell(size)

    def follow(self, size: int) -> None:
        if self.slider.value() != size:
            self.slider.setValue(size)  # -> on_value: the other views follow


class MainToolBar(QToolBar):
    def __init__(self, window, views: list[GridView]):
        super().__init__("Main toolbar", window)
        self.setObjectName("mainToolBar")  # its place is saved with the window's state
        self.setMovable(False)
        self.setIconSize(QSize(22, 22))
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextUnderIcon)
        self.window_ = window
        for spec in MAIN_ACTIONS:
            if spec is None:
                self.addSeparator()
                continue
            attribute, _, text = spec
            action: QAction = getattr(window, attribute)
            action.setIconText(text)
            self.addAction(action)
        self.set_icons()
        spacer = QWidget(self)
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.addWidget(spacer)
        self.size_slider = ThumbnailSizeSlider(views, self)
        self.addWidget(self.size_slider)

    def set_icons(self) -> None:
        """The actions' icons, in the palette's colours (drawn by Qt: :mod:`.icons`); the
        toolbar's drawn now at its size, as it shows them, rather than in its first paint."""
        side, ratio = self.iconSize(), self.devicePixelRatioF()
        for spec in MAIN_ACTIONS:
            if spec is not None:
                action = getattr(self.window_, spec[0])
                action.setIcon(action_icon(spec[1]))
                action.icon().pixmap(side, ratio, QIcon.Mode.Normal if action.isEnabled()
                                     else QIcon.Mode.Disabled)
        for attribute, icon in MENU_ICONS.items():
            getattr(self.window_, attribute).setIcon(action_icon(icon))
        if hasattr(self, "size_slider"):
            self.size_slider.set_icons()

    def changeEvent(self, event) -> None:  # noqa: N802
        if event.type() == QEvent.Type.PaletteChange:  # light <-> dark: drawn anew
            self.set_icons()
        super().changeEvent(event)
