"""Python's cyclic collector in the window's process runs on the GUI thread only.

A collection runs on whichever thread's allocation crosses the threshold, and it destroys what
it frees there: a cycle holding a Qt wrapper (a widget's closure, a page's model) that became
garbage on the GUI thread was destroyed on a listing or thumbnail thread, deleting QObjects off
their thread -- the known PySide/PyQt crash (a CI run of the whole suite died so in pytest-qt's
``_process_events``). The window's process therefore collects from a timer on the GUI thread
(``ui/collector.py``) with automatic collection off."""

from __future__ import annotations

import gc
import threading
import time
import weakref

from PySide6.QtCore import QObject

from finpics_desktop.app.collector import YOUNG


class _Holder:
    """A cycle with a Qt wrapper in it, as a window's closures and pages make."""


def _cycle_with_a_qobject(collected_on: list) -> None:
    holder = _Holder()
    holder.me = holder
    holder.qobject = QObject()
    weakref.finalize(holder, lambda: collected_on.append(threading.current_thread()))


def _listing(result: list) -> None:
    """What a listing thread does: builds many small records (container objects), handed to
    the GUI thread when done."""
    result.extend([i] for i in range(YOUNG * 3))


def test_a_cycle_that_dies_on_the_gui_thread_is_collected_there(qtbot, qt_settings):
    main = threading.main_thread()
    for attempt in range(20):  # (each round: a new cycle, a listing thread allocating)
        collected_on: list = []
        _cycle_with_a_qobject(collected_on)  # garbage now, on the GUI thread
        records: list = []
        worker = threading.Thread(target=_listing, args=(records,))
        worker.start()
        worker.join()
        qtbot.waitUntil(lambda: bool(collected_on), timeout=10_000)  # noqa: B023
        assert collected_on == [main], f"round {attempt}: collected on {collected_on[0].name}"
        del records


def test_automatic_collection_is_off_and_the_timer_collects(qtbot, qt_settings):
    from finpics_desktop.ui.collector import collecting

    assert not gc.isenabled()
    assert collecting() is not None and collecting().isActive()
    def collections() -> int:  # (of any generation: the one due may be an older one)
        return sum(s["collections"] for s in gc.get_stats())

    before = collections()
    records = [[i] for i in range(YOUNG * 3)]  # a listing's worth of records (kept)
    qtbot.waitUntil(lambda: collections() > before, timeout=5_000)
    assert gc.get_count()[0] < YOUNG
    del records


def test_a_young_collection_on_the_timer_stays_short(qtbot, qt_settings):
    """While a listing thread builds a hundred thousand records, the GUI thread makes the
    collections due, each a few milliseconds (a young one walks what was allocated since the
    last tick, a middle one what survived four of those), never a walk of every live object."""
    from finpics_desktop.ui.collector import collecting

    took: list[float] = []
    started: dict = {}

    def timed(phase, info):
        if threading.current_thread() is not threading.main_thread():
            return
        if phase == "start":
            started["t"] = time.perf_counter()
        elif "t" in started:
            took.append((info["generation"], time.perf_counter() - started.pop("t")))

    kept: list = []
    gc.callbacks.append(timed)
    try:
        worker = threading.Thread(target=lambda: kept.extend([i] for i in range(100_000)))
        worker.start()
        qtbot.waitUntil(lambda: not worker.is_alive(), timeout=30_000)
        assert collecting().isActive()
        qtbot.waitUntil(lambda: bool(took), timeout=5_000)  # (the one due: young or middle)
    finally:
        gc.callbacks.remove(timed)
    short = [t for g, t in took if g < 2]  # (a full one comes every 400 young ones)
    assert short and max(short) < 0.2, took
    kept.clear()


def test_a_collection_due_waits_for_the_background_work_but_not_for_ever(monkeypatch):
    """A young collection walks every object allocated since the last: right after a listing
    built its records, 50-100 ms of the GUI thread. One due while the window's background
    work is under way is put off (``put_off``), for at most ``PUT_OFF_S``."""
    from finpics_desktop.app import collector

    clock = [1000.0]
    monkeypatch.setattr(collector.time, "monotonic", lambda: clock[0])
    monkeypatch.setattr(collector, "_due_since", None)
    records = [[i] for i in range(YOUNG * 2)]  # (a collection is due)
    assert gc.get_count()[0] >= YOUNG
    assert collector.collect_due(put_off=True) is None
    clock[0] += collector.PUT_OFF_S / 2
    assert collector.collect_due(put_off=True) is None and gc.get_count()[0] >= YOUNG
    clock[0] += collector.PUT_OFF_S / 2 + 0.01
    assert collector.collect_due(put_off=True) is not None and gc.get_count()[0] < YOUNG
    more = [[i] for i in range(YOUNG * 2)]
    assert collector.collect_due(put_off=False) is not None  # (not busy: at once)
    del records, more
