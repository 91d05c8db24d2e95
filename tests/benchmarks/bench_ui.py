"""Window benchmarks (a script, run by hand; not collected by pytest).

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/benchmarks/bench_ui.py [--count 10000]

On a folder of 10,000 photos (hard links to 12-megapixel JPEGs made from ../shared/photos, so
every path is its own photo for the caches and decoders, at camera-like decoding cost):
1. first screen: time from "open the folder" to the grid listing it, to every visible cell
   showing its picture (the thumbnail the camera embedded, as the photos carry one like camera
   files do) with the number of originals decoded by then (goal <= 0.3 s and <= 40 decodes),
   and to every visible cell showing the thumbnail made from the photo itself; baseline: making
   those same thumbnails one after another on one thread; then the same with a warm disk cache,
   and cold on a second folder of the same photos saved without an EXIF block;
2. memory: RSS after scrolling through all 10,000 (goal <= 250 MB) vs RSS before opening;
3. the longest GUI-thread stall (gap between 2 ms heartbeats) while scrolling and while an
   upload runs (goal <= 50 ms), vs the same heartbeat with the window idle.
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

from bench_pipeline import make_12mp_set  # noqa: E402
from PySide6.QtCore import QElapsedTimer, QEventLoop, QSettings, Qt, QTimer  # noqa: E402

from finpics_desktop.backends.local.library import open_library  # noqa: E402
from finpics_desktop.pipeline.images import make_thumbnail  # noqa: E402
from finpics_desktop.pipeline.thumbcache import ThumbCache  # noqa: E402
from finpics_desktop.ui.app import init_application  # noqa: E402


class GcPauses:
    """The longest garbage-collector pause (a full collection walks every object)."""

    def __init__(self):
        self.longest = 0.0
        self._t = 0.0
        import gc

        gc.callbacks.append(self.callback)

    def callback(self, phase, info):
        if phase == "start":
            self._t = time.perf_counter()
        else:
            self.longest = max(self.longest, (time.perf_counter() - self._t) * 1000)


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def make_folder(root: Path, count: int, camera: bool = True) -> Path:
    """``count`` photos from cameras (with the EXIF thumbnail they embed) or, with ``camera``
    false, without an EXIF block (as many editors and web tools save them)."""
    kind = "camera" if camera else "plain"
    folder = root / f"{kind}-{count}"
    if folder.is_dir() and len(os.listdir(folder)) == count:
        return folder
    sources = make_12mp_set(root / f"sources-{kind}", 24, camera)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for n in range(count):
        os.link(sources[n % len(sources)], folder / f"IMG_{n:05d}.jpg")
    return folder


class Heartbeat:
    """Measures how long the GUI thread goes without running its event loop."""

    def __init__(self, interval_ms: int = 2):
        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.beat)
        self.clock = QElapsedTimer()
        self.gaps: list[float] = []

    def start(self) -> None:
        self.gaps = []
        self.clock.start()
        self.timer.start()

    def beat(self) -> None:
        self.gaps.append(self.clock.nsecsElapsed() / 1e6)
        self.clock.restart()

    def stop(self) -> tuple[float, float]:
        self.timer.stop()
        gaps = sorted(self.gaps[1:]) or [0.0]
        return gaps[-1], gaps[int(len(gaps) * 0.99) - 1] if len(gaps) > 100 else gaps[-1]


def spin(app, condition, timeout: float = float(os.environ.get("BENCH_TIMEOUT", 600)),
         what: str = "", on=None) -> None:
    """Run the event loop (which sleeps in the dispatcher, GIL released) until ``condition``,
    checked every 5 ms, or only when the signal ``on`` fires (and every 50 ms) so that the
    measuring takes no CPU from the GUI thread being measured."""
    if condition():
        return
    loop = QEventLoop()
    deadline = time.perf_counter() + timeout
    failed = []

    def check(*_):
        if condition():
            loop.quit()
        elif time.perf_counter() > deadline:
            failed.append(what)
            loop.quit()

    timer = QTimer()
    timer.setTimerType(Qt.TimerType.PreciseTimer)
    timer.timeout.connect(check)
    timer.start(5 if on is None else 50)
    if on is not None:
        on.connect(check)
    loop.exec()
    timer.stop()
    if on is not None:
        on.disconnect(check)
    if failed:
        raise SystemExit(f"benchmark: timed out waiting for {what}")


class VisibleLoaded:
    """Whether every visible cell has its thumbnail; the visible rows (a few dozen
    ``visualRect`` calls) are found again only once the ones found before are all loaded."""

    def __init__(self, window, final: bool = False):
        self.window = window
        self.final = final  # the thumbnails made from the photos, not the embedded ones
        self.rows = range(0)

    def loaded(self) -> bool:
        model, loader = self.window.model, self.window.loader
        return len(self.rows) > 0 and all(
            model.thumbnail(r) is not None
            and not (self.final and loader.is_preview(model.entries[r].key)) for r in self.rows)

    def __call__(self) -> bool:
        if self.rows and not self.loaded():
            return False
        self.rows = self.window.grid.visible_rows()
        return self.loaded()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--data", type=Path,
                        default=Path(tempfile.gettempdir()) / "finpics-bench-ui")
    args = parser.parse_args()
    print(f"making / reusing {args.count} photos in {args.data} ...", file=sys.stderr)
    folder = make_folder(args.data, args.count)
    plain = make_folder(args.data, args.count, camera=False)
    print("measuring ...", file=sys.stderr)
    work = Path(tempfile.mkdtemp(prefix="finpics-bench-ui-"))
    app = init_application(["bench"])
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(work / "ini"))
    os.environ["HOME"] = str(work)
    backend = open_library(work / "library")
    from finpics_desktop.ui.main_window import MainWindow
    from finpics_desktop.ui.workers import wait_all

    cache = ThumbCache(work / "thumbs")
    window = MainWindow(backend, thumb_cache=cache)
    window.resize(1600, 1000)  # a large first screen: ~30 cells visible
    window.show()
    spin(app, lambda: not window.nav.loading, what="the library")
    beat = Heartbeat()
    beat.start()
    t_idle = time.perf_counter()
    spin(app, lambda: time.perf_counter() - t_idle > 2.0)
    idle_max, idle_p99 = beat.stop()
    rss_before = rss_mb()

    # 1. first screen, cold caches
    t0 = time.perf_counter()
    window.open_folder(folder)
    spin(app, lambda: window.model.rowCount() == args.count, what="the listing")
    app.processEvents()
    t_listed = time.perf_counter() - t0
    decodes_listed = cache.decodes
    spin(app, VisibleLoaded(window), what="the first screen", on=window.loader.ready)
    t_first = time.perf_counter() - t0
    decodes_first = cache.decodes
    spin(app, VisibleLoaded(window, final=True), what="the first screen's own thumbnails",
         on=window.loader.ready)
    t_made = time.perf_counter() - t0
    visible = len(window.grid.visible_rows())
    paths = [window.model.entries[r].path for r in window.grid.visible_rows()]
    t1 = time.perf_counter()
    for p in paths:
        make_thumbnail(p.read_bytes(), p.name, cache.box)
    t_serial = time.perf_counter() - t1

    # the same first screen again after a restart: thumbnails from the disk cache
    window.open_folder(PHOTOS)
    spin(app, lambda: not window.nav.loading, what="another folder")
    for key in list(window.loader._images):
        window.loader.forget(key)
    decodes_before = cache.decodes
    t3 = time.perf_counter()
    window.open_folder(folder)
    spin(app, lambda: window.model.rowCount() == args.count, what="the listing again")
    t_listed_warm = time.perf_counter() - t3
    spin(app, VisibleLoaded(window, final=True), what="the warm first screen",
         on=window.loader.ready)
    t_first_warm = time.perf_counter() - t3
    decodes_warm = cache.decodes - decodes_before

    # the same first screen, cold, of photos without an embedded thumbnail: decoded at once
    decodes_before = cache.decodes
    t4 = time.perf_counter()
    window.open_folder(plain)
    spin(app, VisibleLoaded(window), what="the first screen of plain photos",
         on=window.loader.ready)
    t_plain = time.perf_counter() - t4
    decodes_plain = cache.decodes - decodes_before
    window.open_folder(folder)
    spin(app, lambda: window.model.rowCount() == args.count, what="the listing once more")

    # 2 + 3a. scroll through everything like a user flicking down, a step per 16 ms frame
    bar = window.grid.verticalScrollBar()
    step = max(1, bar.pageStep() // 2)
    gc_pauses = GcPauses()
    beat.start()
    peak = rss_mb()
    t2 = time.perf_counter()
    peaks = [peak]

    def frame():  # one scroll step per 16 ms frame, like a flick of the wheel
        bar.setValue(bar.value() + step)
        peaks.append(rss_mb())

    flick = QTimer()
    flick.setTimerType(Qt.TimerType.PreciseTimer)
    flick.timeout.connect(frame)
    flick.start(16)
    spin(app, lambda: bar.value() >= bar.maximum(), what="the end of the scroll")
    flick.stop()
    peak = max(peaks)
    spin(app, VisibleLoaded(window), what="the last screen", on=window.loader.ready)
    t_scroll = time.perf_counter() - t2
    scroll_max, scroll_p99 = beat.stop()
    scroll_gc = gc_pauses.longest
    rss_after = rss_mb()
    decodes_scroll = cache.decodes

    # 3b. an upload under way (real face detection on 12 photos) with the window showing it
    src = work / "upload-src"
    src.mkdir()
    for path in sorted((PHOTOS / "faces").rglob("*.jp*g"))[:12]:
        shutil.copy2(path, src / path.name)
    beat.start()
    job = window.start_upload(backend, [src], "001_bench")
    spin(app, lambda: window.upload_panel.report is not None, what="the upload")
    upload_max, upload_p99 = beat.stop()
    upload_ok = window.upload_panel.report.summary()

    print(f"\nfirst screen of {args.count} photos ({visible} cells visible, 12 MP JPEGs, cold):")
    print(f"  listed (placeholders shown) in {t_listed * 1000:.0f} ms, "
          f"{decodes_listed} decodes so far")
    print(f"  every visible cell showing its picture in {t_first * 1000:.0f} ms (goal <= 300 ms), "
          f"{decodes_first} decodes (goal <= 40)")
    print(f"  every visible cell showing the thumbnail made from its photo in {t_made * 1000:.0f}"
          " ms")
    print(f"  baseline, the same {visible} thumbnails one after another: "
          f"{t_serial * 1000:.0f} ms -> window/baseline = {t_made / t_serial:.2f}")
    print(f"  the same after a restart (disk cache warm): listed in {t_listed_warm * 1000:.0f} ms,"
          f" every visible thumbnail in {t_first_warm * 1000:.0f} ms, {decodes_warm} decodes")
    print(f"  photos without an embedded thumbnail (cold): every visible thumbnail in "
          f"{t_plain * 1000:.0f} ms, {decodes_plain} decodes")
    print(f"scrolling through all {args.count} ({t_scroll:.1f} s, {decodes_scroll} decodes in all"
          f" - the ones scrolled past unseen are dropped):")
    print(f"  RSS {rss_after:.0f} MB after (peak {peak:.0f} MB; goal <= 250 MB), "
          f"{rss_before:.0f} MB before opening the folder -> +{rss_after - rss_before:.0f} MB;"
          f" thumbnails in memory {window.loader.memory_bytes / 2**20:.0f} MB")
    print("GUI-thread stalls (longest gap between 2 ms heartbeats; goal <= 50 ms):")
    print(f"  idle window (baseline): max {idle_max:.1f} ms, p99 {idle_p99:.1f} ms")
    print(f"  while scrolling:        max {scroll_max:.1f} ms, p99 {scroll_p99:.1f} ms "
          f"({scroll_max / max(idle_max, 0.1):.1f}x idle; longest GC pause {scroll_gc:.1f} ms)")
    print(f"  while uploading:        max {upload_max:.1f} ms, p99 {upload_p99:.1f} ms "
          f"({upload_max / max(idle_max, 0.1):.1f}x idle) - {upload_ok}")
    del job
    window.close()
    wait_all()
    backend.close()
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
