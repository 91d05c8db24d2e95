"""The settings, each declared once (``SETTINGS``), and their values (:class:`Settings`).

A new setting is one declaration here: the window then loads it, saves it, validates it and
shows it in its Settings dialog (``ui/settings.py`` builds the rows from the declarations).
The stored keys are those of the versions before, so that their users keep their values.
Secrets are never settings: access keys go only to the OS keyring (``app/credentials.py``).

The cloud's settings are the application's :class:`CloudOptions`, saved; options given on the
command line hold for the session (:meth:`Settings.with_session`) unless saved."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields, replace
from typing import Any

from finpics_desktop.app.credentials import aws_profiles
from finpics_desktop.app.option_kinds import (
    BoolOption,
    ChoiceOption,
    Declarations,
    FloatOption,
    InvalidSetting,
    ListOption,
    Option,
    Store,
    TextOption,
)
from finpics_desktop.app.options import CloudOptions, Options
from finpics_desktop.compose import default_library
from finpics_desktop.domain.errors import SETTINGS_CLOUD, SETTINGS_GENERAL
from finpics_desktop.domain.names import Names

SETTINGS = Declarations()
# the cloud leads: how a curator connects is the first thing Settings asks
CLOUD = SETTINGS.group(SETTINGS_CLOUD, "Connect to your finpics cloud").name
GENERAL = SETTINGS.group(SETTINGS_GENERAL, "Library").name

SETTINGS.declare(TextOption(
    name="library", key="library", title="Library folder", group=GENERAL, browse="folder",
    placeholder=lambda: str(default_library()),
    help="The folder of the library (its photos, database and face index); empty: the "
         "default folder. A new folder is used from the next start."))
SETTINGS.declare(ChoiceOption(
    name="appearance", key="window/appearance", title="Appearance", group=GENERAL,
    default="system", choices=(("system", "As the system"), ("light", "Light"),
                               ("dark", "Dark")),
    help="Light or dark; as the system: follows the desktop's light or dark mode, also "
         "when it changes"))
SETTINGS.declare(ListOption(
    name="places", key="window/places", title="Places",
    help="The folders added to This computer (File > Add a place…), kept across starts"))
SETTINGS.declare(BoolOption(
    name="aws_enabled", key="aws/enabled", title="Show the finpics cloud (AWS) in the sources",
    group=CLOUD, help="The finpics cloud is shown beside the library, reached as set below"))
SETTINGS.declare(TextOption(
    name="aws_profile", key="aws/profile", title="AWS profile", group=CLOUD,
    choices=aws_profiles,
    help="A named profile of your AWS config (SSO profiles included: Sign in); empty: the "
         "default credential chain"))

_NAME_TITLES = {
    "region": "Region", "pics_bucket": "Originals bucket", "thumbs_bucket": "Thumbnails bucket",
    "site_bucket": "Site bucket", "collection": "Rekognition collection",
    "pics_table": "Metadata table", "image_table": "Face index table",
    "private_table": "Private table", "search_function": "Search function",
    "process_function": "Processing function",
}
_NAME_NOTES = {"private_table": " (the curator's records, never the public site's)"}
# the contract's names: an empty one (or one equal to the contract's) is the contract's
NAME_OPTIONS: dict[str, Option] = {
    f.name: SETTINGS.declare(TextOption(
        name=f"names.{f.name}", key=f"aws/names/{f.name}", group=CLOUD,
        title=_NAME_TITLES.get(f.name, f.name), empty_means=f.default, placeholder=f.default,
        advanced=f.name != "region",  # the region leads; the names are the deployer's
        help=f"The contract's default is {f.default}" + _NAME_NOTES.get(f.name, "")))
    for f in fields(Names)
}
SETTINGS.declare(TextOption(
    name="endpoint_url", key="aws/endpoint_url", title="Endpoint URL", group=CLOUD,
    advanced=True,
    placeholder="optional, e.g. http://127.0.0.1:5000",
    help="Where the cloud's services answer (a local cloud); empty: AWS's own endpoints"))
SETTINGS.declare(FloatOption(
    name="rekognition_tps", key="aws/rekognition_tps", title="Rekognition calls a second",
    group=CLOUD, advanced=True, default=None, blank=True, minimum=0, maximum=1000,
    placeholder="as the command line: 5 on AWS, no limit on an endpoint URL",
    help="The calls a second your AWS account allows each Rekognition operation (face "
         "searches, namings): the window keeps to it, all its work together, so that no call "
         "is refused. Empty: $FINPICS_REKOGNITION_TPS, else 5 (most regions' limit) on AWS's "
         "own endpoints and no limit on an endpoint URL; 0: no limit. Raise it once AWS "
         "raised your account's limit"))
SETTINGS.declare(BoolOption(
    name="remove_location", key="publish/remove_location", default=True, group=CLOUD,
    title="Remove location from published photos",
    help="The copies published to the cloud leave the camera's GPS location out (the "
         "picture itself is not re-encoded; your files are never changed)"))

_SESSION = ("keyring_account", "session", "session_cloud")


class Settings:
    """The value of every declared option (``settings.library``, ``settings["names.region"]``;
    a value set is converted and checked by its declaration) and this session's, never
    saved: ``keyring_account`` (``--keyring-account``), ``session`` (options of the command
    line hold) and ``session_cloud`` (the local cloud of *Try it locally*, with its admin
    keys: used instead of the saved cloud)."""

    def __init__(self, *, names: Mapping[str, str] | None = None, keyring_account: str = "",
                 session: bool = False, session_cloud: CloudOptions | None = None,
                 **values: Any):
        object.__setattr__(self, "values", {o.name: o.default for o in SETTINGS})
        self.keyring_account, self.session = keyring_account, session
        self.session_cloud = session_cloud
        for name, value in values.items():
            self[name] = value
        if names:
            self.names = names

    # -- the values, read and set through their declarations ------------------------------
    def __getitem__(self, name: str) -> Any:
        option = self._option(name)
        return self.values.get(name, option.default)  # declared after this was made: default

    def __setitem__(self, name: str, value: Any) -> None:
        self.values[name] = self._option(name).convert(value)

    def __getattr__(self, name: str) -> Any:  # only for what is not an attribute
        if name != "values" and name in SETTINGS:
            return self[name]
        raise AttributeError(f"{type(self).__name__} has no {name!r}")

    def __setattr__(self, name: str, value: Any) -> None:
        if name in SETTINGS:
            self[name] = value
        else:
            object.__setattr__(self, name, value)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Settings):
            return NotImplemented
        return self.values == other.values and all(
            getattr(self, n) == getattr(other, n) for n in _SESSION)

    def __repr__(self) -> str:
        shown = {n: v for n, v in self.values.items() if v != SETTINGS[n].default}
        return f"{type(self).__name__}({shown}, session={self.session})"

    @staticmethod
    def _option(name: str) -> Option:
        if name not in SETTINGS:
            raise InvalidSetting(f"there is no setting {name!r}")
        return SETTINGS[name]

    def copy(self) -> Settings:
        twin = type(self)(keyring_account=self.keyring_account, session=self.session,
                          session_cloud=self.session_cloud)
        twin.values.update(self.values)
        return twin

    # -- the store --------------------------------------------------------------------------
    @classmethod
    def load_from(cls, store: Store) -> Settings:
        """Never raises for what is stored: a value that is not one of its option's is logged
        and the default used."""
        settings = cls()
        for option in SETTINGS:
            settings.values[option.name] = option.load(store.value(option.key))
        return settings

    def save_one(self, name: str, store: Store) -> None:
        """Only this setting is saved (the others may hold this session's values)."""
        option = self._option(name)
        store.setValue(option.key, option.stored(self[name]))
        store.sync()

    def save_to(self, store: Store) -> None:
        for option in SETTINGS:
            store.setValue(option.key, option.stored(self[option.name]))
        store.sync()

    # -- the cloud ----------------------------------------------------------------------------
    @property
    def names(self) -> dict[str, str]:
        """The overrides of the contract's names (region included)."""
        return {k: self[o.name] for k, o in NAME_OPTIONS.items() if self[o.name]}

    @names.setter
    def names(self, names: Mapping[str, str]) -> None:
        unknown = set(names) - set(NAME_OPTIONS)
        if unknown:
            raise InvalidSetting(f"unknown resource name(s): {', '.join(sorted(unknown))}")
        for key, option in NAME_OPTIONS.items():
            self[option.name] = names.get(key) or ""

    @property
    def cloud_shown(self) -> bool:
        return self.aws_enabled or self.session_cloud is not None

    def resolved_names(self) -> Names:
        return Names().with_overrides(**self.names)

    def cloud_options(self) -> CloudOptions:
        """How the window reaches the cloud: a region or name equal to the contract's
        default is no override (the profile's region then holds, as on the command line)."""
        if self.session_cloud is not None:
            return self.session_cloud if self.rekognition_tps is None else replace(
                self.session_cloud, rekognition_tps=self.rekognition_tps)
        names = dict(self.names)
        return CloudOptions(profile=self.aws_profile or None,
                            region=names.pop("region", None), endpoint_url=self.endpoint_url
                            or None, keyring_account=self.keyring_account or None, names=names,
                            rekognition_tps=self.rekognition_tps)

    def with_session(self, options: Options) -> Settings:
        """These settings with the command line's options for this session: ``--backend
        aws`` shows the cloud, and every cloud option given replaces the saved one."""
        if options.backend != "aws" and options.cloud == CloudOptions():
            return self
        cloud = self.cloud_options().overridden_by(options.cloud)
        session = self.copy()
        session.aws_enabled = self.aws_enabled or options.backend == "aws"
        session.aws_profile, session.endpoint_url = cloud.profile or "", cloud.endpoint_url or ""
        session.names = dict(cloud.names) | ({"region": cloud.region} if cloud.region else {})
        session.keyring_account, session.session = cloud.keyring_account or "", True
        session.rekognition_tps = cloud.rekognition_tps
        session.remove_location = self.remove_location and options.remove_location
        session.session_cloud = None
        return session
