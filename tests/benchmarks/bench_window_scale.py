"""The window on a lifetime's album (a script, run by hand; not collected by pytest).

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/benchmarks/bench_window_scale.py \
        [--photos 100000 --picsets 1000 --faces 150000 --people 500] [--keep DIR] [--small]

Measures, on a library built at the size asked and (with ``--small``) on one 10x smaller:
1. window open -> first screen: from opening the library and making the window to the album
   tree listing every picset and the grid showing the Library's picsets with every visible
   cell's picture (goal <= 0.3 s); the longest GUI-thread stall meanwhile (gaps between 2 ms
   heartbeats, as ``bench_ui.py`` measures them; the window's constructor is counted apart);
2. then opening, each from the tree or the grid as a user would: the tree listed again (F5),
   a picset, *People*, a person's page (the person with the most faces), *Unnamed faces*:
   time to show (listed, every visible cell drawn) and the longest stall (goal <= 50 ms);
3. then, as a curator goes on: one face of the biggest *Unnamed faces* group named after that
   person (the first in a photo where that person is not named yet; as the window names it:
   ``PeopleActions.name_faces``; time until done, longest stall; a naming refused stops the
   run), and *People*, that person's page and *Unnamed faces* opened again (listed afresh
   after a write): time to show and the longest stall each;
4. RSS after each opening and at the end (goal <= 500 MB), and the process's peak RSS.
Each size runs in a process of its own (RSS is the window's, not the builder's), with the app's
modules compiled first, as an installed app has them (``-X pycache_prefix``: this machine writes
no bytecode, and a module first imported during an opening was compiled there, stalling it).
Baselines measured in the same run: the heartbeat with the window idle (its longest gap: what the
machine's load alone costs), and a fixed CPU-bound calibration (a pure-Python loop) whose
time against the quickest ever seen here scales the figures to a quiet machine.

**How the library is built**: ``faces/`` + ``lfw10/`` of ``../shared/photos`` are published
into a library with the real face engine (``bench_people_scale.real_album``); the big library
takes their items, boxes and vectors: picset k (100 photos each by default) holds the real
photos in turn, its faces' vectors turned by its *family*'s random rotation of the vector space
(the real people become other people, every similarity the engine measured kept) and a small
rotation of its own (two copies of a face are as alike as two photos of one person), written
through the library's own tables, face index (``faces.add_vectors``) and private store in the
shapes publishing and naming write; the photo files are hard links of the real published files.
The labelled faces of the first families are named (a person each, ``--people`` of them), as
naming them would leave them. The unnamed faces are then grouped once by the app's own code
(``app.people.unnamed_groups``, in a process of its own: time and peak RSS printed), as an
album that grew photo by photo was -- each opening of *Unnamed faces* searches only the faces
new since -- so the openings measure the window, not a first grouping of 90,000 faces at once.
The first openings are a new session's (the listings the last run kept, if any, and the user's
cache folder beside the library, as a curator's next session finds them); those after the
naming are listed afresh."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import numpy as np

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_people_scale import (  # noqa: E402
    SAME_PERSON_COSINE,
    real_album,
    rotation,
    write_named,
)

from finpics_desktop.backends.local.engine import FaceEngine  # noqa: E402
from finpics_desktop.backends.local.library import DB_NAME, open_library  # noqa: E402
from finpics_desktop.domain.items import picset_item  # noqa: E402
from finpics_desktop.domain.keys import photo_key  # noqa: E402
from finpics_desktop.domain.picsets import PICSET_ROOT  # noqa: E402

QUICKEST_CALIBRATION = 0.020  # s: the calibration on this machine when quiet (the quickest seen)


def calibration() -> float:
    """A fixed pure-Python workload (the quickest of 5): how loaded the machine is now."""
    took = []
    for _ in range(5):
        start = time.perf_counter()
        total = 0
        for i in range(400_000):
            total += i * i % 7
        took.append(time.perf_counter() - start)
    return min(took)


# -- the library ------------------------------------------------------------------------------
def build(target: Path, real: Path, photos_wanted: int, picsets: int, faces_wanted: int,
          people: int, seed: int = 7) -> str:
    engine = FaceEngine()
    shutil.rmtree(real, ignore_errors=True)
    shutil.rmtree(target, ignore_errors=True)
    photos, vectors, who = real_album(real, engine)
    real_backend = open_library(real, engine=engine)
    buckets = (real_backend.names.pics_bucket, real_backend.names.thumbs_bucket)
    files = {(p, i["sortkey"]): [real_backend.store.path(b, photo_key(p, i["sortkey"]).key)
                                 for b in buckets] for p, i in photos}
    real_backend.close()
    rng = np.random.default_rng(seed)
    vectors = {f: v / np.linalg.norm(v) for f, v in vectors.items()}
    stack = np.stack(list(vectors.values()))
    mean = stack.mean(axis=0)
    along = float(np.mean((stack @ (mean / np.linalg.norm(mean))) ** 2))
    angle = float(np.arccos(np.clip((SAME_PERSON_COSINE - along) / (1 - along), -1, 1)))
    per_picset = photos_wanted // picsets
    # faces per photo as asked: photos with more faces taken more often when more are wanted
    counts = np.array([len(i["data"]["FaceRecords"]) for _, i in photos], float)
    weights = np.where(counts >= faces_wanted / photos_wanted, 1.0, 0.3)
    order = rng.choice(len(photos), photos_wanted, p=weights / weights.sum())
    labelled = {p for p in who.values() if p}
    # picsets of one family: the same people (another "year" each); enough families that the
    # people named are half of them (a person's faces those of a few dozen picsets)
    families = max(20, -(-2 * people // len(labelled)))
    turns = [rotation(rng, mean, None) for _ in range(families)]
    named_families = -(-people // len(labelled))
    big = open_library(target, engine=engine)
    named: dict[str, list] = {}
    rows, items, pics, picset_ids = [], [], [], []
    for k in range(picsets):
        family = k % families
        q = turns[family] @ rotation(rng, mean, angle)
        picset = f"{k + 1:04d}_set_{k + 1}"
        picset_ids.append(picset)
        for j in range(per_picset):
            source_picset, item = photos[order[k * per_picset + j]]
            image_id = str(uuid.uuid4())
            name = f"IMG_{j:04d}_{item['sortkey']}"
            records = []
            for record in item["data"]["FaceRecords"]:
                old = record["Face"]["FaceId"]
                face = {**record["Face"], "FaceId": str(uuid.uuid4()), "ImageId": image_id}
                records.append({**record, "Face": face})
                rows.append((face, (q @ vectors[old]).astype(np.float32)))
                person = who.get(old)
                if person and family < named_families:
                    named.setdefault(f"{person.replace('_', ' ').title()} {family + 1}",
                                     []).append((face["FaceId"], image_id, f"{picset}/{name}"))
            data = {**item["data"], "FaceRecords": records}
            pics.append({**item, "primarykey": picset, "sortkey": name, "data": data})
            items.append({"image_id": image_id, "image_path": f"{picset}/{name}", "data": data})
            for b, source in zip(buckets, files[(source_picset, item["sortkey"])],
                                 strict=True):  # the original and its thumbnail
                path = big.store.path(b, photo_key(picset, name).key)
                path.parent.mkdir(parents=True, exist_ok=True)
                os.link(source, path)
    with big.faces.db.transaction() as db:
        db.executemany("INSERT OR REPLACE INTO pics VALUES (?, ?, ?)",
                       [(PICSET_ROOT, p, json.dumps({**picset_item(p),
                                                     "pic": pics[n * per_picset]["sortkey"]}))
                        for n, p in enumerate(picset_ids)]
                       + [(i["primarykey"], i["sortkey"], json.dumps(i)) for i in pics])
        db.executemany("INSERT OR REPLACE INTO pics_by_image_id VALUES (?, ?)",
                       [(i["image_id"], json.dumps(i)) for i in items])
    big.faces.add_vectors(rows, engine.model_version)
    kept = sorted(named, key=lambda p: -len(named[p]))[:people]
    write_named(big, {person: named[person] for person in kept})
    big.close()
    described = (f"{len(pics):,} photos in {picsets:,} picsets, {len(rows):,} faces, "
                 f"{len(kept)} people named ({sum(len(named[p]) for p in kept):,} named faces)")
    (target / "built.txt").write_text(described)
    return described


def group_once(folder: Path) -> dict:
    """The album's unnamed faces grouped by the app's own code (the similarity graph and the
    groups kept in the library), timed, with this process's peak RSS."""
    from finpics_desktop.app import people

    backend = open_library(folder)
    start = time.perf_counter()
    groups = people.unnamed_groups(backend)
    seconds = time.perf_counter() - start
    backend.close()
    return {"seconds": seconds, "faces": sum(len(g.faces) for g in groups),
            "groups": len(groups), "peak_mb": rss_mb("VmHWM")}


# -- the window -------------------------------------------------------------------------------
def rss_mb(field: str = "VmRSS") -> float:
    """The process's resident memory now (``VmHWM``: its peak so far), MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def bench_application(prefix: str):
    """The measuring process's application, its settings and HOME in a new temporary folder:
    (that folder, the application)."""
    from PySide6.QtCore import QSettings

    from finpics_desktop.ui.app import init_application

    work = Path(tempfile.mkdtemp(prefix=prefix))
    app = init_application(["bench"])
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(work / "ini"))
    os.environ["HOME"] = str(work)
    return work, app


def measure(folder: Path) -> dict:
    """Everything of the module docstring on the library in ``folder`` (this process)."""
    from bench_ui import Heartbeat, VisibleLoaded, spin

    from finpics_desktop.app.collector import freeze_the_window
    from finpics_desktop.pipeline.photos.thumbcache import ThumbCache

    # (the user's cache kept across runs, as a curator's next session finds it: the icons
    # tinted in the palette's colours, written there by the first window ever)
    os.environ["XDG_CACHE_HOME"] = str(folder.parent / "user-cache")
    work, app = bench_application("bench-window-scale-")
    from finpics_desktop.ui.main_window import MainWindow
    from finpics_desktop.ui.sources import NodeRole
    from finpics_desktop.ui.workers import wait_all

    found: dict = {"calibration": calibration(), "rss_start": rss_mb()}
    picsets = int((folder / "built.txt").read_text().split(" in ")[1].split()[0].replace(
        ",", ""))
    beat = Heartbeat()
    cache = ThumbCache(work / "thumbs")
    t0 = time.perf_counter()
    backend = open_library(folder)
    window = MainWindow(backend, thumb_cache=cache)
    freeze_the_window()  # (as ui/app.run does once the window is made)
    window.resize(1600, 1000)
    window.show()
    found["constructor"] = time.perf_counter() - t0
    beat.start()  # (the constructor, on the GUI thread, counted apart)
    root = window.sources.library

    def tree_listed() -> bool:  # (checked every 5 ms: its rows not read -- reading a thousand
        # rows' ids was ~2 ms of the GUI thread each time, ~35 times in a first screen)
        return window.sources.picset_count(root) == picsets

    class Shown(VisibleLoaded):  # every visible cell drawn: headings have no picture
        def loaded(self) -> bool:
            model, loader = self.model, self.model.loader
            return len(self.rows) > 0 and all(
                not model.entries[r].has_thumbnail or model.thumbnail(r) is not None
                or loader.broken(model.entries[r]) for r in self.rows)

    def shown() -> VisibleLoaded:
        return Shown(window.model, window.grid)

    screen = shown()
    try:
        spin(app, lambda: tree_listed() and not window.nav.loading and window.model.rowCount()
             and screen(), what="the first screen")
    except SystemExit as timed_out:
        found["timed out"] = f"{timed_out}; {stuck(window, screen, picsets)}"
    found["first screen"] = time.perf_counter() - t0
    found["first screen stall"] = beat.stop()[0]
    if "timed out" in found:
        found["rss_end"] = rss_mb()
        return found
    wait_all(600_000)  # the face index loaded (the window's work at start)
    beat.start()
    t_idle = time.perf_counter()
    spin(app, lambda: time.perf_counter() - t_idle > 2.0)
    found["idle stall"] = beat.stop()[0]
    print(json.dumps(found), flush=True)  # (the figures so far, should the process die)

    def opening(what: str, act, ready) -> None:
        beat.start()
        start = time.perf_counter()
        act()
        try:
            spin(app, ready, what=what)
        finally:  # (timed out: the time waited and the stalls meanwhile)
            found[what] = time.perf_counter() - start
            found[what + " stall"] = beat.stop()[0]
            found[what + " rss"] = rss_mb()
            print(json.dumps(found), flush=True)  # (the figures so far, should the process die)

    def row(kind: str):
        return next(root.child(r) for r in range(root.rowCount())
                    if root.child(r).data(NodeRole).kind == kind)

    def choose(item) -> None:
        window.tree.setCurrentIndex(window.sources.indexFromItem(item))

    def grid_shown():
        screen = shown()
        return lambda: not window.nav.loading and window.model.rowCount() > 0 and screen()

    def relist_tree() -> None:
        window.sources.set_picsets(root, [])  # (emptied: every row listed again)
        window.refresh_picsets(root)

    try:
        openings(found, opening, relist_tree, tree_listed, choose, row, grid_shown, window,
                 backend, root, picsets)
    except SystemExit as timed_out:  # the figures so far printed all the same
        found["timed out"] = str(timed_out)
    found["rss_end"] = rss_mb()
    found["rss_peak"] = rss_mb("VmHWM")
    if "timed out" in found:  # (not waiting for the work still under way to end)
        print(json.dumps(found), flush=True)
        os._exit(0)
    window.close()
    wait_all()
    backend.close()
    return found


def stuck(window, screen, picsets: int) -> str:
    """What a first screen that never came lacked: the tree's rows, the listing, the cells
    waited for without their picture, and the thumbnail loader's state (pending, queued,
    workers). Read as it is: asking the model for a thumbnail would request it, and change the
    state reported."""
    loader, model = window.loader, window.model
    waiting = [model.entries[r].label for r in screen.rows
               if model.entries[r].has_thumbnail and model.entries[r].key not in loader._images
               and not loader.broken(model.entries[r])]
    return (f"tree {len(window.sources.picset_ids(window.sources.library))} of {picsets} "
            f"picsets, listing {'under way' if window.nav.loading else 'done'}, "
            f"{model.rowCount()} cells, waiting for a picture: {waiting[:8]}; loader: "
            f"{len(loader._pending)} pending, {len(loader._stack)} queued, "
            f"{loader._running} workers counted, {len(loader._arrived)} arrived not stored")


def openings(found, opening, relist_tree, tree_listed, choose, row, grid_shown, window,
             backend, root, picsets) -> None:
    from finpics_desktop.app.entries import GROUP
    from finpics_desktop.app.window.navigation import PEOPLE, UNNAMED
    from finpics_desktop.ui.sources import NodeRole

    opening("the album tree listed again", relist_tree, tree_listed)
    middle = window.sources.picset_ids(root)[picsets // 2]
    opening("a picset", lambda: choose(window.sources.item_for(
        window.sources.library.data(NodeRole).place().__class__(
            "picset", backend, middle, within="library"))), grid_shown())
    opening("People", lambda: choose(row(PEOPLE)), grid_shown())
    person = next(r for r, e in enumerate(window.model.entries) if e.kind == "person")
    name = window.model.entries[person].person
    opening("a person's page", lambda: window.nav.activate(window.model.entries, person),
            grid_shown())
    opening("Unnamed faces", lambda: choose(row(UNNAMED)), grid_shown())
    # a curator goes on: one face of the biggest group named, as the window names it, after
    # the person whose page was opened; then each view listed afresh after that write
    group = max((e for e in window.model.entries if e.kind == GROUP),
                key=lambda e: len(e.members))
    face = nameable(backend, group.members, name)
    named: list = []
    opening("naming one face", lambda: window.people.actions.name_faces(
        backend, [face], name, then=named.append), lambda: bool(named))
    refused = [o.error for o in named[0] if o.error]
    if refused:  # (the figures after it would measure nothing written)
        raise SystemExit(f"the naming was refused: {refused[0]}")
    opening("People after a naming", lambda: choose(row(PEOPLE)), grid_shown())
    again = next(r for r, e in enumerate(window.model.entries)
                 if e.kind == "person" and e.person == name)
    opening("the person's page after a naming",
            lambda: window.nav.activate(window.model.entries, again), grid_shown())
    opening("Unnamed faces after a naming", lambda: choose(row(UNNAMED)), grid_shown())


def nameable(backend, faces, name: str) -> str:
    """The first of ``faces`` (a group's, the most typical first) in a photo where ``name`` is
    not named yet: each run names one more of them after that person, and a person is named
    once in a photo (a naming refused measured nothing written; read before the timing)."""
    from finpics_desktop.app import people as app_people

    taken = {f"{m.picset}/{m.name}" for m in app_people.person_photos(backend, name)}
    where = app_people.locate_faces(backend, list(faces))
    return next(f for f in faces if f in where and where[f].image_path not in taken)


def report(label: str, found: dict) -> None:
    quiet = QUICKEST_CALIBRATION / found["calibration"]
    print(f"{label}: calibration {found['calibration'] * 1000:.0f} ms (quiet machine "
          f"~{QUICKEST_CALIBRATION * 1000:.0f} ms: figures x{quiet:.2f} for a quiet machine)")
    print(f"  window made in {found['constructor'] * 1000:.0f} ms; first screen "
          f"{found['first screen'] * 1000:.0f} ms "
          f"(quiet ~{found['first screen'] * quiet * 1000:.0f} ms; goal <= 300), "
          f"longest stall {found['first screen stall']:.0f} ms")
    idle = found.get("idle stall", float("nan"))
    print(f"  idle window (baseline): longest stall {idle:.1f} ms")
    for what in ("the album tree listed again", "a picset", "People", "a person's page",
                 "Unnamed faces", "naming one face", "People after a naming",
                 "the person's page after a naming", "Unnamed faces after a naming"):
        if what not in found:
            continue
        stall = found[what + " stall"]
        done = "done in" if what == "naming one face" else "shown in"
        print(f"  {what:33s} {done} {found[what] * 1000:6.0f} ms (quiet "
              f"~{found[what] * quiet * 1000:6.0f}), longest stall {stall:5.1f} ms "
              f"({stall / max(idle, 0.1):.1f}x idle; goal <= 50), RSS "
              f"{found.get(what + ' rss', float('nan')):.0f} MB")
    if "timed out" in found:
        print(f"  {found['timed out']} (the figures above measured before it)")
    print(f"  RSS {found['rss_end']:.0f} MB at the end (goal <= 500), "
          f"{found['rss_start']:.0f} MB before the library was opened, peak "
          f"{found.get('rss_peak', float('nan')):.0f} MB")


def compiled(folder: Path) -> list[str]:
    """The app's modules compiled into ``folder``, as an installed app has them; the options
    that make a measuring process read them. (Where the environment writes no bytecode --
    PYTHONDONTWRITEBYTECODE -- a module first imported during an opening was compiled there,
    holding the interpreter: stalls of up to 100 ms measured.)"""
    subprocess.run([sys.executable, "-X", f"pycache_prefix={folder}", "-m", "compileall", "-q",
                    str(Path(__file__).resolve().parents[2] / "finpics_desktop")], check=True)
    return ["-X", f"pycache_prefix={folder}"]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--photos", type=int, default=100_000)
    parser.add_argument("--picsets", type=int, default=1_000)
    parser.add_argument("--faces", type=int, default=150_000)
    parser.add_argument("--people", type=int, default=500)
    parser.add_argument("--keep", type=Path, help="build the libraries here (and keep them)")
    parser.add_argument("--small", action="store_true", help="also at a tenth of the size")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--group", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure is not None:
        print(json.dumps(measure(args.measure)))
        return 0
    if args.group is not None:
        print(json.dumps(group_once(args.group)))
        return 0
    data = args.keep or Path(tempfile.mkdtemp(prefix="bench-window-scale-"))
    bytecode = compiled(data / "bytecode")
    sizes = [1, 10] if args.small else [1]
    for divide in sizes[::-1]:
        folder = data / f"library-{args.photos // divide}"
        if not (folder / "built.txt").exists():
            print(f"building {folder} ...", file=sys.stderr)
            start = time.perf_counter()
            built = build(folder, data / f"real-{divide}", args.photos // divide,
                          args.picsets // divide, args.faces // divide,
                          max(1, args.people // divide))
            print(f"  built in {time.perf_counter() - start:.0f} s", file=sys.stderr)
        built = (folder / DB_NAME).parent.joinpath("built.txt").read_text()
        if not (folder / "grouped.txt").exists():
            print(f"grouping {folder}'s unnamed faces once ...", file=sys.stderr)
            grouped = subprocess.run([sys.executable, __file__, "--group", str(folder)],
                                     capture_output=True, text=True, check=True)
            (folder / "grouped.txt").write_text(grouped.stdout.splitlines()[-1])
        first = json.loads((folder / "grouped.txt").read_text())
        built += (f"; first grouping of its {first['faces']:,} unnamed faces (once, before): "
                  f"{first['seconds']:.0f} s, peak {first['peak_mb']:.0f} MB")
        out = subprocess.run([sys.executable, "-X", "faulthandler", *bytecode, __file__,
                              "--measure", str(folder)], capture_output=True, text=True,
                             check=False)
        printed = [line for line in out.stdout.splitlines() if line.startswith("{")]
        if out.returncode != 0:
            print(out.stderr[-3000:], file=sys.stderr)
        if printed:
            found = json.loads(printed[-1])
            found.setdefault("rss_end", float("nan"))
            if out.returncode != 0:
                how = (f"signal {-out.returncode}" if out.returncode < 0
                       else f"exit {out.returncode}")
                found.setdefault("timed out", f"the measuring process failed ({how})")
            report(built, found)
        if out.returncode != 0:
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
