"""Opening the finpics cloud from the settings, through the one composition root
(``compose.open_backend("aws", ...)``): the window then uses it through the same ports as the
library. Plain Python, runs on a worker thread."""

from __future__ import annotations

import inspect

from finpics_desktop.compose import open_backend
from finpics_desktop.ports import Backend
from finpics_desktop.ui.credentials import load_access_keys
from finpics_desktop.ui.settings import AppSettings


def cloud_options(settings: AppSettings) -> dict:
    """What the AWS backend needs beyond the contract's names (None: not set)."""
    options = {"profile": settings.aws_profile or None,
               "endpoint_url": settings.endpoint_url or None}
    keys = load_access_keys()
    if keys:
        options["access_key_id"], options["secret_access_key"] = keys
    return {k: v for k, v in options.items() if v}


def open_cloud(settings: AppSettings) -> Backend:
    """Raises FinpicsError (e.g. the AWS backend is not available, or cannot connect)."""
    options = cloud_options(settings)
    params = inspect.signature(open_backend).parameters
    if not any(p.kind is p.VAR_KEYWORD for p in params.values()):
        options = {k: v for k, v in options.items() if k in params}
    return open_backend("aws", names=settings.resolved_names(), **options)


def describe(settings: AppSettings) -> str:
    names = settings.resolved_names()
    where = settings.endpoint_url or names.region
    profile = f", profile {settings.aws_profile}" if settings.aws_profile else ""
    return f"{names.pics_bucket} on {where}{profile}"
