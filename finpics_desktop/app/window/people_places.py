"""The people's places in the window, within a library or the cloud: *People* (everyone, by
their most typical face, with counts), a person's page (the faces proposed for them, sure ones
first and the unsure ones after, then their photos, best first), and *Unnamed faces* (every
unnamed face, group by group). Each listing runs off the GUI thread, like a picset's; what was
listed is kept until a change touches it (:mod:`~finpics_desktop.app.people_views`), and F5
lists it afresh (:func:`forget_place`)."""

from __future__ import annotations

from collections.abc import Callable

from finpics_desktop.app.entries import FACE, PHOTO, Entry, face_entry, match_entry, person_entry
from finpics_desktop.app.people_views import forget, views
from finpics_desktop.domain.people import name_key

PEOPLE, PERSON_PLACE, UNNAMED = "people", "person", "unnamed"


def people_entries(backend, hidden: bool = False) -> list[Entry]:
    return [person_entry(backend, s) for s in views(backend).people(hidden)]


def person_entries(backend, name: str) -> list[Entry]:
    """The proposals for the person (sure, then unsure: shown apart), then their photos."""
    found, matches = views(backend).person(name)
    proposals = [face_entry(backend, p.face_id, p.image_path, p.box,
                            f"{p.similarity:.0f} % {'sure' if p.sure else 'unsure'}",
                            person=found.person.name, sure=p.sure, similarity=p.similarity)
                 for p in found.all]
    photos = [match_entry(backend, m) for m in matches]
    return proposals + photos


def unnamed_entries(backend) -> list[Entry]:
    """Every unnamed face, group by group (confident groups first, the largest first)."""
    entries = []
    groups, where = views(backend).unnamed()
    for number, group in enumerate(groups, 1):
        for face_id in group.faces:
            spot = where.get(face_id)
            if spot is not None:
                title = (f"group {number} · {len(group.faces)}" if group.confident
                         else f"unsure {number}" if len(group.faces) > 1 else "alone")
                entries.append(face_entry(backend, face_id, spot.image_path, spot.box, title,
                                          group=number, sure=group.confident))
    return entries


def forget_place(place) -> None:
    """F5 on a people place: listed afresh, nothing kept."""
    if place.kind in PEOPLE_JOBS and place.backend is not None:
        forget(place.backend)


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
}
COUNTED: dict[str, Callable[[list[Entry]], str]] = {
    PEOPLE: lambda entries: f"{len(entries)} {'person' if len(entries) == 1 else 'people'} "
                            "(Ctrl+F finds one by name)",
    PERSON_PLACE: _count_person,
    UNNAMED: lambda entries: f"{len(entries)} unnamed face(s), {len({e.group for e in entries})} "
                             "group(s) (F2 names the group of the face chosen)",
}
