"""The photo viewer: fit / zoom / pan, face boxes from the photo's ``FaceRecords`` (ratios of
the upright image, so they are drawn on the upright picture) with the names of the named ones,
hover highlight, click a face; Tab chooses a face (to name it), and in drawing mode a box
dragged where the detector found nothing becomes a face (or, where no face can be found, a
region named by hand: drawn dotted, in a colour of its own, always with its name)."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from finpics_desktop.domain.records import FaceRecord

ZOOM_STEP = 1.25
MAX_ZOOM = 8.0


@dataclass(frozen=True)
class FaceBox:
    face_id: str
    left: float
    top: float
    width: float
    height: float
    name: str = ""
    region: bool = False  # a region named by hand, without a face (the id is the region's)

    @classmethod
    def from_record(cls, face: FaceRecord, name: str = "") -> FaceBox:
        return cls(face.face_id, face.left, face.top, face.width, face.height, name)

    @classmethod
    def from_region(cls, region_id: str, box: dict, name: str) -> FaceBox:
        return cls(region_id, box["Left"], box["Top"], box["Width"], box["Height"], name, True)


MIN_DRAWN = 6  # px: a smaller drag is not a box
REGION_COLOR = QColor(236, 112, 210)  # a region named by hand: no face the index knows


class PhotoCanvas(QWidget):
    face_clicked = Signal(str)  # FaceId
    zoom_changed = Signal(float)
    face_drawn = Signal(dict)  # a box drawn in drawing mode, ratios of the upright picture

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAutoFillBackground(True)
        self.image: QImage | None = None
        self.faces: list[FaceBox] = []
        self.hovered: int = -1
        self.matched_face_id: str | None = None
        self.message = ""
        self.fit = True
        self.zoom = 1.0  # displayed pixels per image pixel when not fitting
        self.pan = QPointF(0, 0)  # offset of the image centre from the widget centre
        self._drag_from: QPointF | None = None
        self._pan_at_drag = QPointF(0, 0)
        self.chosen: int = -1  # the face Tab chose (to name it)
        self.drawing = False  # drawing mode: a drag draws a face box
        self._drawn: QRectF | None = None

    # -- content ----------------------------------------------------------------------------
    def set_photo(self, image: QImage | None, faces: list[FaceBox],
                  matched_face_id: str | None = None, message: str = "") -> None:
        self.image = image
        self.faces = list(faces)
        self.matched_face_id = matched_face_id
        self.hovered = -1
        self.chosen = -1
        self._drawn = None
        self.message = message
        self.fit, self.zoom, self.pan = True, 1.0, QPointF(0, 0)
        self.setCursor(Qt.CursorShape.ArrowCursor)
        self.update()

    # -- geometry ---------------------------------------------------------------------------
    def fit_scale(self) -> float:
        if self.image is None or self.image.isNull():
            return 1.0
        dpr = self.devicePixelRatioF()
        scale = min(self.width() / (self.image.width() / dpr),
                    self.height() / (self.image.height() / dpr))
        return min(scale, 1.0) / dpr  # never enlarge a small photo to fit

    def scale(self) -> float:
        return self.fit_scale() if self.fit else self.zoom

    def image_rect(self) -> QRectF:
        """Where the upright picture is drawn, in widget coordinates."""
        if self.image is None or self.image.isNull():
            return QRectF()
        s = self.scale()
        w, h = self.image.width() * s, self.image.height() * s
        pan = QPointF(0, 0) if self.fit else self.pan
        return QRectF(self.width() / 2 - w / 2 + pan.x(), self.height() / 2 - h / 2 + pan.y(),
                      w, h)

    def face_rects(self) -> list[QRectF]:
        """The drawn face boxes in widget coordinates, in ``faces`` order."""
        r = self.image_rect()
        return [QRectF(r.x() + f.left * r.width(), r.y() + f.top * r.height(),
                       f.width * r.width(), f.height * r.height()) for f in self.faces]

    def current_face(self) -> FaceBox | None:
        """The face to name: the one Tab chose, else the one under the mouse, else the only
        one."""
        for index in (self.chosen, self.hovered):
            if 0 <= index < len(self.faces):
                return self.faces[index]
        return self.faces[0] if len(self.faces) == 1 else None

    def clear_drawn(self) -> None:
        """The box drawn goes (its face was not found, or the curator gave up)."""
        if self._drawn is not None:
            self._drawn = None
            self.update()

    @property
    def drawn(self) -> QRectF | None:
        return self._drawn

    def set_drawing(self, on: bool) -> None:
        self.drawing, self._drawn = on, None
        self.setCursor(Qt.CursorShape.CrossCursor if on else Qt.CursorShape.ArrowCursor)
        self.update()

    def face_at(self, pos: QPointF) -> int:
        for i, rect in enumerate(self.face_rects()):
            if rect.adjusted(-3, -3, 3, 3).contains(pos):
                return i
        return -1

    # -- zoom and pan -----------------------------------------------------------------------
    def set_zoom(self, zoom: float) -> None:
        fit = self.fit_scale()
        self.zoom = max(min(zoom, MAX_ZOOM), min(fit, 0.05))
        self.fit = False
        self._clamp_pan()
        self.update()
        self.zoom_changed.emit(self.zoom)

    def zoom_in(self) -> None:
        self.set_zoom(self.scale() * ZOOM_STEP)

    def zoom_out(self) -> None:
        target = self.scale() / ZOOM_STEP
        if target <= self.fit_scale():
            self.fit_to_window()
        else:
            self.set_zoom(target)

    def fit_to_window(self) -> None:
        self.fit, self.pan = True, QPointF(0, 0)
        self.update()
        self.zoom_changed.emit(self.fit_scale())

    def actual_size(self) -> None:
        self.set_zoom(1.0 / self.devicePixelRatioF())

    def _clamp_pan(self) -> None:
        if self.image is None:
            return
        s = self.scale()
        max_x = max(0.0, (self.image.width() * s - self.width()) / 2)
        max_y = max(0.0, (self.image.height() * s - self.height()) / 2)
        self.pan = QPointF(max(-max_x, min(max_x, self.pan.x())),
                           max(-max_y, min(max_y, self.pan.y())))

    # -- events -----------------------------------------------------------------------------
    def paintEvent(self, event) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        if self.image is None or self.image.isNull():
            painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.message)
            return
        painter.drawImage(self.image_rect(), self.image)
        accent = palette.color(QPalette.ColorRole.Highlight)
        for i, (face, rect) in enumerate(zip(self.faces, self.face_rects(), strict=True)):
            matched = face.face_id == self.matched_face_id
            color = QColor(255, 196, 0) if matched else QColor(accent).lighter(130)
            if face.region:
                color = REGION_COLOR
            hovered = i in (self.hovered, self.chosen)
            if hovered:
                fill = QColor(color)
                fill.setAlpha(70)
                painter.fillRect(rect, fill)
            # a dark halo keeps the box visible on light and dark photos
            painter.setPen(QPen(QColor(0, 0, 0, 140), 5 if hovered or matched else 3))
            painter.drawRect(rect)
            painter.setPen(QPen(color, 3 if hovered or matched else 1.5,
                                Qt.PenStyle.DotLine if face.region else Qt.PenStyle.SolidLine))
            painter.drawRect(rect)
            if face.name:
                self._paint_name(painter, face.name, rect, color)
        if self._drawn is not None:
            painter.setPen(QPen(QColor(0, 0, 0, 140), 4))
            painter.drawRect(self._drawn)
            painter.setPen(QPen(QColor(80, 220, 120), 2, Qt.PenStyle.DashLine))
            painter.drawRect(self._drawn)

    def _paint_name(self, painter: QPainter, name: str, rect: QRectF, color: QColor) -> None:
        """The name on a dark band under the box (above it at the bottom of the picture)."""
        metrics = painter.fontMetrics()
        text = metrics.elidedText(name, Qt.TextElideMode.ElideRight, max(int(rect.width()) * 2,
                                                                           80))
        width, height = metrics.horizontalAdvance(text) + 8, metrics.height() + 2
        top = rect.bottom() + 2
        if top + height > self.image_rect().bottom():
            top = rect.top() - height - 2
        band = QRectF(rect.center().x() - width / 2, top, width, height)
        painter.fillRect(band, QColor(0, 0, 0, 170))
        painter.setPen(color.lighter(120))
        painter.drawText(band, Qt.AlignmentFlag.AlignCenter, text)

    def resizeEvent(self, event) -> None:  # noqa: N802
        self._clamp_pan()
        super().resizeEvent(event)

    def mouseMoveEvent(self, event) -> None:  # noqa: N802
        pos = event.position()
        if self.drawing and self._drag_from is not None:
            self._drawn = QRectF(self._drag_from, pos).normalized().intersected(
                self.image_rect())
            self.update()
            return
        if self._drag_from is not None:
            self.pan = self._pan_at_drag + (pos - self._drag_from)
            self._clamp_pan()
            self.update()
            return
        hovered = self.face_at(pos)
        if hovered != self.hovered:
            self.hovered = hovered
            self.setCursor(Qt.CursorShape.PointingHandCursor if hovered >= 0
                           else Qt.CursorShape.ArrowCursor)
            self.setToolTip("Click to find this person in other photos" if hovered >= 0 else "")
            self.update()

    def leaveEvent(self, event) -> None:  # noqa: N802
        if self.hovered != -1:
            self.hovered = -1
            self.update()

    def mousePressEvent(self, event) -> None:  # noqa: N802
        if event.button() != Qt.MouseButton.LeftButton:
            return
        if self.drawing:
            self._drag_from, self._drawn = event.position(), None
            return
        face = self.face_at(event.position())
        if face >= 0:
            self.face_clicked.emit(self.faces[face].face_id)
        elif not self.fit:
            self._drag_from = event.position()
            self._pan_at_drag = QPointF(self.pan)
            self.setCursor(Qt.CursorShape.ClosedHandCursor)

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802
        if self.drawing and self._drag_from is not None:
            drawn, self._drag_from = self._drawn, None
            self.set_drawing(False)
            picture = self.image_rect()
            if drawn is not None and min(drawn.width(), drawn.height()) >= MIN_DRAWN:
                self._drawn = drawn  # shown until the face is indexed (set_photo clears it)
                self.face_drawn.emit({
                    "Left": (drawn.left() - picture.left()) / picture.width(),
                    "Top": (drawn.top() - picture.top()) / picture.height(),
                    "Width": drawn.width() / picture.width(),
                    "Height": drawn.height() / picture.height()})
            return
        if self._drag_from is not None:
            self._drag_from = None
            self.setCursor(Qt.CursorShape.ArrowCursor)

    def keyPressEvent(self, event) -> None:  # noqa: N802
        key = event.key()
        if key in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab) and self.faces:
            step = -1 if key == Qt.Key.Key_Backtab else 1
            self.chosen = (self.chosen + step) % len(self.faces) if self.chosen >= 0 else (
                0 if step > 0 else len(self.faces) - 1)
            self.update()
        elif key == Qt.Key.Key_Escape and self.drawing:
            self.set_drawing(False)
        else:
            super().keyPressEvent(event)

    def focusNextPrevChild(self, next: bool) -> bool:  # noqa: N802, A002
        return not self.faces and super().focusNextPrevChild(next)  # Tab chooses a face

    def mouseDoubleClickEvent(self, event) -> None:  # noqa: N802
        if self.face_at(event.position()) < 0:
            self.fit_to_window() if not self.fit else self.actual_size()

    def wheelEvent(self, event) -> None:  # noqa: N802
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier or not self.fit:
            steps = event.angleDelta().y() / 120
            if steps > 0:
                self.set_zoom(self.scale() * ZOOM_STEP ** steps)
            elif steps < 0:
                target = self.scale() / ZOOM_STEP ** -steps
                self.fit_to_window() if target <= self.fit_scale() else self.set_zoom(target)
            event.accept()
        else:
            event.ignore()  # the page turns photos with the wheel when fitting
