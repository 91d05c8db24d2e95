"""The "New picset" dialog: a title proposed from the folder's name, what the site will show
for it, validated live; the picset's id under *Advanced*."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
)

from finpics_desktop.app import similar
from finpics_desktop.app.publish import Proposal, PublishPlan
from finpics_desktop.app.tasks import Task
from finpics_desktop.domain.errors import FinpicsError
from finpics_desktop.domain.picsets import display_name, read_title
from finpics_desktop.pipeline.publish.upload import plan_files
from finpics_desktop.ui.workers import run_task


class NewPicsetDialog(QDialog):
    """Publish these photos to this picset? The curator reads and types a *title* (proposed
    by the application layer: a new picset's is the folder's name as written; a folder
    published before goes on into its picset), sees what the site will show for it -- and
    why, for what a picset's address cannot carry -- before publishing; the id (the number
    ordering the list, then the title) is an *Advanced* detail that may be typed too."""

    def __init__(self, proposal: Proposal, target: str, parent=None):
        super().__init__(parent)
        self.setWindowTitle("New picset")
        self.proposal = proposal
        self.paths = list(proposal.plan.sources)
        self.existing = proposal.existing
        self.title_edit = QLineEdit(proposal.title, self)
        self.title_edit.setObjectName("picsetTitle")
        self.title_edit.setClearButtonEnabled(True)
        self.id_edit = QLineEdit(proposal.picset_id, self)
        self.id_edit.setObjectName("picsetId")
        self.id_edit.setToolTip("The picset's id: its ordering number (the site lists the "
                                "highest first), '_', then the title with '_' for each space")
        self.shown_as = QLabel(self)
        self.shown_as.setObjectName("shownAs")
        self.shown_as.setTextFormat(Qt.TextFormat.PlainText)
        self.reading = QLabel(self)
        self.reading.setObjectName("reading")
        self.reading.setWordWrap(True)
        self.problem = QLabel(self)
        self.problem.setWordWrap(True)
        self.problem.setObjectName("problem")
        self.count = QLabel("Counting photos…", self)
        what = ", ".join(p.name for p in self.paths[:3]) + (
            f" and {len(self.paths) - 3} more" if len(self.paths) > 3 else "")
        source = QLabel(what, self)
        source.setToolTip("\n".join(str(p) for p in self.paths))
        self.keep_best = QCheckBox(self)  # offered once near-duplicates are found
        self.keep_best.setObjectName("keepBest")
        self.similar: similar.Similar | None = None
        self.advanced = QCheckBox("Advanced: show the picset id", self)
        self.advanced.setObjectName("advanced")
        self.form = form = QFormLayout()
        form.addRow("Publish:", source)
        form.addRow("To:", QLabel(target, self))
        form.addRow("Title:", self.title_edit)
        form.addRow("The site shows:", self.shown_as)
        form.addRow("", self.reading)
        form.addRow("Picset id:", self.id_edit)
        form.addRow("", self.problem)
        form.addRow("Photos:", self.count)
        form.addRow("", self.keep_best)
        form.addRow("", self.advanced)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Publish")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(520)
        self.photos: list[Path] | None = None
        self._following = False  # the id follows the title being typed
        self.advanced.toggled.connect(lambda on: form.setRowVisible(self.id_edit, on))
        form.setRowVisible(self.id_edit, False)
        form.setRowVisible(self.keep_best, False)
        self.title_edit.textChanged.connect(self.on_title_changed)
        self.id_edit.textChanged.connect(self.on_id_changed)
        self.on_id_changed(self.id_edit.text())
        run_task(lambda: plan_files(self.paths), self.on_planned)
        scan = Task()
        run_task(lambda: similar.in_sources(self.paths, "these photos", similar.no_faces,
                                            scan.stop),
                 self.on_similar, lambda _error: None,  # (no offer: publishing goes on as ever)
                 task=scan)
        self.finished.connect(lambda _result: scan.cancel())

    @property
    def picset(self) -> str:
        return self.id_edit.text().strip()

    @property
    def title(self) -> str:
        return self.title_edit.text()

    @property
    def plan(self) -> PublishPlan:
        """What publishing will do with the title and id as the curator left them."""
        return self.proposal.choose(self.picset, self.title)

    def on_title_changed(self, text: str) -> None:
        """The id follows the title (its number kept); a title with nothing an id can carry
        is said at once, with what was typed kept."""
        try:
            picset = self.proposal.id_for(text)
        except FinpicsError as e:
            self._refuse(str(e))
            return
        self._following = True
        try:
            if picset == self.id_edit.text():
                self.on_id_changed(picset)
            else:
                self.id_edit.setText(picset)
        finally:
            self._following = False

    def on_id_changed(self, text: str) -> None:
        ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        try:
            plan = self.proposal.choose(text, self.title)
        except FinpicsError as e:
            self._refuse(str(e))
            return
        self.shown_as.setText(display_name(text.strip()))
        typed = self._following or text.strip() == self.proposal.id_for_or_none(self.title)
        note = read_title(self.title).note() if typed else ""
        self.reading.setText(note[:1].upper() + note[1:] + "." if note else "")
        self.reading.setStyleSheet("color: #b36b00;" if note else "")
        note = (f"The interrupted job is resumed ({plan.resume.done} of {plan.resume.total} "
                "photo(s) done): only what is missing is sent.") if plan.resume else (
            "This picset exists: the photos are added to it.") if (
            text.strip() in self.existing) else ""
        self.problem.setText(note)
        self.problem.setStyleSheet("")
        ok_button.setEnabled(self.photos is None or bool(self.photos))

    def _refuse(self, why: str) -> None:
        self.problem.setText(why[:1].upper() + why[1:])
        self.problem.setStyleSheet("color: #d33;")
        self.shown_as.setText("")
        self.reading.setText("")
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(False)

    @property
    def keeps_best(self) -> bool:
        """Whether the curator asked to keep only the best of each near-duplicate group."""
        return self.similar is not None and self.keep_best.isChecked()

    def on_similar(self, found: similar.Similar) -> None:
        """Near-duplicates among the photos: keeping only the best of each is offered (the
        others go to the trash once published, undoably)."""
        if not found.groups:
            return
        self.similar = found
        self.keep_best.setText(
            f"Keep only the best of {len(found.groups)} near-duplicate group(s): the other "
            f"{len(found.others)} photo(s) go to the trash once published (undoable)")
        self.keep_best.setToolTip("\n".join(
            f"{g.kind}: {', '.join(g.members)}" for g in found.groups))
        self.form.setRowVisible(self.keep_best, True)

    def on_planned(self, planned) -> None:
        photos, skipped = planned
        self.photos = photos
        text = f"{len(photos)} photo(s)"
        if skipped:
            text += f", {len(skipped)} other file(s) skipped"
        self.count.setText(text)
        if not photos:
            self.count.setText("No .jpg, .jpeg or .png photo here: nothing to publish.")
        self.on_id_changed(self.id_edit.text())
