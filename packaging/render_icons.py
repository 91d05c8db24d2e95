"""Renders the app icon's PNG sizes from its SVG with Qt's own SVG renderer:

    QT_QPA_PLATFORM=offscreen .venv/bin/python packaging/render_icons.py

writes ``resources/icons/hicolor/<N>x<N>/apps/finpics-desktop.png`` for the sizes desktops
look for. Run it again after changing ``resources/icons/hicolor/scalable/apps/finpics-desktop.svg``
and commit the PNGs (the build ships them as they are).
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

HICOLOR = Path(__file__).resolve().parents[1] / "resources" / "icons" / "hicolor"
NAME = "finpics-desktop"
SIZES = (16, 24, 32, 48, 64, 128, 256)


def render(svg: Path, size: int) -> QImage:
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"{svg}: not an SVG Qt can render")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    return image


def main() -> int:
    QGuiApplication(sys.argv[:1])
    svg = HICOLOR / "scalable" / "apps" / f"{NAME}.svg"
    for size in SIZES:
        target = HICOLOR / f"{size}x{size}" / "apps" / f"{NAME}.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        if not render(svg, size).save(str(target)):
            raise SystemExit(f"{target}: could not write it")
        print(target.relative_to(HICOLOR.parents[2]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
