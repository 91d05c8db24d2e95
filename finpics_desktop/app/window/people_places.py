"""The people's places in the window, within a library or the cloud: *People* (everyone, by
their most typical face, with counts), a person's page (a title, then its sections under their
headings: their photos, best first, then the faces proposed for them, sure ones, then the
maybes), *Unnamed faces* (a tile per group: :mod:`~finpics_desktop.app.window.group_places`),
and the photos of several people together. Each listing runs off the GUI thread, like a
picset's; what was listed is kept until a change touches it
(:mod:`~finpics_desktop.app.people_views`), and F5 lists it afresh (:func:`forget_place`)."""

from __future__ import annotations

from collections.abc import Callable

from finpics_desktop.app import people
from finpics_desktop.app.entries import (
    FACE,
    GROUP,
    HEADING,
    PHOTO,
    Entry,
    face_entry,
    heading_entry,
    match_entry,
    person_entry,
)
from finpics_desktop.app.people_views import forget, views
from finpics_desktop.app.window.group_places import (  # noqa: F401 - the places' kinds, here too
    ALONE,
    GROUP_COUNTED,
    GROUP_JOBS,
    GROUP_PLACE,
    IGNORED,
    STOPPED,
    GroupingStop,
    alone_heading,
    count_unnamed,
    grouping_progress,
    stopped_heading,
    unnamed_entries,
    unnamed_job,
    unnamed_pages,
)
from finpics_desktop.domain.people import search_key

PEOPLE, PERSON_PLACE, UNNAMED = "people", "person", "unnamed"
TOGETHER = "together"  # the photos where all the people chosen appear (or only them)
# the sections of a person's page, under its title
TITLE, CONFIRMED, SUGGESTED, MAYBE_SECTION = "title", "confirmed", "suggested", "maybe"


def people_entries(backend, hidden: bool = False) -> list[Entry]:
    return [person_entry(backend, s) for s in views(backend).people(hidden)]


def person_entries(backend, name: str,
                   first_screen: Callable[[list[Entry]], None] | None = None) -> list[Entry]:
    """A person's page: its title (the name, how many photos and faces), then the sections, each
    under its heading -- *Confirmed* (their photos, best first), *Suggested (sure)* and *Maybe*
    (the faces proposed for them: :mod:`~finpics_desktop.pipeline.people.proposals`' sure and
    unsure ones). A section with nothing in it is left out, but for Confirmed.
    ``first_screen(head)``: the title and Confirmed, as soon as the photos are read -- before
    the proposals are searched, the longest part (the window starts on their thumbnails)."""
    made: list = []  # (photos, the entries of the title and Confirmed)

    def first(person, photos, faces) -> None:  # (the listing's thread)
        made.append((photos, _head(backend, person.name, photos, faces)))
        first_screen(made[0][1])

    found, photos, faces = views(backend).person(  # (kept until a change touches it)
        name, first if first_screen is not None else None)
    person = found.person.name
    entries = (list(made[0][1]) if made and made[0][0] is photos
               else _head(backend, person, photos, faces))
    for section, tiles in [
            (SUGGESTED, [_proposal(backend, p, person, SUGGESTED) for p in found.sure]),
            (MAYBE_SECTION, [_proposal(backend, p, person, MAYBE_SECTION) for p in found.unsure])]:
        if tiles:
            entries.append(heading_entry(_heading(section, len(tiles)), 2, section))
            entries.extend(tiles)
    return entries


def _head(backend, person: str, photos, faces: int) -> list[Entry]:
    """A person's page's title and its Confirmed section (their photos, best first)."""
    return [heading_entry(f"{person} — {_n(len(photos), 'photo')}, {_n(faces, 'face')}", 1,
                          TITLE),
            heading_entry(_heading(CONFIRMED, len(photos)), 2, CONFIRMED),
            *(match_entry(backend, m, section=CONFIRMED) for m in photos)]


def _n(count: int, what: str) -> str:
    return f"{count} {what}{'' if count == 1 else 's'}"


def _proposal(backend, p, person: str, section: str) -> Entry:
    return face_entry(backend, p.face_id, p.image_path, p.box,
                      f"{p.similarity:.0f} % {'sure' if p.sure else 'maybe'}", person=person,
                      sure=p.sure, similarity=p.similarity, section=section)


def _heading(section: str, count: int) -> str:
    if section == CONFIRMED:
        return f"Confirmed — {_n(count, 'photo')}"
    if section == SUGGESTED:
        return (f"Suggested (sure) — {_n(count, 'face')}: Y confirms, N rejects, "
                "Shift+Y confirms them all")
    if section == ALONE:
        return alone_heading(count)
    return (f"Maybe — {_n(count, 'face')} alike, but not enough to be sure: Y confirms, "
            "N rejects")


def without_faces(entries: list[Entry], face_ids: set[str]) -> list[Entry]:
    """``entries`` but the faces ``face_ids`` (answered, named, ignored) and the group tiles
    holding any of them; the headings count what is left (a person's proposals, the faces that
    fit no group), and such a section left empty loses its heading."""
    kept = [e for e in entries if not (e.kind == FACE and e.face_id in face_ids)
            and not (e.kind == GROUP and face_ids.intersection(e.members))]
    recounted = (SUGGESTED, MAYBE_SECTION, ALONE)
    if len(kept) == len(entries) or not any(
            e.kind == HEADING and e.section in recounted for e in kept):
        return kept
    counts = {s: sum(1 for e in kept if e.kind != HEADING and e.section == s)
              for s in recounted}
    return [heading_entry(_heading(e.section, counts[e.section]), 2, e.section)
            if e.kind == HEADING and e.section in counts else e
            for e in kept if not (e.kind == HEADING and counts.get(e.section, 1) == 0)]


def first_to_review(entries: list[Entry]) -> int:
    """The row a person's page starts on: its first proposal, else its first tile; -1 if it
    has none."""
    for wanted in (lambda e: e.kind == FACE, lambda e: e.kind != HEADING):
        row = next((r for r, e in enumerate(entries) if wanted(e)), -1)
        if row >= 0:
            return row
    return -1


def next_to_review(entries: list[Entry], answered: set[str]) -> str | None:
    """Once the proposals ``answered`` (face ids) leave ``entries``: the key of the proposal to
    go on with -- the first one after them, else the last one before them -- or None."""
    rows = [r for r, e in enumerate(entries) if e.kind == FACE and e.face_id in answered]
    if not rows:
        return None
    left = [e for e in entries if e.kind == FACE and e.face_id not in answered]
    after = next((e for e in entries[rows[-1]:] if e in left), None)
    before = next((e for e in reversed(entries[:rows[0]]) if e in left), None)
    chosen = after or before
    return chosen.key if chosen is not None else None


def together_entries(backend, names: tuple[str, ...], only: bool) -> list[Entry]:
    """The photos where all of ``names`` appear (``only``: and no one else), surest first."""
    return [match_entry(backend, m) for m in people.photos_together(backend, names, only)]


def together_title(names: tuple[str, ...], only: bool) -> str:
    """"photos with A and B" (``only``: "photos of only A and B")."""
    listed = ", ".join(names[:-1]) + f" and {names[-1]}" if len(names) > 1 else "".join(names)
    return f"photos of only {listed}" if only else f"photos with {listed}"


def forget_place(place) -> None:
    """F5 on a people place: listed afresh, nothing kept."""
    if place.kind in PEOPLE_JOBS and place.backend is not None:
        forget(place.backend)
def filter_by_name(entries: list[Entry], text: str) -> list[Entry]:
    """Search by name (the People view's filter box): the people whose name holds ``text``,
    case, accents and Unicode forms aside, those whose name starts with it first."""
    wanted = search_key(text)
    if not wanted:
        return list(entries)
    found = [e for e in entries if wanted in search_key(e.person)]
    return sorted(found, key=lambda e: not search_key(e.person).startswith(wanted))


def _count_person(entries: list[Entry]) -> str:
    proposals = sum(1 for e in entries if e.kind == FACE)
    photos = sum(1 for e in entries if e.kind == PHOTO)
    return (f"{proposals} proposal(s) (Y confirms, N rejects, Shift+Y confirms every sure one), "
            f"{photos} photo(s)" if proposals else f"no proposal; {photos} photo(s)")


PEOPLE_JOBS: dict[str, Callable] = {
    PEOPLE: lambda place: (lambda: people_entries(place.backend, place.hidden)),
    PERSON_PLACE: lambda place: (lambda: person_entries(place.backend, place.person)),
    UNNAMED: lambda place: (lambda: unnamed_pages(place.backend)),  # (a page at a time)
    **GROUP_JOBS,
    TOGETHER: lambda place: (lambda: together_entries(place.backend, place.people, place.only)),
}
COUNTED: dict[str, Callable[[list[Entry]], str]] = {
    PEOPLE: lambda entries: f"{len(entries)} {'person' if len(entries) == 1 else 'people'} "
                            "(Ctrl+F finds one by name)",
    PERSON_PLACE: _count_person,
    UNNAMED: count_unnamed,
    **GROUP_COUNTED,
    TOGETHER: lambda entries: f"{len(entries)} photo(s) together",
}
