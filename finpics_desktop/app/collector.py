"""Python's cyclic garbage collector kept out of the window's way.

A collection holds the GIL for as long as it walks the objects it scans, whichever thread
runs it, so every collection stalls the GUI thread. With Python's default thresholds (a young
collection every 700 allocations, a full one whenever the long-lived objects grew by a
quarter) a listing that builds a few hundred thousand records (a person's faces, the album's
unnamed faces) makes dozens of collections while it runs, the full ones walking every live
object: measured on 10,000 photos (``bench_window_scale.py``), single collections of 260 ms on
the GUI thread and 500 ms on a listing thread (the stalls of opening a person's page or
*Unnamed faces*). Most of the app's garbage is freed by reference counting the moment it is
dropped; the collector is only for cycles, which are rare and small here. So: what starting
made (modules, classes, Qt's wrappers) is frozen (never walked again), young collections come
every ``YOUNG`` allocations (a young collection walks at most that many objects, a few
milliseconds) and the older generations rarely."""

from __future__ import annotations

import gc

YOUNG = 10_000  # allocations between two young collections (Python's default: 700)
MIDDLE = 4  # young collections between two of the middle generation (default 10)
OLD = 100  # middle ones between two full collections (default 10; and the quarter rule)

_frozen = False


def keep_collections_short() -> None:
    """Freeze what the start made (once a process) and space the collections out."""
    global _frozen
    if not _frozen:
        gc.collect()
        gc.freeze()
        _frozen = True
    gc.set_threshold(YOUNG, MIDDLE, OLD)
