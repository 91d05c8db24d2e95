"""What the Info panel says of what is chosen: the photo in the viewer, or the tiles chosen in
the grid -- one tile, its facts (its EXIF essentials read from the file or the album); several,
how many of what and their size. The readers do I/O: the window runs them off the GUI thread.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import replace

from finpics_desktop.app.entries import FACE, FILE, PERSON, PHOTO, PICSET, Entry
from finpics_desktop.app.errors import describe_error
from finpics_desktop.app.photos import original_bytes, published_location
from finpics_desktop.domain.keys import photo_key
from finpics_desktop.domain.picsets import display_name
from finpics_desktop.pipeline.photos.exif import PhotoFacts, read_facts

Rows = list[tuple[str, str]]
NOUNS = {FILE: ("photo", "photos"), PHOTO: ("photo", "photos"), PICSET: ("picset", "picsets"),
         PERSON: ("person", "people"), FACE: ("face", "faces")}


def facts_rows(entry: Entry, facts: PhotoFacts | None, size: int | None = None) -> Rows:
    """The rows of one photo (a file or a published photo): where it is, its EXIF facts, its
    size in bytes when known, its faces and a search's similarity."""
    rows = [("File", entry.path.name if entry.kind == FILE else entry.name or "")]
    rows.append(("Folder", str(entry.path.parent)) if entry.kind == FILE
                else ("Picset", display_name(entry.picset) if entry.picset else ""))
    if facts is not None:
        rows += facts.rows()
    if size is not None:
        rows.append(("File size", describe_size(size)))
    if entry.kind != FILE:
        rows.append(("Faces", str(len(entry.faces))))
    if entry.similarity is not None:
        rows.append(("Similarity", f"{entry.similarity:.1f} %"))
    return rows


def first_rows(entry: Entry) -> Rows:
    """What is known of one tile at once (no I/O): shown until its facts are read."""
    if entry.kind in (FILE, PHOTO):
        return facts_rows(entry, None)
    if entry.kind == PICSET:
        rows = [("Picset", entry.title), ("Id", entry.picset or "")]
        return rows + ([("Featured photo", entry.name)] if entry.name else [])
    if entry.kind == PERSON:
        return [("Person", entry.person), ("Shown by", _photo(entry))]
    rows = [("Face in", _photo(entry))]
    return rows + ([("Proposed for", entry.person)] if entry.person else [])


def _photo(entry: Entry) -> str:
    """A published photo as the curator knows it: its picset's title, then its name."""
    return f"{display_name(entry.picset)} / {entry.name}" if entry.picset else entry.name or ""


def tile_rows(entry: Entry) -> Rows:
    """One tile's rows with its facts read (a photo file or a published photo); a photo that
    cannot be read shows what is known of it and why."""
    if entry.kind not in (FILE, PHOTO):
        return first_rows(entry)
    try:
        data = original_bytes(entry)
        name = entry.path.name if entry.kind == FILE else entry.name or ""
        facts = read_facts(data, name)
    except Exception as e:  # noqa: BLE001 - said in the panel, never raised
        return facts_rows(entry, None) + [("Cannot read", describe_error(e))]
    if entry.kind == PHOTO and entry.backend.public:
        facts = replace(facts, location=published_location(entry, facts))
    return facts_rows(entry, facts, len(data))


def count_text(entries: Sequence[Entry]) -> str:
    """"3 photos", "2 picsets, 1 photo"."""
    counts = Counter(e.kind if e.kind != FILE else PHOTO for e in entries)
    parts = []
    for kind, n in counts.most_common():
        one, many = NOUNS.get(kind, ("item", "items"))
        parts.append(f"{n} {one if n == 1 else many}")
    return ", ".join(parts)


def several_rows(entries: Sequence[Entry],
                 stopped: Callable[[], bool] = lambda: False) -> Rows:
    """Several tiles: how many of what, and the size of their photos (files on this computer
    or published originals; stops early, saying nothing of the size, when ``stopped``)."""
    rows = [("Selected", count_text(entries))]
    total, sized = 0, 0
    for entry in entries:
        if stopped():
            return rows
        size = entry_size(entry)
        if size is not None:
            total, sized = total + size, sized + 1
    if sized:
        rows.append(("Size", describe_size(total) + (
            f" ({sized} of {len(entries)})" if sized != len(entries) else "")))
    return rows


def entry_size(entry: Entry) -> int | None:
    """A photo's size in bytes (a file's on disk, a published original's in its album)."""
    try:
        if entry.kind == FILE and entry.path is not None:
            return entry.path.stat().st_size
        if entry.kind == PHOTO and entry.backend is not None and entry.name:
            info = entry.backend.store.head(entry.backend.names.pics_bucket,
                                            photo_key(entry.picset, entry.name).key)
            return info.size if info is not None else None
    except OSError:
        return None
    return None


def describe_size(size: int) -> str:
    """1234567 -> "1.2 MB" (decimal units, as file managers show them)."""
    if size < 1000:
        return f"{size} bytes"
    value, unit = size / 1000, "kB"
    for bigger in ("MB", "GB", "TB"):
        if value < 1000:
            break
        value, unit = value / 1000, bigger
    return f"{value:.1f} {unit}"
