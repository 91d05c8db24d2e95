"""*People* and a person's page listed afresh on a big library (a script, run by hand; not
collected by pytest).

    .venv/bin/python tests/benchmarks/bench_people_afresh.py COPY [--runs 2]

``COPY``: a copy of a library built by ``bench_scale.py`` or ``bench_window_scale.py`` (e.g.
``/tmp/s8/scale/album-100000``: 100,000 photos, 118,185 faces, 500 people, 50,236 named faces);
it is written to (a face is named each run, the listings kept in it are dropped). Each run, in a
process of its own: the library opened and its face index loaded as the window loads it (untimed),
then *People* and the page of the person with the most faces, through the listings the window
uses (``app.people_views``) with nothing kept in the album -- a new session of a never-listed
library -- then again right after a face was named (listed afresh). Each listing runs on a worker
thread while the main thread beats every 2 ms, as the window's GUI thread would: its longest gap
is what the window would stall (on a busy machine a gap is also waiting for a core). Also printed:
``people`` as the command line runs it (a fresh process, then again), and the in-run calibrations
-- a pure-Python loop (CPU) and every face vector read bare (as ``bench_scale.py``'s baseline) --
to read the figures as ratios on a shared machine.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from finpics_desktop.app import people as app_people  # noqa: E402
from finpics_desktop.app import people_views  # noqa: E402
from finpics_desktop.backends.local.library import open_library  # noqa: E402


def beating(work) -> tuple[float, float]:
    """``work()`` on a worker thread: (its seconds, the main thread's longest gap in ms)."""
    done, took = threading.Event(), {}

    def run() -> None:
        start = time.perf_counter()
        try:
            work()
        finally:
            took["s"] = time.perf_counter() - start
            done.set()

    threading.Thread(target=run).start()
    last, worst = time.perf_counter(), 0.0
    while not done.is_set():
        time.sleep(0.002)
        now = time.perf_counter()
        worst, last = max(worst, now - last), now
    return round(took["s"], 4), round(worst * 1000, 1)


def calibrations(backend) -> dict:
    start = time.perf_counter()
    sum(i * i for i in range(3_000_000))
    cpu = time.perf_counter() - start
    start = time.perf_counter()
    rows = backend.faces.db.query("SELECT vector FROM faces")
    np.frombuffer(b"".join(r[0] for r in rows), np.float32)
    return {"cpu_loop": round(cpu, 4), "vectors_bare": round(time.perf_counter() - start, 4)}


def child(folder: Path) -> dict:
    backend = open_library(folder)
    found = calibrations(backend)
    backend.faces.prepare()  # (the window loads the index after its first screen)
    views = people_views.views(backend)
    views.forget()  # nothing kept in the album: never listed
    found["people_new"] = beating(views.people)
    listed = views.people()
    top = listed[0].person.name
    found["page_new"] = beating(lambda: views.person(top))
    people = app_people.People(backend)
    taken = people.named_ids() if hasattr(people, "named_ids") else people.named()  # (older)
    face = next(f for f, _, _, _ in backend.faces.list_face_ids() if f not in taken)
    start = time.perf_counter()
    app_people.name_face(backend, face, listed[min(10, len(listed) - 1)].person.name,
                         same_photo=True)
    found["naming"] = round(time.perf_counter() - start, 4)
    views.forget(in_album=False)  # (what the window's report of the naming drops)
    found["people_after"] = beating(views.people)
    found["page_after"] = beating(lambda: views.person(top))
    found["people"], found["top_faces"] = len(listed), listed[0].faces
    return found


def cli_people(folder: Path) -> dict:
    """``people`` as ``bench_scale.py --child people`` measures it (a fresh process)."""
    out = subprocess.run([sys.executable, str(Path(__file__).with_name("bench_scale.py")),
                          "--child", "people", str(folder)], capture_output=True, text=True,
                         check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("folder", type=Path)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--child", action="store_true")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.folder)))
        return
    for run in range(args.runs):
        out = subprocess.run([sys.executable, __file__, "--child", str(args.folder)],
                             capture_output=True, text=True, check=True)
        found = json.loads(out.stdout.strip().splitlines()[-1])
        cpu = found["cpu_loop"]
        print(f"run {run + 1}: {found['people']} people (the first: {found['top_faces']} faces); "
              f"calibration: CPU loop {cpu * 1000:.0f} ms, vectors bare "
              f"{found['vectors_bare'] * 1000:.0f} ms")
        for key, label in (("people_new", "People, never listed"),
                           ("page_new", "a person's page, never listed"),
                           ("people_after", "People after a naming"),
                           ("page_after", "the page after a naming")):
            took, stall = found[key]
            print(f"  {label:32} {took * 1000:7.0f} ms ({took / cpu:.2f}x the CPU loop), "
                  f"longest gap {stall:6.1f} ms")
        print(f"  naming a face                    {found['naming'] * 1000:7.0f} ms")
        listed = cli_people(args.folder)
        print(f"  `people`, a fresh process        {listed['first'] * 1000:7.0f} ms; again "
              f"{listed['again'] * 1000:.0f} ms")


if __name__ == "__main__":
    main()
