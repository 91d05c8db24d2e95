"""The composition root: builds the backend a command or the window works on."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from finpics_desktop.domain.errors import FinpicsError
from finpics_desktop.domain.names import Names
from finpics_desktop.pipeline.functions.search import resolve_threshold
from finpics_desktop.ports import Backend

BACKENDS = ("local", "aws")
KeyringLookup = Callable[[str], "tuple[str, str] | None"]  # account name -> (key id, secret)


def default_library() -> Path:
    """``FINPICS_LIBRARY`` if set, else the platform's user data dir (e.g. ~/.local/share)."""
    env = os.environ.get("FINPICS_LIBRARY")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_path

    return user_data_path("finpics-desktop", appauthor=False) / "library"


def open_backend(
    kind: str = "local",
    library: Path | None = None,
    names: Names | None = None,
    threshold: float | None = None,
    *,
    profile: str | None = None,
    region: str | None = None,
    endpoint_url: str | None = None,
    keyring_account: str | None = None,
    keyring: KeyringLookup | None = None,
    access_keys: tuple[str, str] | None = None,
    rekognition_tps: float | None = None,
) -> Backend:
    """The backend of ``kind``. For "aws": a named profile (SSO included; $AWS_PROFILE), the
    region ($AWS_REGION or the profile's), an endpoint override ($FINPICS_ENDPOINT_URL, e.g.
    ``finpics-desktop local-cloud``), keys given for the session (``access_keys``, held in
    memory only) or keys kept in the OS keyring under ``keyring_account`` and read with
    ``keyring`` (the application's keyring policy)."""
    if kind == "local":
        from finpics_desktop.backends.local.library import open_library

        return open_library(library or default_library(), names, resolve_threshold(threshold))
    if kind == "aws":
        from finpics_desktop.backends.aws.backend import open_aws

        return open_aws(names, _aws_settings(profile, region, endpoint_url, keyring_account,
                                             keyring, access_keys, rekognition_tps))
    raise FinpicsError(f"unknown backend {kind!r} (choose from {', '.join(BACKENDS)})")


def aws_clients(profile: str | None = None, region: str | None = None,
                endpoint_url: str | None = None, keyring_account: str | None = None,
                keyring: KeyringLookup | None = None,
                access_keys: tuple[str, str] | None = None,
                rekognition_tps: float | None = None):
    """AWS clients for the commands that work on the stack itself (deploy, reprocess)."""
    from finpics_desktop.backends.aws.session import Clients

    return Clients(_aws_settings(profile, region, endpoint_url, keyring_account, keyring,
                                 access_keys, rekognition_tps))


def _rekognition_tps(given: float | None) -> float | None:
    """The Rekognition calls a second asked for: given, else $FINPICS_REKOGNITION_TPS, else
    None (the adapter's default)."""
    if given is not None:
        return given
    env = os.environ.get("FINPICS_REKOGNITION_TPS", "").strip()
    if not env:
        return None
    try:
        value = float(env)
    except ValueError:
        value = -1.0
    if not value >= 0:
        raise FinpicsError(f"$FINPICS_REKOGNITION_TPS={env!r}: a number of calls a second, "
                           "0 for no limit")
    return value


def _aws_settings(profile, region, endpoint_url, keyring_account, keyring, access_keys=None,
                  rekognition_tps=None):
    from finpics_desktop.backends.aws.session import AwsSettings

    key_id, secret = access_keys or (None, None)
    return AwsSettings(
        profile=profile, region=region or os.environ.get("FINPICS_REGION") or None,
        endpoint_url=endpoint_url or os.environ.get("FINPICS_ENDPOINT_URL") or None,
        keyring_account=keyring_account, keyring=keyring, access_key_id=key_id,
        secret_access_key=secret, rekognition_tps=_rekognition_tps(rekognition_tps))
