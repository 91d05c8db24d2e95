"""The photo items' faces kept beside them by SQLite (``backends/local/photo_faces.py``), which
``check`` reads instead of 100,000 items' JSON: they are what the items list after every kind
of write (a photo published, re-written, its faces changed, removed, an item that is not valid
JSON), and a library made before the table gets it filled when opened writable (one without
it, read-only, is read from the items: the reading compared with in each test)."""

from __future__ import annotations

import json
import shutil
import sqlite3

import pytest
from labelled_album import copy_library, labelled_library

from finpics_desktop.backends.local import photo_faces
from finpics_desktop.backends.local.library import DB_NAME, open_library
from finpics_desktop.domain.errors import StorageDamaged
from finpics_desktop.domain.picsets import PICSET_ROOT
from finpics_desktop.pipeline.check import check


@pytest.fixture(scope="module")
def template(tmp_path_factory, photos_dir, labels, engine):
    folder = tmp_path_factory.mktemp("photo-faces") / "library"
    labelled_library(folder, photos_dir, labels, engine)
    return folder

def the_long_way(t, picset: str):
    try:
        return t.photo_face_ids(picset)
    except StorageDamaged:  # (an item that is not JSON stops SQLite's reading)
        return None


def both_ways(backend) -> tuple[dict, dict]:
    """Every picset's photos and faces as kept, and as read from the items' JSON."""
    t = backend.tables
    picsets = [p for (p,) in t.db.query("SELECT DISTINCT primarykey FROM pics WHERE "
                                        "primarykey != ?", (PICSET_ROOT,))]
    assert t._faces_kept()
    kept = {p: t.photo_face_ids(p) for p in picsets}
    t._kept = False  # (as a library without the table is read)
    try:
        read = {p: the_long_way(t, p) for p in picsets}
    finally:
        t._kept = None
    return kept, read

def test_kept_faces_follow_every_write_of_the_items(template, tmp_path, engine):
    backend = copy_library(template, tmp_path / "album", engine)
    try:
        kept, read = both_ways(backend)
        assert kept == read
        assert sum(len(f) for photos in kept.values() for _, f in photos) > 100
        picset = max(kept, key=lambda p: len(kept[p]))
        name, faces = next((n, f) for n, f in kept[picset] if f)
        other, moved, removed = [n for n, _ in kept[picset] if n != name][:3]
        item = backend.tables.get_pics_item(picset, name)
        records = item["data"]["FaceRecords"]
        reordered = {**item, "data": {**item["data"], "FaceRecords": [
            *records[::-1], 5, {"Face": {"ImageId": "no-face-id"}},
            {"Face": {"FaceId": "drawn-1"}}]}}
        backend.tables.put_pics_item(reordered)  # (INSERT OR REPLACE)
        with backend.tables.db.transaction() as db:
            db.execute("UPDATE pics SET item = ? WHERE primarykey = ? AND sortkey = ?",
                       ("{not json", picset, other))
        with backend.tables.db.transaction() as db:  # a photo moved by an UPDATE of its key
            db.execute("UPDATE pics SET sortkey = 'moved.jpg' WHERE primarykey = ? AND "
                       "sortkey = ?", (picset, moved))
        backend.tables.delete_pics_item(picset, removed)
        kept, read_now = both_ways(backend)
        photos = dict(kept[picset])
        assert photos[name] == [*faces[::-1], ("drawn-1", "")]
        assert photos[other] == [] and "moved.jpg" in photos
        assert moved not in photos and removed not in photos
        assert read_now[picset] is None  # (SQLite cannot read the invalid item's JSON)
        assert kept == {**read, picset: kept[picset]} == {**read_now, picset: kept[picset]}
    finally:
        backend.close()

def test_a_library_made_before_the_table_has_it_filled_when_opened(template, tmp_path,
                                                                     engine):
    shutil.copytree(template, tmp_path / "old")
    conn = sqlite3.connect(tmp_path / "old" / DB_NAME)
    with conn:
        for name in photo_faces.NAMES:
            kind = "TABLE" if name == photo_faces.TABLE else "TRIGGER"
            conn.execute(f"DROP {kind} {name}")
    conn.close()
    backend = open_library(tmp_path / "old", engine=engine)
    try:
        kept, read = both_ways(backend)
        assert kept == read and kept
        assert not check(backend).found
    finally:
        backend.close()

def test_check_finds_a_face_its_photo_item_no_longer_lists(template, tmp_path, engine):
    backend = copy_library(template, tmp_path / "album", engine)
    try:
        picset, sortkey, item = next(
            (p, s, json.loads(i)) for p, s, i in backend.tables.db.query(
                "SELECT primarykey, sortkey, item FROM pics WHERE primarykey != ?",
                (PICSET_ROOT,)) if json.loads(i)["data"].get("FaceRecords"))
        gone = item["data"]["FaceRecords"].pop()["Face"]["FaceId"]
        backend.tables.put_pics_item(item)
        found = {(p.kind, p.subject) for p in check(backend).found}
        assert ("face-without-item", gone) in found
    finally:
        backend.close()

