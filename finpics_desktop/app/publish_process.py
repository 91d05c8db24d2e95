"""A publishing job of the library in its own process.

Processing a photo (decoding, the face engine's networks: ~0.25 s of CPU for 12 MP) in the
window's process would compete with the GUI thread for the GIL and the cores (the engine sets
OpenCV's thread count for the whole process); the library is safe to share between processes
(SQLite WAL, and the face index notices new faces by its generation counter), so a job runs
here and reports through a queue: ``("start", picset id)``, ``("result", FileResult, finished,
total)`` per photo, then ``("report", UploadReport)`` or ``("crash", reason)``.
"""

from __future__ import annotations

import os
import threading

from finpics_desktop.app.errors import describe_error
from finpics_desktop.app.publish import Publishing, PublishPlan
from finpics_desktop.domain.names import Names
from finpics_desktop.ports import LibraryHome


def run_publish(home: LibraryHome, names: Names, plan: PublishPlan, queue, cancel) -> None:
    """The process's target: publish ``plan`` into the library at ``home``; ``cancel`` (an
    event) lets the photos under way finish whole and stops there."""
    if hasattr(os, "nice"):
        os.nice(10)  # the window, and the user's other work, come first
    from finpics_desktop.compose import open_backend
    from finpics_desktop.pipeline.publish.journal import journal_for

    try:
        backend = open_backend("local", home.folder, names, home.threshold)
    except Exception as e:  # noqa: BLE001 - reported to the window
        queue.put(("crash", f"cannot open the library {home.folder}: {describe_error(e)}"))
        return
    journal = journal_for(backend)
    try:
        job = Publishing(backend, plan, journal)
        threading.Thread(target=lambda: (cancel.wait(), job.cancel()), daemon=True,
                         name="cancel-watch").start()
        report = job.run(lambda result, finished, total: queue.put(
            ("result", result, finished, total)), lambda picset: queue.put(("start", picset)))
        queue.put(("report", report))
    except Exception as e:  # noqa: BLE001 - reported to the window
        queue.put(("crash", describe_error(e)))
    finally:
        journal.close()
        backend.close()
