"""People listed by one join on keys (``backends/local/photo_ids.py``): the tables SQLite keeps
with triggers follow every write of the items and of the named faces, a library made before
them gets them filled, and the People list is the one read the long way (every named face's
record, each photo's ImageIds) -- on the real photos, after namings, a photo removed, a face
unnamed and a photo's faces re-written."""

from __future__ import annotations

import sqlite3

import pytest
from labelled_album import copy_library, labelled_library
from test_people import faces_in, photos_of_faces

from finpics_desktop.backends.local import photo_ids
from finpics_desktop.backends.local.library import open_library
from finpics_desktop.domain.keys import parse_key
from finpics_desktop.pipeline.people import naming
from finpics_desktop.pipeline.people.naming import People
from finpics_desktop.pipeline.remove import remove_photo


@pytest.fixture(scope="module")
def template(tmp_path_factory, photos_dir, labels, engine):
    folder = tmp_path_factory.mktemp("people-keys") / "library"
    return (folder, *labelled_library(folder, photos_dir, labels, engine))


def the_long_way(people: People, monkeypatch) -> list:
    with monkeypatch.context() as m:
        m.setattr(naming, "named_in_album", lambda backend: None)
        return people.summaries()


def kept(db_path) -> tuple[set, dict, dict]:
    conn = sqlite3.connect(db_path)
    try:
        return (set(conn.execute("SELECT image_id, primarykey, sortkey FROM pics_image_ids")),
                dict(conn.execute("SELECT image_id, image_path FROM image_paths")),
                {r[0]: r[1:] for r in conn.execute("SELECT * FROM named_faces")})
    finally:
        conn.close()


def test_people_by_keys_are_the_people_read_the_long_way(template, tmp_path, engine,
                                                         monkeypatch):
    folder, where, _ = template
    backend = copy_library(folder, tmp_path / "album", engine)
    try:
        people = People(backend)
        photo_of = photos_of_faces(backend)
        [obama] = faces_in(backend, "obama/obama.jpg", where, photo_of)
        [obama1] = faces_in(backend, "obama/obama1.jpg", where, photo_of)
        [biden] = faces_in(backend, "biden/biden.jpg", where, photo_of)
        group = faces_in(backend, "groups/two_people.jpg", where, photo_of)
        people.name_face(obama, "Barack Obama")
        people.name_face(obama1, "Barack Obama")
        people.name_face(biden, "Joe")
        people.confirm("Barack Obama", [group[0]])
        people.name_face(group[1], "Joe")
        assert backend.faces.named_in_album() is not None  # (the join is what is listed)
        listed = people.summaries()
        assert [(s.person.name, s.faces, s.photos) for s in listed] == [
            ("Barack Obama", 3, 3), ("Joe", 2, 2)]
        assert listed == the_long_way(people, monkeypatch)

        # a photo removed, a face unnamed, the group photo's item re-written without faces
        remove_photo(backend.store, backend.tables, backend.faces, backend.names,
                     parse_key(f"photos/{photo_of[obama1]}"))
        people.unname(biden)
        picset, name = photo_of[group[1]].split("/", 1)
        item = backend.tables.get_pics_item(picset, name)
        item["data"]["FaceRecords"] = []  # (its ImageId no longer listed: its faces are out)
        backend.tables.put_pics_item(item)
        listed = people.summaries()
        assert listed == the_long_way(people, monkeypatch)
        assert [(s.person.name, s.faces, s.photos) for s in listed] == [
            ("Barack Obama", 1, 1), ("Joe", 0, 0)]
    finally:
        backend.close()


def test_the_kept_tables_follow_every_write_and_are_filled_once(library, tmp_path):
    backend = library
    tables, db_path = backend.tables, backend.faces.db.path

    def photo(name: str, *image_ids: str) -> dict:
        return {"primarykey": "p1", "sortkey": name, "data": {"FaceRecords": [
            {"Face": {"FaceId": f"f-{i}-{n}", "ImageId": i}} for n, i in enumerate(image_ids)]}}

    tables.put_pics_item(photo("a.jpg", "i1", "i1", "i2"))  # (an ImageId listed once)
    tables.put_pics_item(photo("b.jpg", "i3"))
    tables.put_pics_item(photo("b.jpg", "i4"))  # replaced: i3 no longer listed
    tables.put_pics_item({"primarykey": "p1", "sortkey": "c.jpg", "data": "not records"})
    tables.put_image_item({"image_id": "i1", "image_path": "p1/a.jpg"})
    tables.put_image_item({"image_id": "i4", "image_path": "p1/x.jpg"})
    tables.put_image_item({"image_id": "i4", "image_path": "p1/b.jpg"})  # replaced
    tables.put_image_item({"image_id": "i9", "image_path": "p1/z.jpg"})
    tables.delete_image_item("i9")
    backend.private.put("face", "f1", {"person": "p-1", "similarity": 91.5, "at": 3.0})
    backend.private.put("face", "f2", {"person": "p-2"})
    backend.private.put("face", "f2", {"person": "p-3", "similarity": 70.0, "at": 4.0})
    backend.private.put("person", "p-1", {"name": "Someone"})  # (not a named face)
    backend.private.put("face", "f3", {"person": "p-1"})
    backend.private.delete("face", "f3")
    with backend.faces.db.transaction() as db:  # a writer of its own: plain SQL
        db.execute("UPDATE pics SET sortkey = 'd.jpg' WHERE primarykey = 'p1' AND sortkey = "
                   "'a.jpg'")
        db.execute("DELETE FROM pics WHERE primarykey = 'p1' AND sortkey = 'c.jpg'")
    expected = ({("i1", "p1", "d.jpg"), ("i2", "p1", "d.jpg"), ("i4", "p1", "b.jpg")},
                {"i1": "p1/a.jpg", "i4": "p1/b.jpg"},
                {"f1": ("p-1", 91.5, 3.0), "f2": ("p-3", 70.0, 4.0)})
    assert kept(db_path) == expected

    # a library of a version before the tables: made and filled when it is next opened
    backend.close()
    conn = sqlite3.connect(db_path)
    made = conn.execute("SELECT type, name FROM sqlite_master WHERE type != 'table'").fetchall()
    for kind, name in made + [("table", n) for n in photo_ids.NAMES]:
        if name in photo_ids.NAMES:
            conn.execute(f"DROP {kind.upper()} IF EXISTS {name}")
    conn.commit()
    conn.close()
    again = open_library(db_path.parent)
    try:
        assert kept(db_path) == expected
        assert again.faces.named_in_album() == []  # (no face indexed)
    finally:
        again.close()
