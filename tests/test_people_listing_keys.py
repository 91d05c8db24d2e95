"""People listed from what SQLite keeps (``backends/local/photo_ids.py``: the photos' ImageIds,
the image items' paths, the named faces; ``people_located.py``: each named face in a photo of
the album, with its person and photo): the tables kept with triggers follow every write of the
items, the faces and the named faces -- by this process, by another one, by plain SQL -- a
library made before them gets them filled, and the People list is the one read by the join and
the one read the long way (every named face's record, each photo's ImageIds) -- on the real
photos, after namings, a photo removed, a face unnamed, a photo's faces re-written, and a second
process naming, moving a photo, trashing one and merging two people."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys

import pytest
from labelled_album import copy_library, labelled_library
from test_people import faces_in, photos_of_faces

from finpics_desktop.app import people as app_people
from finpics_desktop.backends.local import people_located, photo_ids
from finpics_desktop.backends.local.library import open_library
from finpics_desktop.domain.keys import parse_key
from finpics_desktop.pipeline.people import naming, paths, views_kept
from finpics_desktop.pipeline.people.naming import People
from finpics_desktop.pipeline.remove import remove_photo


@pytest.fixture(scope="module")
def template(tmp_path_factory, photos_dir, labels, engine):
    folder = tmp_path_factory.mktemp("people-keys") / "library"
    return (folder, *labelled_library(folder, photos_dir, labels, engine))


def the_long_way(people: People, monkeypatch, join: bool = False) -> list:
    """The People list without the rows kept (``join``: by the join on keys, else every named
    face's record read)."""
    with monkeypatch.context() as m:
        m.setattr(naming, "people_in_album", lambda backend, regions: None)
        if not join:
            m.setattr(paths, "named_in_album", lambda backend: None)
        return people.summaries()


def same_every_way(people: People, monkeypatch) -> list:
    """The People list, checked to be what the join and the long way list; and the rows kept
    to be what the tables they are made of give now."""
    listed = people.summaries()
    assert listed == the_long_way(people, monkeypatch, join=True)
    assert listed == the_long_way(people, monkeypatch)
    assert located_kept(people.backend.faces.db.path) == located_now(
        people.backend.faces.db.path)
    return listed


def page_every_way(backend, name: str, monkeypatch) -> None:
    """A person's page read by the person's faces and the named ids kept is the page read from
    every named face's record."""
    page = views_kept.page_rows(app_people.person_page(backend, name))
    with monkeypatch.context() as m:
        m.setattr(backend.private, "named_of", lambda person: None)
        m.setattr(backend.private, "named_ids", lambda: None)
        assert views_kept.page_rows(app_people.person_page(backend, name)) == page


def located_kept(db_path) -> list:
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute(f"SELECT * FROM {people_located.TABLE} ORDER BY face_id").fetchall()
    finally:
        conn.close()


def located_now(db_path) -> list:
    conn = sqlite3.connect(db_path)
    try:
        return sorted(conn.execute(people_located.ALL).fetchall())
    finally:
        conn.close()


def other_process(folder, *args: str) -> None:
    """The command line in a process of its own, writing while this one has the album open."""
    done = subprocess.run([sys.executable, "-m", "finpics_desktop", "--library", str(folder),
                           *args], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


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
        assert backend.faces.people_in_album() is not None  # (the rows kept are listed)
        listed = same_every_way(people, monkeypatch)
        assert [(s.person.name, s.faces, s.photos) for s in listed] == [
            ("Barack Obama", 3, 3), ("Joe", 2, 2)]
        page_every_way(backend, "Barack Obama", monkeypatch)

        # a photo removed, a face unnamed, the group photo's item re-written without faces
        remove_photo(backend.store, backend.tables, backend.faces, backend.names,
                     parse_key(f"photos/{photo_of[obama1]}"))
        people.unname(biden)
        picset, name = photo_of[group[1]].split("/", 1)
        item = backend.tables.get_pics_item(picset, name)
        item["data"]["FaceRecords"] = []  # (its ImageId no longer listed: its faces are out)
        backend.tables.put_pics_item(item)
        listed = same_every_way(people, monkeypatch)
        assert [(s.person.name, s.faces, s.photos) for s in listed] == [
            ("Barack Obama", 1, 1), ("Joe", 0, 0)]

        # another process names, moves a photo, trashes one, merges (this one stays open)
        folder = tmp_path / "album"
        obama_photo = photo_of[obama]
        one_each = {path: f for f, path in sorted(photo_of.items())
                    if where.get(path, "").startswith("lfw10/")}
        others = [one_each[path] for path in sorted(one_each)][:3]  # (three photos)
        assert len(others) == 3
        for face in others:
            other_process(folder, "name", face, "Joe", "--same-photo")
        listed = same_every_way(people, monkeypatch)
        assert [(s.person.name, s.faces) for s in listed] == [("Joe", 3), ("Barack Obama", 1)]
        page_every_way(backend, "Joe", monkeypatch)
        other_process(folder, "move", obama_photo, "--to", "099_elsewhere")
        listed = same_every_way(people, monkeypatch)
        assert [(s.person.name, s.faces, s.cover_path) for s in listed][1] == (
            "Barack Obama", 1, f"099_elsewhere/{obama_photo.split('/', 1)[1]}")
        other_process(folder, "delete", photo_of[others[0]])
        listed = same_every_way(people, monkeypatch)
        assert [(s.person.name, s.faces) for s in listed] == [("Joe", 2), ("Barack Obama", 1)]
        other_process(folder, "merge", "Barack Obama", "Joe")
        listed = same_every_way(people, monkeypatch)
        assert [(s.person.name, s.faces, s.photos) for s in listed] == [("Joe", 3, 3)]
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

    # the named faces located: f2 (i4, in b.jpg, which lists i4); f1's i1 is at a.jpg, which
    # was renamed d.jpg (its image item still says a.jpg: not in the album) -- each step
    # by plain SQL, the rows kept always what the tables give
    def face(db, face_id: str, image_id: str) -> None:
        db.execute("INSERT OR REPLACE INTO faces (face_id, collection, image_id, "
                   "external_image_id, face, vector, model_version) VALUES "
                   "(?, 'c', ?, '', '{}', x'00', 'v')", (face_id, image_id))

    def located() -> list:
        rows = located_kept(db_path)
        assert rows == located_now(db_path)
        return [(r[0], r[1], r[5], r[6]) for r in rows]

    with backend.faces.db.transaction() as db:
        for face_id, image_id in (("f1", "i1"), ("f2", "i4"), ("f9", "i4")):
            face(db, face_id, image_id)
    assert located() == [("f2", "p-3", "i4", "p1/b.jpg")]
    tables.put_image_item({"image_id": "i1", "image_path": "p1/d.jpg"})  # its path follows
    assert located() == [("f1", "p-1", "i1", "p1/d.jpg"), ("f2", "p-3", "i4", "p1/b.jpg")]
    backend.private.put("face", "f9", {"person": "p-1", "similarity": 80.0, "at": 5.0})
    backend.private.put("face", "f2", {"person": "p-1", "similarity": 99.0, "at": 6.0})
    assert located() == [("f1", "p-1", "i1", "p1/d.jpg"), ("f2", "p-1", "i4", "p1/b.jpg"),
                         ("f9", "p-1", "i4", "p1/b.jpg")]
    assert backend.faces.people_in_album() == []  # (another collection's faces)
    with backend.faces.db.transaction() as db:
        db.execute("UPDATE faces SET image_id = 'i1' WHERE face_id = 'f9'")  # re-indexed
        db.execute("UPDATE faces SET collection = ? WHERE face_id != 'f1'",
                   (backend.faces.collection,))
        db.execute("DELETE FROM faces WHERE face_id = 'f1'")
    assert located() == [("f2", "p-1", "i4", "p1/b.jpg"), ("f9", "p-1", "i1", "p1/d.jpg")]
    assert backend.faces.people_in_album() == [("p-1", 2, 2, "f2", "i4", "p1/b.jpg")]
    tables.put_pics_item(photo("b.jpg"))  # b.jpg lists no ImageId any more
    backend.private.delete("face", "f9")
    assert located() == []
    with backend.faces.db.transaction() as db:
        db.execute("UPDATE pics SET item = ? WHERE sortkey = 'b.jpg'",
                   (json.dumps(photo("b.jpg", "i4")),))
    assert located() == [("f2", "p-1", "i4", "p1/b.jpg")]
    expected = (*kept(db_path), located_kept(db_path))

    # a library of a version before the tables: made and filled when it is next opened
    backend.close()
    conn = sqlite3.connect(db_path)
    made = conn.execute("SELECT type, name FROM sqlite_master WHERE type != 'table'").fetchall()
    names = photo_ids.NAMES | people_located.NAMES
    for kind, name in made + [("table", n) for n in names]:
        if name in names:
            conn.execute(f"DROP {kind.upper()} IF EXISTS {name}")
    conn.commit()
    conn.close()
    again = open_library(db_path.parent)
    try:
        assert (*kept(db_path), located_kept(db_path)) == expected
        assert again.faces.named_in_album() == [("f2", "i4", "p1/b.jpg", "p-1", 99.0, 6.0)]
    finally:
        again.close()
