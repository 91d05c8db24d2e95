"""The publishing job's own process (no Qt here).

Processing a photo (decoding, the face engine's networks: ~0.25 s of CPU for 12 MP) in the
window's process would compete with the GUI thread for the GIL and the cores (the engine sets
OpenCV's thread count for the whole process); the local library is safe to share between
processes (SQLite WAL, and the face index notices new faces by its generation counter), so a
local job runs here and reports each photo through a queue.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path


def run_journaled(publisher, sources: list[Path], picset: str, resume_job: int | None,
                  on_result):
    """Publish through the upload journal, or continue its job ``resume_job``."""
    if resume_job is not None:
        return publisher.resume(resume_job, on_result)
    return publisher.publish(sources, picset, on_result)


def run_publish(library: str, names, threshold: float, sources: list[Path], picset: str,
                queue, cancel, resume_job: int | None = None,
                on_conflict: str = "fail") -> None:
    """Publish (journaled, so a killed job can be resumed) and report
    ``("result", FileResult, finished, total)`` per photo, then ``("report", UploadReport)``
    or ``("crash", reason)``."""
    if hasattr(os, "nice"):
        os.nice(10)  # the window, and the user's other work, come first
    from finpics_desktop.compose import open_backend
    from finpics_desktop.pipeline.journal import journal_for
    from finpics_desktop.pipeline.upload import Publisher
    from finpics_desktop.ui.entries import describe_error

    try:
        backend = open_backend("local", Path(library), names, threshold)
    except Exception as e:  # noqa: BLE001 - reported to the window
        queue.put(("crash", f"cannot open the library {library}: {describe_error(e)}"))
        return
    journal = journal_for(backend)
    try:
        publisher = Publisher.for_backend(backend, journal, on_conflict=on_conflict)
        threading.Thread(target=lambda: (cancel.wait(), publisher.cancel()), daemon=True,
                         name="cancel-watch").start()
        report = run_journaled(
            publisher, sources, picset, resume_job, lambda result, finished, total: queue.put(
                ("result", result, finished, total)))
        queue.put(("report", report))
    except Exception as e:  # noqa: BLE001 - reported to the window
        queue.put(("crash", describe_error(e)))
    finally:
        journal.close()
        backend.close()
