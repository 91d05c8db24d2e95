"""The people's places in the window, within a library or the cloud: *People* (everyone, by
their most typical face, with counts), a person's page (the faces proposed for them, sure ones
first and the unsure ones after, then their photos, best first), and *Unnamed faces* (a tile
per group: :mod:`~finpics_desktop.app.window.group_places`). Each listing runs off the GUI
thread, like a picset's."""

from __future__ import annotations

from collections.abc import Callable

from finpics_desktop.app import people
from finpics_desktop.app.entries import FACE, PHOTO, Entry, face_entry, match_entry, person_entry
from finpics_desktop.app.window.group_places import (  # noqa: F401 - the places' kinds, here too
    GROUP_COUNTED,
    GROUP_JOBS,
    GROUP_PLACE,
    IGNORED,
    count_unnamed,
    unnamed_entries,
)
from finpics_desktop.domain.people import name_key

PEOPLE, PERSON_PLACE, UNNAMED = "people", "person", "unnamed"


def people_entries(backend, hidden: bool = False) -> list[Entry]:
    return [person_entry(backend, s) for s in people.list_people(backend, hidden)]


def person_entries(backend, name: str) -> list[Entry]:
    """The proposals for the person (sure, then unsure: shown apart), then their photos."""
    found = people.suggest(backend, name)
    proposals = [face_entry(backend, p.face_id, p.image_path, p.box,
                            f"{p.similarity:.0f} % {'sure' if p.sure else 'unsure'}",
                            person=found.person.name, sure=p.sure, similarity=p.similarity)
                 for p in found.all]
    photos = [match_entry(backend, m) for m in people.person_photos(backend, name)]
    return proposals + photos


def filter_by_name(entries: list[Entry], text: str) -> list[Entry]:
    """Search by name (the People view's filter box): the people whose name holds ``text``,
    case and Unicode forms aside, those whose name starts with it first."""
    wanted = name_key(text) if text.strip() else ""
    if not wanted:
        return list(entries)
    found = [e for e in entries if wanted in name_key(e.person)]
    return sorted(found, key=lambda e: not name_key(e.person).startswith(wanted))


def _count_person(entries: list[Entry]) -> str:
    proposals = sum(1 for e in entries if e.kind == FACE)
    photos = sum(1 for e in entries if e.kind == PHOTO)
    return (f"{proposals} proposal(s) (Y confirms, N rejects, Shift+Y confirms every sure one), "
            f"{photos} photo(s)" if proposals else f"no proposal; {photos} photo(s)")


PEOPLE_JOBS: dict[str, Callable] = {
    PEOPLE: lambda place: (lambda: people_entries(place.backend, place.hidden)),
    PERSON_PLACE: lambda place: (lambda: person_entries(place.backend, place.person)),
    UNNAMED: lambda place: (lambda: unnamed_entries(place.backend)),
    **GROUP_JOBS,
}
COUNTED: dict[str, Callable[[list[Entry]], str]] = {
    PEOPLE: lambda entries: f"{len(entries)} {'person' if len(entries) == 1 else 'people'} "
                            "(Ctrl+F finds one by name)",
    PERSON_PLACE: _count_person,
    UNNAMED: count_unnamed,
    **GROUP_COUNTED,
}
