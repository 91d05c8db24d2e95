"""*Unnamed faces* in the window on a lifetime's album (a script, run by hand; not collected by
pytest):

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/benchmarks/bench_unnamed_window.py \
        LIBRARY [--runs 2]

LIBRARY: a library built by ``bench_window_scale.py`` (``--keep``; 100,000 photos, ~150,000
faces, 500 people), used as it is -- run it on a copy: the first run groups the faces if they
were never grouped (the similarity graph and the groups are written into it), and each run
names one group. Each run is a process of its own (a new session of the window), 1600 x 1000:
1. the window opened and the face index loaded (as ``bench_window_scale.py``), then *Unnamed
   faces* chosen in the tree: time until the grid shows it with every visible cell drawn
   (goal <= 0.5 s), and the GUI thread's longest stall meanwhile (2 ms heartbeat, goal
   <= 50 ms);
2. scrolling through it, a screen at a time, 60 screens (the pages fetched as it goes): the
   longest stall;
3. the first group named from its tile: time until the tile left the grid, the grid not
   listed again, and the longest stall;
4. People opened, then *Unnamed faces* again (listed afresh after that naming): time to show
   and the longest stall;
5. RSS then (goal <= 500 MB).
Baselines printed beside them: the idle window's longest stall, and the calibration of
``bench_window_scale.py`` (a fixed pure-Python loop; quiet figures = figure x quiet / in-run)."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_window_scale import (  # noqa: E402
    QUICKEST_CALIBRATION,
    bench_application,
    calibration,
    compiled,
    rss_mb,
)


def measure(folder: Path, thumbs: Path | None = None) -> dict:
    from bench_ui import Heartbeat, VisibleLoaded, spin

    from finpics_desktop.app.entries import GROUP
    from finpics_desktop.app.window.navigation import PEOPLE, UNNAMED
    from finpics_desktop.backends.local.library import open_library
    from finpics_desktop.pipeline.photos.thumbcache import ThumbCache
    from finpics_desktop.ui.sources import NodeRole

    work, app = bench_application("bench-unnamed-")
    from finpics_desktop.ui.main_window import MainWindow
    from finpics_desktop.ui.workers import wait_all

    found: dict = {"calibration": calibration(), "rss_start": rss_mb()}
    beat = Heartbeat()
    backend = open_library(folder)
    window = MainWindow(backend, thumb_cache=ThumbCache(thumbs or work / "thumbs"))
    window.resize(1600, 1000)
    window.show()
    root = window.sources.library
    spin(app, lambda: root.rowCount() > 0 and not window.nav.loading, what="the tree")
    wait_all(600_000)  # the face index loaded (the window's work at start)
    beat.start()
    t_idle = time.perf_counter()
    spin(app, lambda: time.perf_counter() - t_idle > 2.0)
    found["idle stall"] = beat.stop()[0]

    class Shown(VisibleLoaded):  # every visible cell drawn: headings have no picture
        def loaded(self) -> bool:
            model, loader = self.model, self.model.loader
            return len(self.rows) > 0 and all(
                not model.entries[r].has_thumbnail or model.thumbnail(r) is not None
                or loader.broken(model.entries[r]) for r in self.rows)

    def row(kind: str):
        return next(root.child(r) for r in range(root.rowCount())
                    if root.child(r).data(NodeRole).kind == kind)

    listed: list[float] = []  # when the grid got its entries (the listing done)
    window.nav.listen(lambda event: listed.append(time.perf_counter())
                      if type(event).__name__ == "GridChanged" else None)

    def timed(what: str, act, ready) -> None:
        beat.start()
        listed.clear()
        start = time.perf_counter()
        act()
        try:
            spin(app, ready, what=what)
        finally:
            found[what] = time.perf_counter() - start
            if listed:
                found[what + " listed"] = listed[0] - start
            found[what + " stall"] = beat.stop()[0]
            print(json.dumps(found), flush=True)  # (the figures so far, should it die)

    def shown():
        screen = Shown(window.model, window.grid)
        return lambda: (not window.nav.loading and window.model.rowCount() > 0
                        and window.nav.location.kind == UNNAMED and screen())

    def choose(kind: str) -> None:
        window.tree.setCurrentIndex(window.sources.indexFromItem(row(kind)))

    timed("Unnamed faces, new session", lambda: choose(UNNAMED), shown())
    found["tiles"] = window.statusBar().currentMessage().split(" (")[0]
    bar = window.grid.verticalScrollBar()
    screens = {"n": 0}

    def scrolled() -> bool:  # a screen further each time the last one is drawn
        if screens["n"] >= 60:
            return True
        if getattr(window.nav, "_fetching", None) is None and window.grid.visible_rows():
            bar.setValue(bar.value() + window.grid.viewport().height())
            screens["n"] += 1
        return False

    timed("scrolling 60 screens", lambda: None, scrolled)
    found["rows after scrolling"] = window.model.rowCount()
    bar.setValue(0)
    tile = next(e for e in window.model.entries if e.kind == GROUP)
    named = f"Bench {time.time_ns()}"
    timed("a group named, its tile gone",
          lambda: window.people.actions.name_group(tile, named),
          lambda: tile not in window.model.entries and not window.nav.loading)
    found["named faces"] = len(tile.members)
    timed("People", lambda: choose(PEOPLE),
          lambda: not window.nav.loading and window.nav.location.kind == PEOPLE)
    timed("Unnamed faces, after a naming", lambda: choose(UNNAMED), shown())
    found["rss_end"] = rss_mb()
    print(json.dumps(found), flush=True)
    os._exit(0)  # (the figures are out; not waiting for the thumbnails' threads)


def report(found: dict) -> None:
    quiet = QUICKEST_CALIBRATION / found["calibration"]
    idle = found.get("idle stall", float("nan"))
    print(f"calibration {found['calibration'] * 1000:.0f} ms (quiet ~"
          f"{QUICKEST_CALIBRATION * 1000:.0f} ms: x{quiet:.2f}); idle window's longest stall "
          f"{idle:.1f} ms; {found.get('tiles', '')}")
    for what in ("Unnamed faces, new session", "scrolling 60 screens",
                 "a group named, its tile gone", "People", "Unnamed faces, after a naming"):
        if what in found:
            listed = (f", listed in {found[what + ' listed'] * 1000:.0f} ms"
                      if what + " listed" in found else "")
            print(f"  {what:32s} {found[what] * 1000:7.0f} ms (quiet ~"
                  f"{found[what] * quiet * 1000:5.0f}), longest stall "
                  f"{found[what + ' stall']:6.1f} ms{listed}")
    print(f"  rows after scrolling: {found.get('rows after scrolling')}; named "
          f"{found.get('named faces')} faces; RSS {found.get('rss_end', float('nan')):.0f} MB "
          f"(goal <= 500), {found['rss_start']:.0f} MB before the library was opened")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("library", type=Path)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--thumbs", type=Path, help="the thumbnail cache (kept between runs: "
                        "warm from the second on); default: a new one each run (cold)")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure(args.library, args.thumbs)
        return 0
    bytecode = compiled(Path(tempfile.mkdtemp(prefix="bench-unnamed-bytecode-")))
    for _ in range(args.runs):
        thumbs = ["--thumbs", str(args.thumbs)] if args.thumbs else []
        out = subprocess.run([sys.executable, *bytecode, __file__, str(args.library),
                              "--measure", *thumbs], capture_output=True, text=True,
                             check=False)
        printed = [line for line in out.stdout.splitlines() if line.startswith("{")]
        if printed:
            report(json.loads(printed[-1]))
        if out.returncode != 0:
            print(f"the measuring process failed ({out.returncode}):\n{out.stderr[-2000:]}",
                  file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
