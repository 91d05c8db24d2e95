"""Running application calls off the GUI thread (named pools of Python threads) with results
back on it.

``run_task(fn, on_done, on_error)`` in the manner of Picard: ``fn`` runs on a pool thread;
``on_done(result)`` or ``on_error(exception)`` then run on the GUI thread, unless the
:class:`~finpics_desktop.app.tasks.Task` it returns was cancelled first (the one way a stale
result is dropped). One long-lived dispatcher object carries every result back (a queue emptied
by a queued call and, while work is under way, by a timer), so no short-lived QObject can be
collected before its result is delivered.

The pools are plain Python threads taking jobs by priority, not ``QThreadPool``: Qt's pool deletes
a finished runnable on its own thread, and a Python runnable's wrapper destroyed there crashed
the window now and then (SIGSEGV in shiboken's ``releaseWrapper`` on a pool thread, seen at
100,000 photos). Here no Qt object is made or freed for a job at all.

A callback that raises is logged in the app (a slot must never take the window down); with
:data:`RAISE_IN_CALLBACKS` (the tests set it) it raises, so that a broken callback fails the
test that ran it.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal, Slot

from finpics_desktop.app.tasks import Task

log = logging.getLogger(__name__)
RAISE_IN_CALLBACKS = False


SWEEP_MS = 250  # while work is under way, results are also collected this often
SLICE_S = 0.005  # results handled in one go at most this long, then the window's turn


class _Dispatcher(QObject):
    """Every result for the GUI thread goes into one queue, emptied on the GUI thread when a
    queued call posted with it comes and, while a pool has work, when a timer finds it there
    as well. Such a queued call has been seen to wait in Qt's queue until something else was
    posted (about one first screen in 130 of the 100,000-photo benchmark never finished, its
    covers made and never shown): a result now waits at most :data:`SWEEP_MS`.

    Results arriving together (a place opening: its listing, the tree's picsets, the names to
    complete) are handled :data:`SLICE_S` at a time, the window painting and answering between
    slices, not all in one gap."""

    wake = Signal()

    def __init__(self):
        super().__init__()
        self._due: deque[tuple[Callable[[Any], None], Any]] = deque()
        self._sweep = QTimer(self)
        self._sweep.setInterval(SWEEP_MS)
        self._sweep.timeout.connect(self._swept)
        self._next = QTimer(self)  # the next slice, after what the window has to do
        self._next.setSingleShot(True)
        self._next.setInterval(0)
        self._next.timeout.connect(self._run_due)
        self.wake.connect(self._soon)

    def post(self, callback: Callable[[Any], None], value: Any) -> None:
        """(any thread)"""
        self._due.append((callback, value))
        self.wake.emit()

    @Slot()
    def _soon(self) -> None:
        if not self._next.isActive():
            self._next.start()

    def watch(self) -> None:
        """(GUI thread) Work was started: the timer runs until every pool is idle."""
        if not self._sweep.isActive():
            self._sweep.start()

    def _swept(self) -> None:
        idle = not _any_pool_busy()  # (before: nothing comes after)
        if self._due:
            self._soon()  # (a slice in its turn: not right after another one)
        elif idle:
            self._sweep.stop()

    def _run_due(self) -> None:
        end = time.perf_counter() + SLICE_S
        while self._due:
            try:
                callback, value = self._due.popleft()
            except IndexError:  # (emptied by a callback's own event loop)
                return
            try:
                callback(value)
            except Exception:  # a slot must never take the window down  # noqa: BLE001
                if RAISE_IN_CALLBACKS:
                    if self._due:
                        self._soon()  # (what comes after it is still delivered)
                    raise
                log.exception("a result handler failed")
            finally:
                callback = value = None
            if self._due and time.perf_counter() > end:
                self._soon()
                return


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
    dispatcher().post(callback, value)


def _unless_cancelled(task: Task, callback: Callable[[Any], None]) -> Callable[[Any], None]:
    def deliver(value: Any) -> None:
        if not task.cancelled:  # cancelled on the GUI thread: decided here, on it
            callback(value)

    return deliver


class _Job:
    """A task's work as a pool runs it: its function, then its result or exception handed to
    its callbacks on the GUI thread."""

    def __init__(self, fn, on_done, on_error, task: Task):
        self.held = [fn, on_done, on_error]
        self.task = task

    def __call__(self) -> None:
        # What the task holds (its function, its callbacks: closures over widgets, albums) is
        # let go on the GUI thread, never here: a Qt object whose last reference went with it
        # would be destroyed off its thread (a crash in Qt, not an error).
        held, self.held = self.held, []
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
    dispatcher().post(list.clear, held)


class Pool:
    """Up to ``size`` threads running jobs, the highest priority first (then in order); a
    thread is started when a job finds none idle, and kept."""

    def __init__(self, name: str, size: int):
        self.name, self.size = name, size
        self._lock = threading.Lock()
        self._ready = threading.Condition(self._lock)  # a job queued
        self._idle_all = threading.Condition(self._lock)  # nothing queued or running
        self._queue: list[tuple[int, int, Callable[[], None]]] = []
        self._order = itertools.count()
        self._threads = 0
        self._waiting = 0  # threads waiting for a job, none woken for one yet
        self._unfinished = 0  # jobs queued or running
        self.last_active = 0.0  # (monotonic) when a job last started or ended

    def start(self, job: Callable[[], None], priority: int = 0) -> None:
        with self._lock:
            heapq.heappush(self._queue, (-priority, next(self._order), job))
            self._unfinished += 1
            self.last_active = time.monotonic()
            if self._waiting:  # (one waiting thread for each job: none is woken twice)
                self._waiting -= 1
                self._ready.notify()
            elif self._threads < self.size:
                self._threads += 1
                threading.Thread(target=self._work, daemon=True,
                                 name=f"finpics-{self.name}-{self._threads}").start()
        if _dispatcher is not None and threading.current_thread() is threading.main_thread():
            _dispatcher.watch()  # (what a worker starts is covered: it runs till all is idle)

    def _work(self) -> None:
        while True:
            with self._lock:
                while not self._queue:
                    self._waiting += 1  # (the job that wakes it takes it off again)
                    self._ready.wait()
                job = heapq.heappop(self._queue)[2]
            try:
                job()
            except Exception:  # noqa: BLE001 - a job never ends its thread
                log.exception("background job failed")
            finally:
                job = None
                with self._lock:
                    self._unfinished -= 1
                    self.last_active = time.monotonic()
                    if not self._unfinished:
                        self._idle_all.notify_all()

    @property
    def busy(self) -> bool:
        """Whether a job is queued or running."""
        return self._unfinished > 0

    def wait_done(self, msecs: int) -> bool:
        """Whether every job queued has finished within ``msecs`` (< 0: however long)."""
        with self._lock:
            return self._idle_all.wait_for(lambda: not self._unfinished,
                                           None if msecs < 0 else msecs / 1000)


_pools: dict[str, Pool] = {}
_pools_lock = threading.Lock()


def pool(name: str = "default") -> Pool:
    """Named pools: ``default`` (I/O, search), ``thumbs`` (thumbnails), ``jobs`` (uploads),
    ``waits`` (waiting for the cloud to process what was published), ``deploy`` (a deploy
    following its stack), ``later`` (:func:`run_when_idle`)."""
    with _pools_lock:
        if name not in _pools:
            _pools[name] = Pool(name, {"thumbs": 2, "jobs": 2, "waits": 2, "later": 1}.get(
                name, 4))
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
    pool(pool_name).start(_Job(fn, on_done, on_error, task), priority)
    return task


_OWN = ("default", "thumbs")  # the window's own work: what an opening waits for


def busy() -> bool:
    """Whether the window's own work is under way: a listing, a search, thumbnails (not an
    upload or a wait for the cloud, which can last minutes)."""
    return any(_pools[name].busy for name in _OWN if name in _pools)


def _any_pool_busy() -> bool:
    """Whether any pool has work, uploads and waits for the cloud included (:func:`busy`:
    only the window's own)."""
    return any(p.busy for p in list(_pools.values()))


IDLE_S = 0.3  # how long the window's own work must have been done before a job put off runs
_later: deque[_Job] = deque()
_later_lock = threading.Lock()
_later_armed = False


def run_when_idle(fn: Callable[[], None]) -> None:
    """From any thread: ``fn`` runs on a pool thread once the window's own work (:func:`busy`)
    has been done for :data:`IDLE_S`, one such job at a time, in order: work no one waits for
    (a listing kept for the next session), which would otherwise compete with the place being
    opened for the interpreter. :func:`wait_all` runs what is left at once."""
    with _later_lock:
        _later.append(_Job(fn, None, None, Task()))
    _arm()


def _arm() -> None:
    global _later_armed
    with _later_lock:
        if _later_armed or not _later:
            return
        _later_armed = True
    timer = threading.Timer(IDLE_S, _run_later)
    timer.daemon = True
    timer.start()


def _run_later() -> None:
    global _later_armed
    last = max((_pools[name].last_active for name in _OWN if name in _pools), default=0.0)
    quiet = (not busy() and not pool("later").busy
             and time.monotonic() - last >= IDLE_S)
    with _later_lock:
        _later_armed = False
        job = _later.popleft() if quiet and _later else None
    if job is not None:
        pool("later").start(job)
    _arm()


def wait_all(msecs: int = 30000) -> bool:
    """Wait for every pool to go idle, the jobs put off (:func:`run_when_idle`) run at once
    (used on quit and by tests)."""
    deadline = time.monotonic() + msecs / 1000
    while True:
        for p in list(_pools.values()):
            if not p.wait_done(max(0, int((deadline - time.monotonic()) * 1000))):
                return False
        with _later_lock:
            left = list(_later)
            _later.clear()
        if not left and not _any_pool_busy():
            return True  # (a pool waited for first can have been given work by a later one)
        for job in left:
            pool("later").start(job)


def settle(msecs: int = 30000) -> bool:
    """(GUI thread) Every pool idle and every result delivered, with the work those results
    started (tests; :func:`wait_all` leaves the results waiting for the event loop)."""
    deadline = time.monotonic() + msecs / 1000
    while wait_all(max(0, int((deadline - time.monotonic()) * 1000))):
        if _dispatcher is None or not _dispatcher._due:
            return True
        while _dispatcher._due:
            _dispatcher._run_due()
    return False


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
