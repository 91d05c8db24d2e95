"""Browsing, the user's way around the album and this computer: the photos and subfolders of a
folder, the picsets (newest first), the photos of a picset, and every photo of a person from
one of their faces. Each call does I/O: the window runs them off the GUI thread."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from finpics_desktop.app.entries import (
    FILE,
    Entry,
    match_entry,
    photo_entry,
    picset_entry,
    searched_entry,
)
from finpics_desktop.app.search import FaceSearch, search_by_face
from finpics_desktop.domain.errors import FinpicsError
from finpics_desktop.domain.keys import is_supported
from finpics_desktop.ports import Backend


class NotPublished(FinpicsError):
    """A photo of this computer has no faces to search by until it is published."""


def list_folder(path: Path, first: int = 0,
                on_first: Callable[[list[Entry]], None] | None = None,
                ) -> tuple[list[Entry], list[Path]]:
    """The photos of a folder (name order) and its visible subfolders; ``on_first`` is given
    the ``first`` entries as soon as they are known (the first screen's thumbnails can start
    while the rest of a big folder is listed)."""
    photos, folders = [], []
    with os.scandir(path) as it:
        for item in it:
            if item.name.startswith("."):
                continue
            try:
                if item.is_dir():
                    folders.append(Path(item.path))
                elif is_supported(item.name):
                    photos.append(item.name)
            except OSError:
                continue
    photos.sort(key=str.lower)
    folders.sort(key=lambda p: p.name.lower())
    base = Path(path)
    make = base._make_child_relpath if hasattr(base, "_make_child_relpath") else base.joinpath
    prefix = f"file:{base}{os.sep}"

    def entries(names: list[str]) -> list[Entry]:
        return [Entry(FILE, name, path=make(name), file_key=prefix + name) for name in names]

    head = entries(photos[:first])
    if on_first is not None:
        on_first(head)
    return head + entries(photos[first:]), folders


def list_subfolders(path: Path) -> list[Path]:
    folders = []
    with os.scandir(path) as it:
        for item in it:
            try:
                if not item.name.startswith(".") and item.is_dir():
                    folders.append(Path(item.path))
            except OSError:
                continue
    return sorted(folders, key=lambda p: p.name.lower())


def list_picsets(backend: Backend) -> list[Entry]:
    """Newest first, as the site shows them; titled with the site's display name."""
    return [picset_entry(backend, entry) for entry in backend.records.picsets(descending=True)]


def list_photos(backend: Backend, picset: str) -> list[Entry]:
    """The photos of a picset, in the table's order (by file name)."""
    return [photo_entry(backend, photo) for photo in backend.records.photos(picset)]


def find_photo(backend: Backend, picset: str, name: str) -> Entry | None:
    photo = backend.records.photo(picset, name)
    return photo_entry(backend, photo) if photo is not None else None


def search_face(backend: Backend, face_id: str) -> list[Entry]:
    """Every other photo of the person with this face: the sure ones, then the maybes, each
    best match first (in-process on the library, through the search function on the cloud);
    a named face searches with the person (:func:`~finpics_desktop.app.search.search_by_face`)."""
    return found_entries(backend, search_by_face(backend, face_id))


def found_entries(backend: Backend, found: FaceSearch) -> list[Entry]:
    """The entries of a search's photos (a person's named photos say so; the maybes carry the
    person's name, for Y/N to confirm or reject them)."""
    person = found.person.person.name if found.person is not None else ""
    return [match_entry(backend, match, person, named=match.image_path in found.named)
            for match in found.matches]


def check_searchable(entry: Entry | None) -> None:
    """Only published photos have faces to search by (:class:`NotPublished` otherwise)."""
    if entry is None or entry.backend is None:
        raise NotPublished("Publish this photo first: only published photos can be searched "
                           "by face.")


def search_from(entry: Entry, face_id: str) -> list[Entry]:
    """A click on a face of ``entry``: the clicked photo first, then every other photo of that
    person, best match first."""
    return find_from(entry, face_id)[0]


def find_from(entry: Entry, face_id: str) -> tuple[list[Entry], FaceSearch]:
    """:func:`search_from`, and what the search was (a person's, or the face's)."""
    check_searchable(entry)
    found = search_by_face(entry.backend, face_id)
    return [searched_entry(entry, face_id), *found_entries(entry.backend, found)], found
