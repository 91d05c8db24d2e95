"""Opening the finpics cloud from the settings, through the one composition root
(``compose.open_backend("aws", ...)``): the window then uses it through the same ports as the
library. Plain Python, runs on a worker thread."""

from __future__ import annotations

from finpics_desktop.compose import open_backend
from finpics_desktop.ports import Backend
from finpics_desktop.ui.credentials import ACCOUNT, load_access_keys
from finpics_desktop.ui.settings import AppSettings


def cloud_options(settings: AppSettings) -> dict:
    """How to reach the cloud: a named profile, or else the keys kept in the OS keyring."""
    names = settings.resolved_names()
    options = {"region": names.region, "endpoint_url": settings.endpoint_url or None}
    if settings.aws_profile:
        options["profile"] = settings.aws_profile
    elif load_access_keys() is not None:
        options["keyring_account"] = ACCOUNT
    return {k: v for k, v in options.items() if v}


def open_cloud(settings: AppSettings) -> Backend:
    """Raises FinpicsError (no credentials, cannot connect...)."""
    return open_backend("aws", names=settings.resolved_names(), **cloud_options(settings))


def describe(settings: AppSettings) -> str:
    names = settings.resolved_names()
    where = settings.endpoint_url or names.region
    profile = f", profile {settings.aws_profile}" if settings.aws_profile else ""
    return f"{names.pics_bucket} on {where}{profile}"
