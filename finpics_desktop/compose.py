"""The composition root: builds the backend a command or the window works on."""

from __future__ import annotations

import os
from pathlib import Path

from finpics_desktop.domain.errors import FinpicsError
from finpics_desktop.domain.names import Names
from finpics_desktop.pipeline.search import DEFAULT_THRESHOLD
from finpics_desktop.ports import Backend

BACKENDS = ("local", "aws")


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
) -> Backend:
    if kind == "local":
        from finpics_desktop.backends.local.library import open_library

        env_threshold = os.environ.get("FINPICS_THRESHOLD")
        return open_library(
            library or default_library(),
            names,
            threshold if threshold is not None else float(env_threshold or DEFAULT_THRESHOLD),
        )
    if kind == "aws":
        raise FinpicsError(
            "the aws backend is not available yet in this version: use --backend local")
    raise FinpicsError(f"unknown backend {kind!r} (choose from {', '.join(BACKENDS)})")
