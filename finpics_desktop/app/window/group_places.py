"""The places of unnamed faces: *Unnamed faces* (one tile per group -- its most typical face,
its size -- the largest first, then, under their own heading, the faces that fit no group;
listed a page of tiles at a time: :mod:`~finpics_desktop.app.window.paging`), a group opened
(its faces), and the faces ignored (strangers, brought back from there). Each listing runs off
the GUI thread, like a picset's.

Grouping the unnamed faces the first time on the cloud is one ``SearchFaces`` a face at the
account's rate (minutes): its listing says how far it is ("Grouping faces: 120 of 10,000
searched") and Cancel stops it between two chunks of searches, keeping them; the faces searched
are then shown grouped under a heading saying so (:func:`unnamed_job`), and the next opening
(F5) searches only the rest."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace

from finpics_desktop.app import people
from finpics_desktop.app.entries import FACE, GROUP, HEADING, Entry, face_entry, heading_entry
from finpics_desktop.app.people_views import views
from finpics_desktop.app.window.paging import Paged
from finpics_desktop.domain.people import Cluster
from finpics_desktop.domain.photo_order import shown_name
from finpics_desktop.pipeline.people.clusters import GroupingCancelled, Searching
from finpics_desktop.pipeline.people.naming import Located

GROUP_PLACE, IGNORED = "group", "ignored"
PAGE = 240  # tiles a page: several screens of the largest window's smallest cells
ALONE = "Faces that fit no group"
STOPPED = "stopped"  # the heading of a grouping cancelled midway


def alone_heading(count: int) -> str:
    return f"{ALONE} ({count})"


def group_entry(backend, number: int, faces: list[str], spot: Located, confident: bool
                ) -> Entry:
    """A group's tile: its most typical face (``spot``), and its size."""
    picset, _, name = spot.image_path.partition("/")
    return Entry(GROUP, faces_count(len(faces)), backend, picset=picset, name=name,
                 face_id=faces[0], box=spot.box, matched_face_id=faces[0],
                 members=tuple(faces), group=number, sure=confident)


def faces_count(count: int) -> str:
    return f"{count} face{'' if count == 1 else 's'}"


def tiles_left(backend, tiles: list[Entry], gone: set[str]) -> dict[int, Entry]:
    """(Off the GUI thread) the group tiles ``tiles`` once the faces ``gone`` (named, ignored)
    left them, by ``id`` of the tile: the faces left, their count, and -- when the cover left
    -- the first face left as the cover (located). A tile none of whose faces left is not in
    it, nor one all of whose faces left (it leaves)."""
    made: dict[int, Entry] = {}
    for tile in tiles:
        faces = [f for f in tile.members if f not in gone]
        if len(faces) == len(tile.members) or not faces:
            continue
        if tile.face_id in faces:
            made[id(tile)] = replace(tile, title=faces_count(len(faces)), members=tuple(faces))
            continue
        where = views(backend).located(faces[:1])
        spot = where.get(faces[0])
        if spot is not None:
            made[id(tile)] = group_entry(backend, tile.group, faces, spot, tile.sure)
    return made


class UnnamedTiles(Paged):
    """*Unnamed faces* a page at a time: one tile per group of two faces or more, the largest
    first (confident ones first on a tie); then the heading :data:`ALONE` and the faces that
    fit no group. Made from the groups' face ids only; each page locates the faces of its own
    tiles (kept as the listings are: :meth:`~finpics_desktop.app.people_views.PeopleViews.
    located`), so that opening it reads a page of faces' places, not 70,000."""

    def __init__(self, backend, groups: list[Cluster], stopped: str = ""):
        self.backend = backend
        self._groups = groups
        tiles = [n for n, group in enumerate(groups) if len(group.faces) > 1]
        tiles.sort(key=lambda n: (-len(groups[n].faces), not groups[n].confident, n))
        alone = [n for n, group in enumerate(groups) if len(group.faces) == 1]
        self._items: list[int] = tiles + ([-1] if alone else []) + alone  # -1: the heading
        # what is left to count: tiles, their faces, faces alone (the status line, the heading)
        self._left = [len(tiles), sum(len(groups[n].faces) for n in tiles), len(alone)]
        self._next = 0
        self._dropped: set[str] = set()  # answered here (named, ignored): not shown again
        self._pending: set[str] = set()  # ... and their change not yet reported
        self._lock = threading.Lock()
        # (a grouping cancelled midway: the groups of what was searched, under ``stopped``)
        self.stopped = stopped
        self.first = [heading_entry(stopped, 1, STOPPED)] * bool(stopped) + self.page()

    def more(self) -> bool:
        return self._next < len(self._items)

    def page(self, count: int | None = None) -> list[Entry]:
        count = count or PAGE
        groups = self._groups
        with self._lock:
            items = self._items[self._next:self._next + count]
            self._next += len(items)
            gone = set(self._dropped)
        left = {n: [f for f in groups[n].faces if f not in gone] for n in items if n >= 0}
        where = views(self.backend).located([faces[0] for faces in left.values() if faces])
        entries = []
        for n in items:
            if n < 0:
                entries.append(heading_entry(alone_heading(self._left[2]), 2, ALONE))
                continue
            faces = left[n]  # (those answered meanwhile left out)
            spot = where.get(faces[0]) if faces else None
            if spot is None:
                continue  # (its face gone from its photo since; or all answered meanwhile)
            if len(groups[n].faces) > 1:
                entries.append(group_entry(self.backend, n + 1, list(faces), spot,
                                           groups[n].confident))
            else:
                entries.append(face_entry(self.backend, spot.face_id, spot.image_path, spot.box,
                                          shown_name(spot.image_path.partition("/")[2]),
                                          group=n + 1, section=ALONE))
        return entries

    def drop(self, face_ids, removed: list[Entry] = (),
             shrunk: list[tuple[Entry, Entry]] = ()) -> None:
        with self._lock:
            self._dropped.update(face_ids)
            self._pending.update(face_ids)
            for entry in removed:  # (the tiles shown that left: counted no more)
                if entry.kind == GROUP:
                    self._left[0] -= 1
                    self._left[1] -= len(entry.members)
                elif entry.kind == FACE:
                    self._left[2] -= 1
            for was, now in shrunk:  # (group tiles shown with fewer faces)
                self._left[1] -= len(was.members) - len(now.members)

    def settle(self, face_ids: frozenset[str]) -> bool:
        with self._lock:
            if not face_ids <= self._pending:
                return False
            self._pending -= face_ids
            return True

    def dropped(self) -> frozenset[str]:
        with self._lock:
            return frozenset(self._dropped)

    def warm(self) -> None:
        """The groups and which faces are in a photo read into memory (a new session showed
        the listing kept: the first naming would read them)."""
        people.warm_unnamed(self.backend)

    def counted(self) -> str:
        tiles, faces, alone = self._left
        return (f"{self.stopped}: " if self.stopped else "") + (
            f"{tiles} group(s) of {faces} unnamed faces and {alone} that fit no group (F2 adds a "
            "name, I ignores a stranger, Ctrl+I lists those ignored)")

    def recount(self, entries: list[Entry]) -> list[Entry]:
        return [heading_entry(alone_heading(self._left[2]), 2, ALONE)
                if e.kind == HEADING and e.section == ALONE else e for e in entries]


def unnamed_pages(backend, searching: Searching | None = None) -> UnnamedTiles:
    """*Unnamed faces* as the window lists it (:class:`UnnamedTiles`): the groups kept until a
    change touches them, the first page of tiles located. ``searching``: the progress and
    Cancel of the faces' searches; cancelled (with ``searching.partial``): the groups of the
    faces searched, under a heading saying how far it went."""
    try:
        groups = views(backend).unnamed(searching)  # (kept until a change touches it)
    except GroupingCancelled as stopped:
        return UnnamedTiles(backend, stopped.groups,
                            stopped_heading(stopped.searched, stopped.total))
    return UnnamedTiles(backend, groups)


def unnamed_entries(backend, searching: Searching | None = None) -> list[Entry]:
    """Every tile of *Unnamed faces* (every page of :func:`unnamed_pages`)."""
    tiles = unnamed_pages(backend, searching)
    entries = list(tiles.first)
    while tiles.more():
        entries += tiles.page()
    return entries


def unnamed_job(place, stop, progress: Callable[[int, int], None]
                ) -> Callable[[], UnnamedTiles]:
    """The listing of *Unnamed faces* (``place``), to run off the GUI thread, a page at a time:
    ``progress(done, total)`` as its faces are searched, ``stop`` (anything with ``is_set()``)
    looked at between two chunks of searches; stopped, the groups of what was searched
    (:func:`unnamed_pages`)."""
    backend = place.backend
    return lambda: unnamed_pages(backend, Searching(progress, stop, partial=True))


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
