"""Work off the GUI thread: a cancelled task's result is never delivered (the one way stale
results are dropped), and a callback that raises fails the test instead of vanishing in a
log (for a user it is logged: a slot never takes the window down)."""

from __future__ import annotations

import logging
import threading

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
