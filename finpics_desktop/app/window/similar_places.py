"""The near-duplicates of a picset (library or cloud) or of a folder, as a place of the window:
a title, then one section per group -- its heading says *copies* (one picture saved several
times) or *series* (frames of one moment), which photo is the best and why -- and its photos,
the best first, marked as such (its tooltip says why). Listed off the GUI thread like any place
(every photo is read and measured: :mod:`finpics_desktop.app.similar`), with the photos measured
so far said as it goes, and Cancel (Esc) stops it.

*Keep the best of each group* sends every photo but the best of its group to the trash, as one
action (Ctrl+Z undoes it): :func:`to_trash`. A folder's files are never changed: there it is
offered as publishing the folder with the best of each group kept (the New picset dialog's
choice). What an action sent away leaves the groups at once (:func:`after_changes`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from threading import Event

from finpics_desktop.app import similar
from finpics_desktop.app.entries import FILE, HEADING, PHOTO, Entry, heading_entry, photo_entry
from finpics_desktop.domain.photo_order import shown_name
from finpics_desktop.pipeline.similar import COPIES, Group

SIMILAR = "similar"
TITLE = "similar-title"
BEST = "\u2605 best"  # the best tile's caption starts so


def similar_job(place, stop: Event, progress: similar.Progress) -> Callable[[], list[Entry]]:
    """The listing of ``place`` (kind :data:`SIMILAR`: its ``picset`` of its ``backend``, or
    its folder ``path``), to run off the GUI thread."""
    if place.path is not None:
        path = place.path
        return lambda: similar_entries(similar.in_folder(path, cancel=stop, progress=progress),
                                       None, str(path))
    backend, picset, title = place.backend, place.picset, place.title or place.picset
    return lambda: similar_entries(similar.in_picset(backend, picset, stop, progress),
                                   backend, title)


def similar_entries(found: similar.Similar, backend, where: str) -> list[Entry]:
    """The title (with how many photos were compared), then each group under its heading."""
    tiles: list[Entry] = []
    for number, group in enumerate(found.groups, 1):
        section = f"{group.kind}:{number}"
        for name in group.members:
            tiles.append(_tile(found.items.get(name), backend, name, group, section))
    unreadable = len(found.unreadable)
    return _with_headings(tiles, where, found.photos, unreadable)


def _tile(item, backend, name: str, group: Group, section: str) -> Entry:
    if backend is not None and item is not None:
        entry = photo_entry(backend, item)
    else:
        entry = Entry(FILE, shown_name(name), path=item)
    best = name == group.best
    why = ", ".join(group.reasons)
    note = (f"The best of this group: {why}" if best else
            "Goes to the trash with \u201cKeep the best of each group\u201d" if backend else
            "Left out when the folder is published keeping the best of each group")
    return replace(entry, title=f"{BEST} \u00b7 {entry.title}" if best else entry.title,
                   best=best, note=note, section=section)


def _with_headings(tiles: list[Entry], where: str, photos: int, unreadable: int = 0
                   ) -> list[Entry]:
    sections: dict[str, list[Entry]] = {}
    for tile in tiles:
        sections.setdefault(tile.section, []).append(tile)
    said = (f"Near-duplicates of {where} \u2014 "
            f"{_n(len(sections), 'group') if sections else 'none'} among {_n(photos, 'photo')}"
            + (f" ({unreadable} could not be read: see Messages)" if unreadable else ""))
    title = heading_entry(said, 1, TITLE)
    title.group = photos  # (kept: the title said again once photos leave)
    entries = [title]
    for section, members in sections.items():
        entries.append(heading_entry(_group_heading(section, members), 2, section))
        entries.extend(members)
    return entries


def _group_heading(section: str, members: list[Entry]) -> str:
    kind = section.partition(":")[0]
    best = next((m for m in members if m.best), members[0])
    name = best.title.removeprefix(f"{BEST} \u00b7 ")
    why = best.note.removeprefix("The best of this group: ")
    what = (f"Copies \u2014 {_n(len(members), 'file')} of one picture" if kind == COPIES else
            f"Series \u2014 {_n(len(members), 'frame')} of one moment")
    return f"{what}; the best: {name} ({why})"


def _n(count: int, what: str) -> str:
    return f"{count} {what}{'' if count == 1 else 's'}"


def to_trash(entries: list[Entry]) -> list[str]:
    """What *Keep the best of each group* sends to the trash: every photo but the best of its
    group, as ``picset/name``."""
    return [f"{e.picset}/{e.name}" for e in entries if e.kind == PHOTO and e.section and
            not e.best]


def left_out(entries: list[Entry]) -> list[str]:
    """A folder's files that publishing keeping the best leaves out (file names)."""
    return [e.path.name for e in entries if e.kind == FILE and e.section and not e.best]


def after_changes(entries: list[Entry], picset: str, changes) -> list[Entry] | None:
    """The groups once ``changes`` are done: the photos that left the picset gone from them, a
    group left with one photo gone too; None when they must be found again (a best photo left,
    or others came or changed)."""
    if changes.everything:  # (an undo: what came back is not said photo by photo)
        return None
    left = {name for p, name in changes.left if p == picset}
    touched = {name for p, name in changes.photos if p == picset} - left
    shown = {e.name for e in entries if e.kind == PHOTO}
    if touched or any(e.best and e.name in left for e in entries if e.kind == PHOTO):
        return None
    if not left & shown:
        return entries
    title = entries[0] if entries and entries[0].kind == HEADING else None
    tiles = [e for e in entries if e.kind != HEADING and e.name not in left]
    counts: dict[str, int] = {}
    for tile in tiles:
        counts[tile.section] = counts.get(tile.section, 0) + 1
    tiles = [t for t in tiles if counts[t.section] > 1]
    photos = (title.group if title is not None else 0) - len(left & shown)
    where = title.title.partition(" \u2014 ")[0].removeprefix("Near-duplicates of ") if (
        title is not None) else picset
    return _with_headings(tiles, where, photos)


def count_similar(entries: list[Entry]) -> str:
    """The status bar once listed."""
    groups = sum(1 for e in entries if e.kind == HEADING and e.level == 2)
    if not groups:
        return "No near-duplicates"
    others = sum(1 for e in entries if e.kind != HEADING and not e.best)
    return (f"{_n(groups, 'group')} of near-duplicates: \u201cKeep the best of each group\u201d "
            f"leaves out {others} photo(s)")
