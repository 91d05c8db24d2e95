"""The people places opened in the window at album scale (a script, run by hand; not collected).

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/benchmarks/bench_people_window.py \\
        --keep DIR

``DIR``: a library built by ``bench_people_scale.py --keep DIR`` (20,000 faces). The window
(1600 x 1000) opens the library, then *People*, the page of the person with the most named
faces and *Unnamed faces* are chosen in its tree, each twice -- first as a new session finds
them (nothing kept in memory), then with nothing kept in the album either (listed afresh) --
while a 2 ms heartbeat timer on the GUI thread measures its longest stall (goal <= 50 ms, as
``bench_ui.py``) and the GUI thread's own CPU time in its longest busy stretch between two beats
(on a loaded machine a stall is also waiting for a core), and the time from the click until the
grid holds every entry. The synthetic library holds only the photos' records: each photo's
original and thumbnail are made hard links of one real photo of ``faces/`` here (once), so
that the cells show faces cut from a photo.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
REPO = Path(__file__).resolve().parents[2]
PHOTOS = REPO.parent / "shared" / "photos"
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests" / "benchmarks"))

from bench_ui import Heartbeat, spin  # noqa: E402
from PySide6.QtCore import QSettings  # noqa: E402

from finpics_desktop.app import people_views  # noqa: E402
from finpics_desktop.app.window.people_places import PEOPLE, PERSON_PLACE, UNNAMED  # noqa: E402
from finpics_desktop.backends.local.engine import FaceEngine  # noqa: E402
from finpics_desktop.backends.local.library import open_library  # noqa: E402
from finpics_desktop.domain.picsets import PICSET_ROOT  # noqa: E402
from finpics_desktop.pipeline.photos.images import make_thumbnail  # noqa: E402
from finpics_desktop.ui.app import init_application  # noqa: E402
from finpics_desktop.ui.sources import NodeRole  # noqa: E402


class BusyHeartbeat(Heartbeat):
    """:class:`Heartbeat`, and the GUI thread's own CPU time between two beats: on a machine
    other processes load, a gap is also the time the thread waited for a core; its CPU time is
    the work it did meanwhile (what the code makes the GUI wait for)."""

    def start(self) -> None:
        self.busy: list[float] = []
        self._cpu = time.thread_time()
        super().start()

    def beat(self) -> None:
        now = time.thread_time()
        self.busy.append((now - self._cpu) * 1000)
        self._cpu = now
        super().beat()

    def longest_busy(self) -> float:
        return max(self.busy[1:], default=0.0)


def node(window, kind):
    root = window.sources.library
    return next(root.child(r) for r in range(root.rowCount())
                if root.child(r).data(NodeRole).kind == kind)


def with_files(backend) -> None:
    """Every photo's original and thumbnail a hard link of one real photo (once)."""
    names, db = backend.names, backend.faces.db
    if db.query("SELECT 1 FROM objects WHERE bucket = ? LIMIT 1", (names.thumbs_bucket,)):
        return
    copies = {names.pics_bucket: backend.home.folder / "bench-original.jpg",
              names.thumbs_bucket: backend.home.folder / "bench-thumbnail.jpg"}
    original = PHOTOS / "faces" / "obama" / "obama.jpg"
    shutil.copyfile(original, copies[names.pics_bucket])
    thumbnail = make_thumbnail(original.read_bytes(), original.name)
    copies[names.thumbs_bucket].write_bytes(thumbnail.data)
    keys = [f"photos/{picset}/{name}" for picset, name in db.query(
        "SELECT primarykey, sortkey FROM pics WHERE primarykey != ?", (PICSET_ROOT,))]
    rows = []
    for bucket in (names.pics_bucket, names.thumbs_bucket):
        for key in keys:
            file = backend.store.path(bucket, key)
            file.parent.mkdir(parents=True, exist_ok=True)
            if not file.exists():
                os.link(copies[bucket], file)
            rows.append((bucket, key, copies[bucket].stat().st_size, "image/jpeg", "{}"))
    with db.transaction() as tx:
        tx.executemany("INSERT OR REPLACE INTO objects VALUES (?, ?, ?, ?, ?)", rows)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--keep", type=Path, required=True, help="bench_people_scale's library")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="finpics-bench-people-window-"))
    app = init_application(["bench"])
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(work / "ini"))
    os.environ["HOME"] = str(work)
    backend = open_library(args.keep, engine=FaceEngine())
    with_files(backend)
    from finpics_desktop.ui.main_window import MainWindow
    from finpics_desktop.ui.workers import wait_all

    window = MainWindow(backend)
    window.resize(1600, 1000)
    window.show()
    spin(app, lambda: not window.nav.loading, what="the library")
    beat = BusyHeartbeat()
    beat.start()
    t_idle = time.perf_counter()
    spin(app, lambda: time.perf_counter() - t_idle > 2.0)
    idle_max, _ = beat.stop()
    print(f"idle window: longest GUI stall {idle_max:.0f} ms (busy {beat.longest_busy():.0f} ms "
          "of it: the rest is waiting for a core)")

    def new_session() -> None:
        """Nothing kept in memory (what the album keeps stays)."""
        try:
            people_views.views(backend).forget(in_album=False)
        except TypeError:  # before the listings were kept in the album: only in memory
            people_views.forget(backend)

    def show(item) -> None:
        window.tree.setCurrentIndex(window.sources.indexFromItem(item))

    def opened(what: str, kind: str, afresh: bool, choose, before=lambda: None) -> None:
        show(window.sources.library)  # away from the people places
        spin(app, lambda: not window.nav.loading, what="the library")
        if afresh:  # nothing kept, in memory or in the album (F5)
            people_views.forget(backend)
        else:
            new_session()
        before()
        beat.start()
        start = time.perf_counter()
        choose()
        spin(app, lambda: window.nav.location.kind == kind and not window.nav.loading
             and window.model.rowCount() > 0, what=what)
        took = time.perf_counter() - start
        t_after = time.perf_counter()
        spin(app, lambda: time.perf_counter() - t_after > 0.5)  # the grid laid out, painted
        longest, p99 = beat.stop()
        print(f"   {what:28s} {'listed afresh' if afresh else 'as a new session':17s} "
              f"shown in {took * 1000:6.0f} ms ({window.model.rowCount()} entries); longest "
              f"GUI stall {longest:4.0f} ms (p99 {p99:.0f} ms), longest busy "
              f"{beat.longest_busy():4.0f} ms", flush=True)

    top = max(people_views.views(backend).people(), key=lambda s: (s.faces, s.person.name))
    people_views.views(backend).person(top.person.name)  # each listed once (a session before)
    people_views.views(backend).unnamed()

    def people_listed() -> None:
        show(node(window, PEOPLE))
        spin(app, lambda: window.nav.location.kind == PEOPLE and not window.nav.loading
             and window.model.rowCount() > 0, what="People")
        if not afresh_page[0]:
            new_session()  # the page not kept in memory either

    def open_page() -> None:
        row = next(r for r, e in enumerate(window.model.entries) if e.person == top.person.name)
        window.nav.activate(window.model.entries, row)

    afresh_page = [False]
    for afresh in (False, True):
        afresh_page[0] = afresh
        opened("People", PEOPLE, afresh, lambda: show(node(window, PEOPLE)))
        opened(f"{top.person.name}'s page", PERSON_PLACE, afresh, open_page, people_listed)
        opened("Unnamed faces", UNNAMED, afresh, lambda: show(node(window, UNNAMED)))
    window.close()
    wait_all()
    backend.close()


if __name__ == "__main__":
    main()
