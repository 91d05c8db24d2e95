"""The GUI thread's collector: a timer that makes the collection due (``app/collector.py``)
so that cycles holding Qt wrappers are freed on the thread that owns them, never on a listing
or thumbnail thread, and no worker thread stops to walk the heap; put off while a listing or
thumbnails are under way (:func:`~finpics_desktop.ui.workers.busy`)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QTimer
from shiboken6 import isValid

from finpics_desktop.app.collector import TICK_MS, collect_due, keep_collections_short
from finpics_desktop.ui.workers import busy

_timer: QTimer | None = None


def collect_on_gui_thread(app: QCoreApplication) -> QTimer:
    """Automatic collection off, a timer on ``app``'s thread (the GUI thread: call this from
    it) collecting instead; once a process (again for a new application object)."""
    global _timer
    keep_collections_short()
    if _timer is None or not isValid(_timer):
        _timer = QTimer(app)
        _timer.setObjectName("finpics-collector")
        _timer.setInterval(TICK_MS)
        _timer.timeout.connect(lambda: collect_due(put_off=busy()))
        _timer.start()
    return _timer


def collecting() -> QTimer | None:
    """The collector's timer (None before the window's application started it)."""
    return _timer if _timer is not None and isValid(_timer) else None
