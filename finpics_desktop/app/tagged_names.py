"""The names other photo apps wrote: taken later for photos published before
(``import-names``; the library takes them as it publishes, :mod:`.publish`) and written back
beside the curator's files (``export-names``)."""

from __future__ import annotations

from pathlib import Path

from finpics_desktop.app.publish import journal_of
from finpics_desktop.domain.errors import NotFound
from finpics_desktop.domain.picsets import titled
from finpics_desktop.pipeline.people.tagged_names import NamesReport
from finpics_desktop.pipeline.publish.tagged_files import (
    Exported,
    export_names,
    take_album_names,
)
from finpics_desktop.ports import Backend


def _check_picset(backend: Backend, picset: str | None) -> None:
    if picset is not None and backend.records.picset(picset) is None:
        raise NotFound(f"there is no picset {titled(picset)} in this album")


def take(backend: Backend, picset: str | None = None,
         library: Path | None = None) -> NamesReport:
    """Take the names other apps wrote for the photos of ``picset`` (or of the whole album)
    from the files they were published from."""
    backend.check_writable("taking the names other apps wrote")
    _check_picset(backend, picset)
    with journal_of(backend, library) as journal:
        return take_album_names(backend, journal, picset)


def export(backend: Backend, picset: str | None = None,
           library: Path | None = None) -> list[Exported]:
    """Write the names of ``picset`` (or of the whole album) as XMP sidecars beside the files
    its photos were published from (``library``: where a cloud's journal is kept)."""
    _check_picset(backend, picset)
    with journal_of(backend, library) as journal:
        return export_names(backend, journal, picset)
