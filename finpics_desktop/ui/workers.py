"""Running application calls off the GUI thread (``QThreadPool``) with results back on it.

``run_task(fn, on_done, on_error)`` in the manner of Picard: ``fn`` runs on a pool thread;
``on_done(result)`` or ``on_error(exception)`` then run on the GUI thread, unless the
:class:`~finpics_desktop.app.tasks.Task` it returns was cancelled first (the one way a stale
result is dropped). One long-lived dispatcher object carries every result back (a queued
signal), so no short-lived QObject can be collected before its result is delivered.

A callback that raises is logged in the app (a slot must never take the window down); with
:data:`RAISE_IN_CALLBACKS` (the tests set it) it raises, so that a broken callback fails the
test that ran it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QRunnable, QThreadPool, Signal, Slot

from finpics_desktop.app.tasks import Task

log = logging.getLogger(__name__)
RAISE_IN_CALLBACKS = False


class _Dispatcher(QObject):
    deliver = Signal(object, object)

    def __init__(self):
        super().__init__()
        self.deliver.connect(self._on_deliver)

    @Slot(object, object)
    def _on_deliver(self, callback, value) -> None:
        try:
            callback(value)
        except Exception:  # a slot must never take the window down  # noqa: BLE001
            if RAISE_IN_CALLBACKS:
                raise
            log.exception("a result handler failed")


_dispatcher: _Dispatcher | None = None
_dispatcher_lock = threading.Lock()


def dispatcher() -> _Dispatcher:
    """The one dispatcher, living in the GUI thread whichever thread first asks for it."""
    global _dispatcher
    if _dispatcher is None:
        with _dispatcher_lock:
            if _dispatcher is None:
                created = _Dispatcher()
                gui = QCoreApplication.instance().thread()
                if created.thread() is not gui:
                    created.moveToThread(gui)  # allowed: pushed from the creating thread
                _dispatcher = created
    return _dispatcher


def call_in_gui(callback: Callable[[Any], None], value: Any = None,
                task: Task | None = None) -> None:
    """From any thread: run ``callback(value)`` on the GUI thread (queued); not if ``task``
    is cancelled by then."""
    if task is not None:
        callback = _unless_cancelled(task, callback)
    dispatcher().deliver.emit(callback, value)


def _unless_cancelled(task: Task, callback: Callable[[Any], None]) -> Callable[[Any], None]:
    def deliver(value: Any) -> None:
        if not task.cancelled:  # cancelled on the GUI thread: decided here, on it
            callback(value)

    return deliver


class _Runnable(QRunnable):
    def __init__(self, fn, on_done, on_error, task: Task):
        super().__init__()
        self.fn, self.on_done, self.on_error, self.task = fn, on_done, on_error, task
        self.setAutoDelete(True)

    def run(self) -> None:
        # What the task holds (its function, its callbacks: closures over widgets, albums) is
        # let go on the GUI thread, never here: the pool deletes this runnable on its own
        # thread, and a Qt object whose last reference went with it would be destroyed off
        # its thread (a crash in Qt, not an error).
        held = [self.fn, self.on_done, self.on_error]
        self.fn = self.on_done = self.on_error = None
        try:
            result = held[0]()
        except Exception as e:  # noqa: BLE001 - handed to on_error on the GUI thread
            if held[2] is None:
                log.exception("background task failed")
            else:
                call_in_gui(held[2], e, self.task)
        else:
            if held[1] is not None:
                call_in_gui(held[1], result, self.task)
            del result
        release_in_gui(held)


def release_in_gui(held: list) -> None:
    """From any thread: what ``held`` holds let go on the GUI thread (the caller keeps no
    other reference to it)."""
    dispatcher().deliver.emit(list.clear, held)


_pools: dict[str, QThreadPool] = {}


def pool(name: str = "default") -> QThreadPool:
    """Named pools: ``default`` (I/O, search), ``thumbs`` (thumbnails), ``jobs`` (uploads),
    ``waits`` (waiting for the cloud to process what was published), ``deploy`` (a deploy
    following its stack)."""
    if name not in _pools:
        p = QThreadPool()
        p.setObjectName(f"finpics-{name}")
        p.setMaxThreadCount({"thumbs": 2, "jobs": 2, "waits": 2}.get(name, 4))
        p.setExpiryTimeout(-1)  # (its threads kept: none ends while a Qt object lives on it)
        _pools[name] = p
    return _pools[name]


def run_task(
    fn: Callable[[], Any],
    on_done: Callable[[Any], None] | None = None,
    on_error: Callable[[BaseException], None] | None = None,
    *,
    task: Task | None = None,
    pool_name: str = "default",
    priority: int = 0,
) -> Task:
    """Run ``fn`` on the pool ``pool_name``; its result goes to ``on_done`` (or its exception
    to ``on_error``) on the GUI thread unless the returned task is cancelled first. Give a
    ``task`` made beforehand when ``fn`` watches its ``stop`` event."""
    task = task or Task()
    dispatcher()
    pool(pool_name).start(_Runnable(fn, on_done, on_error, task), priority)
    return task


def wait_all(msecs: int = 30000) -> bool:
    """Wait for every pool to go idle (used on quit and by tests)."""
    return all(p.waitForDone(msecs) for p in _pools.values())


_lowered = threading.local()


def lower_thread_priority(nice: int = 10) -> None:
    """Give the GUI thread the CPU first: background work on this thread runs at a lower
    priority (Linux allows a per-thread nice value; elsewhere this does nothing)."""
    if getattr(_lowered, "done", False):
        return
    _lowered.done = True
    try:
        import os

        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), nice)
    except (AttributeError, OSError):
        pass
