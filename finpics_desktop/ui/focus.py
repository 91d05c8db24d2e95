"""Where the keyboard is, visible: the item views (the grid, the search results, the sources
tree) draw a frame around their current item while they have the focus, in the palette's
highlight colour (its text colour on a chosen item), whatever the style (Fusion draws its own
focus rectangle only after a Tab, and only faintly)."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QPainter, QPalette, QPen
from PySide6.QtWidgets import QStyle

FOCUS_WIDTH = 2


def has_focus(option) -> bool:
    """The item is the current one of a view that has the keyboard focus."""
    return bool(option.state & QStyle.StateFlag.State_HasFocus)


def paint_focus(painter: QPainter, option, rect=None, radius: float = 4) -> None:
    """The focus frame around ``rect`` (the item's), if the item has the focus."""
    if not has_focus(option):
        return
    selected = bool(option.state & QStyle.StateFlag.State_Selected)
    colour = option.palette.color(QPalette.ColorRole.HighlightedText if selected
                                  else QPalette.ColorRole.Highlight)
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(colour, FOCUS_WIDTH))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    half = FOCUS_WIDTH / 2
    painter.drawRoundedRect(QRectF(rect if rect is not None else option.rect).adjusted(
        half, half, -half, -half), radius, radius)
    painter.restore()
