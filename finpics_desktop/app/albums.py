"""Opening what the options name -- the library, the finpics cloud -- through the one
composition root, with the application's keyring policy."""

from __future__ import annotations

import logging

from finpics_desktop import compose
from finpics_desktop.app.credentials import load_access_keys, require_secure_keyring
from finpics_desktop.app.errors import describe_error
from finpics_desktop.app.options import CloudOptions, Options
from finpics_desktop.domain.errors import FinpicsError
from finpics_desktop.ports import Backend

log = logging.getLogger(__name__)


def check_writable(backend: Backend, doing: str) -> None:
    """Refuse, before anything is written, to change a read-only library (the one wording:
    :meth:`Backend.check_writable`)."""
    backend.check_writable(doing)


def open_library(options: Options) -> Backend:
    """Raises FinpicsError (a folder that cannot hold a library...)."""
    return compose.open_backend("local", options.library, options.cloud.resolved_names(),
                                threshold=options.threshold)


def open_library_for_window(options: Options) -> tuple[Backend | None, str]:
    """The library, or None and the one line saying why it cannot be opened (the window opens
    either way: the folders of this computer and the cloud still work)."""
    try:
        return open_library(options), ""
    except Exception as e:  # noqa: BLE001 - said in the window, never a traceback
        if not isinstance(e, FinpicsError):
            log.exception("opening the library %s failed", options.library)
        return None, f"Cannot open the library {options.library}: {describe_error(e)}"


def _cloud_arguments(cloud: CloudOptions) -> dict:
    if cloud.keyring_account:  # asked for by name: say why it cannot be used
        require_secure_keyring()
    return {"profile": cloud.profile, "region": cloud.region,
            "endpoint_url": cloud.endpoint_url, "keyring_account": cloud.keyring_account,
            "keyring": load_access_keys, "access_keys": cloud.access_keys,
            "rekognition_tps": cloud.rekognition_tps}


def open_cloud(cloud: CloudOptions) -> Backend:
    """Raises FinpicsError (no credentials, an insecure keyring asked for, bad names...)."""
    return compose.open_backend("aws", names=cloud.resolved_names(), **_cloud_arguments(cloud))


def open_album(options: Options) -> Backend:
    """The backend a command works on: the library, or the cloud with ``--backend aws``."""
    if options.backend == "local":
        return open_library(options)
    if options.backend == "aws":
        return open_cloud(options.cloud)
    return compose.open_backend(options.backend)  # says which backends there are


def cloud_clients(cloud: CloudOptions):
    """AWS clients for the commands that work on the stack itself (deploy, reprocess)."""
    return compose.aws_clients(**_cloud_arguments(cloud))
