"""Work off the GUI thread: a cancelled task's result is never delivered (the one way stale
results are dropped), and a callback that raises fails the test instead of vanishing in a
log (for a user it is logged: a slot never takes the window down)."""

from __future__ import annotations

import logging
import threading

from PySide6.QtCore import QTimer

from finpics_desktop.ui import workers
from finpics_desktop.ui.workers import run_task, wait_all


def settle(qtbot) -> None:
    """Every result is delivered: a marker sent from a pool thread, after every task has
    returned, comes back behind them (the GUI thread's queue keeps their order)."""
    assert wait_all(30_000)
    marker = []
    run_task(lambda: True, marker.append)
    qtbot.waitUntil(lambda: bool(marker))


def test_a_cancelled_task_delivers_nothing(qtbot):
    release, delivered = threading.Event(), []
    task = run_task(lambda: release.wait(30) and "late", delivered.append, delivered.append)
    failing = run_task(lambda: 1 / 0, delivered.append, delivered.append)
    task.cancel()
    failing.cancel()
    assert task.cancelled and task.stop.is_set()  # the work may watch it and stop early
    release.set()
    settle(qtbot)
    assert delivered == []
    done = run_task(lambda: "on time", delivered.append)
    settle(qtbot)
    assert delivered == ["on time"] and not done.cancelled


def test_a_broken_callback_fails_the_test(qtbot):
    def broken(value):
        raise RuntimeError(f"broken callback got {value}")

    with qtbot.capture_exceptions() as raised:
        run_task(lambda: 7, broken)
        settle(qtbot)
    assert [str(e) for _, e, _ in raised] == ["broken callback got 7"]


def test_for_a_user_a_broken_callback_is_logged(qtbot, monkeypatch, caplog):
    monkeypatch.setattr(workers, "RAISE_IN_CALLBACKS", False)

    def broken(value):
        raise RuntimeError("broken callback")

    with qtbot.capture_exceptions() as raised, caplog.at_level(logging.ERROR):
        run_task(lambda: 7, broken)
        settle(qtbot)
    assert raised == [] and "a result handler failed" in caplog.text


def test_what_a_task_holds_is_let_go_on_the_gui_thread(qtbot):
    """A task's function and callbacks (closures over widgets, albums) are let go on the GUI
    thread: a Qt object whose last reference went with them would otherwise be destroyed on a
    pool thread (the window died so, SIGSEGV on a pool thread). Before, the function was freed
    on the pool thread every time."""
    freed: dict[str, str] = {}

    class Held:
        def __init__(self, name: str):
            self.name = name

        def __call__(self, *_args):
            return self.name

        def __del__(self):
            freed[self.name] = threading.current_thread().name

    for round_ in range(20):
        delivered = []
        run_task(Held(f"work {round_}"), delivered.append)
        run_task(lambda: 1 / 0, None, Held(f"on error {round_}"))
        settle(qtbot)
        qtbot.waitUntil(lambda round_=round_: {f"work {round_}", f"on error {round_}"}
                        <= freed.keys(), timeout=10_000)
        assert delivered == [f"work {round_}"]
    gui = threading.current_thread().name
    assert set(freed.values()) == {gui}, freed


def test_a_pool_runs_the_highest_priority_first_on_at_most_its_threads():
    """The pools are Python threads (Qt's pool deleted each finished runnable's Python wrapper
    on its own thread, which crashed the window now and then at 100,000 photos): jobs queued
    behind a busy thread run highest priority first, then in order; no more threads than the
    pool's size ever run at once; a job that raises stops neither its thread nor the others;
    ``wait_done`` says whether all finished in time."""
    gate, started, ran, lock = threading.Event(), threading.Event(), [], threading.Lock()
    running, most = [0], [0]

    def job(name, wait=False):
        def run():
            with lock:
                running[0] += 1
                most[0] = max(most[0], running[0])
            if wait:
                started.set()
                gate.wait(30)
            with lock:
                ran.append(name)
                running[0] -= 1
            if name == "broken":
                raise RuntimeError("a broken job")
        return run

    one = workers.Pool("test-one", 1)
    one.start(job("busy", wait=True))
    assert started.wait(30)  # (the next ones queue behind it)
    for name, priority in (("low", 0), ("broken", 5), ("high", 9), ("low again", 0)):
        one.start(job(name), priority)
    assert not one.wait_done(50)  # (the busy one waits for the gate)
    gate.set()
    assert one.wait_done(30_000)
    assert ran == ["busy", "high", "broken", "low", "low again"]
    one.start(job("after"))  # its thread lives on after a job raised
    assert one.wait_done(30_000) and ran[-1] == "after"

    gate.clear()
    two = workers.Pool("test-two", 2)
    two.start(job("alone"))
    assert two.wait_done(30_000)  # (one thread, idle)
    both = threading.Barrier(3)
    for n in range(2):  # two at once: the idle thread takes one, a new thread the other
        two.start(lambda: both.wait(30))
    both.wait(30)  # (fails -- BrokenBarrierError -- if the second waited for the first)
    for n in range(6):
        two.start(job(f"waiting {n}", wait=True))
    assert not two.wait_done(50)
    gate.set()
    assert two.wait_done(30_000) and len(ran) == 13 and most[0] == 2


def test_work_put_off_runs_once_the_window_s_own_work_is_done(qtbot):
    """What no one waits for (a listing kept for the next session) runs only after the
    listings and thumbnails under way are done -- never competing with them for the
    interpreter -- in order; ``wait_all`` runs what is left at once."""
    gate, order = threading.Event(), []
    run_task(lambda: gate.wait(30) and order.append("listing"))
    workers.run_when_idle(lambda: order.append("kept 1"))
    workers.run_when_idle(lambda: order.append("kept 2"))
    assert workers.busy() and order == []  # (the listing holds the pool)
    gate.set()
    qtbot.waitUntil(lambda: len(order) == 3, timeout=10_000)
    assert order == ["listing", "kept 1", "kept 2"]

    gate.clear()
    run_task(lambda: gate.wait(30) and order.append("another listing"))
    workers.run_when_idle(lambda: order.append("kept 3"))
    gate.set()
    assert wait_all(30_000) and order[3:] == ["another listing", "kept 3"]


def test_a_result_whose_queued_call_qt_holds_back_still_arrives(qtbot):
    """Qt was seen to hold a queued call until something else was posted: while work is under
    way, results are also collected by a timer, so each arrives even with no queued call."""
    held = workers.dispatcher()
    held.wake.disconnect(held._soon)
    try:
        delivered = []
        run_task(lambda: "first", delivered.append)
        run_task(lambda: 1 / 0, None, lambda e: delivered.append(type(e).__name__))
        qtbot.waitUntil(lambda: len(delivered) == 2)
        assert sorted(delivered) == ["ZeroDivisionError", "first"]
        assert wait_all(30_000)
        qtbot.waitUntil(lambda: not held._sweep.isActive())  # (it stops once all is idle)
    finally:
        held.wake.connect(held._soon)


def test_results_arriving_together_let_the_window_in_between(qtbot, monkeypatch):
    """Results are handled a slice of time at a time: what the window has to do meanwhile (a
    paint, a click, here a timer) comes between slices, not after all of them."""
    monkeypatch.setattr(workers, "SLICE_S", 0.0)  # (one result a slice)
    seen = []

    def first(_value):
        seen.append("first")
        QTimer.singleShot(0, lambda: seen.append("the window's turn"))

    for callback in (first, lambda _value: seen.append("second")):
        workers.dispatcher().post(callback, None)
    qtbot.waitUntil(lambda: len(seen) == 3)
    assert seen == ["first", "the window's turn", "second"]
