"""An ``upload`` into a picset and a ``rename`` of that picset, two command lines at once (the
rename started after a varying number of the upload's photos): the album always ends as one of
the two orders -- every photo under the new id (the upload first), or the picset's photos under
the new id and the upload's alone under the old one (the rename first) -- and what each command
printed is true of that end."""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time
from pathlib import Path

from reliability_helpers import make_job

from finpics_desktop.backends.local.library import open_library
from finpics_desktop.domain.picsets import PICSET_ROOT, title_of, titled
from finpics_desktop.pipeline.check import scan
from finpics_desktop.pipeline.publish.upload import Publisher

REPO = Path(__file__).resolve().parents[2]
FIRST, NEW = 20, 30  # photos of the picset, photos each upload adds
BUDGET = 45.0  # seconds of races (at least MIN_RUNS)
MIN_RUNS, MAX_RUNS = 6, 12


def _start(library: Path, *command: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "finpics_desktop", "--library", str(library),
                             *command], cwd=REPO, env={**os.environ, "PYTHONUNBUFFERED": "1"},
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def _album(library: Path, engine) -> dict[str, list[str]]:
    backend = open_library(library, engine=engine)
    try:
        t = backend.tables
        picsets = {e["sortkey"]: sorted(i["sortkey"] for i in t.query_pics(e["sortkey"]))
                   for e in t.query_pics(PICSET_ROOT)}
        assert scan(backend.store, backend.tables, backend.faces, backend.names,
                    private=backend.private) == []
        assert backend.private.query("op") == [] and backend.private.query("op-lock") == []
        return picsets
    finally:
        backend.close()


def test_upload_and_rename_at_once_end_as_one_order(tmp_path, engine):
    library, source = tmp_path / "library", "001_race"
    make_job(tmp_path / "first", FIRST, seed=1)
    backend = open_library(library, engine=engine)
    try:
        assert Publisher.for_backend(backend).publish(
            sorted((tmp_path / "first").iterdir()), source).ok
    finally:
        backend.close()
    rng, orders, started = random.Random(19), [], time.monotonic()
    run = 0
    while run < MIN_RUNS or (run < MAX_RUNS and time.monotonic() - started < BUDGET):
        run += 1
        folder = tmp_path / f"new{run}"
        make_job(folder, NEW, seed=100 + run)
        for path in folder.iterdir():  # names of their own
            path.rename(path.with_name(f"r{run}-{path.name}"))
        before = _album(library, engine)
        target = f"{100 + run:03d}_renamed"
        first, second = (("upload", str(folder), "--picset", source),
                         ("rename", source, target))
        if run % 2 == 0:  # every other race the rename starts first
            first, second = second, first
        after_lines = rng.randrange(0, NEW // 3)  # the second starts after this many photos
        lines = {"upload": [], "rename": []}
        leader = _start(library, *first)
        follower = _start(library, *second) if after_lines == 0 else None
        for line in leader.stderr:
            lines[first[0]].append(line.rstrip("\n"))
            if follower is None and sum(x.startswith("[") for x in lines[first[0]]) >= (
                    after_lines):
                follower = _start(library, *second)
        leader.stderr.close()
        follower = follower or _start(library, *second)
        lines[second[0]] = follower.stderr.read().splitlines()
        follower.stderr.close()
        upload, rename = (leader, follower) if first[0] == "upload" else (follower, leader)
        upload_lines, rename_lines = lines["upload"], lines["rename"]
        assert upload.wait() == 0 and rename.wait() == 0, (upload_lines, rename_lines)
        after = _album(library, engine)
        new = sorted(p.name for p in folder.iterdir())
        old = before[source]
        others = {p: ns for p, ns in before.items() if p != source}
        upload_first = {**others, target: sorted(old + new)}
        rename_first = {**others, target: old, source: new}
        assert after in (upload_first, rename_first), (first[0], after_lines,
                                                       upload_lines[-2:], rename_lines[-2:])
        count = len(after[target])
        assert upload_lines[-1] == f"published {NEW} of {NEW} photo(s) to {titled(source)}"
        assert rename_lines[-1] == (
            f"renamed “{title_of(source)}” to “{title_of(target)}” ({source} -> {target}, "
            f"{count} photos)")
        orders.append("upload first" if after == upload_first else "rename first")
        source = target if after == upload_first else source
    print(f"{run} races:", orders)
