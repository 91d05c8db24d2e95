"""kill -9 at random points of a 200-photo upload, resume with the same command, and nothing is
lost or duplicated: objects = thumbnails = items = 200, each photo's faces exactly once."""

from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import sys
from pathlib import Path

from reliability_helpers import counts, faces_per_photo, make_job

from finpics_desktop.backends.local.library import open_library
from finpics_desktop.pipeline.check import scan
from finpics_desktop.pipeline.publish.journal import FINISHED, Journal, journal_path

REPO = Path(__file__).resolve().parents[2]
PHOTOS = 200
KILLS = 12
DONE_LINE = re.compile(r"^\[\d+/\d+\] done ")


def _run(command: list[str], kill_after: int | None, env: dict,
         lines: list[str] | None = None) -> tuple[int, int, str]:
    """Run the command; with ``kill_after``, SIGKILL it once that many photos were reported
    done (0: as soon as it says it is publishing, i.e. while it plans and hashes).
    Returns (exit code, photos reported done, last line seen)."""
    proc = subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True, bufsize=1)
    done, last = 0, ""
    try:
        for line in proc.stderr:
            last = line.rstrip("\n")
            if lines is not None:
                lines.append(last)
            if DONE_LINE.match(line):
                done += 1
            if kill_after is not None and (
                    done >= kill_after if kill_after else last.startswith("publishing ")):
                proc.send_signal(signal.SIGKILL)
                break
    finally:
        proc.stderr.close()
        code = proc.wait()
    return code, done, last


def test_sigkill_at_random_points_then_resume(tmp_path, engine):
    src = tmp_path / "Crash Test Photos"
    kinds = make_job(src, PHOTOS)
    library = tmp_path / "library"
    command = [sys.executable, "-m", "finpics_desktop", "--library", str(library),
               "upload", str(src), "--workers", "2"]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop("FINPICS_JOURNAL", None)
    seed = int(os.environ.get("FINPICS_CRASH_SEED", "20261125"))  # vary by hand to explore
    rng = random.Random(seed)
    # kill points spread over the whole job (cumulative photos done), plus one while planning
    points = sorted(rng.sample(range(1, PHOTOS - 40), KILLS - 1))
    plan = [0] + [b - a for a, b in zip([0, *points], points, strict=False)]
    kills = []
    for kill_after in plan:
        code, done, last = _run(command, kill_after, env)
        assert code == -signal.SIGKILL, (code, last)
        kills.append((kill_after, done, last))
    assert len(kills) >= 10
    print(f"seed {seed}: killed after", [(k, last[:40]) for k, _, last in kills])
    # the interrupted job is offered for resumption, then the same command resumes it
    journal = Journal(journal_path(library))
    unfinished = journal.unfinished_jobs()
    assert len(unfinished) == 1, [j.describe() for j in unfinished]
    job = unfinished[0]
    assert job.picset == "001_Crash_Test_Photos"
    journal.close()

    lines: list[str] = []
    code, done, last = _run(command, None, env, lines)
    assert code == 0, last
    assert last.startswith("published "), last
    assert lines[0].startswith(f"resuming interrupted upload job {job.id}: ")
    assert lines[1].startswith("publishing ") and "(001_Crash_Test_Photos) ..." in lines[1]

    backend = open_library(library, engine=engine)
    try:
        c = counts(backend)
        assert c["objects"] == c["thumbnails"] == c["items"] == PHOTOS, c
        per_photo = faces_per_photo(backend, "001_Crash_Test_Photos")
        assert len(per_photo) == PHOTOS
        for name, (listed, indexed) in per_photo.items():
            assert listed == indexed, f"{name}: item lists {listed} face(s), index has {indexed}"
            assert (listed > 0) == bool(kinds[name]), (name, listed)
        assert c["faces"] == c["item_faces"] == sum(listed for listed, _ in per_photo.values())
        assert c["image_items"] == sum(kinds.values())
        assert [p["sortkey"] for p in backend.tables.query_pics("/")] == [
            "001_Crash_Test_Photos"]
        # the only trace of the kills: temporary files of writes killed midway, which
        # ``check --repair`` removes once they are old enough not to belong to a live upload
        leftovers = list((library / "buckets").rglob(".tmp-*"))
        print("temporary files left by the kills:", len(leftovers))
        assert len(leftovers) <= len(kills), leftovers
        assert scan(backend.store, backend.tables, backend.faces, backend.names) == []
        for path in leftovers:
            os.utime(path, (path.stat().st_atime - 3600, path.stat().st_mtime - 3600))
        found = scan(backend.store, backend.tables, backend.faces, backend.names)
        assert [p.kind for p in found] == ["half-written-file"] * len(leftovers)
    finally:
        backend.close()
    repair = subprocess.run([sys.executable, "-m", "finpics_desktop", "--library", str(library),
                             "check", "--repair"], cwd=REPO, env=env, capture_output=True,
                            text=True, check=False)
    assert repair.returncode == 0, repair.stderr
    assert list((library / "buckets").rglob(".tmp-*")) == []
    journal = Journal(journal_path(library))
    try:
        assert journal.unfinished_jobs() == []
        (final,) = journal.jobs()
        assert final.state == FINISHED and final.id == job.id
        assert final.counts.get("processed", 0) + final.counts.get("skipped", 0) == PHOTOS
    finally:
        journal.close()
