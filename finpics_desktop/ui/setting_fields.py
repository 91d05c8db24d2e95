"""The Settings dialog's field for each kind of declared option (``app/option_kinds.py``): a
check box for yes or no, a list of titles for a fixed choice, an editable list for text with
choices, a line with a Browse… button for a folder, a line for any other text or number (its
option converts what is typed, and says what is wrong with it)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLayout,
    QLineEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from finpics_desktop.app.option_kinds import BoolOption, ChoiceOption, Option, TextOption


class Field:
    """One option's row: ``widget`` is its input, ``row`` what the form shows, ``label`` the
    row's label (None: a check box, whose text is the title)."""

    label: str | None
    widget: QWidget
    row: QWidget | QLayout

    def __init__(self, option: Option):
        self.option = option
        self.label = option.title

    def value(self) -> Any:
        """What the field holds, for the option to convert."""
        raise NotImplementedError

    def show(self, value: Any) -> None:
        raise NotImplementedError

    def _tooltip(self) -> None:
        if self.option.help:
            self.widget.setToolTip(self.option.help)


class CheckField(Field):
    def __init__(self, option: BoolOption, parent: QWidget):
        super().__init__(option)
        self.label = None
        self.widget = self.row = QCheckBox(option.title, parent)
        self._tooltip()

    def value(self) -> bool:
        return self.widget.isChecked()

    def show(self, value: Any) -> None:
        self.widget.setChecked(bool(value))


class LineField(Field):
    def __init__(self, option: Option, parent: QWidget):
        super().__init__(option)
        self.widget = self.row = QLineEdit(parent)
        if hasattr(option, "shown_placeholder"):  # (text, and a number that may be left blank)
            self.widget.setPlaceholderText(option.shown_placeholder())
        self._tooltip()

    def value(self) -> str:
        return self.widget.text()

    def show(self, value: Any) -> None:
        self.widget.setText(self.option.text(value))


class FolderField(LineField):
    def __init__(self, option: TextOption, parent: QWidget):
        super().__init__(option, parent)
        self._parent = parent
        browse = QPushButton("Browse…", parent)
        browse.clicked.connect(self.on_browse)
        self.row = QHBoxLayout()
        self.row.addWidget(self.widget, 1)
        self.row.addWidget(browse)

    def on_browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self._parent, self.option.title,
                                                  self.widget.text())
        if folder:
            self.widget.setText(folder)


class ChoiceField(Field):
    def __init__(self, option: TextOption, parent: QWidget):
        super().__init__(option)
        self.widget = self.row = QComboBox(parent)
        self.widget.setEditable(True)
        self.widget.addItem("")
        self.widget.addItems(list(option.choices()))
        self._tooltip()

    def value(self) -> str:
        return self.widget.currentText()

    def show(self, value: Any) -> None:
        self.widget.setCurrentText(self.option.text(value))


class FixedChoiceField(Field):
    """One of a few values: a list of their titles, nothing else can be typed."""

    def __init__(self, option: ChoiceOption, parent: QWidget):
        super().__init__(option)
        self.widget = self.row = QComboBox(parent)
        for value, title in option.choices:
            self.widget.addItem(title, value)
        self._tooltip()

    def value(self) -> str:
        return self.widget.currentData()

    def show(self, value: Any) -> None:
        self.widget.setCurrentIndex(max(0, self.widget.findData(value)))


def field_for(option: Option, parent: QWidget) -> Field:
    if isinstance(option, BoolOption):
        return CheckField(option, parent)
    if isinstance(option, ChoiceOption):
        return FixedChoiceField(option, parent)
    if isinstance(option, TextOption) and option.choices is not None:
        return ChoiceField(option, parent)
    if isinstance(option, TextOption) and option.browse == "folder":
        return FolderField(option, parent)
    return LineField(option, parent)  # text and numbers: the option converts what is typed


class AdvancedPart(QWidget):
    """A group's *Advanced* options: a disclosure button over their rows, closed until
    opened."""

    def __init__(self, parent: QWidget):
        super().__init__(parent)
        self.setObjectName("advanced")
        self.toggle = QToolButton(self)
        self.toggle.setText("Advanced")
        self.toggle.setCheckable(True)
        self.toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toggle.setAutoRaise(True)
        self.body = QWidget(self)
        self.form = QFormLayout(self.body)
        self.form.setContentsMargins(12, 0, 0, 0)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.toggle)
        layout.addWidget(self.body)
        self.toggle.toggled.connect(self.set_open)
        self.set_open(False)

    def set_open(self, shown: bool) -> None:
        self.toggle.setChecked(shown)
        self.toggle.setArrowType(Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow)
        self.body.setVisible(shown)

    @property
    def is_open(self) -> bool:
        return self.toggle.isChecked()
