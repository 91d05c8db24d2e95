"""Content dedupe, name conflicts (the user chooses), the journal and resuming, the same folder
dropped twice at once, an empty folder; the originals on disk are never modified."""

from __future__ import annotations

import hashlib
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from reliability_helpers import counts, faces_per_photo, jpeg, make_job, small_faces, snapshot

from finpics_desktop import cli
from finpics_desktop.domain.picsets import titled
from finpics_desktop.pipeline.publish import journal as jr
from finpics_desktop.pipeline.publish.journal import Journal
from finpics_desktop.pipeline.publish.upload import DONE, FAILED, SKIPPED, NewPicset, Publisher

PICSET = "001_dedupe"
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def journal(tmp_path):
    j = Journal(tmp_path / "journal.sqlite3")
    yield j
    j.close()


def _folder(tmp_path, name="src", n=6) -> Path:
    folder = tmp_path / name
    make_job(folder, n, with_face_every=3)
    return folder


def _statuses(report) -> dict[str, tuple[str, str]]:
    return {r.path.name: (r.status, r.reason) for r in report.results}


def test_same_content_is_not_sent_again(tmp_path, library, journal):
    src = _folder(tmp_path)
    first = Publisher.for_backend(library, journal).publish([src], PICSET)
    assert first.ok and len(first.with_status(DONE)) == 6
    stored = snapshot(Path(library.library.folder) / "buckets")
    again = Publisher.for_backend(library, journal).publish([src], PICSET)
    assert {s for s, _ in _statuses(again).values()} == {SKIPPED}
    assert {r for _, r in _statuses(again).values()} == {"already published (same content)"}
    assert snapshot(Path(library.library.folder) / "buckets") == stored  # nothing re-sent
    assert counts(library)["items"] == 6


def test_same_content_under_another_name_is_skipped(tmp_path, library):
    src = _folder(tmp_path)
    Publisher.for_backend(library).publish([src], PICSET)
    other = tmp_path / "other"
    other.mkdir()
    (other / "renamed copy.jpg").write_bytes((src / "p001.jpg").read_bytes())
    (other / "new.jpg").write_bytes(jpeg(color=(1, 2, 3)))
    report = Publisher.for_backend(library).publish([other], PICSET)
    assert _statuses(report) == {
        "new.jpg": (DONE, ""),
        "renamed copy.jpg": (SKIPPED, "already in the picset as 'p001.jpg' (same content)"),
    }


def test_identical_files_in_one_job_are_published_once(tmp_path, library):
    src = tmp_path / "src"
    src.mkdir()
    for name in ("b.jpg", "a.jpg", "c.jpg"):
        (src / name).write_bytes(jpeg(color=(9, 9, 9)))
    report = Publisher.for_backend(library).publish([src], PICSET)
    assert _statuses(report) == {"a.jpg": (DONE, ""),
                                 "b.jpg": (SKIPPED, "same content as 'a.jpg' in this job"),
                                 "c.jpg": (SKIPPED, "same content as 'a.jpg' in this job")}


@pytest.fixture
def conflict(tmp_path, library):
    """``p.jpg`` published with a face; a new ``p.jpg`` with different content (another face)."""
    faces = small_faces(2)
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    (first / "p.jpg").write_bytes(faces[0])
    (second / "p.jpg").write_bytes(faces[1])
    assert Publisher.for_backend(library).publish([first], PICSET).ok
    old = library.tables.get_pics_item(PICSET, "p.jpg")
    return second, old, faces


def test_conflict_fail_changes_nothing(library, conflict):
    second, old, faces = conflict
    before = snapshot(second)
    report = Publisher.for_backend(library).publish([second], PICSET)
    (result,) = report.results
    assert result.status == FAILED and result.conflict
    assert result.reason == ("a different photo with this name is already in the picset: "
                             "choose replace or rename (--on-conflict)")
    assert library.tables.get_pics_item(PICSET, "p.jpg") == old
    assert library.store.get(library.names.pics_bucket, f"photos/{PICSET}/p.jpg") == faces[0]
    assert snapshot(second) == before


def test_conflict_replace(library, conflict):
    second, old, faces = conflict
    report = Publisher.for_backend(library, on_conflict="replace").publish([second], PICSET)
    assert report.ok
    assert library.store.get(library.names.pics_bucket, f"photos/{PICSET}/p.jpg") == faces[1]
    new = library.tables.get_pics_item(PICSET, "p.jpg")
    assert new["data"]["FaceRecords"][0]["Face"]["FaceId"] != (
        old["data"]["FaceRecords"][0]["Face"]["FaceId"])
    assert faces_per_photo(library, PICSET) == {"p.jpg": (1, 1)}
    assert counts(library)["faces"] == 1


def test_conflict_rename(library, conflict):
    second, old, faces = conflict
    report = Publisher.for_backend(library, on_conflict="rename").publish([second], PICSET)
    (result,) = report.results
    assert result.status == DONE
    assert result.reason == "published as 'p-2.jpg' (a different photo has the original name)"
    assert library.tables.get_pics_item(PICSET, "p.jpg") == old
    assert library.store.get(library.names.pics_bucket, f"photos/{PICSET}/p-2.jpg") == faces[1]
    assert faces_per_photo(library, PICSET) == {"p.jpg": (1, 1), "p-2.jpg": (1, 1)}


def test_a_file_is_not_refused_its_own_name_tried_for_another_file_renamed(tmp_path, library):
    """The picset holds x.jpg and x-2.jpg; a job of other x.jpg and x-2.jpg renames both."""
    folders = [tmp_path / name for name in ("picset", "f1", "f2")]
    for folder in folders:
        folder.mkdir()
    for name, color in (("x.jpg", (1, 1, 1)), ("x-2.jpg", (2, 2, 2))):
        (folders[0] / name).write_bytes(jpeg(color=color))
    assert Publisher.for_backend(library).publish([folders[0]], PICSET).ok
    (folders[1] / "x.jpg").write_bytes(jpeg(color=(3, 3, 3)))
    (folders[2] / "x-2.jpg").write_bytes(jpeg(color=(4, 4, 4)))
    report = Publisher.for_backend(library, on_conflict="rename", workers=1).publish(
        folders[1:], PICSET)
    assert [(r.path.parent.name, r.status, r.reason) for r in report.results] == [
        ("f1", DONE, "published as 'x-3.jpg' (a different photo has the original name)"),
        ("f2", DONE, "published as 'x-2-2.jpg' (a different photo has the original name)")]


def test_cli_on_conflict_flag(tmp_path, library, conflict):
    second, _old, _faces = conflict
    lib = str(library.library.folder)
    library.close()
    args = ["--library", lib, "upload", str(second), "--picset", PICSET]
    assert cli.main(args) == 1
    assert cli.main([*args, "--on-conflict", "rename"]) == 0
    assert cli.main(args) == 0  # now the same content is there (as p-2.jpg): skipped


def test_originals_on_disk_are_never_modified(tmp_path, library):
    src = _folder(tmp_path, n=5)
    (src / "rotated.jpg").write_bytes(jpeg((60, 40), exif=b"Exif\x00\x00" + bytes.fromhex(
        "4d4d002a000000080001011200030000000100060000")))
    before = snapshot(src)
    for choice in ("fail", "replace", "rename"):
        Publisher.for_backend(library, on_conflict=choice).publish([src], PICSET)
    assert snapshot(src) == before


def test_journal_records_each_file(tmp_path, library, journal):
    src = _folder(tmp_path, n=3)
    (src / "bad.jpg").write_bytes(b"nope")
    (src / "notes.txt").write_text("x")
    publisher = Publisher.for_backend(library, journal)
    report = publisher.publish([src], PICSET)
    job = journal.job(report.job_id)
    assert job.state == jr.FINISHED and job.picset == PICSET
    assert job.sources == [str(src.absolute())]
    files = journal.files(report.job_id)
    by_name = {Path(p).name: f for p, f in files.items()}
    assert by_name["p000.jpg"].state == jr.PROCESSED
    assert len(by_name["p000.jpg"].sha256) == 64 and by_name["p000.jpg"].size > 0
    assert by_name["bad.jpg"].state == jr.FAILED
    assert by_name["bad.jpg"].reason == "not an image: the content is not JPEG or PNG data"
    assert by_name["notes.txt"].state == jr.SKIPPED
    assert journal.unfinished_jobs() == []


def test_cancelled_job_is_offered_and_resumed(tmp_path, library, journal):
    src = _folder(tmp_path, n=12)
    publisher = Publisher.for_backend(library, journal, workers=1)

    def stop_after_three(result, finished, total):
        if finished == 3:
            publisher.cancel()

    report = publisher.publish([src], PICSET, stop_after_three)
    assert len(report.with_status("cancelled")) >= 8 and not report.ok
    (job,) = journal.unfinished_jobs(jr.target_of(library))
    assert job.id == report.job_id and job.state == jr.CANCELLED
    assert "3 of 12 photo(s) done" in job.describe()

    resumed = publisher.resume(job.id)  # the same publisher (the window's) resumes its job
    assert resumed.ok and resumed.job_id == job.id
    assert len(resumed.with_status(DONE)) == 9 and len(resumed.with_status(SKIPPED)) == 3
    assert journal.unfinished_jobs() == []
    assert counts(library)["items"] == 12


def test_declined_resume_is_no_longer_offered(tmp_path, library, journal):
    src = _folder(tmp_path, n=3)
    publisher = Publisher.for_backend(library, journal)
    publisher.cancel()
    publisher.publish([src], PICSET)
    (job,) = journal.unfinished_jobs()
    journal.abandon(job.id)
    assert journal.unfinished_jobs() == []


@pytest.mark.parametrize("with_journal", [True, False], ids=["journal", "no-journal"])
def test_same_folder_dropped_twice_at_once(tmp_path, library, journal, with_journal):
    src = _folder(tmp_path, n=9)
    start = threading.Barrier(2)
    reports = []

    def drop():
        publisher = Publisher.for_backend(library, journal if with_journal else None)
        start.wait()
        reports.append(publisher.publish([src], PICSET))

    threads = [threading.Thread(target=drop) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(r.ok for r in reports)
    for name in (p.name for p in src.iterdir()):
        outcomes = sorted(r.status for rep in reports for r in rep.results if r.name == name)
        assert outcomes == [DONE, SKIPPED], (name, outcomes)
    for rep in reports:
        for r in rep.with_status(SKIPPED):
            assert r.reason.startswith(("being published right now by",
                                        "already published (same content)")), r.reason
    c = counts(library)
    assert c["objects"] == c["thumbnails"] == c["items"] == 9
    assert all(listed == indexed for listed, indexed in faces_per_photo(library, PICSET).values())


def test_a_new_picset_is_numbered_by_the_journal(tmp_path, library):
    src = _folder(tmp_path, n=1)
    with pytest.raises(ValueError, match="numbered by the upload journal"):
        Publisher.for_backend(library).publish([src], NewPicset("src"))
    assert library.tables.query_pics("/") == [] and counts(library)["objects"] == 0


def test_same_folder_dropped_twice_at_once_by_two_processes(tmp_path):
    src = _folder(tmp_path, n=8)
    lib = tmp_path / "library"
    command = [sys.executable, "-m", "finpics_desktop", "--library", str(lib), "upload", str(src)]
    procs = [subprocess.Popen(command, cwd=REPO, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [p.communicate()[1] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    from finpics_desktop.backends.local.library import open_library

    backend = open_library(lib)
    try:
        assert [p["sortkey"] for p in backend.tables.query_pics("/")] == ["001_src"]
        c = counts(backend)
        assert c["objects"] == c["thumbnails"] == c["items"] == 8
        assert c["faces"] == c["item_faces"]
    finally:
        backend.close()


def test_empty_folder(tmp_path, library, journal):
    empty = tmp_path / "empty"
    empty.mkdir()
    report = Publisher.for_backend(library, journal).publish([empty], PICSET)
    assert report.ok and report.results == []
    assert report.summary() == (
        f"nothing to publish to {titled(PICSET)}: no photos (.jpg, .jpeg, .png) found")
    assert library.tables.query_pics("/") == []


def test_journal_keeps_the_latest_finished_jobs(tmp_path, monkeypatch):
    monkeypatch.setattr(jr, "KEEP_JOBS", 3)
    journal = Journal(tmp_path / "j.sqlite3")
    try:
        ids = []
        for _ in range(6):
            job = journal.start_job("local:/x", PICSET, ["/src"])
            journal.record(job, Path("/src/a.jpg"), jr.PROCESSED, sha256="0" * 64)
            journal.finish_job(job)
            ids.append(job)
        interrupted = journal.start_job("local:/x", PICSET, ["/src"])
        journal.finish_job(interrupted, jr.CANCELLED)
        journal.start_job("local:/x", PICSET, ["/src"])
        assert [j.id for j in journal.jobs("local:/x") if j.state == jr.FINISHED] == ids[-3:]
        assert [j.id for j in journal.unfinished_jobs("local:/x")] == [interrupted]
        assert journal.files(ids[0]) == {}  # their files went with them
    finally:
        journal.close()


def test_a_journal_of_an_older_version_gets_the_index_of_contents(tmp_path):
    """An older version made the three tables without the index by content hash, which each
    photo's look-up of what its content was published as (``published_keys``) uses."""
    path = tmp_path / "j.sqlite3"
    with sqlite3.connect(path) as old:
        old.executescript(jr.SCHEMA.replace("CREATE INDEX", "-- CREATE INDEX"))
    journal = Journal(path)
    try:
        with sqlite3.connect(path) as db:
            plan = db.execute(
                "EXPLAIN QUERY PLAN SELECT f.key FROM files f JOIN jobs j ON j.id = f.job_id "
                "WHERE f.sha256 = ? AND j.target = ?", ("0" * 64, "local:/x")).fetchall()
        assert any("USING INDEX files_by_sha256" in row[-1] for row in plan), plan
        job = journal.start_job("local:/x", PICSET, ["/src"])
        journal.record(job, Path("/src/a.jpg"), jr.PROCESSED, key=f"photos/{PICSET}/a.jpg",
                       sha256="0" * 64)
        assert journal.published_keys("local:/x", PICSET, "0" * 64) == [f"photos/{PICSET}/a.jpg"]
    finally:
        journal.close()


def test_cli_mentions_other_interrupted_uploads(tmp_path, library, capsys):
    from finpics_desktop.pipeline.publish.journal import journal_for

    first, second = _folder(tmp_path, "first", n=2), _folder(tmp_path, "second", n=2)
    journal = journal_for(library)
    publisher = Publisher.for_backend(library, journal)
    publisher.cancel()
    publisher.publish([first], PICSET)
    journal.close()
    lib = str(library.library.folder)
    library.close()
    assert cli.main(["--library", lib, "upload", str(second)]) == 0
    err = capsys.readouterr().err
    assert f"note: interrupted upload job 1: {first.absolute()} -> picset {PICSET} " in err
    assert "run the same upload command again to resume it" in err
    assert cli.main(["--library", lib, "upload", str(first), "--picset", PICSET]) == 0
    assert "resuming interrupted upload job 1:" in capsys.readouterr().err


def test_resume_after_a_kill_in_the_middle_of_a_replace(tmp_path, library, journal, conflict):
    """The new content was stored, its processing never ran (the old item and thumbnail are
    still there): resuming processes it again instead of calling it already published."""
    from finpics_desktop.ports import HASH_METADATA

    second, old, faces = conflict
    key = f"photos/{PICSET}/p.jpg"
    old_thumb = library.store.get(library.names.thumbs_bucket, key)
    job = journal.start_job(jr.target_of(library), PICSET, [str(second.absolute())], "replace")
    journal.record(job, second / "p.jpg", jr.SENT, key=key,
                   sha256=hashlib.sha256(faces[1]).hexdigest())
    library.store.put(library.names.pics_bucket, key, faces[1], "image/jpeg",
                      {HASH_METADATA: hashlib.sha256(faces[1]).hexdigest()})
    journal.finish_job(job, jr.CANCELLED)  # as good as killed: not live any more

    report = Publisher.for_backend(library, journal).resume(job)
    assert [(r.name, r.status) for r in report.results] == [("p.jpg", DONE)]
    new = library.tables.get_pics_item(PICSET, "p.jpg")
    assert new != old and library.store.get(library.names.thumbs_bucket, key) != old_thumb
    assert faces_per_photo(library, PICSET) == {"p.jpg": (1, 1)}
    assert counts(library)["faces"] == 1
