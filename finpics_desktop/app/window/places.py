"""The places the grid can show and the pages on the window's stack, as values: what the
navigation state holds (:mod:`~finpics_desktop.app.window.navigation`) and its events carry
(:mod:`~finpics_desktop.app.window.navigation_events`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from finpics_desktop.app.entries import Entry
from finpics_desktop.app.window.people_places import (
    GROUP_PLACE,
    IGNORED,
    PEOPLE,
    PERSON_PLACE,
    TOGETHER,
    UNNAMED,
    together_title,
)
from finpics_desktop.app.window.similar_places import SIMILAR
from finpics_desktop.ports import Backend

PICSET_PLACE, FOLDER = "picset", "folder"
GRID, VIEWER, SEARCH = "grid", "viewer", "search"
LISTING, SEARCHING = "listing", "search"  # what the busy indicator shows
SEARCH_UNDER_WAY, FOUND, FAILED, CANCELLED = "searching", "found", "failed", "cancelled"


@dataclass(frozen=True, eq=False)
class Place:
    """What the grid can show. A library or cloud without a backend could not be opened
    (``problem`` says why, or it is still connecting)."""

    kind: str
    backend: Backend | None = None
    picset: str | None = None  # PICSET_PLACE
    path: Path | None = None  # FOLDER
    title: str = ""  # a picset's display name
    within: str = ""  # PICSET_PLACE and the people's places: LIBRARY or CLOUD
    problem: str = ""
    person: str = ""  # PERSON_PLACE: their name
    hidden: bool = False  # PEOPLE: the hidden people
    faces: tuple[str, ...] = ()  # GROUP_PLACE: the group's faces
    people: tuple[str, ...] = ()  # TOGETHER: their names
    only: bool = False  # TOGETHER: the photos with no one else

    def _key(self) -> tuple:
        album = self.backend.identity if self.backend is not None else None
        return (self.kind, album, self.picset, self.path, self.problem, self.person,
                self.hidden, self.faces, self.people, self.only)

    def __eq__(self, other: object) -> bool:  # the same place of the same open album
        return isinstance(other, Place) and self._key() == other._key() and (
            self.backend is other.backend)

    def __hash__(self) -> int:
        return hash(self._key())

    @property
    def parent(self) -> Place | None:
        """A picset's (the people's...) library or cloud; a person's people; near-duplicates'
        picset or folder."""
        if self.kind == SIMILAR:
            return Place(FOLDER, path=self.path) if self.path is not None else Place(
                PICSET_PLACE, self.backend, self.picset, title=self.title, within=self.within)
        if self.kind in (PERSON_PLACE, TOGETHER):
            return Place(PEOPLE, self.backend, within=self.within)
        if self.kind in (GROUP_PLACE, IGNORED):
            return Place(UNNAMED, self.backend, within=self.within)
        if self.kind not in (PICSET_PLACE, PEOPLE, UNNAMED):
            return None
        return Place(self.within, self.backend)

    @property
    def what(self) -> str:
        """What its listing is called: ``Listing {what}…``."""
        if self.kind == FOLDER:
            return str(self.path)
        if self.kind == TOGETHER:
            return together_title(self.people, self.only)
        if self.kind == SIMILAR:
            return f"near-duplicates of {self.path or self.title or self.picset}"
        return {PICSET_PLACE: self.picset, PEOPLE: "people", PERSON_PLACE: self.person,
                UNNAMED: "unnamed faces", GROUP_PLACE: "a group of unnamed faces",
                IGNORED: "ignored faces"}.get(self.kind, "picsets")


@dataclass(eq=False)
class Frame:
    """A page on the stack: the grid; the viewer stepping through ``entries`` at ``index``;
    the search results of ``face_id`` clicked in ``searched`` (the searched photo first)."""

    page: str
    entries: list[Entry] = field(default_factory=list)
    index: int = 0
    searched: Entry | None = None
    face_id: str = ""
    state: str = ""  # SEARCH: SEARCH_UNDER_WAY, FOUND, FAILED or CANCELLED
    error: str = ""
    person: str = ""  # SEARCH: the person searched for, when the face clicked is named
    person_faces: int = 0  # ... and how many of their named faces the search was made with

    @property
    def current(self) -> Entry | None:
        return self.entries[self.index] if 0 <= self.index < len(self.entries) else None
