"""Where the user is in the window, as plain state: the *place* the grid shows (a folder of
this computer, the picsets of the library or the cloud, the photos of a picset), the *pages*
stacked on it (the grid, a photo in the viewer, the photos of a person; Back pops), and the
listing and search under way.

Every action changes the state and emits what changed (the events below); the window's Qt
controller draws them, and tests drive the state without a display. Listing and search run
through a :class:`~finpics_desktop.app.tasks.Runner`: cancelling their task is the one way a
stale result is dropped (a newer place or search replaces it, or the user cancels it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from finpics_desktop.app.album import CLOUD, LIBRARY
from finpics_desktop.app.browse import (
    list_folder,
    list_photos,
    list_picsets,
)
from finpics_desktop.app.changes import Changes
from finpics_desktop.app.entries import (
    FACE,
    FILE,
    GROUP,
    HEADING,
    PERSON,
    PHOTO,
    PICSET,
    Entry,
    face_photo,
)
from finpics_desktop.app.errors import describe_error, settings_section
from finpics_desktop.app.tasks import Runner, Task
from finpics_desktop.app.window.navigation_events import (  # noqa: F401 - the events, here too
    BusyChanged,
    Event,
    FrameChanged,
    GridChanged,
    PageChanged,
    PhotoAdded,
    PlaceChanged,
    RowsAdded,
    StatusChanged,
    Told,
)
from finpics_desktop.app.window.navigation_paging import Paging
from finpics_desktop.app.window.navigation_search import FaceSearch
from finpics_desktop.app.window.paging import Paged
from finpics_desktop.app.window.people_places import (  # noqa: F401 - the places' kinds, here too
    COUNTED,
    GROUP_PLACE,
    IGNORED,
    PEOPLE,
    PEOPLE_JOBS,
    PERSON_PLACE,
    TOGETHER,
    UNNAMED,
    GroupingStop,
    forget_place,
    grouping_progress,
    person_entries,
    unnamed_job,
)
from finpics_desktop.app.window.places import (  # noqa: F401 - the places and pages, here too
    CANCELLED,
    FAILED,
    FOLDER,
    FOUND,
    GRID,
    LISTING,
    PICSET_PLACE,
    SEARCH,
    SEARCH_UNDER_WAY,
    SEARCHING,
    VIEWER,
    Frame,
    Place,
)
from finpics_desktop.app.window.similar_places import (  # noqa: F401 - SIMILAR, here too
    SIMILAR,
    after_changes,
    count_similar,
    similar_job,
)
from finpics_desktop.domain.picsets import display_name
from finpics_desktop.ports import Backend


def _count(n: int, what: str) -> str:
    return f"{n} {what}{'s' if n != 1 else ''}"


class Navigation(Paging, FaceSearch):
    """The window's navigation state. ``prefetch(entries)`` (any thread) starts on the first
    screen's thumbnails, ``first_screen()`` says how many cells that is."""

    def __init__(self, run: Runner,
                 prefetch: Callable[[list[Entry]], None] = lambda entries: None,
                 first_screen: Callable[[], int] = lambda: 0,
                 post: Callable[[Callable[[], None]], None] = lambda fn: fn(),
                 later: Callable[[Callable[[], None]], None] | None = None):
        self.run = run
        self.post = post  # (any thread) run this on the state's thread: a listing's progress
        # work no one waits for, on a worker once the window is idle (default: at once, by run)
        self.later = later or (lambda fn: run(fn, None, None))
        self.prefetch = prefetch
        self.first_screen = first_screen
        self.location: Place | None = None
        self.stack: list[Frame] = [Frame(GRID)]
        self.entries: list[Entry] = []  # what the grid shows
        self.listing_cancelled = False  # the grid is empty because the user cancelled it
        self.listing_failed = ""  # ... or because its listing failed: why
        self._listing: tuple[str, Task] | None = None  # what, its task
        self._grouping: GroupingStop | None = None  # Unnamed faces' searches under way
        self.pages = None  # the pages still to come of the place shown (paging.Paged)
        self._search: tuple[Frame, Task] | None = None
        self._busy: list[tuple[str, str]] = []
        self._published_while_listing: list[Entry] = []
        self._listeners: list[Callable[[Event], None]] = []
        # faces answered on the place shown (confirmed, rejected, named): never shown again as
        # such there, even by a listing that began before the answer was written
        self.answered: set[str] = set()

    # -- observing --------------------------------------------------------------------------
    def listen(self, callback: Callable[[Event], None]) -> None:
        self._listeners.append(callback)

    def _emit(self, event: Event) -> None:
        for callback in list(self._listeners):
            callback(event)

    @property
    def frame(self) -> Frame:
        return self.stack[-1]

    @property
    def page(self) -> str:
        return self.frame.page

    @property
    def loading(self) -> bool:
        return self._listing is not None

    @property
    def searching(self) -> bool:
        return self._search is not None

    @property
    def folder(self) -> Path | None:
        loc = self.location
        return loc.path if loc is not None and loc.kind == FOLDER else None

    def _status(self, text: str) -> None:
        self._emit(StatusChanged(text))

    # -- for the actions on a place's entries (people's) ------------------------------------
    def show_entries(self, entries: list[Entry]) -> None:
        """The grid shows ``entries`` now (some were answered, named...)."""
        self.entries = list(entries)
        self._emit(GridChanged(self.entries))

    def tell(self, text: str, level: str = "warning") -> None:
        self._emit(Told(text, level))

    def say(self, text: str) -> None:
        self._status(text)

    def _begin(self, kind: str, text: str) -> None:
        self._busy = [j for j in self._busy if j[0] != kind] + [(kind, text)]
        self._emit(BusyChanged(tuple(self._busy), True))

    def _end(self, kind: str) -> None:
        if any(j[0] == kind for j in self._busy):
            self._busy = [j for j in self._busy if j[0] != kind]
            self._emit(BusyChanged(tuple(self._busy), False))

    # -- the grid ---------------------------------------------------------------------------
    def open(self, place: Place) -> None:
        """Show ``place``: its listing replaces the one under way, and a search under way is
        moot (the user left its page)."""
        self._drop_listing()
        self.location = place
        self.listing_cancelled = False
        self.listing_failed = ""
        if self._search is not None:
            self._drop_search()
        self.stack = [Frame(GRID)]
        self.entries = []
        self.pages = None
        self.answered = set()
        self._emit(PlaceChanged(place))
        if place.kind in (LIBRARY, CLOUD) and place.backend is None:
            self._end(LISTING)
            if place.kind == LIBRARY:
                self._status("The library cannot be opened (see Messages)")
            else:
                self._status(f"finpics cloud: {place.problem}" if place.problem else
                             "finpics cloud is not connected (see Settings)")
            return
        self._list(place)

    def _first_screen_started(self, job: Callable[[], list[Entry]], task: Task
                              ) -> Callable[[], list[Entry]]:
        """``job``, then on its thread the first screen's thumbnails started (not later)."""
        first = self.first_screen()

        def listed() -> list[Entry] | Paged:
            entries = job()
            if not task.cancelled:
                self.prefetch((entries.first if isinstance(entries, Paged) else entries)[:first])
            return entries

        return listed

    def _list(self, place: Place, relisted: bool = False) -> None:
        task = Task()
        if place.kind == FOLDER:
            path, first = place.path, self.first_screen()

            def first_screen(head: list[Entry]) -> None:  # the listing's thread
                if not task.cancelled:  # a cancelled folder's thumbnails are not made
                    self.prefetch(head)

            job = lambda: list_folder(path, first, first_screen)[0]  # noqa: E731
        elif place.kind == PICSET_PLACE:
            backend, picset = place.backend, place.picset
            job = lambda: list_photos(backend, picset)  # noqa: E731
        elif place.kind == UNNAMED:  # Cancel stops its searches, the ones made are shown
            self._grouping = GroupingStop(task.stop)
            job = unnamed_job(place, self._grouping, self._progress(task, grouping_progress))
        elif place.kind == PERSON_PLACE:  # its photos' thumbnails begun before its proposals
            backend, person, first = place.backend, place.person, self.first_screen()

            def head(entries: list[Entry]) -> None:  # the listing's thread
                if not task.cancelled:
                    self.prefetch(entries[:first])

            job = lambda: person_entries(backend, person, head)  # noqa: E731
        elif place.kind in PEOPLE_JOBS:
            job = PEOPLE_JOBS[place.kind](place)
        elif place.kind == SIMILAR:
            job = similar_job(place, task.stop, self._progress(task, lambda done, total: (
                f"Finding {place.what}: {done} of {total} photos measured…")))
        else:
            backend = place.backend
            job = lambda: list_picsets(backend)  # noqa: E731
        job = job if place.kind == FOLDER else self._first_screen_started(job, task)
        what = place.what
        self._listing = (what, task)
        if not relisted:
            self._status("")  # not the last place's count while this one is listed
        self._begin(LISTING, f"Listing {what}…")

        def done(entries: list[Entry]) -> None:
            entries = self._paged(entries)  # (a listing shown a page at a time: its first)
            if self.answered:
                entries = [e for e in entries
                           if not (e.kind == FACE and e.face_id in self.answered)]
            self.prefetch(entries[:self.first_screen()])  # (before anyone hears it is listed)
            self.entries = list(entries)  # (not an empty place while the listing ends)
            self._end_listing()
            self._emit(GridChanged(self.entries, relisted))
            late, self._published_while_listing = self._published_while_listing, []
            for entry in late:  # published after the listing's query ran
                self.photo_published(entry)
            counted = COUNTED.get(place.kind) or (count_similar if place.kind == SIMILAR
                                                  else None)
            self._status(self.pages.counted() if self.pages is not None else counted(
                self.entries) if counted else _count(
                len(self.entries), "picset" if place.kind in (LIBRARY, CLOUD) else "photo"))

        def fail(error: BaseException) -> None:
            self.listing_failed = describe_error(error)
            self._end_listing()
            self._emit(Told(f"{what}: {self.listing_failed}", "error", settings_section(error)))

        self.run(job, done, fail, task=task)

    def refresh(self) -> None:
        """F5: list the place again (afresh: nothing kept of it)."""
        if self.location is not None:
            forget_place(self.location)
            self.open(self.location)

    def relist(self) -> None:
        """List the place shown again without leaving it: the grid keeps what it shows (and the
        pages stacked on it stay) until the new listing is in."""
        place = self.location
        if place is None or place.backend is None and place.kind in (LIBRARY, CLOUD):
            return
        self._drop_listing()
        self.listing_cancelled, self.listing_failed = False, ""
        self._list(place, relisted=True)

    def changed(self, changes: Changes) -> None:
        """An operation changed ``changes`` in an album: the place shown is listed again if it
        shows any of it (a picset renamed is followed to its new id; one deleted, or a person
        renamed or merged away, leaves for the place above). The picsets of a library or cloud
        shown follow the sources' listing of them (:meth:`picsets_refreshed`)."""
        loc = self.location
        if loc is None or loc.backend is None or loc.backend.identity != changes.album:
            return
        shown = self.frame.current if self.page == VIEWER else None
        if shown is not None and (shown.picset, shown.name) in changes.left:
            self.open(loc)  # the photo shown left (moved, deleted): its place, listed again
            return
        if loc.kind == PICSET_PLACE:
            new_id = dict(changes.renamed).get(loc.picset)
            if new_id:
                self.open(replace(loc, picset=new_id, title=display_name(new_id)))
            elif loc.picset in changes.removed:
                self.open(loc.parent)
            elif changes.touches_picset(loc.picset):
                self.relist()
        elif loc.kind == PERSON_PLACE:
            if loc.person in changes.gone:
                self.open(loc.parent)
            elif changes.touches_person(loc.person):
                self.relist()
        elif loc.kind in (PEOPLE, UNNAMED, TOGETHER, GROUP_PLACE, IGNORED) and \
                changes.touches_people:
            if loc.kind == UNNAMED and self.dropped_in_place(changes):
                return  # named or ignored here: the grid lost them already, nothing to relist
            self.relist()
        elif loc.kind == SIMILAR and loc.picset and changes.touches_picset(loc.picset):
            kept = None if self.loading else after_changes(self.entries, loc.picset, changes)
            if kept is None:
                self.relist()  # (measured again: a best photo left, or photos came back)
            elif kept is not self.entries:
                self.show_entries(kept)

    def _progress(self, task: Task, text: Callable[[int, int], str]) -> Callable[[int, int], None]:
        """What the listing of ``task`` says as it goes (its thread calls it)."""
        def report(done: int, total: int) -> None:
            def say() -> None:
                if self._listing is not None and self._listing[1] is task and not (
                        self._grouping and self._grouping.asked.is_set()):  # (stopping)
                    self._listing_says(text(done, total))

            self.post(say)

        return report

    def _listing_says(self, text: str) -> None:
        self._busy = [(k, text if k == LISTING else t) for k, t in self._busy]
        self._emit(BusyChanged(tuple(self._busy), False))

    def _end_listing(self) -> None:
        self._listing, self._grouping = None, None
        self._end(LISTING)

    def _drop_listing(self) -> None:
        """Forget the listing under way (its result, when it comes, is not delivered); the
        indicator stays for the listing that replaces it, if any."""
        if self._listing is not None:
            self._listing[1].cancel()
        self._listing, self._grouping = None, None
        self._published_while_listing = []

    def _cancel_listing(self) -> None:
        if self._grouping is not None and not self._grouping.asked.is_set():
            self._grouping.asked.set()  # its searches stop; what they found is shown
            self._listing_says("Stopping: grouping the faces searched so far…")
            return
        what = self._listing[0]
        self._drop_listing()
        self._end(LISTING)
        self.listing_cancelled = True  # the grid stays empty until F5 or another place
        self._status(f"Cancelled listing {what} (F5 lists it again)")

    def cancel(self) -> bool:
        """Esc / Cancel: stop the newest listing or search under way (False if none)."""
        if not self._busy:
            return False
        if self._busy[-1][0] == LISTING:
            self._cancel_listing()
        else:
            self._cancel_search()
        return True

    def picsets_refreshed(self, backend: Backend, entries: list[Entry]) -> None:
        """The picsets were listed again (for the sources): the grid follows if it shows
        them."""
        loc = self.location
        if loc is not None and loc.kind in (LIBRARY, CLOUD) and loc.backend is backend and (
                not self.loading and not self.listing_cancelled) and entries != self.entries:
            # (the same as the grid's own listing, as at start: nothing drawn again)
            self.entries = list(entries)
            self._emit(GridChanged(self.entries, relisted=True))

    def photo_published(self, entry: Entry) -> None:
        """A photo was published (its item exists): it appears at once if its picset is on
        screen, in the table's order (by file name) whatever order the photos finish in."""
        loc = self.location
        if loc is None or loc.kind != PICSET_PLACE or loc.backend is not entry.backend or (
                loc.picset != entry.picset):
            return
        if self.loading:
            self._published_while_listing.append(entry)
            return
        if self.listing_cancelled or any(e.name == entry.name for e in self.entries):
            return
        row = next((r for r, e in enumerate(self.entries) if e.name > entry.name),
                   len(self.entries))
        self.entries.insert(row, entry)
        self._emit(PhotoAdded(row, entry))
        self._status(_count(len(self.entries), "photo"))

    def activate(self, entries: list[Entry], row: int) -> None:
        """Enter or a double click: a picset opens, a photo shows in the viewer."""
        entry = entries[row]
        if entry.kind == HEADING:
            return
        if entry.kind == GROUP:  # its faces
            loc = self.location
            self.open(Place(GROUP_PLACE, entry.backend, faces=entry.members,
                            within=loc.within if loc is not None else LIBRARY))
            return
        if entry.kind == PERSON:
            loc = self.location
            self.open(Place(PERSON_PLACE, entry.backend, person=entry.person,
                            within=loc.within if loc is not None else LIBRARY))
            return
        if entry.kind == FACE:  # its photo, stepping through the faces' photos
            faces = [e for e in entries if e.kind == FACE]
            self.open_photo([face_photo(e) for e in faces], faces.index(entry))
            return
        if entry.kind == PICSET:
            loc = self.location
            within = loc.kind if loc is not None and loc.kind in (LIBRARY, CLOUD) else (
                loc.within if loc is not None else LIBRARY)
            self.open(Place(PICSET_PLACE, entry.backend, entry.picset, title=entry.title,
                            within=within))
            return
        photos = [e for e in entries if e.kind in (PHOTO, FILE)]
        self.open_photo(photos, photos.index(entry))

    # -- pages ------------------------------------------------------------------------------
    def _push(self, frame: Frame) -> None:
        if self.page == frame.page == VIEWER:
            self.stack[-1] = frame
        else:
            self.stack.append(frame)
        self._emit(PageChanged(frame))

    def _pop(self) -> None:
        left = self.stack.pop()
        self._emit(PageChanged(self.frame, left))

    def open_photo(self, entries: list[Entry], index: int) -> None:
        self._push(Frame(VIEWER, list(entries), index))

    def viewer_moved(self, index: int) -> None:
        """The viewer stepped to another of its photos."""
        if self.page == VIEWER:
            self.frame.index = index

    def back(self) -> None:
        """Esc / Back: viewer -> the page it was opened from; search results -> the photo
        (cancelling the search under way); a picset's grid -> its library or cloud."""
        if self.page == SEARCH:
            if self.searching:
                self._cancel_search()
            else:
                self._pop()
        elif self.page == VIEWER:
            self._pop()
        elif self.location is not None and self.location.parent is not None:
            self.open(self.location.parent)
