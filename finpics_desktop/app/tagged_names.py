"""The names other photo apps wrote: written back beside the curator's files (``export-names``;
taking them in happens as the library publishes, :mod:`.publish`)."""

from __future__ import annotations

from pathlib import Path

from finpics_desktop.app.publish import journal_of
from finpics_desktop.domain.errors import NotFound
from finpics_desktop.domain.picsets import titled
from finpics_desktop.pipeline.publish.tagged_files import Exported, export_names
from finpics_desktop.ports import Backend


def export(backend: Backend, picset: str | None = None,
           library: Path | None = None) -> list[Exported]:
    """Write the names of ``picset`` (or of the whole album) as XMP sidecars beside the files
    its photos were published from (``library``: where a cloud's journal is kept)."""
    if picset is not None and backend.records.picset(picset) is None:
        raise NotFound(f"there is no picset {titled(picset)} in this album")
    with journal_of(backend, library) as journal:
        return export_names(backend, journal, picset)
