"""The navigation's side of a place listed a page at a time (:mod:`~.paging`): the pages of the
place shown, the next one asked for by the grid, and the faces answered there leaving it in
place."""

from __future__ import annotations

import logging
from collections.abc import Callable

from finpics_desktop.app.changes import Changes
from finpics_desktop.app.entries import Entry
from finpics_desktop.app.errors import describe_error
from finpics_desktop.app.window.navigation_events import RowsAdded, StatusChanged, Told
from finpics_desktop.app.window.paging import Paged

log = logging.getLogger(__name__)


class Paging:
    """The navigation's side of it: the pages of the place shown (``pages``), and a page asked
    for by the grid (:meth:`fetch_more`). Mixed into :class:`~.navigation.Navigation`."""

    pages: Paged | None = None
    _fetching: Paged | None = None
    entries: list[Entry]
    answered: set[str]
    run: Callable
    later: Callable[[Callable[[], None]], None]
    loading: bool

    def _emit(self, event) -> None: ...

    def can_fetch_more(self) -> bool:
        return (self.pages is not None and self._fetching is None and not self.loading
                and self.pages.more())

    def fetch_more(self) -> None:
        """The next page of the place shown, added to the grid when it is made."""
        pages = self.pages
        if not self.can_fetch_more() or pages is None:
            return
        self._fetching = pages

        def done(entries: list[Entry]) -> None:
            if self._fetching is pages:
                self._fetching = None
            if self.pages is not pages:  # the place left, or listed again meanwhile
                return
            gone = pages.dropped() | self.answered
            added = [e for e in entries if not (e.face_id in gone or gone.intersection(
                e.members))]
            self.entries = self.entries + added
            self._emit(RowsAdded(added))

        def fail(error: BaseException) -> None:
            if self._fetching is pages:
                self._fetching = None
            if self.pages is pages:
                self.pages = None  # (what is shown stays; F5 lists it again)
                self._emit(Told(f"The next tiles could not be listed: {describe_error(error)} "
                                "(F5 lists the place again)", "error"))

        self.run(lambda: pages.page(), done, fail)

    def _paged(self, entries) -> list[Entry]:
        """The listing's result: its first page, the rest kept for later (``pages``)."""
        self.pages = entries if isinstance(entries, Paged) else None
        self._fetching = None
        return list(entries.first) if isinstance(entries, Paged) else entries

    def warm(self) -> None:
        """An answer begins on the place shown (a naming): what listing it again will need is
        read off the GUI thread once the window is idle (:meth:`Paged.warm`, through
        ``later``). Not at opening, and not beside the answer: drawing the grid after it would
        share the interpreter with 150,000 faces' places read back (a naming's redraw held up
        100-240 ms). Listed again before that, the place reads them itself."""
        pages = self.pages
        if pages is not None:
            self.later(lambda: _quietly(pages.warm))

    def dropped_in_place(self, changes: Changes) -> bool:
        """Whether ``changes`` is only faces that left the place shown in place (named or
        ignored here): nothing to list again. Photos written, or a face this place did not drop
        (one unnamed: it joins a group), make it listed again."""
        if self.pages is None or not changes.faces or (
                changes.everything or changes.photos or changes.picsets or changes.renamed
                or changes.removed) or not self.pages.settle(changes.faces):
            return False
        self._emit(StatusChanged(self.pages.counted()))  # (what is left, counted)
        return True


def _quietly(warm: Callable[[], None]) -> None:
    """Only ever quicker: a warming that fails (the album closed meanwhile) leaves the listing
    to read what it needs itself."""
    try:
        warm()
    except Exception:  # noqa: BLE001
        log.debug("warming the place's listing failed", exc_info=True)
