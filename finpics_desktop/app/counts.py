"""Photos per picset, for the counts beside the picsets in the sources: on the cloud a count is
a DynamoDB Query per picset (``Select=COUNT``: no item is sent, but each still costs a request
and the read capacity of the items it counts), so they are counted lazily -- only picsets whose
row is on screen ask -- off the caller's thread, a few at a time per album, and kept until the
picset is known to have changed. A listing of the picset gives its count for free."""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable

from finpics_desktop.app.album import Album
from finpics_desktop.app.tasks import Runner

log = logging.getLogger(__name__)


def count_photos(album: Album, picset: str) -> int:
    return album.backend.tables.count_pics(picset)


class PicsetCounts:
    """``want(album, picset)`` counts it (once) unless known; ``on_count(album, picset, n)``
    is called on the caller's thread as each count arrives. At most ``parallel`` queries of
    one album are under way at once; a failed count is not asked again until forgotten.
    Albums are told apart by their identity (:class:`~finpics_desktop.app.album.Album`)."""

    def __init__(self, run: Runner, on_count: Callable[[Album, str, int], None],
                 parallel: int = 2, count: Callable[[Album, str], int] = count_photos):
        self.run, self.on_count, self.parallel, self.count = run, on_count, parallel, count
        self._known: dict[tuple[Album, str], int | None] = {}  # None: failed
        self._queued: dict[Album, deque[str]] = {}
        self._running: dict[Album, int] = {}
        self._tasks: dict[tuple[Album, str], object] = {}  # under way: close() drops them
        self.queries = 0  # how many counts were asked of the albums (a cost on the cloud)

    def get(self, album: Album, picset: str) -> int | None:
        return self._known.get((album, picset))

    def want(self, album: Album, picset: str) -> None:
        key = (album, picset)
        queue = self._queued.setdefault(album, deque())
        if key in self._known or picset in queue:
            return
        queue.append(picset)
        self._pump(album)

    def known(self, album: Album, picset: str, count: int) -> None:
        """The count seen by other means (the picset's listing): no query."""
        if self._known.get((album, picset)) != count:
            self._known[(album, picset)] = count
            self.on_count(album, picset, count)

    def forget(self, album: Album, picset: str | None = None) -> None:
        """The picset (or every picset of the album) may have changed: counted again when
        next wanted."""
        for key in [k for k in self._known if k[0] == album
                    and (picset is None or k[1] == picset)]:
            del self._known[key]

    def _pump(self, album: Album) -> None:
        queue = self._queued[album]
        while queue and self._running.get(album, 0) < self.parallel:
            picset = queue.popleft()
            key = (album, picset)
            if key in self._known:
                continue
            self._known[key] = None  # under way: not asked twice
            self._running[album] = self._running.get(album, 0) + 1
            self.queries += 1

            def done(count: int, picset=picset, key=key) -> None:
                self._finished(album, key)
                if key in self._known:  # not forgotten meanwhile
                    self._known[key] = count
                    self.on_count(album, picset, count)

            def fail(error: BaseException, picset=picset, key=key) -> None:
                self._finished(album, key)
                log.info("counting the photos of %s failed: %s", picset, error)

            self._tasks[key] = self.run(lambda picset=picset: self.count(album, picset), done,
                                        fail)

    def _finished(self, album: Album, key: tuple[Album, str]) -> None:
        self._tasks.pop(key, None)
        self._running[album] -= 1
        self._pump(album)

    def close(self) -> None:
        """No count is delivered any more (the window that shows them is going)."""
        for task in self._tasks.values():
            if task is not None:
                task.cancel()
        self._tasks = {}
        self._queued.clear()
