"""Light or dark (the declared setting ``appearance``: as the system, light, dark).

The choice is asked of the platform (``QStyleHints.setColorScheme``, Qt 6.8+), which follows
it where the desktop's theme can (GNOME, KDE, macOS, Windows). Where it cannot (a plain X
server, the offscreen platform, a desktop without a theme plug-in) the palette is made here:
Fusion's dark palette for dark, the system's own (else Fusion's light one) for light. *As the
system* follows the desktop while the app runs (``colorSchemeChanged``). The shipped icons are
drawn in the palette's text colour, so that they read on both (``ui/icons.py``)."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

SYSTEM, LIGHT, DARK = "system", "light", "dark"
_SCHEMES = {LIGHT: Qt.ColorScheme.Light, DARK: Qt.ColorScheme.Dark}


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def dark_palette() -> QPalette:
    """Fusion's colours, dark: grey surfaces, light text, the usual blue for the choice."""
    p = QPalette()
    r, c = QPalette.ColorRole, QColor
    for role, colour in (
            (r.Window, c(45, 45, 48)), (r.WindowText, c(230, 230, 230)),
            (r.Base, c(30, 30, 32)), (r.AlternateBase, c(40, 40, 43)),
            (r.Text, c(230, 230, 230)), (r.Button, c(53, 53, 56)),
            (r.ButtonText, c(230, 230, 230)), (r.ToolTipBase, c(60, 60, 64)),
            (r.ToolTipText, c(230, 230, 230)), (r.PlaceholderText, c(150, 150, 150)),
            (r.Highlight, c(42, 130, 218)), (r.HighlightedText, c(255, 255, 255)),
            (r.Link, c(90, 160, 240)), (r.BrightText, c(255, 80, 80)),
            (r.Light, c(75, 75, 80)), (r.Midlight, c(62, 62, 66)), (r.Mid, c(40, 40, 42)),
            (r.Dark, c(25, 25, 27)), (r.Shadow, c(10, 10, 10))):
        p.setColor(role, colour)
    grey = c(125, 125, 125)
    for role in (r.WindowText, r.Text, r.ButtonText, r.HighlightedText):
        p.setColor(QPalette.ColorGroup.Disabled, role, grey)
    p.setColor(QPalette.ColorGroup.Disabled, r.Highlight, c(70, 70, 74))
    return p


class Appearance(QObject):
    """Applies the choice to the application, and keeps *As the system* following it."""

    def __init__(self, app: QApplication | None = None):
        super().__init__(app)
        self.app = app or QApplication.instance()
        self.system_palette = QPalette(self.app.palette())  # before any choice of ours
        self.choice = SYSTEM
        self._ours = False  # the palette is one made here
        QGuiApplication.styleHints().colorSchemeChanged.connect(self._system_changed)

    def apply(self, choice: str) -> None:
        self.choice = choice
        hints = QGuiApplication.styleHints()
        if choice in _SCHEMES:
            hints.setColorScheme(_SCHEMES[choice])
        else:
            hints.unsetColorScheme()
        self._paint()

    def wanted_dark(self) -> bool:
        if self.choice in _SCHEMES:
            return self.choice == DARK
        scheme = QGuiApplication.styleHints().colorScheme()
        if scheme == Qt.ColorScheme.Unknown:  # the platform does not say: its palette does
            return is_dark(self.system_palette)
        return scheme == Qt.ColorScheme.Dark

    def _paint(self) -> None:
        """The platform's palette where it already follows the choice, else one made here."""
        dark = self.wanted_dark()
        if not self._ours and is_dark(self.app.palette()) == dark:
            return  # the platform's theme follows it
        if is_dark(self.system_palette) == dark:
            palette, self._ours = self.system_palette, False  # back to the system's own
        else:
            palette = dark_palette() if dark else self.app.style().standardPalette()
            self._ours = True
        self.app.setPalette(palette)

    def _system_changed(self, _scheme) -> None:
        if not self._ours:
            self.system_palette = QPalette(self.app.palette())
        if self.choice == SYSTEM:
            self._paint()


_appearance: Appearance | None = None


def apply_appearance(choice: str) -> Appearance:
    """The one :class:`Appearance` of the application, with ``choice`` applied."""
    global _appearance
    app = QApplication.instance()
    if _appearance is None or _appearance.app is not app:
        _appearance = Appearance(app)
    _appearance.apply(choice)
    return _appearance
