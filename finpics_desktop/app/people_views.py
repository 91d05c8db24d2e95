"""What the people places show -- *People*, a person's page, *Unnamed faces* -- kept between
openings, so that opening one again costs nothing (on the cloud: no SearchFaces or SearchUsers
call again), and dropped by what changed.

Each album has one :class:`PeopleViews` (:func:`views`). What an operation changed
(:class:`~finpics_desktop.app.changes.Changes`, reported through the album: :func:`changed`)
drops exactly the listings it touches:

- *People* (the counts, the covers): any change of names, faces or photos;
- a person's page: a change of that person (named, renamed, merged, hidden, a face confirmed or
  rejected), of a face it was made of (the person's own faces and every face looked at as a
  proposal), of the people its proposals were compared with, of a person new since, or of
  photos (a new photo's faces may be proposals);
- *Unnamed faces*: any change of faces or photos; listing it again costs no search (the
  faces' similarity graph and the groups are kept in the album itself and updated by what
  changed: :mod:`~finpics_desktop.pipeline.people.clusters`). After changes of faces only
  (a naming, a stranger ignored, a proposal confirmed) it is the groups last listed without
  those faces, once the library says each of them is named or ignored now (a few looked up
  by key) and no other write came since the last change: nothing else is read (150,000
  faces: ~70 ms on a worker instead of ~250, more where the groups and the places were never
  read in this session). A write by another program while the window's own change was being
  made is seen at the next listing afresh (F5).

An album that can tell whether it was written since (the library: its count of writes,
:attr:`Backend.writes`, else :attr:`Backend.stamp`) is also asked each time, so what another
program wrote (the command line, a publishing job) is never shown stale; the cloud cannot tell,
and F5 (:func:`forget`) lists a place afresh. A listing computed while a change came is not
kept. The library also keeps *People* and *Unnamed faces* in the album with that count, so a
new session opens them without listing them again
(:mod:`~finpics_desktop.pipeline.people.views_kept`)."""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from dataclasses import dataclass

from finpics_desktop.app import people as app_people
from finpics_desktop.app.changes import Changes
from finpics_desktop.domain.matches import PhotoMatch
from finpics_desktop.domain.people import Cluster, Person, PersonSummary, name_key
from finpics_desktop.pipeline.people import views_kept
from finpics_desktop.pipeline.people.clusters import Searching
from finpics_desktop.pipeline.people.naming import Located
from finpics_desktop.pipeline.people.proposals import Proposals
from finpics_desktop.ports import Backend

PEOPLE, PERSON, UNNAMED = "people", "person", "unnamed"
_keep_later: Callable[[Callable[[], None]], None] | None = None


def keep_later(run: Callable[[Callable[[], None]], None] | None) -> None:
    """How the library keeps a listing just made for the next session: ``run(keep)`` (the
    window: once what it shows is drawn, so that writing a listing of 44,000 groups never
    competes with drawing them), or at once by the thread that listed it (None: the command
    line)."""
    global _keep_later
    _keep_later = run


@dataclass
class _Kept:
    value: object
    stamp: object
    faces: frozenset[str] = frozenset()  # what a change must touch to change it
    photos: frozenset[str] = frozenset()  # "<picset>/<name>"
    people: frozenset[str] = frozenset()  # name keys
    known: frozenset[str] = frozenset()  # the people there were (name keys)


@dataclass(frozen=True)
class _Answered:
    """*Unnamed faces* as last listed, the faces changed since (by changes of faces only), and
    the album's count of writes right after the last of those changes."""

    groups: list[Cluster]
    faces: frozenset[str]
    stamp: object


class PeopleViews:
    """One album's people listings, kept (module docstring)."""

    def __init__(self, backend: Backend):
        self._backend = weakref.ref(backend)  # an album closed is not kept alive by this
        self._lock = threading.Lock()
        self._kept: dict[tuple, _Kept] = {}
        self._epoch = 0  # one more at each change: a listing computed across one is not kept
        self._places: tuple[object, dict[str, Located]] = (None, {})  # (stamp, face -> place)
        self._answered: _Answered | None = None  # what Unnamed faces is listed from next

    @property
    def backend(self) -> Backend:
        backend = self._backend()
        if backend is None:
            raise RuntimeError("the album of these listings was closed")
        return backend

    # -- reading -----------------------------------------------------------------------------
    def people(self, hidden: bool = False) -> list[PersonSummary]:
        return self._get((PEOPLE, hidden), lambda: _people(self.backend, hidden))

    def person(self, name: str, first: Callable[[Person, list[PhotoMatch], int], None] | None
               = None) -> tuple[Proposals, list[PhotoMatch], int]:
        """The proposals for the person, their photos, and how many of their named faces are
        in those photos (the page's title); ``first``: told the person, their photos and that
        count before the proposals are searched, when the page is made (not when kept)."""
        return self._get((PERSON, name_key(name)), lambda: _person(self.backend, name, first))

    def unnamed(self, searching: Searching | None = None) -> list[Cluster]:
        """The unnamed faces grouped (their ids only: the window locates those it shows, a page
        of tiles at a time, :func:`~finpics_desktop.app.people.locate_faces`). ``searching``:
        the progress and Cancel of the faces' searches, when they are made; a grouping
        cancelled raises :class:`~finpics_desktop.pipeline.people.clusters.GroupingCancelled`,
        never kept."""
        return self._get((UNNAMED,), lambda: self._unnamed(searching))

    def located(self, face_ids: list[str]) -> dict[str, Located]:
        """Where these faces are (the tiles of a page of *Unnamed faces*), kept like the
        listings: a page shown again -- the place opened again -- reads nothing (on the cloud:
        no call); any change drops them with the listings."""
        stamp = self._stamp()
        with self._lock:
            if self._places[0] != stamp:
                self._places = (stamp, {})
            known, epoch = self._places[1], self._epoch
            found = {f: known[f] for f in face_ids if f in known}
        missing = [f for f in face_ids if f not in found]
        if missing:
            made = app_people.locate_faces(self.backend, missing)
            found.update(made)
            with self._lock:
                if self._epoch == epoch and self._places[0] == stamp:
                    self._places[1].update(made)
        return found

    def _unnamed(self, searching: Searching | None = None) -> _Kept:
        with self._lock:
            since = self._answered

        def grouped() -> list[Cluster]:
            if since is not None and since.stamp == self._stamp():  # (no other write since)
                found = app_people.unnamed_answered(self.backend, since.groups, since.faces)
                if found is not None:
                    return found
            return app_people.unnamed_groups(self.backend, searching)

        return _Kept(views_kept.kept(self.backend, UNNAMED, grouped, views_kept.unnamed_rows,
                                     views_kept.unnamed_from, _keep_later), None)

    def _stamp(self) -> tuple[object, object]:
        marker = views_kept.count(self.backend)  # the album's own count of writes
        if marker is not None:
            return (views_kept.VIEWS, marker)
        return self.backend.stamp() if self.backend.stamp is not None else (None, None)

    def _get(self, key: tuple, compute: Callable[[], _Kept]):
        stamp = self._stamp()
        with self._lock:
            kept = self._kept.get(key)
            if kept is not None and kept.stamp == stamp:
                return kept.value
            epoch = self._epoch
        made = compute()
        made.stamp = stamp
        with self._lock:
            if self._epoch == epoch:  # nothing changed meanwhile: it is what the album holds
                self._kept[key] = made
        return made.value

    # -- what changed ------------------------------------------------------------------------
    def changed(self, changes: Changes) -> None:
        """Drop what ``changes`` touches (module docstring)."""
        photos_changed = bool(changes.everything or changes.photos or changes.picsets
                              or changes.renamed or changes.removed)
        faces_only = bool(changes.faces) and not (photos_changed or changes.gone)
        stamp = self._stamp() if faces_only else None  # (the count right after this change)
        with self._lock:
            self._epoch += 1
            self._answered = self._since(changes.faces, stamp) if faces_only else None
            names = {name_key(n) for n in changes.people | changes.gone}
            if photos_changed or changes.faces or names:
                self._places = (None, {})
            for key in list(self._kept):
                if _touched(key, self._kept[key], changes, photos_changed, names):
                    del self._kept[key]

    def _since(self, faces: frozenset[str], stamp: object) -> _Answered | None:
        """What *Unnamed faces* is listed from after a change of ``faces`` only: the groups
        listed (kept) and these faces, or those of the changes before since it was listed."""
        kept, before = self._kept.get((UNNAMED,)), self._answered
        if kept is not None:
            return _Answered(kept.value, faces, stamp)
        return None if before is None else _Answered(before.groups, before.faces | faces, stamp)

    def forget(self, in_album: bool = True) -> None:
        """Everything listed afresh at the next opening (F5): what is kept in memory, and
        (``in_album``) the listings kept in the album too."""
        with self._lock:
            self._epoch += 1
            self._kept.clear()
            self._places = (None, {})
            self._answered = None
        if in_album:
            views_kept.forget(self.backend)


def _touched(key: tuple, kept: _Kept, changes: Changes, photos_changed: bool,
             names: set[str]) -> bool:
    if photos_changed:
        return True
    if key[0] == PERSON:
        return bool(key[1] in names or kept.faces & changes.faces or kept.people & names
                    or names - kept.known)
    return bool(changes.faces or names)  # People, Unnamed faces


def _people(backend: Backend, hidden: bool) -> _Kept:
    return _Kept(views_kept.kept(backend, f"{PEOPLE}{'-hidden' if hidden else ''}",
                                 lambda: app_people.list_people(backend, hidden),
                                 views_kept.people_rows, views_kept.people_from, _keep_later),
                 None)


def _person(backend: Backend, name: str, first=None) -> _Kept:
    proposals, photos, faces = views_kept.kept(
        backend, f"{views_kept.PAGE}{name_key(name)}",
        lambda: app_people.person_page(backend, name, first), views_kept.page_rows,
        views_kept.page_from, _keep_later)
    everyone = app_people.people_by_id(backend)
    return _Kept(
        (proposals, photos, faces), None,
        faces=proposals.faces | {p.face_id for p in proposals.all}
        | {m.matched_face_id for m in photos if m.matched_face_id},
        photos=frozenset({p.image_path for p in proposals.all}
                         | {f"{m.picset}/{m.name}" for m in photos}),
        people=frozenset(name_key(everyone[p]) for p in proposals.compared if p in everyone),
        known=frozenset(name_key(n) for n in everyone.values()))


_VIEWS: dict[str, PeopleViews] = {}
_VIEWS_LOCK = threading.Lock()


def views(backend: Backend) -> PeopleViews:
    """The album's kept people listings (new ones for another backend of the same album:
    reopened, reconnected)."""
    with _VIEWS_LOCK:
        for key in [k for k, v in _VIEWS.items() if v._backend() is None]:
            del _VIEWS[key]  # albums closed and gone
        found = _VIEWS.get(backend.identity)
        if found is None or found._backend() is not backend:
            found = _VIEWS[backend.identity] = PeopleViews(backend)
        return found


def changed(changes: Changes) -> None:
    """An operation changed ``changes`` in the album ``changes.album``: its listings follow."""
    with _VIEWS_LOCK:
        found = _VIEWS.get(changes.album)
    if found is not None:
        found.changed(changes)


def forget(backend: Backend) -> None:
    views(backend).forget()
