"""kill -9 at many points of a rename of a 100-photo picset and of a move, then the same command
again (it completes the interrupted action) or ``check --repair``: nothing lost, nothing
duplicated, no orphan -- the same photos with the same FaceIds and ImageIds, each in one
picset, every object, thumbnail, item and face where the contract wants it."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from reliability_helpers import make_job

from finpics_desktop.backends.local.library import open_library
from finpics_desktop.domain import items
from finpics_desktop.domain.picsets import PICSET_ROOT
from finpics_desktop.pipeline.check import scan
from finpics_desktop.pipeline.publish.upload import Publisher

REPO = Path(__file__).resolve().parents[2]
KILLS = 12
PHOTOS = 100
SEED = int(os.environ.get("FINPICS_CRASH_SEED", "20261201"))  # vary by hand to explore


def _run(library: Path, *command: str, kill_after: int | None = None) -> tuple[int, list[str]]:
    """Run a command; with ``kill_after``, SIGKILL it once it printed that many lines."""
    proc = subprocess.Popen([sys.executable, "-m", "finpics_desktop", "--library", str(library),
                             *command], cwd=REPO, env={**os.environ, "PYTHONUNBUFFERED": "1"},
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    lines: list[str] = []
    try:
        for line in proc.stderr:
            lines.append(line.rstrip("\n"))
            if kill_after is not None and len(lines) >= kill_after:
                proc.send_signal(signal.SIGKILL)
                break
    finally:
        proc.stderr.close()
        code = proc.wait()
    return code, lines


@pytest.fixture
def album(tmp_path, engine):
    return make_album(tmp_path, engine)


def make_album(tmp_path: Path, engine) -> Path:
    """A library with a 100-photo picset (a real face in every 4th) and a small second one."""
    library = tmp_path / "library"
    backend = open_library(library, engine=engine)
    try:
        for folder, picset, count in (("crash", "001_crash", PHOTOS), ("other", "002_other", 8)):
            make_job(tmp_path / folder, count, seed=count)
            if folder == "other":  # names of their own
                for path in (tmp_path / folder).iterdir():
                    path.rename(path.with_name("o" + path.name))
            report = Publisher.for_backend(backend).publish(
                sorted((tmp_path / folder).iterdir()), picset)
            assert report.ok, report.summary()
    finally:
        backend.close()
    return library


def _state(library: Path, engine) -> dict:
    """The album as the contract holds it, with every invariant of a consistent one asserted."""
    backend = open_library(library, engine=engine)
    try:
        t, names = backend.tables, backend.names
        entries = {i["sortkey"]: i.get("pic") for i in t.query_pics(PICSET_ROOT)}
        photos = {p: {i["sortkey"]: i["data"] for i in t.query_pics(p)} for p in entries}
        keys = sorted(f"photos/{p}/{n}" for p, ps in photos.items() for n in ps)
        assert keys == [o.key for o in backend.store.list(names.pics_bucket, "photos/")]
        assert keys == [o.key for o in backend.store.list(names.thumbs_bucket, "photos/")]
        faces = [f for ps in photos.values() for d in ps.values() for f in items.face_ids(d)]
        assert len(faces) == len(set(faces)), "a photo is in two picsets"
        from finpics_desktop.pipeline.curation import trashed_face_ids

        assert sorted(faces + sorted(trashed_face_ids(backend.private))) == sorted(
            f["FaceId"] for f in backend.faces.list_faces())
        images = {i["image_id"]: i["image_path"] for i in t.scan_image_items()}
        assert images == {image: f"{p}/{n}" for p, ps in photos.items() for n, d in ps.items()
                          for image in items.image_ids(d)}
        for picset, pic in entries.items():
            assert photos[picset] and pic in photos[picset], picset
        assert backend.private.query("op") == [] and backend.private.query("op-lock") == []
        trashed = trashed_face_ids(backend.private)
        assert scan(backend.store, backend.tables, backend.faces, names,
                    private=backend.private) == []
        return {"picsets": {p: sorted(ps) for p, ps in photos.items()},
                "faces": {f"{n}": items.face_ids(d) for ps in photos.values()
                          for n, d in ps.items()},
                "images": sorted(images), "trashed": trashed}
    finally:
        backend.close()


def _kill_and_recover(library, engine, command, kill_after, by_repair, before):
    code, lines = _run(library, *command, kill_after=kill_after)
    killed = code == -signal.SIGKILL
    assert killed or code == 0, lines
    out: list[str] = []
    if by_repair:
        code, out = _run(library, "check", "--repair")
        assert code == 0, out
    elif killed:  # the same command again: completes what was interrupted, or does it now
        code, out = _run(library, *command)
        recorded = any("->" in line for line in lines)
        if recorded:
            assert any(line.startswith("completed the interrupted") for line in out) or (
                code != 0 and "there is no" in out[-1]), (lines[-3:], out)  # it had ended
        else:
            assert code == 0, out
    after = _state(library, engine)
    assert after["faces"] == before["faces"] and after["images"] == before["images"], (
        lines[-3:], out[-6:] if (by_repair or killed) else None)
    return killed, lines[-1] if lines else "", after


def _spread(rng: random.Random, steps: int) -> list[int]:
    """One kill point in each twelfth of the action's steps: placing, listing, retiring."""
    return [rng.randrange(1 + n * steps // KILLS, 1 + (n + 1) * steps // KILLS)
            for n in range(KILLS)]


def test_sigkill_across_a_rename_of_100_photos(album, engine):
    before = _state(album, engine)
    steps = 2 * PHOTOS + 2  # a line per photo placed, one when listed, one per photo retired
    points = _spread(random.Random(SEED), steps)
    current, log = "001_crash", []
    for n, kill_after in enumerate(points):
        target = "001_renamed" if current == "001_crash" else "001_crash"
        killed, last, after = _kill_and_recover(album, engine, ("rename", current, target),
                                                kill_after, n % 2 == 1, before)
        log.append((kill_after, killed, last[:50]))
        assert set(after["picsets"]) in ({current, "002_other"}, {target, "002_other"})
        current = next(p for p in after["picsets"] if p != "002_other")
        assert after["picsets"][current] == before["picsets"]["001_crash"]
    print(f"seed {SEED}: killed after", log)
    assert sum(k for _, k, _ in log) >= 10  # killed, not finished before the signal


def test_sigkill_across_a_move(album, engine):
    before = _state(album, engine)
    moving = [f"p{i:03d}.jpg" for i in range(0, 40, 2)]  # 20 photos, 5 with a face
    points = _spread(random.Random(SEED + 1), 2 * len(moving) + 2)
    where, log = "001_crash", []
    for n, kill_after in enumerate(points):
        to = "002_other" if where == "001_crash" else "001_crash"
        command = ("move", *(f"{where}/{name}" for name in moving), "--to", to)
        killed, last, after = _kill_and_recover(album, engine, command, kill_after,
                                                n % 2 == 0, before)
        log.append((kill_after, killed, last[:50]))
        in_to = set(moving) & set(after["picsets"][to])
        assert in_to in (set(), set(moving)), "a move is whole or not at all"
        where = to if in_to else where
        total = sum(len(ps) for ps in after["picsets"].values())
        assert total == PHOTOS + 8
    print(f"seed {SEED + 1}: killed after", log)
    assert sum(k for _, k, _ in log) >= 10


def test_two_processes_editing_one_picset_at_once_lose_nothing(album, engine):
    """One process moves photos out of a picset one by one while another deletes others and
    changes its featured photo, at the same time: every action holds, none is lost."""
    import threading

    before = _state(album, engine)
    moved = [f"p{i:03d}.jpg" for i in range(0, 20, 2)]
    deleted = [f"p{i:03d}.jpg" for i in range(1, 20, 2)]
    runs = {"mover": [("move", f"001_crash/{n}", "--to", "002_other") for n in moved],
            "deleter": [c for n in deleted for c in (("delete", f"001_crash/{n}"),
                                                     ("cover", "001_crash", "p050.jpg"))]}
    results: dict[str, list] = {name: [] for name in runs}
    start = threading.Barrier(len(runs))

    def worker(name):
        start.wait()
        for command in runs[name]:
            results[name].append(_run(album, *command))

    threads = [threading.Thread(target=worker, args=(name,)) for name in runs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for name, done in results.items():
        assert [code for code, _ in done] == [0] * len(runs[name]), (name, done)
    after = _state(album, engine)
    assert after["picsets"]["002_other"] == sorted(before["picsets"]["002_other"] + moved)
    assert after["picsets"]["001_crash"] == sorted(
        set(before["picsets"]["001_crash"]) - set(moved) - set(deleted))
    backend = open_library(album, engine=engine)
    try:
        assert backend.tables.get_pics_item(PICSET_ROOT, "001_crash")["pic"] == "p050.jpg"
        from finpics_desktop.pipeline.curation import Curation, list_trash

        trash = list_trash(Curation(backend))
        assert sorted(e.what.split("/")[1] for e in trash) == deleted
    finally:
        backend.close()
