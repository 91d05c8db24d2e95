"""The places of unnamed faces: *Unnamed faces* (one tile per group -- its most typical face,
its size -- the largest first, then, under their own heading, the faces that fit no group), a
group opened (its faces), and the faces ignored (strangers, brought back from there). Each
listing runs off the GUI thread, like a picset's.

Grouping the unnamed faces the first time on the cloud is one ``SearchFaces`` a face at the
account's rate (minutes): its listing says how far it is ("Grouping faces: 120 of 10,000
searched") and Cancel stops it between two chunks of searches, keeping them; the faces searched
are then shown grouped under a heading saying so (:func:`unnamed_job`), and the next opening
(F5) searches only the rest."""

from __future__ import annotations

import threading
from collections.abc import Callable

from finpics_desktop.app import people
from finpics_desktop.app.entries import FACE, GROUP, HEADING, Entry, face_entry, heading_entry
from finpics_desktop.app.people_views import views
from finpics_desktop.domain.photo_order import shown_name
from finpics_desktop.pipeline.people.clusters import GroupingCancelled, Searching
from finpics_desktop.pipeline.people.naming import Located

GROUP_PLACE, IGNORED = "group", "ignored"
ALONE = "Faces that fit no group"
STOPPED = "stopped"  # the heading of a grouping cancelled midway


def alone_heading(count: int) -> str:
    return f"{ALONE} ({count})"


def group_entry(backend, number: int, faces: list[str], spot: Located, confident: bool
                ) -> Entry:
    """A group's tile: its most typical face (``spot``), and its size."""
    picset, _, name = spot.image_path.partition("/")
    return Entry(GROUP, f"{len(faces)} faces", backend, picset=picset, name=name,
                 face_id=faces[0], box=spot.box, matched_face_id=faces[0],
                 members=tuple(faces), group=number, sure=confident)


def unnamed_entries(backend, searching: Searching | None = None) -> list[Entry]:
    """One tile per group of two faces or more, the largest first (confident ones first on a
    tie); then the heading :data:`ALONE` and the faces that fit no group. ``searching``: the
    progress and Cancel of the faces' searches; cancelled (with ``searching.partial``): the
    groups of the faces searched, under a heading saying how far it went."""
    try:
        groups, where = views(backend).unnamed(searching)  # (kept until a change touches it)
    except GroupingCancelled as stopped:
        return [heading_entry(stopped_heading(stopped.searched, stopped.total), 1, STOPPED),
                *_tiles(backend, stopped.groups, stopped.where)]
    return _tiles(backend, groups, where)


def unnamed_job(place, stop, progress: Callable[[int, int], None]) -> Callable[[], list[Entry]]:
    """The listing of *Unnamed faces* (``place``), to run off the GUI thread: ``progress(done,
    total)`` as its faces are searched, ``stop`` (anything with ``is_set()``) looked at between
    two chunks of searches; stopped, the groups of what was searched (:func:`unnamed_entries`)."""
    backend = place.backend
    return lambda: unnamed_entries(backend, Searching(progress, stop, partial=True))


class GroupingStop:
    """When *Unnamed faces*' searches stop: the user asked (``asked``: what was searched is
    grouped and shown), or the listing was dropped (``dropped``: its task's stop)."""

    def __init__(self, dropped: threading.Event):
        self.dropped, self.asked = dropped, threading.Event()

    def is_set(self) -> bool:
        return self.asked.is_set() or self.dropped.is_set()


def grouping_progress(done: int, total: int) -> str:
    return f"Grouping faces: {done:,} of {total:,} searched…"


def stopped_heading(searched: int, total: int) -> str:
    return (f"Grouping stopped: {searched:,} of {total:,} faces searched, kept (F5 goes on "
            "with the others)")


def _tiles(backend, groups, where: dict[str, Located]) -> list[Entry]:
    tiles, alone = [], []
    for number, group in enumerate(groups, 1):
        faces = [f for f in group.faces if f in where]
        if len(faces) > 1:
            tiles.append(group_entry(backend, number, faces, where[faces[0]], group.confident))
        elif faces:
            spot = where[faces[0]]
            alone.append(face_entry(backend, spot.face_id, spot.image_path, spot.box,
                                    shown_name(spot.image_path.partition("/")[2]),
                                    group=number, section=ALONE))
    tiles.sort(key=lambda e: (-len(e.members), not e.sure, e.group))
    heading = [heading_entry(alone_heading(len(alone)), 2, ALONE)] if alone else []
    return tiles + heading + alone


def group_entries(backend, faces: tuple[str, ...]) -> list[Entry]:
    """A group opened: those of its faces still unnamed and not ignored, the most typical
    first, each titled with its photo."""
    return [face_entry(backend, spot.face_id, spot.image_path, spot.box,
                       shown_name(spot.image_path.partition("/")[2]), group=1)
            for spot in people.unnamed_faces(backend, faces)]


def ignored_entries(backend) -> list[Entry]:
    """The faces ignored, the latest first."""
    return [face_entry(backend, spot.face_id, spot.image_path, spot.box,
                       f"ignored · {shown_name(spot.image_path.partition('/')[2])}")
            for spot in people.ignored_faces(backend)]


def count_unnamed(entries: list[Entry]) -> str:
    tiles = [e for e in entries if e.kind == GROUP]
    alone = sum(1 for e in entries if e.kind == FACE)
    stopped = next((e.title for e in entries if e.kind == HEADING and e.section == STOPPED),
                   "")
    return (f"{stopped}: " if stopped else "") + (
        f"{len(tiles)} group(s) of {sum(len(e.members) for e in tiles)} unnamed faces and "
        f"{alone} that fit no group (F2 adds a name, I ignores a stranger, Ctrl+I lists "
        "those ignored)")


GROUP_JOBS = {
    GROUP_PLACE: lambda place: (lambda: group_entries(place.backend, place.faces)),
    IGNORED: lambda place: (lambda: ignored_entries(place.backend)),
}
GROUP_COUNTED = {
    GROUP_PLACE: lambda entries: f"{len(entries)} unnamed face(s) in this group (F2 names "
                                 "them, or those chosen; I ignores them)",
    IGNORED: lambda entries: f"{len(entries)} ignored face(s) (I brings the chosen ones back)",
}
