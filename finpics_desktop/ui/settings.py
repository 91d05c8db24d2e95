"""Settings in one place (``QSettings``) with their defaults, and the Settings dialog. The
cloud's settings are the application's :class:`CloudOptions`, saved; options given on the
command line hold for the session (:meth:`AppSettings.with_session`) unless saved here."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from finpics_desktop.app.credentials import (
    DEFAULT_ACCOUNT,
    aws_profiles,
    keyring_problem,
    save_access_keys,
)
from finpics_desktop.app.errors import describe_error
from finpics_desktop.app.options import CloudOptions, Options
from finpics_desktop.domain.names import Names

NAME_LABELS = {
    "region": "Region", "pics_bucket": "Originals bucket", "thumbs_bucket": "Thumbnails bucket",
    "site_bucket": "Site bucket", "collection": "Rekognition collection",
    "pics_table": "Metadata table", "image_table": "Face index table",
    "search_function": "Search function", "process_function": "Processing function",
}


@dataclass
class AppSettings:
    library: str = ""  # empty: the default library folder
    aws_enabled: bool = False
    aws_profile: str = ""
    endpoint_url: str = ""
    names: dict[str, str] = field(default_factory=dict)  # overrides of the contract's names
    keyring_account: str = ""  # this session's (--keyring-account): never saved
    session: bool = False  # holds options of the command line that are not saved
    remove_location: bool = True  # the cloud's published copies leave the location out
    # this session's cloud (the local cloud of *Try it locally*, with its admin keys): used
    # instead of the options above, never saved
    session_cloud: CloudOptions | None = field(default=None, repr=False)

    @property
    def cloud_shown(self) -> bool:
        return self.aws_enabled or self.session_cloud is not None

    @classmethod
    def load(cls, store: QSettings | None = None) -> AppSettings:
        s = store or QSettings()
        names = {f.name: str(s.value(f"aws/names/{f.name}", "") or "") for f in fields(Names)}
        return cls(
            library=str(s.value("library", "") or ""),
            aws_enabled=str(s.value("aws/enabled", "false")).lower() in ("true", "1"),
            aws_profile=str(s.value("aws/profile", "") or ""),
            endpoint_url=str(s.value("aws/endpoint_url", "") or ""),
            names={k: v for k, v in names.items() if v},
            remove_location=str(s.value("publish/remove_location", "true")).lower() in (
                "true", "1"),
        )

    def save(self, store: QSettings | None = None) -> None:
        s = store or QSettings()
        s.setValue("library", self.library)
        s.setValue("aws/enabled", self.aws_enabled)
        s.setValue("aws/profile", self.aws_profile)
        s.setValue("aws/endpoint_url", self.endpoint_url)
        s.setValue("publish/remove_location", self.remove_location)
        defaults = Names()
        for f in fields(Names):
            value = self.names.get(f.name, "")
            s.setValue(f"aws/names/{f.name}",
                       value if value and value != getattr(defaults, f.name) else "")
        s.sync()

    def resolved_names(self) -> Names:
        return Names().with_overrides(**self.names)

    def cloud_options(self) -> CloudOptions:
        """How the window reaches the cloud: a region or name equal to the contract's
        default is no override (the profile's region then holds, as on the command line)."""
        if self.session_cloud is not None:
            return self.session_cloud
        defaults = Names()
        names = {k: v for k, v in self.names.items() if v and v != getattr(defaults, k)}
        return CloudOptions(profile=self.aws_profile or None,
                            region=names.pop("region", None), endpoint_url=self.endpoint_url
                            or None, keyring_account=self.keyring_account or None, names=names)

    def with_session(self, options: Options) -> AppSettings:
        """These settings with the command line's options for this session: ``--backend
        aws`` shows the cloud, and every cloud option given replaces the saved one."""
        if options.backend != "aws" and options.cloud == CloudOptions():
            return self
        cloud = self.cloud_options().overridden_by(options.cloud)
        names = dict(cloud.names) | ({"region": cloud.region} if cloud.region else {})
        return AppSettings(
            library=self.library, aws_enabled=self.aws_enabled or options.backend == "aws",
            aws_profile=cloud.profile or "", endpoint_url=cloud.endpoint_url or "",
            names=names, keyring_account=cloud.keyring_account or "", session=True,
            remove_location=self.remove_location and options.remove_location)


class SettingsDialog(QDialog):
    def __init__(self, settings: AppSettings, default_library: Path, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.settings = settings
        self.library = QLineEdit(settings.library, self)
        self.library.setPlaceholderText(str(default_library))
        browse = QPushButton("Browse…", self)
        browse.clicked.connect(self.on_browse)
        row = QHBoxLayout()
        row.addWidget(self.library, 1)
        row.addWidget(browse)
        general = QFormLayout()
        general.addRow("Library folder:", row)

        self.aws_enabled = QCheckBox("Show the finpics cloud (AWS) in the sources", self)
        self.aws_enabled.setChecked(settings.aws_enabled)
        self.profile = QComboBox(self)
        self.profile.setEditable(True)
        self.profile.addItem("")
        self.profile.addItems(aws_profiles())
        self.profile.setCurrentText(settings.aws_profile)
        self.profile.setToolTip("A named profile of your AWS config (SSO profiles included); "
                                "empty: the default credential chain")
        self.endpoint = QLineEdit(settings.endpoint_url, self)
        self.endpoint.setPlaceholderText("optional, e.g. http://127.0.0.1:5000")
        defaults = Names()
        self.name_edits: dict[str, QLineEdit] = {}
        cloud = QFormLayout()
        cloud.addRow(self.aws_enabled)
        cloud.addRow("Profile:", self.profile)
        for f in fields(Names):
            edit = QLineEdit(settings.names.get(f.name) or getattr(defaults, f.name), self)
            edit.setPlaceholderText(getattr(defaults, f.name))
            self.name_edits[f.name] = edit
            cloud.addRow(f"{NAME_LABELS.get(f.name, f.name)}:", edit)
        cloud.addRow("Endpoint URL:", self.endpoint)
        self.remove_location = QCheckBox("Remove location from published photos", self)
        self.remove_location.setToolTip(
            "The copies published to the cloud leave the camera's GPS location out (the "
            "picture itself is not re-encoded; your files are never changed)")
        self.remove_location.setChecked(settings.remove_location)
        cloud.addRow(self.remove_location)
        self.key_id = QLineEdit(self)
        self.key_id.setPlaceholderText("only if you have no profile")
        self.secret = QLineEdit(self)
        self.secret.setEchoMode(QLineEdit.EchoMode.Password)
        cloud.addRow("Access key id:", self.key_id)
        cloud.addRow("Secret access key:", self.secret)
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
        cloud.addRow(self.keyring_warning)
        box = QGroupBox("finpics cloud", self)
        box.setLayout(cloud)
        self.cloud_form = cloud  # Deploy / Try it locally are added below (ui/cloud_setup.py)

        inner = QWidget(self)
        v = QVBoxLayout(inner)
        if settings.session:
            note = QLabel("Options given on the command line hold for this session only; OK "
                          "saves what the dialog shows.", self)
            note.setObjectName("sessionNote")
            note.setWordWrap(True)
            v.addWidget(note)
        v.addLayout(general)
        v.addWidget(box)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.error = QLabel(self)
        self.error.setStyleSheet("color: #d33;")
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.resize(560, 640)

    def on_browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Library folder", self.library.text())
        if folder:
            self.library.setText(folder)

    def result_settings(self) -> AppSettings:
        return AppSettings(
            library=self.library.text().strip(),
            aws_enabled=self.aws_enabled.isChecked(),
            aws_profile=self.profile.currentText().strip(),
            endpoint_url=self.endpoint.text().strip(),
            names={k: e.text().strip() for k, e in self.name_edits.items() if e.text().strip()},
            keyring_account=self.settings.keyring_account,
            remove_location=self.remove_location.isChecked(),
            session_cloud=self.settings.session_cloud,
        )

    def accept(self) -> None:
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
        self.settings = self.result_settings()
        self.settings.save()
        super().accept()
