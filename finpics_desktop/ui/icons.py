"""Icons of the window's actions: the shipped Tabler icons of ``resources/icons/actions/`` (MIT
licence, see the README there), drawn in the palette's text colour so that they read on a dark
palette as on a light one, and drawn again when the palette changes (light/dark: the toolbar
and the sources tree ask for them anew); the theme's only for a name not shipped."""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QByteArray, QRectF, Qt
from PySide6.QtGui import QGuiApplication, QIcon, QImage, QPainter, QPalette, QPixmap
from PySide6.QtSvg import QSvgRenderer

from finpics_desktop.shipped import resource

SIZES = (16, 22, 24, 32, 48, 64)


def action_icon(name: str) -> QIcon:
    """The shipped icon ``name`` (a freedesktop name), drawn in the palette's text colour --
    the same set on every desktop, right on a dark palette as on a light one (a desktop's own
    theme gave mismatched icons under a dark GTK theme) -- else the theme's of that name."""
    shipped = shipped_icon(name)
    return shipped if not shipped.isNull() else QIcon.fromTheme(name)


def shipped_icon(name: str) -> QIcon:
    palette = QGuiApplication.palette()
    normal = palette.color(QPalette.ColorGroup.Active, QPalette.ColorRole.WindowText)
    disabled = palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText)
    return _tinted(name, normal.name(), disabled.name())


@cache
def _tinted(name: str, color: str, disabled: str) -> QIcon:
    path = resource("icons", "actions", f"{name}.svg")
    svg = path.read_bytes() if path.is_file() else b""
    icon = QIcon()
    if not svg:
        return icon
    for mode, tint in ((QIcon.Mode.Normal, color), (QIcon.Mode.Disabled, disabled)):
        renderer = QSvgRenderer(QByteArray(svg.replace(b"currentColor", tint.encode())))
        for size in SIZES:
            for ratio in (1, 2):
                icon.addPixmap(_render(renderer, size, ratio), mode)
    return icon


def _render(renderer: QSvgRenderer, size: int, ratio: int) -> QPixmap:
    image = QImage(size * ratio, size * ratio, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter, QRectF(0, 0, size * ratio, size * ratio))
    painter.end()
    pixmap = QPixmap.fromImage(image)
    pixmap.setDevicePixelRatio(ratio)
    return pixmap
