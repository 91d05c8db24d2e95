"""The settings kept with ``QSettings`` (the platform's place for them), and the Settings
dialog, whose rows are built from the declarations (``app/settings.py``): a new setting is
one declaration there, and nothing here. The hand-made parts are the cloud's: *Sign in* beside
an SSO profile (``ui/sso_sign_in.py``), and the access keys, which go to the OS keyring only,
never to the settings."""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from finpics_desktop.app.credentials import DEFAULT_ACCOUNT, keyring_problem, save_access_keys
from finpics_desktop.app.errors import describe_error
from finpics_desktop.app.option_kinds import InvalidSetting, Store
from finpics_desktop.app.settings import CLOUD, SETTINGS, Settings
from finpics_desktop.ui.setting_fields import AdvancedPart, Field, field_for
from finpics_desktop.ui.sso_sign_in import SsoSignIn


class AppSettings(Settings):
    """The declared settings, loaded from and saved to ``QSettings`` unless told another
    store."""

    @classmethod
    def load(cls, store: Store | None = None) -> AppSettings:
        return cls.load_from(store if store is not None else QSettings())

    def save(self, store: Store | None = None) -> None:
        self.save_to(store if store is not None else QSettings())

    def save_setting(self, name: str, store: Store | None = None) -> None:
        """This one setting saved (a session's command-line options are not)."""
        self.save_one(name, store if store is not None else QSettings())


class SettingsDialog(QDialog):
    """A box for every declared group, the cloud's first ("Connect to your finpics cloud"), a
    row for every declared option that shows (in the order declared; the advanced ones under
    the group's *Advanced* part), and the access keys. OK checks every field, saves, and keeps
    the result in ``settings``; a field that is not one of its option's values is said, and
    nothing is saved."""

    def __init__(self, settings: Settings, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.settings = settings
        self.rows: dict[str, Field] = {}
        self.forms: dict[str, QFormLayout] = {}
        self.boxes: dict[str, QWidget] = {}
        self.advanced: dict[str, AdvancedPart] = {}
        inner = QWidget(self)
        page = QVBoxLayout(inner)
        if settings.session:
            note = QLabel("Options given on the command line hold for this session only; OK "
                          "saves what the dialog shows.", self)
            note.setObjectName("sessionNote")
            note.setWordWrap(True)
            page.addWidget(note)
        for group in SETTINGS.groups():
            box = self.boxes[group.name] = QGroupBox(group.title, self)
            box.setObjectName(f"settings-{group.name}")
            column = QVBoxLayout(box)
            form = self.forms[group.name] = QFormLayout()
            column.addLayout(form)
            advanced = [o for o in SETTINGS.shown_in(group.name) if o.advanced]
            if advanced:
                part = self.advanced[group.name] = AdvancedPart(box)
                column.addWidget(part)
            for option in SETTINGS.shown_in(group.name):
                row = self.rows[option.name] = field_for(option, self)
                row.show(settings[option.name])
                target = self.advanced[group.name].form if option.advanced else form
                if row.label is None:
                    target.addRow(row.row)
                else:
                    target.addRow(f"{row.label}:", row.row)
            if advanced:  # open when something in it is set
                part.set_open(any(settings[o.name] != o.default for o in advanced))
            page.addWidget(box)
        page.addStretch(1)
        self.cloud_form = self.forms[CLOUD]  # Deploy / Try it locally: ui/cloud_setup.py
        self.sign_in = SsoSignIn(self.rows["aws_profile"].widget, self)
        self.cloud_form.insertRow(self._row_of("aws_profile") + 1, self.sign_in)
        self.finished.connect(self.sign_in.stop)
        self._add_access_keys(self.cloud_form)
        self.scroll = QScrollArea(self)
        self.scroll.setWidgetResizable(True)
        self.scroll.setWidget(inner)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.error = QLabel(self)
        self.error.setObjectName("settingsError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #d33;")
        layout = QVBoxLayout(self)
        layout.addWidget(self.scroll, 1)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.resize(600, 680)

    def _row_of(self, name: str) -> int:
        row, _role = self.cloud_form.getWidgetPosition(self.rows[name].widget)
        return row

    def show_section(self, name: str) -> None:
        """Bring the section ``name`` (a settings group: ``cloud``, ``general``) into view,
        the focus on its first field."""
        box = self.boxes.get(name)
        if box is None:
            return
        self.scroll.ensureWidgetVisible(box, 0, 0)
        first = next((self.rows[o.name].widget for o in SETTINGS.shown_in(name)
                      if o.name in self.rows and not o.advanced
                      and not isinstance(self.rows[o.name].widget, QCheckBox)), None)
        if first is not None:
            first.setFocus()

    def _add_access_keys(self, form: QFormLayout) -> None:
        """Secrets, kept in the OS keyring only: never settings."""
        self.key_id = QLineEdit(self)
        self.key_id.setPlaceholderText("only without an AWS profile")
        self.secret = QLineEdit(self)
        self.secret.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow("Access key id:", self.key_id)
        form.addRow("Secret access key:", self.secret)
        self.keyring_warning = QLabel(self)
        self.keyring_warning.setWordWrap(True)
        self.keyring_warning.setObjectName("keyringWarning")
        problem = keyring_problem()
        if problem:
            self.keyring_warning.setText("⚠ " + problem)
            self.keyring_warning.setStyleSheet("color: #c60;")
            self.key_id.setEnabled(False)
            self.secret.setEnabled(False)
        else:
            self.keyring_warning.setText("Access keys are kept in the OS keyring only.")
        form.addRow(self.keyring_warning)

    def field(self, name: str) -> QWidget:
        """The input of the declared option ``name`` (its line, check box or list)."""
        return self.rows[name].widget

    def result_settings(self) -> Settings:
        """The settings the dialog shows (the options it does not show, and this session's
        keyring account and local cloud, kept); raises InvalidSetting for a field that is not
        one of its option's values (naming the option and the value), with the focus on it."""
        result = self.settings.copy()
        result.session = False
        for name, row in self.rows.items():
            try:
                result[name] = row.value()
            except InvalidSetting:
                row.widget.setFocus()
                raise
        return result

    def valid_settings(self) -> Settings | None:
        """The settings shown, or None when a field is wrong (said under the fields)."""
        try:
            settings = self.result_settings()
        except InvalidSetting as e:
            self.error.setText(str(e))
            return None
        self.error.clear()
        return settings

    def accept(self) -> None:
        settings = self.valid_settings()
        if settings is None:
            return
        key_id, secret = self.key_id.text().strip(), self.secret.text().strip()
        if key_id or secret:
            if not (key_id and secret):
                self.error.setText("Give both the access key id and the secret access key.")
                return
            try:
                save_access_keys(key_id, secret,  # the account this session reads
                                 self.settings.keyring_account or DEFAULT_ACCOUNT)
            except Exception as e:  # noqa: BLE001 - shown in the dialog
                self.error.setText(f"The keys could not be saved: {describe_error(e)}")
                return
        self.settings = settings
        settings.save_to(QSettings())
        super().accept()
