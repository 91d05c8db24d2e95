"""Storage that cannot be used: a full disk (a 3 MB tmpfs the test mounts), a read-only disk
(the same tmpfs remounted read-only), damaged SQLite files (truncated, overwritten), a library
path that is a file, a read-only HOME. Each ends in one line saying what is wrong and what to
do, never a traceback; reading still works where it can; nothing is half-written."""

from __future__ import annotations

import errno
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import threading
from contextlib import closing
from pathlib import Path

import pytest
from reliability_helpers import counts, jpeg, make_job

from finpics_desktop import cli
from finpics_desktop.backends.local.db import Database
from finpics_desktop.backends.local.library import DB_NAME, open_library
from finpics_desktop.domain.errors import (
    StorageDamaged,
    StorageError,
    StorageFull,
    StorageReadOnly,
)
from finpics_desktop.pipeline.check import check
from finpics_desktop.pipeline.publish.journal import FINISHED, LIBRARY_JOURNAL, Journal
from finpics_desktop.pipeline.publish.upload import DONE, FAILED, Publisher
from finpics_desktop.pipeline.storage import RESERVE, RESERVE_BYTES, storage_error


def run(capsys, *argv):
    code = cli.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    assert "Traceback" not in err, err
    return code, out, err


def assert_whole(lib, photos: int) -> None:
    """Every photo published whole (original, thumbnail, item) and ``check`` clean."""
    backend = open_library(lib)
    try:
        found = counts(backend)
        assert (found["objects"], found["thumbnails"], found["items"]) == (photos,) * 3
        assert check(backend).found == []
    finally:
        backend.close()


def run_process(*argv):
    """The command in its own process, as a curator runs it. (What the publishing job logs
    while the disk fills is the publishing path's, tested with it: only the end is looked at
    here.)"""
    done = subprocess.run([sys.executable, "-m", "finpics_desktop", *map(str, argv)],
                          capture_output=True, text=True, timeout=600)
    last = done.stderr.splitlines()[-1] if done.stderr else ""
    assert last.startswith(("finpics-desktop: ", "published ")), done.stderr
    return done.returncode, done.stdout, done.stderr


def test_a_full_disk_says_so_and_resumes_once_there_is_space(disk, tmp_path, capsys):
    src = tmp_path / "src"
    src.mkdir()
    make_job(src, 30, with_face_every=6)
    for photo in sorted(src.iterdir()):  # camera-sized files: 30 do not fit in 3 MB
        photo.write_bytes(photo.read_bytes() + bytes(200_000))
    lib = disk.path / "lib"
    code, _, err = run_process("--library", lib, "upload", src)
    lines = err.splitlines()
    assert code == 2 and "Traceback" not in err, err  # the job stops, it does not crash
    assert [line for line in lines if "free some space" in line] == [lines[-1]]  # said once
    assert lines[-1].startswith("finpics-desktop: ") and "is full" in lines[-1]
    assert re.fullmatch(r"published \d+ of 30 photo\(s\) to “src” \(001_src\) \(.*\)", lines[-2])
    failed = [line for line in lines if line.startswith("FAILED ")]
    assert failed and all(line.endswith(": not stored: the disk is full") for line in failed)

    disk.fill()  # still full: reading the album works, writing says what to do
    code, out, _ = run(capsys, "--library", lib, "picsets", "--json")
    assert code == 0 and '"001_src"' in out
    code, out, _ = run(capsys, "--library", lib, "photos", "001_src")
    assert code == 0 and "face(s)" in out
    code, _, err = run(capsys, "--library", lib, "check")
    assert code == 0, err
    code, _, err = run_process("--library", lib, "upload", src)
    assert code != 0 and "the disk is full" in err and "free some space" in err

    disk.free()
    disk.grow()
    code, _, err = run_process("--library", lib, "upload", src)
    assert code == 0, err
    assert_whole(lib, 30)
    assert not list(lib.rglob(".tmp-*"))  # nothing half-written


def test_a_library_keeps_a_space_reserve_that_a_full_disk_frees(disk, engine):
    """What must still be written once the disk is full (a half-published photo taken away
    again, the journal's last records) finds room: the reserve the library keeps goes then."""
    lib = open_library(disk.path / "lib", engine=engine)
    reserve = disk.path / "lib" / RESERVE
    try:
        assert reserve.stat().st_size == RESERVE_BYTES
        disk.fill()
        with pytest.raises(StorageFull, match="x.jpg"):
            lib.store.put(lib.names.pics_bucket, "photos/001_a/x.jpg", bytes(200_000),
                          "image/jpeg")
        assert not reserve.exists()
        lib.private.put("note", "after", {"written": "once the disk was full"})  # room
        assert lib.private.get("note", "after").doc == {"written": "once the disk was full"}
    finally:
        lib.close()
    disk.fill()  # full again: opening makes none, and says nothing of it
    open_library(disk.path / "lib", engine=engine).close()
    assert not reserve.exists()
    disk.free()
    open_library(disk.path / "lib", engine=engine).close()
    assert reserve.stat().st_size == RESERVE_BYTES  # made again once there is room


def test_a_job_the_full_disk_stops_before_its_first_photo_can_be_resumed(disk, tmp_path,
                                                                          library):
    """The journal records the job, then has no room for its list of files: the job is over
    (not left running in this process) and is offered and resumed once there is space."""
    src = tmp_path / "src"
    src.mkdir()
    for i in range(400):  # a list of files a few pages long in the journal
        color = (i % 20 * 12, i // 20 * 12, 99)
        (src / f"{'a long file name ' * 13}{i:03d}.jpg").write_bytes(jpeg(color=color))
    journal = Journal(disk.path / "journal.sqlite3")
    try:
        disk.fill()
        filler = disk.path / "filler"
        os.truncate(filler, filler.stat().st_size - 32768)  # room for the job, not its files
        with pytest.raises(StorageFull):
            Publisher.for_backend(library, journal).publish([src], "001_src")
        [job] = journal.jobs()
        assert not journal.is_live(job.id)
        assert [j.id for j in journal.unfinished_jobs()] == [job.id]
        disk.free()
        disk.grow()
        report = Publisher.for_backend(library, journal).resume(job.id)
        assert report.ok and len(report.with_status(DONE)) == 400
        assert journal.job(job.id).state == FINISHED
    finally:
        journal.close()


def test_a_library_folder_that_cannot_be_written_is_not_blamed_on_the_photo(library,
                                                                            copy_photos):
    """The photos are read, then storing them fails (a file where the picset's thumbnail
    folder goes): each is reported as not stored, with where, not as a file that cannot be
    read, and the job goes on."""
    src = copy_photos("faces/obama/obama.jpg", "faces/biden/biden.jpg")
    thumbs = library.store.path(library.names.thumbs_bucket, "photos/001_src/x.jpg").parent
    thumbs.parent.mkdir(parents=True)
    thumbs.write_bytes(b"")
    report = Publisher.for_backend(library).publish([src], "001_src")
    assert [(r.path.name, r.status, r.reason) for r in report.results] == [
        (name, FAILED, f"not stored: File exists ({thumbs})")
        for name in ("biden.jpg", "obama.jpg")]
    assert report.stopped == ""


def test_a_read_only_library_can_be_browsed_and_searched(disk, capsys, tmp_path):
    """The library on a disk remounted read-only: opening writes nothing (no schema, no WAL
    index), listing, photos and search work, writing commands say it is read-only."""
    src = tmp_path / "src"
    src.mkdir()
    make_job(src, 4, with_face_every=2)
    lib = disk.path / "lib"
    assert run(capsys, "--library", lib, "upload", src)[0] == 0
    disk.read_only()
    code, out, _ = run(capsys, "--library", lib, "photos", "001_src", "--json")
    assert code == 0
    backend = open_library(lib)
    try:
        assert backend.read_only
        face = next(f["Face"]["FaceId"] for p in backend.tables.query_pics("001_src")
                    for f in p["data"]["FaceRecords"])
        assert isinstance(backend.search(face), list)  # searching works (raises otherwise)
        with pytest.raises(StorageReadOnly, match="read-only"):
            backend.tables.put_pics_item({"primarykey": "001_src", "sortkey": "x.jpg",
                                          "data": {}})
    finally:
        backend.close()
    assert run(capsys, "--library", lib, "search", face)[0] in (0, 3)
    for argv in (("upload", src), ("check", "--repair")):
        code, _, err = run(capsys, "--library", lib, *argv)
        assert code == 2 and "is read-only: browsing and searching work" in err
        assert err.count("\n") == 1
    code, _, err = run(capsys, "--library", disk.path / "new", "picsets")
    assert code == 2 and "cannot make the library folder" in err and "--library" in err


def test_a_read_only_home_is_a_clear_message(disk, monkeypatch, capsys, tmp_path):
    disk.read_only()
    monkeypatch.setenv("HOME", str(disk.path))
    for var in ("XDG_DATA_HOME", "FINPICS_LIBRARY", "FINPICS_JOURNAL"):
        monkeypatch.delenv(var, raising=False)
    code, _, err = run(capsys, "picsets")
    assert code == 2 and "cannot make the library folder" in err and "$FINPICS_LIBRARY" in err
    with pytest.raises(StorageReadOnly, match=r"set \$FINPICS_JOURNAL"):
        Journal(disk.path / ".local/share/finpics-desktop/journal.sqlite3")


def _published(tmp_path, capsys, n=5):
    src = tmp_path / "src"
    src.mkdir()
    make_job(src, n, with_face_every=2)
    lib = tmp_path / "lib"
    assert run(capsys, "--library", lib, "upload", src)[0] == 0
    return src, lib


@pytest.mark.parametrize("damage", ["truncated", "garbage", "bad page"])
def test_a_damaged_library_database_is_rebuilt_by_check_repair(damage, tmp_path, capsys):
    src, lib = _published(tmp_path, capsys)
    db = lib / DB_NAME
    data = db.read_bytes()
    if damage == "truncated":
        db.write_bytes(data[:5000])
    elif damage == "garbage":
        db.write_bytes(b"this is not a database " * 400)
    else:  # a sound header and schema, the pages of the tables overwritten
        db.write_bytes(data[:4096] + b"\xff" * (len(data) - 4096))
    for command in (("picsets",), ("check",), ("upload", src)):
        code, _, err = run(capsys, "--library", lib, *command)
        assert code == 2, err
        assert err.count("\n") == 1 and "damaged" in err
        assert f"finpics-desktop --library {lib} check --repair" in err

    code, _, err = run(capsys, "--library", lib, "check", "--repair")
    assert code == 0, err
    assert "moved it aside to" in err and "rebuilding it from the originals" in err
    assert len(list(lib.glob(f"{DB_NAME}.damaged-*[0-9]"))) == 1
    assert_whole(lib, 5)
    # the same folder again: everything is there with the same content, no false conflict
    code, _, err = run(capsys, "--library", lib, "upload", src)
    assert code == 0, err
    assert "different photo" not in err and err.count("already published (same content)") >= 5


def test_a_damaged_journal_is_set_aside_with_a_note(tmp_path, capsys):
    src, lib = _published(tmp_path, capsys, n=2)
    (lib / LIBRARY_JOURNAL).write_bytes(b"garbage" * 1000)
    for suffix in ("-wal", "-shm"):
        (lib / (LIBRARY_JOURNAL + suffix)).unlink(missing_ok=True)
    code, _, err = run(capsys, "--library", lib, "upload", src)
    assert code == 0, err
    assert "note: the upload journal was damaged (file is not a database): moved it aside" in err
    aside = list(lib.glob(f"{LIBRARY_JOURNAL}.damaged-*"))
    assert len(aside) == 1 and aside[0].read_bytes().startswith(b"garbage")
    with sqlite3.connect(lib / LIBRARY_JOURNAL) as conn:  # a new, sound journal
        assert conn.execute("PRAGMA quick_check").fetchone() == ("ok",)


def test_a_library_path_that_is_a_file_or_under_one(tmp_path, capsys):
    afile = tmp_path / "afile"
    afile.write_text("x")
    code, _, err = run(capsys, "--library", afile, "picsets")
    assert code == 2 and "is a file, not a folder" in err and err.count("\n") == 1
    code, _, err = run(capsys, "--library", afile / "lib", "picsets")
    assert code == 2 and "cannot make the library folder" in err and err.count("\n") == 1
    code, _, err = run(capsys, "--library", tmp_path / "a" / "b" / "lib", "picsets")
    assert code == 0  # missing parents are made


def test_low_level_failures_become_storage_errors(tmp_path, disk):
    full = OSError(errno.ENOSPC, "No space left on device")
    assert isinstance(storage_error(full, tmp_path / "x", "write"), StorageFull)
    garbage = tmp_path / "garbage.sqlite3"
    garbage.write_bytes(b"x" * 5000)
    with pytest.raises(sqlite3.DatabaseError) as caught:
        sqlite3.connect(garbage).execute("SELECT 1 FROM sqlite_master").fetchall()
    error = storage_error(caught.value, garbage, "read", damaged="restore it")
    assert isinstance(error, StorageDamaged)
    assert str(error) == (f"cannot read {garbage}: it is damaged (file is not a database); "
                          "restore it")
    disk.read_only()
    with pytest.raises(OSError) as caught:
        (disk.path / "x").write_bytes(b"x")
    error = storage_error(caught.value, disk.path / "x", "write")
    assert isinstance(error, StorageReadOnly) and "browsing and searching work" in str(error)
    assert storage_error(ValueError("bug"), tmp_path, "write") is None


def test_a_locked_database_says_who_to_wait_for(tmp_path):
    path = tmp_path / "locked.sqlite3"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("CREATE TABLE t (x)")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(sqlite3.OperationalError) as caught:
            sqlite3.connect(path, timeout=0).execute("SELECT * FROM t").fetchall()
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    error = storage_error(caught.value, path, "read")
    assert type(error) is StorageError
    assert str(error) == (f"cannot read {path}: it is locked (database is locked); another "
                          "program holds it: wait for it to finish (or close it) and try again")


UPGRADER = """
import sys
from pathlib import Path
from finpics_desktop.backends.local import db
begin = db.Database.transaction
def announced(self):
    print("upgrading", flush=True)  # the schema was read: the upgrade is about to start
    return begin(self)
db.Database.transaction = announced
db.Database(Path(sys.argv[1])).close()
print("opened", flush=True)
"""


def test_two_processes_upgrading_an_old_library_at_once(tmp_path):
    """Both read the old schema before either writes: the second finds the upgrade done."""
    path = tmp_path / DB_NAME
    Database(path).close()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("ALTER TABLE faces DROP COLUMN model_version")  # the schema of an old version
    holder.execute("BEGIN IMMEDIATE")  # both wait on it, having read the old schema
    children = [subprocess.Popen([sys.executable, "-c", UPGRADER, str(path)],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                for _ in range(2)]
    try:
        assert [c.stdout.readline() for c in children] == ["upgrading\n"] * 2
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    ends = [c.communicate(timeout=120) for c in children]
    assert [(c.returncode, out, err) for c, (out, err) in zip(children, ends, strict=True)] == [
        (0, "opened\n", "")] * 2
    with closing(sqlite3.connect(path)) as conn:
        columns = [r[1] for r in conn.execute("PRAGMA table_info(faces)")]
    assert columns.count("model_version") == 1


def test_a_read_only_copy_with_changes_in_its_wal_is_not_read_as_older(disk, tmp_path):
    """A library copied onto read-only media while its WAL held committed changes (a crash,
    a copy of an open library): reading it as immutable would show the album without them."""
    path = tmp_path / DB_NAME
    Database(path).close()
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("PRAGMA wal_autocheckpoint=0")  # the change stays in the WAL
    writer.execute("INSERT INTO pics VALUES ('001_a', 'a.jpg', '{}')")
    for suffix in ("", "-wal"):
        shutil.copy(f"{path}{suffix}", disk.path / f"{DB_NAME}{suffix}")
    writer.close()
    disk.read_only()
    with pytest.raises(StorageReadOnly, match="open the library once where it can be written"):
        Database(disk.path / DB_NAME, read_only=True).query("SELECT * FROM pics")


def test_the_connection_of_a_finished_thread_is_closed(tmp_path):
    """A server with a thread per request (the local cloud) reads the library from many
    threads: each one's connection is closed when the thread is gone, not kept open."""
    path = tmp_path / DB_NAME
    db = Database(path)

    def open_on_it() -> int:
        fds = Path("/proc/self/fd")
        return sum(1 for fd in fds.iterdir() if os.path.realpath(fd) == os.path.realpath(path))

    def threads(n: int) -> int:
        for _ in range(n):
            thread = threading.Thread(target=db.query, args=("SELECT 1",))
            thread.start()
            thread.join()
        return open_on_it()

    try:
        # SQLite keeps the file of a closed connection open (to reuse it) while another
        # connection of the process holds a lock on it: a few, but never one a thread
        after_five = threads(5)
        assert threads(20) == after_five <= 2
    finally:
        db.close()
    assert open_on_it() == 0


def test_jobs_opening_a_new_journal_at_once_wait_for_each_other(tmp_path):
    """Two publishing jobs started together open the same new upload journal: making a new
    file WAL, SQLite answers "database is locked" at once, without its busy timeout (the
    whole suite's CI run failed so once; 12 rounds of 100 here). Each waits for the other."""
    failed = []
    for round_ in range(40):
        path = tmp_path / f"journal-{round_}.sqlite3"
        together = threading.Barrier(4)

        def open_it(path=path, together=together):
            together.wait(30)
            try:
                Journal(path).close()
            except Exception as e:  # noqa: BLE001 - what a job would have met
                failed.append(f"round {round_}: {e}")

        threads = [threading.Thread(target=open_it) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
    assert failed == []
