"""One set of options with one meaning, whichever entry the user takes: the command line's
``--library --backend --threshold --profile --region --endpoint-url --keyring-account --name``
and the window's Settings (the same options, saved). Options given on the command line to the
window hold for that session only, unless saved in Settings."""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from finpics_desktop.domain.errors import InvalidValue
from finpics_desktop.domain.names import Names

NAME_KEYS = tuple(f.name for f in fields(Names) if f.name != "region")


@dataclass(frozen=True)
class CloudOptions:
    """How to reach the finpics cloud. Empty values mean "the default": the AWS credential
    chain ($AWS_PROFILE, environment, instance role) then the keys kept in the OS keyring, the
    profile's region, AWS's own endpoints, the contract's names."""

    profile: str | None = None
    region: str | None = None
    endpoint_url: str | None = None
    keyring_account: str | None = None  # only the keys kept in the keyring under this name
    names: dict[str, str] = field(default_factory=dict)  # overrides of the contract's names
    # keys given for this session only (the window's local cloud prints its admin keys): kept
    # in memory, never saved, never shown
    access_keys: tuple[str, str] | None = field(default=None, repr=False)
    # Rekognition calls a second per operation (None: $FINPICS_REKOGNITION_TPS, else the
    # default: 5 on AWS, no limit on an endpoint given; 0: no limit)
    rekognition_tps: float | None = None

    def __post_init__(self) -> None:
        unknown = set(self.names) - set(NAME_KEYS)
        if unknown:
            raise InvalidValue(f"unknown resource name(s): {', '.join(sorted(unknown))} "
                               f"(known: region, {', '.join(NAME_KEYS)})")

    @classmethod
    def parse_names(cls, pairs: list[str], **options) -> CloudOptions:
        """From ``--name KEY=VALUE`` pairs (``region=...`` sets the region)."""
        names: dict[str, str] = {}
        for pair in pairs:
            key, sep, value = pair.partition("=")
            if not sep or not value.strip():
                raise InvalidValue(f"--name {pair!r}: expected KEY=VALUE")
            names[key.strip()] = value.strip()
        region = names.pop("region", None)
        return cls(**{"region": region, **{k: v for k, v in options.items() if v},
                      "names": names})

    def overridden_by(self, other: CloudOptions) -> CloudOptions:
        """These options with every value ``other`` sets taking precedence."""
        set_values = {f.name: getattr(other, f.name) for f in fields(other)
                      if f.name != "names" and (getattr(other, f.name) or (
                          f.name == "rekognition_tps" and other.rekognition_tps is not None))}
        return replace(self, **set_values, names={**self.names, **other.names})

    def resolved_names(self) -> Names:
        return Names().with_overrides(region=self.region, **self.names)

    def describe(self) -> str:
        """Where the cloud is, for a tooltip: ``finpics-pics on URL, profile P``."""
        names = self.resolved_names()
        where = self.endpoint_url or self.region or "the default region"
        profile = f", profile {self.profile}" if self.profile else ""
        return f"{names.pics_bucket} on {where}{profile}"


@dataclass(frozen=True)
class Options:
    """What one run of the app works on. ``backend="aws"``: the commands work on the cloud,
    and the window shows it beside the library."""

    backend: str = "local"
    library: Path | None = None  # None: $FINPICS_LIBRARY, else the user data folder
    threshold: float | None = None  # the sure cut; None: $FINPICS_THRESHOLD, else the engine's
    cloud: CloudOptions = field(default_factory=CloudOptions)
    # the copies published to the cloud leave the camera's location out (the files are kept)
    remove_location: bool = True
