"""What an operation changed, as Anki's ``OpChanges``: every curation and people operation (and a
publishing job, a push) says which picsets, photos, people, faces and trash it touched; the
album it ran on publishes that once (:class:`Observers`), and each view refreshes what it shows
of it -- the tree's picsets and counts, the grid, People, a person's page, the Unnamed groups,
the viewer's names, the trash -- instead of each action refreshing the views by hand."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace


@dataclass(frozen=True)
class Changes:
    """What one operation changed in one album (``album``: its :attr:`Album.key`).

    ``picsets``: whose photos changed (their counts, their grids); ``picset_list``: the list of
    picsets itself (one added, gone, renamed, reordered, its featured photo); ``renamed``: old
    id -> new id; ``removed``: picsets gone; ``photos``: (picset, name) moved, copied, deleted,
    whose faces changed; ``left``: those of them no longer there (moved away, deleted);
    ``people``: names named, renamed, merged, hidden; ``gone``: people who
    are no longer there under that name (renamed, merged away); ``faces``: face ids named,
    unnamed, confirmed, rejected, drawn; ``trash``: what the trash holds; ``everything``: any
    picset may have changed (an undo, a restore, renumbering)."""

    album: str = ""
    picsets: frozenset[str] = frozenset()
    picset_list: bool = False
    renamed: tuple[tuple[str, str], ...] = ()
    removed: frozenset[str] = frozenset()
    photos: frozenset[tuple[str, str]] = frozenset()
    left: frozenset[tuple[str, str]] = frozenset()
    people: frozenset[str] = frozenset()
    gone: frozenset[str] = frozenset()
    faces: frozenset[str] = frozenset()
    trash: bool = False
    everything: bool = False

    @classmethod
    def of(cls, album: str = "", *, picsets: Iterable[str] = (),
           photos: Iterable[tuple[str, str]] = (), left: Iterable[tuple[str, str]] = (),
           people: Iterable[str | None] = (),
           faces: Iterable[str] = (), removed: Iterable[str] = (), gone: Iterable[str] = (),
           **flags) -> Changes:
        left = frozenset((p, n) for p, n in left)
        photos = frozenset((p, n) for p, n in photos) | left
        return cls(album, frozenset(picsets) | {p for p, _ in photos}, photos=photos, left=left,
                   people=frozenset(p for p in people if p), faces=frozenset(faces),
                   removed=frozenset(removed), gone=frozenset(gone), **flags)

    @property
    def empty(self) -> bool:
        return self == Changes(self.album)

    def touches_picset(self, picset: str | None) -> bool:
        """Whether the photos of ``picset`` (its grid, its count) may have changed."""
        return self.everything or picset in self.picsets or picset in self.removed or any(
            picset in pair for pair in self.renamed)

    @property
    def touches_picset_list(self) -> bool:
        return self.everything or self.picset_list or bool(self.renamed or self.removed)

    @property
    def touches_people(self) -> bool:
        """Whether who is who may have changed (People, a person's page, Unnamed faces): names
        and faces, and photos (faces are shown in theirs)."""
        return self.everything or bool(self.people or self.gone or self.faces or self.photos
                                       or self.renamed or self.removed)

    def touches_person(self, name: str) -> bool:
        return self.everything or bool(self.faces or self.photos or self.renamed
                                       or self.removed) or name in self.people or (
            name in self.gone)

    def touches_photo(self, picset: str | None, name: str | None,
                      faces: Iterable[str] = ()) -> bool:
        """Whether a photo shown (and the names on its faces) may have changed."""
        return self.everything or (picset, name) in self.photos or bool(
            self.faces.intersection(faces)) or bool(self.gone)  # a name renamed, merged

    def __or__(self, other: Changes) -> Changes:
        return replace(
            self, picsets=self.picsets | other.picsets,
            picset_list=self.picset_list or other.picset_list,
            renamed=self.renamed + other.renamed, removed=self.removed | other.removed,
            photos=self.photos | other.photos, left=self.left | other.left,
            people=self.people | other.people,
            gone=self.gone | other.gone, faces=self.faces | other.faces,
            trash=self.trash or other.trash, everything=self.everything or other.everything)


Listener = Callable[[Changes], None]


@dataclass
class Observers:
    """Who is told what an operation changed (a plain-Python observer: the window bridges it to
    one Qt signal). Listeners are called on the thread that publishes."""

    _listeners: list[Listener] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def listen(self, listener: Listener) -> Callable[[], None]:
        """Start telling ``listener``; returns how to stop."""
        with self._lock:
            self._listeners.append(listener)
        return lambda: self._forget(listener)

    def _forget(self, listener: Listener) -> None:
        with self._lock:
            if listener in self._listeners:
                self._listeners.remove(listener)

    def publish(self, changes: Changes) -> None:
        if changes.empty:
            return
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            listener(changes)
