"""Icons of the window's actions: the shipped Tabler icons of ``resources/icons/actions/`` (MIT
licence, see the README there), drawn in the palette's text colour so that they read on a dark
palette as on a light one, and drawn again when the palette changes (light/dark: the toolbar
and the sources tree ask for them anew); the theme's only for a name not shipped."""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QByteArray, QRectF, QSize, Qt
from PySide6.QtGui import (
    QGuiApplication,
    QIcon,
    QIconEngine,
    QImage,
    QPainter,
    QPalette,
    QPixmap,
)
from PySide6.QtSvg import QSvgRenderer

from finpics_desktop.shipped import resource


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
    if not svg:
        return QIcon()
    engine = _SvgEngine(svg, {QIcon.Mode.Normal: color, QIcon.Mode.Disabled: disabled})
    _engines.append(engine)  # (kept: the icon points at it)
    return QIcon(engine)


_engines: list[QIconEngine] = []
_drawn: dict[int, QIcon] = {}  # the icon's cacheKey -> drawn_icon of it


def drawn_icon(icon: QIcon, sides: tuple[int, ...] = (16, 20, 24, 32),
               ratios: tuple[float, ...] = (1.0, 2.0)) -> QIcon:
    """``icon`` drawn once at these sizes into Qt's own pixmap icon: a view of a thousand rows
    asks each row's icon (is it null? its size?), and an icon drawn by Python answers through
    the interpreter -- a thousand waits for it while the album's listings run."""
    if icon.isNull():
        return icon
    drawn = _drawn.get(icon.cacheKey())
    if drawn is not None:
        return drawn
    drawn = _drawn[icon.cacheKey()] = QIcon()
    for side in sides:
        for ratio in ratios:
            for mode in (QIcon.Mode.Normal, QIcon.Mode.Disabled):
                pixmap = icon.pixmap(QSize(side, side), ratio, mode)
                drawn.addPixmap(pixmap, mode)
                if mode == QIcon.Mode.Normal:  # (chosen or under the pointer: as it is)
                    drawn.addPixmap(pixmap, QIcon.Mode.Selected)
                    drawn.addPixmap(pixmap, QIcon.Mode.Active)
    return drawn


class _SvgEngine(QIconEngine):
    """Draws the icon at the size asked, when first asked (the window's ~20 icons at every
    size, mode and pixel ratio were a third of the window's making: 340 SVG renders), each
    picture kept for the next time."""

    def __init__(self, svg: bytes, tints: dict):
        super().__init__()
        self.svg, self.tints = svg, tints
        self._renderers: dict = {}
        self._pixmaps: dict = {}

    def pixmap(self, size, mode, state) -> QPixmap:
        return self.scaledPixmap(size, mode, state, 1.0)

    def scaledPixmap(self, size, mode, state, scale) -> QPixmap:  # noqa: N802
        mode = QIcon.Mode.Disabled if mode == QIcon.Mode.Disabled else QIcon.Mode.Normal
        ratio = max(1.0, float(scale))
        side = min(size.width(), size.height())
        key = (side, mode, ratio)
        pixmap = self._pixmaps.get(key)
        if pixmap is None:
            renderer = self._renderers.get(mode)
            if renderer is None:
                renderer = self._renderers[mode] = QSvgRenderer(QByteArray(
                    self.svg.replace(b"currentColor", self.tints[mode].encode())))
            pixmap = self._pixmaps[key] = _render(renderer, side, ratio)
        return pixmap

    def paint(self, painter, rect, mode, state) -> None:
        ratio = painter.device().devicePixelRatioF() if painter.device() else 1.0
        side = min(rect.width(), rect.height())
        pixmap = self.scaledPixmap(QSize(side, side), mode, state, ratio)
        painter.drawPixmap(QRectF(rect.x() + (rect.width() - side) / 2,
                                  rect.y() + (rect.height() - side) / 2, side, side),
                           pixmap, QRectF(pixmap.rect()))

    def actualSize(self, size, mode, state) -> QSize:  # noqa: N802
        side = min(size.width(), size.height())
        return QSize(side, side)

    def isNull(self) -> bool:  # noqa: N802
        return False

    def clone(self) -> QIconEngine:
        engine = _SvgEngine(self.svg, self.tints)
        _engines.append(engine)
        return engine


def _render(renderer: QSvgRenderer, size: int, ratio: float) -> QPixmap:
    pixels = max(1, round(size * ratio))
    image = QImage(pixels, pixels, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter, QRectF(0, 0, pixels, pixels))
    painter.end()
    pixmap = QPixmap.fromImage(image)
    pixmap.setDevicePixelRatio(ratio)
    return pixmap
