"""The publishing job's own process (no Qt here).

Face descriptors (dlib's ResNet) hold the GIL for ~80 ms per face, which would stall the window
if the faces of a job were computed in its process; the local library is safe to share between
processes (SQLite WAL, and the face index notices new faces by its generation counter), so a
local job runs here and reports each photo through a queue.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path


def run_publish(library: str, names, threshold: float, sources: list[Path], picset: str,
                queue, cancel) -> None:
    """Publish and report ``("result", FileResult, finished, total)`` per photo, then
    ``("report", UploadReport)`` or ``("crash", reason)``."""
    if hasattr(os, "nice"):
        os.nice(10)  # the window, and the user's other work, come first
    from finpics_desktop.compose import open_backend
    from finpics_desktop.pipeline.upload import Publisher
    from finpics_desktop.ui.entries import describe_error

    try:
        backend = open_backend("local", Path(library), names, threshold)
    except Exception as e:  # noqa: BLE001 - reported to the window
        queue.put(("crash", f"cannot open the library {library}: {describe_error(e)}"))
        return
    try:
        publisher = Publisher(backend.store, backend.tables, backend.faces, backend.names,
                              backend.process)
        threading.Thread(target=lambda: (cancel.wait(), publisher.cancel()), daemon=True,
                         name="cancel-watch").start()
        report = publisher.publish(
            sources, picset, lambda result, finished, total: queue.put(
                ("result", result, finished, total)))
        queue.put(("report", report))
    except Exception as e:  # noqa: BLE001 - reported to the window
        queue.put(("crash", describe_error(e)))
    finally:
        backend.close()
