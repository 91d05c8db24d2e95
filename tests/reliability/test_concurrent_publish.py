"""Publishers at the same time, in real processes (the CLI, as a curator or a script runs it):
same names with different content, the same content under different names, folders that
share a name, and no picset given. Each ends as if the jobs had run one after the other:
every distinct input published exactly once (or reported, by the job's conflict policy), no
duplicate faces, ``check`` clean."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest
from reliability_helpers import counts, jpeg, make_job

from finpics_desktop.backends.local.library import open_library
from finpics_desktop.pipeline.check import check
from finpics_desktop.pipeline.publish.journal import Journal, journal_path

REPO = Path(__file__).resolve().parents[2]
N = 12


def _run_at_once(library: Path, *uploads: list[str]) -> list[tuple[int, str]]:
    """Start every upload before waiting for any; (exit code, stderr) of each."""
    procs = [subprocess.Popen(
        [sys.executable, "-m", "finpics_desktop", "--library", str(library), "upload", *args],
        cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        for args in uploads]
    errs = [p.communicate(timeout=600)[1] for p in procs]
    return [(p.returncode, err) for p, err in zip(procs, errs, strict=True)]


def _hashes(folder: Path) -> set[str]:
    return {hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}


def _published(backend, picset: str) -> dict[str, str]:
    """name -> sha256 of the stored original, for every photo item of the picset."""
    return {i["sortkey"]: hashlib.sha256(backend.store.get(
        backend.names.pics_bucket, f"photos/{picset}/{i['sortkey']}")).hexdigest()
        for i in backend.tables.query_pics(picset)}


def _jobs_overlapped(library: Path) -> bool:
    journal = Journal(journal_path(library))
    try:
        rows = journal._query("SELECT created, updated FROM jobs ORDER BY id")
    finally:
        journal.close()
    return len(rows) >= 2 and max(r[0] for r in rows) < min(r[1] for r in rows)


def _consistent(library: Path):
    backend = open_library(library)
    report = check(backend)
    assert report.ok, [p.line() for p in report.found]
    c = counts(backend)
    assert c["objects"] == c["thumbnails"] == c["items"]
    assert c["faces"] == c["item_faces"]  # every face once, none orphaned
    return backend


@pytest.fixture
def two_folders(tmp_path):
    """``a/`` and ``b/``: the same file names, different photos (every 3rd with a face)."""
    a, b = tmp_path / "a", tmp_path / "b"
    make_job(a, N, with_face_every=3, seed=1)
    make_job(b, N, with_face_every=3, seed=2)
    assert not _hashes(a) & _hashes(b)
    return a, b


def test_same_names_other_content_at_once_both_renaming(tmp_path, two_folders):
    a, b = two_folders
    lib = tmp_path / "library"
    results = _run_at_once(lib, [str(a), "--picset", "001_trip", "--on-conflict", "rename"],
                           [str(b), "--picset", "001_trip", "--on-conflict", "rename"])
    assert [rc for rc, _ in results] == [0, 0], results
    assert _jobs_overlapped(lib)
    backend = _consistent(lib)
    try:
        published = _published(backend, "001_trip")
        assert sorted(published.values()) == sorted(_hashes(a) | _hashes(b))  # each once
        assert len(published) == 2 * N
    finally:
        backend.close()
    renamed = sum(err.count("published as 'p0") for _, err in results)
    assert renamed == N  # each name: the first job to get there kept it, the other renamed


def test_same_names_other_content_at_once_fail_and_rename(tmp_path, two_folders):
    """The policies of the issue's report: nothing is lost silently -- a photo is published,
    or its job reports it as a conflict with its name, as if the jobs had run in turn."""
    a, b = two_folders
    lib = tmp_path / "library"
    (rc_a, err_a), (rc_b, err_b) = _run_at_once(
        lib, [str(a), "--picset", "001_trip"],
        [str(b), "--picset", "001_trip", "--on-conflict", "rename"])
    backend = _consistent(lib)
    try:
        published = _published(backend, "001_trip")
    finally:
        backend.close()
    assert _hashes(b) <= set(published.values())  # renaming loses nothing
    for path in sorted(a.iterdir()):
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        conflict = (f"FAILED {path.name}: a different photo with this name is already in the "
                    "picset") in err_a
        assert (digest in published.values()) != conflict, path.name  # one or the other
    assert rc_a == (1 if "FAILED" in err_a else 0) and rc_b == 0, err_b
    assert "being published right now" not in err_a + err_b


def test_same_content_other_names_at_once(tmp_path):
    """The same photos under other names, by two jobs at once: each content stored once."""
    c, d = tmp_path / "c", tmp_path / "d"
    make_job(c, N, with_face_every=4, seed=3)
    d.mkdir()
    for path in c.iterdir():
        (d / f"copy of {path.name}").write_bytes(path.read_bytes())
    lib = tmp_path / "library"
    results = _run_at_once(lib, [str(c), "--picset", "001_x"], [str(d), "--picset", "001_x"])
    assert [rc for rc, _ in results] == [0, 0], results
    assert _jobs_overlapped(lib)
    backend = _consistent(lib)
    try:
        published = _published(backend, "001_x")
    finally:
        backend.close()
    assert sorted(published.values()) == sorted(_hashes(c))  # N originals, not 2N
    skipped = [line for _, err in results for line in err.splitlines()
               if line.startswith("skipped ") and line.endswith("(same content)")]
    assert len(skipped) == N, skipped


def test_folders_of_the_same_name_get_their_own_picsets(tmp_path):
    """``x/photos`` and ``y/photos`` published at once without --picset: two new picsets
    (ids numbered atomically), never one merged picset."""
    x, y = tmp_path / "x" / "photos", tmp_path / "y" / "photos"
    make_job(x, 6, with_face_every=3, seed=4)
    make_job(y, 6, with_face_every=3, seed=5)
    lib = tmp_path / "library"
    results = _run_at_once(lib, [str(x)], [str(y)])
    assert [rc for rc, _ in results] == [0, 0], results
    backend = _consistent(lib)
    try:
        ids = sorted(i["sortkey"] for i in backend.tables.query_pics("/"))
        assert ids == ["001_photos", "002_photos"]
        contents = sorted(sorted(_published(backend, i).values()) for i in ids)
    finally:
        backend.close()
    assert contents == sorted([sorted(_hashes(x)), sorted(_hashes(y))])


def test_a_new_picset_is_numbered_after_those_of_other_jobs(tmp_path, library):
    """A job that has not published its first photo yet still holds its new picset's number."""
    from finpics_desktop.pipeline.publish.journal import journal_for, target_of
    from finpics_desktop.pipeline.publish.upload import NewPicset, Publisher

    folder = tmp_path / "photos"
    folder.mkdir()
    (folder / "a.jpg").write_bytes(jpeg())
    journal = journal_for(library)
    try:
        journal.start_job(target_of(library), "007_elsewhere", ["/other"])  # not published yet
        report = Publisher.for_backend(library, journal).publish([folder], NewPicset("photos"))
    finally:
        journal.close()
    assert report.ok and report.picset == "008_photos"


def test_two_computers_publishing_the_same_names_to_one_cloud_picset(tmp_path, remote_cloud):
    """Two CLIs with journals of their own (as on two laptops: no claim is shared) publish the
    same file names with other photos into one picset of the cloud at once: the conditional
    writes of the originals (If-None-Match / If-Match) make the loser of each name decide
    again, so with --on-conflict rename every photo is there once."""
    import hashlib as _hashlib

    from test_aws_path import wait_processed

    from finpics_desktop.backends.aws.backend import open_aws
    from finpics_desktop.domain.names import Names

    a, b = tmp_path / "a", tmp_path / "b"
    make_job(a, N, with_face_every=4, seed=21)
    make_job(b, N, with_face_every=4, seed=22)
    procs = []
    for folder in (a, b):
        env = remote_cloud.env(FINPICS_JOURNAL=str(tmp_path / f"journal-{folder.name}.sqlite3"))
        procs.append(subprocess.Popen(
            [sys.executable, "-m", "finpics_desktop", "--backend", "aws", "--endpoint-url",
             remote_cloud.url, "upload", str(folder), "--picset", "401_laptops",
             "--on-conflict", "rename"], cwd=REPO, env=env, stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE, text=True))
    errs = [p.communicate(timeout=600)[1] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], errs
    backend = open_aws(Names(), remote_cloud.settings())
    try:
        state = wait_processed(backend, "401_laptops", 2 * N)
        stored = {o.key: _hashlib.sha256(backend.store.get(backend.names.pics_bucket, o.key))
                  .hexdigest() for o in backend.store.list(backend.names.pics_bucket,
                                                           "photos/401_laptops/")}
    finally:
        backend.close()
    assert sorted(stored.values()) == sorted(_hashes(a) | _hashes(b))  # each photo once
    assert state["items"] == state["thumbnails"] == 2 * N
