"""An open album -- the library or the finpics cloud -- as the application knows it: its
backend, a stable identity, its journal, its curator, the wait for what it has yet to process,
what its operations changed (:mod:`~finpics_desktop.app.changes`), and its publishing policy
(whether the published copies leave the camera's location out; whether a job runs in a process
of its own or in a thread). The window holds its albums (:class:`Albums`); the command line
makes one per command. Capabilities (``read_only``, ``public``, ``in_process``) are asked, never
the backend's kind."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from finpics_desktop.app import people_views
from finpics_desktop.app.changes import Changes, Listener, Observers
from finpics_desktop.app.curate import Curator
from finpics_desktop.app.processed import ProcessedWait
from finpics_desktop.app.publish import Publishing, PublishPlan, journal_of
from finpics_desktop.pipeline.publish.journal import Journal
from finpics_desktop.ports import Backend

LIBRARY, CLOUD = "library", "cloud"  # the two albums (the navigation's places too)
TITLES = {LIBRARY: "Library", CLOUD: "finpics cloud"}


class Album:
    """One open album. ``remove_location``: the curator's choice (Settings, ``--keep-location``)
    that the published copies leave the camera's location out; it applies where the public site
    reads them (:attr:`strips_location`). Equal to another album of the same identity."""

    def __init__(self, backend: Backend, kind: str | None = None, *,
                 remove_location: bool = True):
        self.backend = backend
        self.kind = kind or (LIBRARY if backend.library is not None else CLOUD)
        self.remove_location = remove_location
        self.changes = Observers()
        self._curator: Curator | None = None
        self._processed: ProcessedWait | None = None
        self._lock = threading.Lock()

    # -- identity and capabilities ----------------------------------------------------------
    @property
    def key(self) -> str:
        """The stable identity (the library folder, the cloud's bucket): a drag between two
        parts of the window names the album by it."""
        return self.backend.identity

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Album) and other.key == self.key

    def __hash__(self) -> int:
        return hash(self.key)

    def __repr__(self) -> str:
        return f"Album({self.key!r})"

    @property
    def title(self) -> str:
        return TITLES.get(self.kind, self.kind)

    @property
    def read_only(self) -> bool:
        return self.backend.read_only

    @property
    def public(self) -> bool:
        return self.backend.public

    @property
    def strips_location(self) -> bool:
        """The published copies leave the camera's location out."""
        return self.public and self.remove_location

    @property
    def in_process(self) -> bool:
        """A publishing job runs in a process of its own (the library: a folder another process
        can open, and the face work then never competes with the window); on the cloud, which
        processes the faces itself, in a thread sending files."""
        return self.backend.library is not None

    def check_writable(self, doing: str) -> None:
        """Refuse ``doing`` on a read-only album, in the one wording."""
        self.backend.check_writable(doing)

    # -- its companions ---------------------------------------------------------------------
    @contextmanager
    def journal(self, library: Path | None = None) -> Iterator[Journal]:
        """The journal of the jobs publishing into this album, open for the block (``library``:
        where a cloud's journal is kept, if not the user data folder)."""
        with journal_of(self.backend, library) as journal:
            yield journal

    def publishing(self, plan: PublishPlan, journal: Journal,
                   workers: int | None = None) -> Publishing:
        """A publishing job of ``plan`` into this album, with its policy."""
        return Publishing(self.backend, plan, journal, workers,
                          remove_location=self.remove_location)

    @property
    def curator(self) -> Curator:
        """The album's curation for this session (its undo history); what each action changed
        is published."""
        with self._lock:
            if self._curator is None:
                self._curator = Curator(self.backend, on_change=self.report)
            return self._curator

    @property
    def processed(self) -> ProcessedWait:
        """The wait for the photos published into it until each is processed."""
        with self._lock:
            if self._processed is None:
                self._processed = ProcessedWait(self.backend)
            return self._processed

    # -- what changed -----------------------------------------------------------------------
    def listen(self, listener: Listener):
        return self.changes.listen(listener)

    def report(self, changes: Changes) -> None:
        """An operation on this album changed ``changes``: said once, to every listener."""
        if changes.album != self.key:
            changes = replace(changes, album=self.key)
        people_views.changed(changes)  # before anyone lists again
        self.changes.publish(changes)


class Albums:
    """The albums a window has open (the library, the cloud once connected), and one place to
    hear what any operation changed in any of them."""

    def __init__(self, remove_location: bool = True):
        self._albums: dict[str, Album | None] = {LIBRARY: None, CLOUD: None}
        self._stop: dict[str, object] = {}
        self.remove_location = remove_location
        self.changes = Observers()

    def open(self, kind: str, backend: Backend | None) -> Album | None:
        """The ``kind`` album is now ``backend`` (None: not open)."""
        stop = self._stop.pop(kind, None)
        if stop is not None:
            stop()
        album = Album(backend, kind, remove_location=self.remove_location) if backend else None
        self._albums[kind] = album
        if album is not None:
            self._stop[kind] = album.listen(self.changes.publish)
        return album

    @property
    def library(self) -> Album | None:
        return self._albums[LIBRARY]

    @property
    def cloud(self) -> Album | None:
        return self._albums[CLOUD]

    def __iter__(self) -> Iterator[Album]:
        return iter([a for a in self._albums.values() if a is not None])

    def of(self, backend: Backend | None) -> Album | None:
        """The open album of ``backend`` (None: it is not one of them any more)."""
        return next((a for a in self if a.backend is backend), None)

    def by_key(self, key: str) -> Album | None:
        return next((a for a in self if a.key == key), None)

    def report(self, backend: Backend, changes: Changes) -> None:
        """An operation on ``backend`` changed ``changes``: its album says so (an album no
        longer open: said all the same, under its identity)."""
        album = self.of(backend)
        if album is not None:
            album.report(changes)
        else:
            changes = replace(changes, album=backend.identity)
            people_views.changed(changes)
            self.changes.publish(changes)

    def set_remove_location(self, remove: bool) -> None:
        """The curator changed the setting: every album's policy follows."""
        self.remove_location = remove
        for album in self:
            album.remove_location = remove
