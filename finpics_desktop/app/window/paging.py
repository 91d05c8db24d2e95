"""A place listed a page at a time (*Unnamed faces*: tens of thousands of tiles): its listing
hands the grid its first page, and the next page is made -- off the GUI thread, through the
navigation's runner -- when the grid scrolls to the end of what it has (Qt's ``fetchMore``, as
digiKam's and Lightroom's grids do). Faces answered on the place (named, ignored) leave the
pages still to come too, and the place is not listed again for them: the grid changes in
place."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from finpics_desktop.app.changes import Changes
from finpics_desktop.app.entries import Entry

PAGE = 240  # tiles a page: several screens of the largest window's smallest cells


class Paged:
    """A listing's pages: :attr:`first` (made by the listing's job), then :meth:`page` (any
    thread, one at a time) while :meth:`more`."""

    first: list[Entry] = []

    def more(self) -> bool:
        return False

    def page(self, count: int = PAGE) -> list[Entry]:
        return []

    def drop(self, face_ids: Iterable[str]) -> None:
        """These faces are no longer shown (answered): not in the pages to come either."""

    def dropped(self) -> frozenset[str]:
        return frozenset()

    def counted(self) -> str:
        """The status bar's line for the whole listing (not only the pages shown)."""
        return ""

    def recount(self, entries: list[Entry]) -> list[Entry]:
        """``entries`` (the pages shown, some faces dropped) with their headings counting the
        whole listing's."""
        return entries


class Paging:
    """The navigation's side of it: the pages of the place shown (``pages``), and a page asked
    for by the grid (:meth:`fetch_more`). Mixed into :class:`~.navigation.Navigation`."""

    pages: Paged | None = None
    _fetching: Paged | None = None
    entries: list[Entry]
    answered: set[str]
    run: Callable
    loading: bool

    def _emit(self, event) -> None: ...

    def can_fetch_more(self) -> bool:
        return (self.pages is not None and self._fetching is None and not self.loading
                and self.pages.more())

    def fetch_more(self) -> None:
        """The next page of the place shown, added to the grid when it is made."""
        from finpics_desktop.app.window.navigation_events import (  # (they import the places)
            RowsAdded,
            StatusChanged,
        )

        pages = self.pages
        if not self.can_fetch_more() or pages is None:
            return
        self._fetching = pages

        def done(entries: list[Entry]) -> None:
            self._fetching = None
            if self.pages is not pages:  # the place left, or listed again meanwhile
                return
            gone = pages.dropped() | self.answered
            added = [e for e in entries if not (e.face_id in gone or gone.intersection(
                e.members))]
            self.entries = self.entries + added
            self._emit(RowsAdded(added))

        def fail(error: BaseException) -> None:
            self._fetching = None
            if self.pages is pages:
                self.pages = None  # (what is shown stays; F5 lists it again)
                self._emit(StatusChanged(f"the next tiles could not be listed: {error}"))

        self.run(lambda: pages.page(), done, fail)

    def _paged(self, entries) -> list[Entry]:
        """The listing's result: its first page, the rest kept for later (``pages``)."""
        self.pages = entries if isinstance(entries, Paged) else None
        self._fetching = None
        return list(entries.first) if isinstance(entries, Paged) else entries

    def dropped_in_place(self, changes: Changes) -> bool:
        """Whether ``changes`` is only faces that left the place shown in place (named or
        ignored here): nothing to list again. Photos written, or a face this place did not drop
        (one unnamed: it joins a group), make it listed again."""
        return (self.pages is not None and bool(changes.faces) and not (
            changes.everything or changes.photos or changes.picsets or changes.renamed
            or changes.removed) and changes.faces <= self.pages.dropped())
