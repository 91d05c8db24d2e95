"""``push`` of a library picset to the local cloud and ``--backend aws rename`` of that picset on
the cloud, two command lines at once (the rename started after a varying number of the push's
photos): the cloud always ends as one of the two orders -- the library's photos all under the
new id (the push first), or the cloud's previous photos under the new id and the push refused,
nothing sent, naming the rename made on the cloud (the rename first: the renamed picset is the
library picset's copy, never published again beside it) -- and what each command printed is
true of that end: as many photos published as there are."""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time
from pathlib import Path

from finpics_desktop.app.album import Album
from finpics_desktop.app.push import difference, publish_picset
from finpics_desktop.backends.local.library import open_library
from finpics_desktop.domain.picsets import PICSET_ROOT, title_of, titled
from finpics_desktop.pipeline.curation import Curation, rename_picset
from finpics_desktop.pipeline.publish.upload import Publisher
from tests.reliability.reliability_helpers import make_job

REPO = Path(__file__).resolve().parents[2]
PICSET, FIRST, NEW = "001_trip", 6, 10
BUDGET = 40.0  # seconds of races (at least MIN_RUNS)
MIN_RUNS, MAX_RUNS = 4, 8


def _start(cloud, names, *command: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONUNBUFFERED": "1",
           "AWS_ACCESS_KEY_ID": cloud.credentials["access_key_id"],
           "AWS_SECRET_ACCESS_KEY": cloud.credentials["secret_access_key"]}
    env.pop("AWS_PROFILE", None)
    overrides = [a for n in ("pics_bucket", "thumbs_bucket", "pics_table", "image_table",
                             "private_table", "collection", "search_function")
                 for a in ("--name", f"{n}={getattr(names, n)}")]
    return subprocess.Popen([sys.executable, "-m", "finpics_desktop", "--endpoint-url",
                             cloud.url, *overrides, *command], cwd=REPO, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def _cloud(backend) -> dict[str, tuple[str | None, list[str]]]:
    """picset -> (its featured photo, its photos)."""
    t = backend.tables
    return {e["sortkey"]: (e.get("pic"), sorted(i["sortkey"] for i in t.query_pics(e["sortkey"])))
            for e in t.query_pics(PICSET_ROOT)}


def _add(library: Path, engine, folder: Path) -> tuple[list[str], str]:
    """Publish ``folder`` into the library's picset: its photos, and its featured photo."""
    backend = open_library(library, engine=engine)
    try:
        assert Publisher.for_backend(backend).publish(sorted(folder.iterdir()), PICSET).ok
        return (sorted(i["sortkey"] for i in backend.tables.query_pics(PICSET)),
                backend.tables.get_pics_item(PICSET_ROOT, PICSET)["pic"])
    finally:
        backend.close()


def test_push_and_rename_at_once_end_as_one_order(cloud, own_stack, tmp_path, engine):
    library, names = tmp_path / "library", own_stack.names
    make_job(tmp_path / "first", FIRST, with_face_every=3, seed=2)
    _add(library, engine, tmp_path / "first")
    backend = open_library(library, engine=engine)
    try:
        mine, theirs = Album(backend), Album(own_stack)
        report = publish_picset(mine, theirs, difference(mine, theirs, PICSET))
        assert report.ok
    finally:
        backend.close()
    cloud.wait_idle()
    c = Curation(own_stack)
    rng, orders, started, run = random.Random(8), [], time.monotonic(), 0
    while run < MIN_RUNS or (run < MAX_RUNS and time.monotonic() - started < BUDGET):
        run += 1
        folder = tmp_path / f"new{run}"
        make_job(folder, NEW, with_face_every=3, seed=200 + run)
        for path in folder.iterdir():
            path.rename(path.with_name(f"r{run}-{path.name}"))
        mine, cover = _add(library, engine, folder)
        before = _cloud(own_stack)
        target = f"{100 + run:03d}_renamed"
        commands = {"push": ("--library", str(library), "push", PICSET),
                    "rename": ("--backend", "aws", "rename", PICSET, target)}
        first, second = ("push", "rename") if run % 2 else ("rename", "push")
        after_lines = rng.randrange(0, NEW // 2)  # the second starts after this many photos
        lines: dict[str, list[str]] = {"push": [], "rename": []}
        procs = {first: _start(cloud, names, *commands[first])}
        if after_lines == 0:
            procs[second] = _start(cloud, names, *commands[second])
        for line in procs[first].stderr:
            lines[first].append(line.rstrip("\n"))
            if second not in procs and sum(x.startswith("[") for x in lines[first]) >= (
                    after_lines):
                procs[second] = _start(cloud, names, *commands[second])
        procs[first].stderr.close()
        if second not in procs:
            procs[second] = _start(cloud, names, *commands[second])
        lines[second] = procs[second].stderr.read().splitlines()
        procs[second].stderr.close()
        push, rename = procs["push"], procs["rename"]
        push_lines, rename_lines = lines["push"], lines["rename"]
        pushed, renamed = push.wait(), rename.wait()
        cloud.wait_idle()
        assert cloud.event_errors == []
        after = _cloud(own_stack)
        others = {p: v for p, v in before.items() if p != PICSET}
        push_first = {**others, target: (cover, mine)}
        rename_first = {**others, target: before[PICSET]}
        assert after in (push_first, rename_first), (first, after_lines, "\n".join(
            push_lines + rename_lines))
        assert renamed == 0, rename_lines
        if after == push_first:
            assert pushed == 0, push_lines
            sent = len(set(mine) - set(before[PICSET][1]))
            (summary,) = [x for x in push_lines if x.startswith("published ")]
            assert summary.startswith(
                f"published {sent} of {sent} photo(s) to {titled(PICSET)}"), (
                "\n".join(push_lines + rename_lines))
        else:  # refused, naming the rename made on the cloud: nothing sent
            assert pushed == 1, push_lines
            assert not [x for x in push_lines if x.startswith(("published ", "["))], push_lines
            said = "\n".join(push_lines)  # (the rename seen by the plan, or by the push's
            assert "renamed on the cloud" in said or (  # own check as it began)
                "renamed or deleted on the cloud" in said and "nothing was sent" in said), \
                push_lines
        assert not [x for x in push_lines if x.endswith("is the featured photo")], push_lines
        count = len(after[target][1])
        assert rename_lines[-1] == (
            f"renamed “{title_of(PICSET)}” to “{title_of(target)}” ({PICSET} -> {target}, "
            f"{count} photos)")
        orders.append("push first" if after == push_first else "rename first")
        rename_picset(c, target, PICSET)  # the cloud's picset back under its id, for the next
    print(f"{run} races:", orders)
