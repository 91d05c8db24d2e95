"""Python's cyclic garbage collector in the window's process: on the GUI thread, in short steps.

Two reasons, both measured (issue 25 and a CI crash):
1. **Where it runs.** An automatic collection runs on whichever thread's allocation crosses the
   threshold, and frees the cycles it finds there: a cycle holding a Qt wrapper (a closure of a
   widget, a page's model) that became garbage on the GUI thread was freed on a listing or
   thumbnail thread, deleting QObjects off their thread -- the known PySide/PyQt crash (a
   fresh-clone CI run died with SIGSEGV in pytest-qt's ``_process_events``;
   ``tests/ui/test_collector.py`` shows the cycle collected on the listing thread before). So
   automatic collection is off in the window's process and the GUI thread collects from a
   timer (``ui/collector.py`` calls :func:`collect_due`): every cycle is freed on the GUI
   thread, and no listing thread ever stops to walk the heap.
2. **How long it takes.** A collection holds the GIL for as long as it walks the objects it
   scans, so every collection stalls the GUI thread. With Python's default thresholds (a young
   collection every 700 allocations, a full one whenever the long-lived objects grew by a
   quarter) a listing that builds a few hundred thousand records made single collections of
   260 ms on the GUI thread and 500 ms on a listing thread (``bench_window_scale.py``, 10,000
   photos). What starting made (modules, classes, Qt's wrappers) is frozen (never walked
   again); a young collection comes once ``YOUNG`` objects were allocated (checked every
   ``TICK_MS``: it walks what was allocated since, a few milliseconds) and the older
   generations rarely. Most of the app's garbage is freed by reference counting the moment it
   is dropped; the collector is only for cycles, which are rare and small here."""

from __future__ import annotations

import gc
import time

YOUNG = 10_000  # allocations between two young collections (Python's default: 700)
MIDDLE = 4  # young collections between two of the middle generation (default 10)
OLD = 100  # middle ones between two full collections (default 10; and the quarter rule)
TICK_MS = 50  # how often the GUI thread looks whether a collection is due
PUT_OFF_S = 30.0  # the longest a collection due waits for the background work to be done

_frozen = False
_due_since: float | None = None  # when the collection now put off came due


def keep_collections_short() -> None:
    """Freeze what the start made (once a process) and turn automatic collection off: the
    caller collects with :func:`collect_due` from one thread (the GUI thread's timer)."""
    global _frozen
    if not _frozen:
        gc.collect()
        gc.freeze()
        _frozen = True
    gc.set_threshold(YOUNG, MIDDLE, OLD)  # (what gc.get_count is compared with, should
    gc.disable()  # anything enable automatic collection again)


def freeze_the_window() -> None:
    """Once the window is made (one a process): what its constructor made lives as long as the
    process, so it is frozen too -- the first young collection otherwise walked all of it
    (~75 ms on the loaded machine at 100,000 photos, during the first screen). Freed by
    reference counting all the same; only a cycle among these is never collected."""
    gc.freeze()


def collect_due(put_off: bool = False) -> int | None:
    """The collection Python's own thresholds would make now, made on the calling thread (the
    generation collected, or None when none is due); ``put_off``: the process is busy (a
    listing under way), so one due waits, for at most :data:`PUT_OFF_S`. The counts are
    Python's: allocations since the last young collection, young collections since the last
    middle one, middle ones since the last full one."""
    global _due_since
    young, middle, old = gc.get_count()
    if young < YOUNG:
        return None
    now = time.monotonic()
    if put_off:
        if _due_since is None:
            _due_since = now
        if now - _due_since < PUT_OFF_S:
            return None
    _due_since = None
    generation = 2 if old >= OLD else 1 if middle >= MIDDLE else 0
    gc.collect(generation)
    return generation
