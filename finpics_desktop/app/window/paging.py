"""A place listed a page at a time (*Unnamed faces*: tens of thousands of tiles): its listing
hands the grid its first page, and the next page is made -- off the GUI thread, through the
navigation's runner -- when the grid scrolls to the end of what it has (Qt's ``fetchMore``, as
digiKam's and Lightroom's grids do). Faces answered on the place (named, ignored) leave the
pages still to come too, and the place is not listed again for them: the grid changes in
place."""

from __future__ import annotations

from collections.abc import Iterable

from finpics_desktop.app.entries import Entry


class Paged:
    """A listing's pages: :attr:`first` (made by the listing's job), then :meth:`page` (any
    thread, one at a time) while :meth:`more`."""

    first: list[Entry] = []

    def more(self) -> bool:
        return False

    def page(self, count: int | None = None) -> list[Entry]:
        return []

    def drop(self, face_ids: Iterable[str], removed: list[Entry] = (),
             shrunk: list[tuple[Entry, Entry]] = ()) -> None:
        """These faces are no longer shown (answered): not in the pages to come either (a
        group's tile there shows the others); ``removed``: the tiles shown that left with them,
        ``shrunk``: the group tiles shown that lost some of their faces (before, after)."""

    def dropped(self) -> frozenset[str]:
        return frozenset()

    def settle(self, face_ids: frozenset[str]) -> bool:
        """Whether these faces are all dropped here and not yet reported changed (then they
        are, once): a change made by this place's own answer, not one that brings faces back
        (Ctrl+Z) or comes from elsewhere."""
        return False

    def warm(self) -> None:
        """(Off the GUI thread, once the first page is shown) read what listing the place
        again will need, so that the first listing after a change is as quick as the next."""

    def counted(self) -> str:
        """The status bar's line for the whole listing (not only the pages shown)."""
        return ""

    def recount(self, entries: list[Entry]) -> list[Entry]:
        """``entries`` (the pages shown, some faces dropped) with their headings counting the
        whole listing's."""
        return entries
