"""The navigation's side of a click on a face: the results page pushed, the search run off the
GUI thread, and cancelled by Esc, Back or a newer search (its result then never delivered)."""

from __future__ import annotations

from collections.abc import Callable

from finpics_desktop.app.browse import NotPublished, check_searchable, find_from
from finpics_desktop.app.entries import Entry
from finpics_desktop.app.errors import describe_error
from finpics_desktop.app.tasks import Task
from finpics_desktop.app.window.navigation_events import FrameChanged, Told
from finpics_desktop.app.window.places import (
    CANCELLED,
    FAILED,
    FOUND,
    SEARCH,
    SEARCH_UNDER_WAY,
    SEARCHING,
    Frame,
)
from finpics_desktop.domain.bands import MAYBE


class FaceSearch:
    """A face's search (``_search``: its results page and task). Mixed into
    :class:`~.navigation.Navigation`."""

    _search: tuple[Frame, Task] | None = None
    frame: Frame
    run: Callable

    def _emit(self, event) -> None: ...
    def _push(self, frame: Frame) -> None: ...
    def _pop(self) -> None: ...
    def _status(self, text: str) -> None: ...
    def _begin(self, kind: str, text: str) -> None: ...
    def _end(self, kind: str) -> None: ...

    def search_face(self, entry: Entry | None, face_id: str) -> None:
        """A click on a face: every other photo of that person, on the results page (of the
        person it is named as, searched with the person: :mod:`~finpics_desktop.app.search`)."""
        try:
            check_searchable(entry)
        except NotPublished as e:
            self._emit(Told(str(e), "info"))
            return
        if self._search is not None:
            self._drop_search()
        frame = Frame(SEARCH, searched=entry, face_id=face_id, state=SEARCH_UNDER_WAY)
        task = Task()
        self._search = (frame, task)
        self._push(frame)
        self._status("")
        self._begin(SEARCHING, "Searching…")

        def done(result) -> None:
            results, found = result
            self._end_search()
            if found.person is not None:
                frame.person = found.person.person.name
                frame.person_faces = found.person.faces
            frame.entries, frame.state = results, FOUND
            self._emit(FrameChanged(frame))
            maybes = sum(e.band == MAYBE for e in results)  # counted apart, as they are shown
            self._status(f"{len(results) - 1 - maybes} other photo(s) of "
                         f"{frame.person or 'this person'}"
                         + (f", {maybes} maybe" if maybes else ""))

        def fail(error: BaseException) -> None:
            self._end_search()
            frame.state, frame.error = FAILED, describe_error(error)
            self._emit(FrameChanged(frame))
            self._emit(Told(f"search failed: {frame.error}", "error"))

        self.run(lambda: find_from(entry, face_id), done, fail, task=task)

    def _end_search(self) -> None:
        self._search = None
        self._end(SEARCHING)

    def _drop_search(self) -> None:
        """Forget the search under way: its result, when it comes, is not delivered."""
        frame, task = self._search
        task.cancel()
        self._search = None
        frame.state = CANCELLED
        self._emit(FrameChanged(frame))
        self._end(SEARCHING)

    def _cancel_search(self) -> None:
        """Cancel (button, Esc, Back): back to the photo whose face was clicked."""
        frame = self._search[0]
        self._drop_search()
        if self.frame is frame:
            self._pop()
        self._status("Search cancelled")
