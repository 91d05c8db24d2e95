"""The centre of the window: the viewer page (canvas + previous/next) and the search results
page (the searched photo first, then every match, best first, with the similarity)."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QImage
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from finpics_desktop.app.entries import Entry
from finpics_desktop.app.errors import describe_error
from finpics_desktop.app.photos import LoadedPhoto, load_photo
from finpics_desktop.app.tasks import Task
from finpics_desktop.domain.bands import MAYBE
from finpics_desktop.ui.grid import GridModel, GridView
from finpics_desktop.ui.thumbs import ThumbnailLoader
from finpics_desktop.ui.viewer import FaceBox, PhotoCanvas
from finpics_desktop.ui.workers import run_task


def _to_qimage(loaded: LoadedPhoto) -> tuple[LoadedPhoto, QImage]:
    img = loaded.image
    qimage = QImage(img.rgb, img.width, img.height, img.bytes_per_line,
                    QImage.Format.Format_RGB888).copy()  # copy: owns its pixels
    return loaded, qimage


class ViewerPage(QWidget):
    face_clicked = Signal(object, str)  # Entry, FaceId
    face_drawn = Signal(object, dict)  # Entry, the box drawn (ratios of the upright picture)
    back_requested = Signal()
    moved = Signal(int)  # stepped to the photo at this index
    photo_loaded = Signal(object, object)  # Entry, PhotoFacts | None
    failed = Signal(str, str)  # label, reason

    def __init__(self, parent=None):
        super().__init__(parent)
        self.entries: list[Entry] = []
        self.index = -1
        self.task: Task | None = None  # loading the photo shown
        self.loading = False
        self.max_side = 2560
        self.canvas = PhotoCanvas(self)
        self.title = QLabel(self)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.back = self._button("Back to the grid (Esc)", "go-previous-view", "◂ Grid")
        self.prev = self._button("Previous photo (Left)", "go-previous", "‹")
        self.next = self._button("Next photo (Right)", "go-next", "›")
        self.back.clicked.connect(self.back_requested)
        self.prev.clicked.connect(lambda: self.step(-1))
        self.next.clicked.connect(lambda: self.step(1))
        bar = QHBoxLayout()
        bar.setContentsMargins(6, 4, 6, 4)
        bar.addWidget(self.back)
        bar.addWidget(self.prev)
        bar.addWidget(self.next)
        bar.addWidget(self.title, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(bar)
        layout.addWidget(self.canvas, 1)
        self.canvas.face_clicked.connect(
            lambda face_id: self.face_clicked.emit(self.current, face_id))
        self.canvas.face_drawn.connect(lambda box: self.face_drawn.emit(self.current, box))

    def _button(self, tip: str, icon: str, text: str) -> QToolButton:
        from PySide6.QtGui import QIcon

        b = QToolButton(self)
        b.setToolTip(tip)
        b.setText(text)
        if QIcon.hasThemeIcon(icon):
            b.setIcon(QIcon.fromTheme(icon))
            b.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        b.setAutoRaise(True)
        return b

    @property
    def current(self) -> Entry | None:
        return self.entries[self.index] if 0 <= self.index < len(self.entries) else None

    def show_entries(self, entries: list[Entry], index: int) -> None:
        self.entries = list(entries)
        self.index = -1  # another list: its photo is shown even at the position shown before
        self.show_index(index)

    def on_changes(self, changes) -> None:
        """An operation changed ``changes``: the photo shown again if its faces (their names)
        are among them -- or may be, while its faces are still being read (a face just drawn
        on it is named before it has loaded again)."""
        entry = self.current
        if not self.isVisible() or entry is None or (entry.picset, entry.name) in changes.left:
            return  # (the navigation leaves a photo that left)
        if entry.backend is not None and (
                entry.backend.identity == changes.album) and (changes.touches_photo(
                entry.picset, entry.name, [face for face, _ in entry.face_boxes()]) or (
                self.loading and changes.faces)):
            self.reload()

    def reload(self) -> None:
        """Show the photo again (a face was added, or names changed)."""
        if self.current is not None:
            index, self.index = self.index, -1
            self.show_index(index)

    def step(self, delta: int) -> None:
        if self.entries:
            self.show_index(max(0, min(len(self.entries) - 1, self.index + delta)))

    def show_index(self, index: int) -> None:
        if index == self.index and self.canvas.image is not None and not self.loading:
            return
        self.index = index
        entry = self.current
        if entry is None:
            return
        self.moved.emit(index)
        if self.task is not None:
            self.task.cancel()  # the user moved on: that photo is not shown
        self.loading = True
        self.prev.setEnabled(index > 0)
        self.next.setEnabled(index < len(self.entries) - 1)
        self.title.setText(f"{entry.label}   ({index + 1} of {len(self.entries)})")
        self.canvas.set_photo(None, [], message="Loading…")
        max_side = self.max_side

        def done(result) -> None:
            loaded, qimage = result
            self.loading = False
            boxes = [FaceBox.from_record(f, loaded.names.get(f.face_id, ""))
                     for f in loaded.faces] + [FaceBox.from_region(r.region_id, r.box, r.name)
                                               for r in loaded.regions]
            self.canvas.set_photo(qimage, boxes, entry.matched_face_id)
            entry.faces = loaded.faces
            self.photo_loaded.emit(entry, loaded.facts)

        def fail(error: BaseException) -> None:
            self.loading = False
            reason = describe_error(error)
            self.canvas.set_photo(None, [], message=f"Cannot show {entry.title}:\n{reason}")
            self.failed.emit(entry.label, reason)
            self.photo_loaded.emit(entry, None)

        self.task = run_task(lambda: _to_qimage(load_photo(entry, max_side)), done, fail)

    def keyPressEvent(self, event) -> None:  # noqa: N802
        key = event.key()
        if key in (Qt.Key.Key_Left, Qt.Key.Key_Up, Qt.Key.Key_PageUp, Qt.Key.Key_Backspace):
            self.step(-1)
        elif key in (Qt.Key.Key_Right, Qt.Key.Key_Down, Qt.Key.Key_PageDown, Qt.Key.Key_Space):
            self.step(1)
        elif key == Qt.Key.Key_Home:
            self.show_index(0)
        elif key == Qt.Key.Key_End:
            self.show_index(len(self.entries) - 1)
        elif key == Qt.Key.Key_Escape:
            self.back_requested.emit()
        else:
            super().keyPressEvent(event)

    def wheelEvent(self, event) -> None:  # noqa: N802
        if self.canvas.fit:
            self.step(-1 if event.angleDelta().y() > 0 else 1)


class SearchPage(QWidget):
    """The photos of one person, in two sections: the sure ones (never another person) with
    the searched photo first, and below them, apart on a tinted ground, "Maybe the same
    person"; activating one opens it in the viewer (among the photos of its section)."""

    open_entry = Signal(list, int)
    back_requested = Signal()

    def __init__(self, loader: ThumbnailLoader, parent=None):
        super().__init__(parent)
        self.header = QLabel(self)
        self.header.setWordWrap(True)
        self.back = QToolButton(self)
        self.back.setText("◂ Back")
        self.back.setToolTip("Back (Esc)")
        self.back.setAutoRaise(True)
        self.back.clicked.connect(self.back_requested)
        self.model = GridModel(loader, self)
        self.view = GridView(self)
        self.view.setModel(self.model)
        self.view.activated.connect(
            lambda index: self.open_entry.emit(self.model.entries, index.row()))
        self.maybe = QFrame(self)  # the maybe section, tinted: visibly not the promise
        self.maybe.setObjectName("maybe")
        self.maybe.setStyleSheet("QFrame#maybe { background: rgba(230, 160, 40, 40); "
                                 "border-top: 2px dashed rgb(230, 160, 40); }")
        self.maybe_header = QLabel(self.maybe)
        self.maybe_header.setWordWrap(True)
        self.maybe_model = GridModel(loader, self)
        self.maybe_view = GridView(self.maybe)
        self.maybe_view.setModel(self.maybe_model)
        self.maybe_view.activated.connect(
            lambda index: self.open_entry.emit(self.maybe_model.entries, index.row()))
        section = QVBoxLayout(self.maybe)
        section.setContentsMargins(6, 4, 6, 0)
        section.addWidget(self.maybe_header)
        section.addWidget(self.maybe_view, 1)
        self.maybe.hide()
        bar = QHBoxLayout()
        bar.setContentsMargins(6, 4, 6, 4)
        bar.addWidget(self.back)
        bar.addWidget(self.header, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.view, 3)
        layout.addWidget(self.maybe, 2)
        self.searching = False

    def start(self, entry: Entry) -> None:
        self.searching = True
        self.header.setText(f"Searching for the person clicked in {entry.title}…")
        self.model.set_entries([])
        self.maybe_model.set_entries([])
        self.maybe.hide()

    def show_results(self, entries: list[Entry], person: str = "", faces: int = 0) -> None:
        """The searched photo first, then every sure photo of the person (of ``person``, the
        name of the face clicked, searched with ``faces`` of their named faces); the maybes
        apart."""
        self.searching = False
        sure = [e for e in entries if e.band != MAYBE]
        maybe = [e for e in entries if e.band == MAYBE]
        count = len(sure) - 1
        plural = "s" if count != 1 else ""
        if person:
            used = f"{faces} named face{'s' if faces != 1 else ''}"
            self.header.setText(
                f"<b>Photos of {escape(person)}</b>: {count} other photo{plural}, searched with "
                f"the {used} of {escape(person)}; the photos {escape(person)} is named in "
                "first, then the best matches. The matching face is outlined; open a photo to "
                "see it." if count else
                f"<b>Photos of {escape(person)}</b>: no other photo was found for sure "
                f"(searched with the {used} of {escape(person)}).")
        else:
            self.header.setText(
                f"<b>{count} other photo{plural}</b> of this person, best match first, with the "
                "similarity. The matching face is outlined; open a photo to see it."
                if count else "<b>No other photo</b> of this person was found for sure.")
        self.model.set_entries(sure)
        self.view.setCurrentIndex(self.model.index(1 if count else 0))
        named = next((e.person for e in maybe if e.person), "")
        self.maybe_header.setText(
            f"<b>Maybe the same person</b>: {len(maybe)} photo{'s' if len(maybe) != 1 else ''}"
            " alike, but not enough to be sure (or a face too small or blurred)."
            + (f" Y confirms the face as {named}, N rejects it." if named else ""))
        self.maybe_model.set_entries(maybe)
        self.maybe.setVisible(bool(maybe))

    def chosen(self) -> list[Entry]:
        """The photos selected in either section, sure ones first."""
        return [model.entries[r] for view, model in self.sections()
                for r in sorted(i.row() for i in view.selectedIndexes())
                if r < len(model.entries)]

    def current(self) -> Entry | None:
        """The current photo of the section that has the focus (else of the sure one)."""
        view, model = next(((v, m) for v, m in self.sections() if v.hasFocus()),
                           (self.view, self.model))
        index = view.currentIndex()
        return model.entries[index.row()] if index.isValid() and index.row() < len(
            model.entries) else None

    def sections(self) -> list[tuple[GridView, GridModel]]:
        return [(self.view, self.model), (self.maybe_view, self.maybe_model)]

    def drop(self, entries: list[Entry]) -> None:
        """These maybes were answered: they leave the maybe section."""
        kept = [e for e in self.maybe_model.entries if e not in entries]
        self.maybe_model.set_entries(kept)
        self.maybe.setVisible(bool(kept))

    def show_error(self, reason: str) -> None:
        self.searching = False
        self.header.setText(f"The search failed: {reason}")

    def show_cancelled(self) -> None:
        self.searching = False
        self.header.setText("The search was cancelled.")

    def keyPressEvent(self, event) -> None:  # noqa: N802
        if event.key() == Qt.Key.Key_Escape:
            self.back_requested.emit()
        else:
            super().keyPressEvent(event)

