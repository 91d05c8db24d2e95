"""Faces drawn by hand, re-indexing that keeps every name and rejection, and check --repair of
people's records, on the library with the real engine and the real photos."""

from __future__ import annotations

import io

import pytest
import test_reindex
from groupshot import group_photo
from labelled_album import photo_faces, publish_labelled
from PIL import Image
from test_reindex import OLD, faces_by_photo

from finpics_desktop.backends.local.library import open_library
from finpics_desktop.domain.errors import FinpicsError, InvalidValue
from finpics_desktop.domain.keys import photo_key
from finpics_desktop.pipeline.check import check
from finpics_desktop.pipeline.people.drawn import add_face
from finpics_desktop.pipeline.people.naming import DRAWN, People
from finpics_desktop.pipeline.people.reindex import reindex
from finpics_desktop.pipeline.publish.upload import Publisher
from finpics_desktop.pipeline.remove import remove_photo

old = test_reindex.old  # the previous version's library (a fixture of those tests)
CROWD = [("faces/obama/obama2.jpg", 30, (2000, 1500)),
         ("faces/biden/biden.jpg", 30, (3000, 1000)),
         ("faces/rose_leslie/img1.jpg", 30, (1000, 2000))]


def crowd_photo(engine, photos_dir) -> tuple[bytes, list[dict]]:
    """6000 x 4000 with three 30 px faces, which the detector misses on the whole photo; the
    boxes a hand would draw around them (a little loose)."""
    data, placed = group_photo(engine, photos_dir / "orientation/Landscape_1.jpg",
                               [(photos_dir / rel, px, at) for rel, px, at in CROWD],
                               size=(6000, 4000))
    return data, [{"Left": p.box["Left"] - 0.1 * p.box["Width"],
                   "Top": p.box["Top"] - 0.15 * p.box["Height"],
                   "Width": 1.2 * p.box["Width"], "Height": 1.3 * p.box["Height"]}
                  for p in placed]


def publish(backend, folder, picset):
    report = Publisher(backend.store, backend.tables, backend.faces, backend.names,
                       backend.process).publish([folder], picset)
    assert report.ok, report.summary()


def test_a_face_the_detector_missed_is_drawn_and_found_by_search(library, engine, photos_dir,
                                                                  copy_photos, tmp_path):
    crowd, boxes = crowd_photo(engine, photos_dir)
    folder = tmp_path / "party"
    folder.mkdir()
    (folder / "crowd.jpg").write_bytes(crowd)
    publish(library, folder, "001_party")
    assert library.tables.get_pics_item("001_party", "crowd.jpg")["data"]["FaceRecords"] == []
    publish(library, copy_photos("faces/obama/obama.jpg", folder="obama"), "002_obama")
    [other] = library.tables.get_pics_item("002_obama", "obama.jpg")["data"]["FaceRecords"]
    assert library.search(other["Face"]["FaceId"]) == []

    face = add_face(library, "001_party", "crowd.jpg", boxes[0])
    item = library.tables.get_pics_item("001_party", "crowd.jpg")
    assert [r["Face"]["FaceId"] for r in item["data"]["FaceRecords"]] == [face.face_id]
    assert library.tables.get_image_item(face.image_id)["image_path"] == "001_party/crowd.jpg"
    [found] = library.search(other["Face"]["FaceId"])
    assert (found.image_path, found.matched_face_id) == ("001_party/crowd.jpg", face.face_id)
    second = add_face(library, "001_party", "crowd.jpg", boxes[1])
    assert second.image_id == face.image_id  # one photo, one ImageId on the library
    assert library.private.get(DRAWN, face.face_id).doc["box"] == pytest.approx(boxes[0])
    assert check(library).found == []

    with pytest.raises(InvalidValue, match="has that face already"):
        add_face(library, "001_party", "crowd.jpg", boxes[0])
    with pytest.raises(FinpicsError, match="no face could be found in that box"):
        add_face(library, "001_party", "crowd.jpg",
                 {"Left": 0.05, "Top": 0.05, "Width": 0.01, "Height": 0.015})
    with pytest.raises(InvalidValue, match="not inside the photo"):
        add_face(library, "001_party", "crowd.jpg",
                 {"Left": 0.9, "Top": 0.5, "Width": 0.2, "Height": 0.1})
    with pytest.raises(FinpicsError, match="no photo 001_party/nope.jpg"):
        add_face(library, "001_party", "nope.jpg", boxes[0])
    assert len(library.tables.get_pics_item("001_party", "crowd.jpg")["data"]["FaceRecords"]) == 2
    assert check(library).found == []


@pytest.fixture
def named_album(tmp_path_factory, photos_dir, labels, engine):
    """faces/ and lfw10/ with the crowd photo: every labelled face named, two of each person's
    proposals rejected (faces of others), the crowd's three faces drawn and named."""
    backend = open_library(tmp_path_factory.mktemp("named") / "library", engine=engine)
    where, who = publish_labelled(backend, photos_dir, labels)
    crowd, boxes = crowd_photo(engine, photos_dir)
    folder = tmp_path_factory.mktemp("crowd")
    (folder / "crowd.jpg").write_bytes(crowd)
    publish(backend, folder, "900_crowd")
    people = People(backend)
    for face_id, person in who.items():
        if person:
            people.name_face(face_id, person, same_photo=True)
    for box, person in zip(boxes, ("obama", "biden", "rose_leslie"), strict=True):
        people.name_face(add_face(backend, "900_crowd", "crowd.jpg", box).face_id, person)
    persons = sorted({p for p in who.values() if p})
    for n, person in enumerate(persons):
        others = [f for f, p in who.items() if p == persons[(n + 1) % len(persons)]][:2]
        people.reject(person, others)
    yield backend, people, where
    backend.close()


def names_by_photo(backend, people) -> dict:
    """Every name and rejection, by photo and box (what re-indexing must keep)."""
    spot = {r["Face"]["FaceId"]: (path, tuple(round(r["Face"]["BoundingBox"][k], 1)
                                              for k in ("Left", "Top")))
            for path, records in photo_faces(backend) for r in records}
    names = {p.id: p.name for p in people.people()}
    named = sorted((spot[f], names[n.person]) for f, n in people.named().items())
    rejected = sorted((spot[d.sk.split("/", 1)[1]], names[d.sk.split("/", 1)[0]])
                      for d in people.private.query("reject"))
    return {"named": named, "rejected": rejected}


def test_reindex_keeps_every_name_and_rejection(named_album, photos_dir):
    """The whole library re-indexed, one of its originals replaced by a mirrored copy (every
    box moves, and two people swap places in a group photo): every name and rejection is on
    the same person's face afterwards, drawn faces included; nothing is reported lost."""
    backend, people, where = named_album
    before = names_by_photo(backend, people)
    key = photo_key(*next(p for p, rel in where.items()
                          if rel == "faces/groups/two_people.jpg").split("/"))
    with Image.open(photos_dir / "faces/groups/two_people.jpg") as im:
        mirrored = io.BytesIO()
        im.transpose(Image.Transpose.FLIP_LEFT_RIGHT).save(mirrored, "JPEG", quality=95)
    assert backend.tables.get_pics_item(key.picset, key.name) is not None
    backend.store.put(backend.names.pics_bucket, key.key, mirrored.getvalue(), "image/jpeg")
    obama_before = {f for f, n in people.named().items()
                    if n.person == people.find("obama").id}

    report = reindex(backend, every=True)
    assert report.ok and report.not_carried == [], report.summary()
    assert len(report.changes) == len(list(photo_faces(backend)))
    print("\n" + report.summary())
    after = names_by_photo(backend, people)
    for kind in ("named", "rejected"):  # elsewhere every box and name is where it was
        assert [x for x in before[kind] if x[0][0] != key.image_path] == [
            x for x in after[kind] if x[0][0] != key.image_path], kind
        assert sorted(n for (p, _), n in before[kind] if p == key.image_path) == sorted(
            n for (p, _), n in after[kind] if p == key.image_path), kind
    # in the mirrored group photo each name is on that person's face: they swapped places
    group = backend.tables.get_pics_item(key.picset, key.name)["data"]["FaceRecords"]
    ordered = sorted(group, key=lambda r: r["Face"]["BoundingBox"]["Left"])
    named = people.named()
    assert [named[r["Face"]["FaceId"]].person for r in ordered[:2]] == [
        people.find("biden").id, people.find("obama").id]
    assert len(obama_before) == len([n for n in named.values()
                                     if n.person == people.find("obama").id])
    assert check(backend).found == []


def test_check_repairs_what_people_records_were_left_with(library, copy_photos):
    """A named photo removed, a user vector changed behind the app's back, a user vector left by
    an interrupted merge: check finds each, --repair mends them, the rest stays."""
    publish(library, copy_photos("faces/obama", folder="obama"), "001_obama")
    people = People(library)
    faces = {path: records[0]["Face"]["FaceId"] for path, records in photo_faces(library)
             if len(records) == 1}
    names = iter(sorted(faces))
    gone = next(names)
    for path in sorted(faces):
        people.name_face(faces[path], "Obama")
    kept = next(names)
    remove_photo(library.store, library.tables, library.faces, library.names,
                 photo_key(*gone.split("/")))
    user = people.find("Obama").id
    library.faces.disassociate_faces(user, [faces[kept]])
    library.faces.create_user("p-nobody")
    kinds = sorted(p.kind for p in check(library).found)
    assert kinds == ["name-of-missing-face", "user-vector-out-of-date", "user-without-person"]
    report = check(library, repair=True)
    assert report.ok and report.remaining == [], report.as_json()
    assert faces[gone] not in people.named()
    assert faces[kept] in {f["FaceId"] for f in library.faces.list_faces(user_id=user)}
    assert [u["UserId"] for u in library.faces.list_users()] == [user]
    assert people.summaries()[0].faces == len(faces) - 1


def test_an_engine_change_carries_names_by_box_and_reports_what_it_cannot(old, engine):
    """The previous version's library (dlib's faces, whose vectors cannot be compared with
    SFace's): names and a rejection ride on the FaceIds kept where the boxes overlap; the face
    dlib boxed far from Kit Harington has no new face there, and its name is reported."""
    root, odd = old
    backend = open_library(root, engine=engine)
    people = People(backend)
    by_photo = faces_by_photo(backend, OLD)
    left, right = (sorted(by_photo["two_people.jpg"],
                          key=lambda r: r["Face"]["BoundingBox"]["Left"]))
    people.name_face(left["Face"]["FaceId"], "Obama")
    people.name_face(right["Face"]["FaceId"], "Biden")
    [biden] = by_photo["biden.jpg"]
    people.reject("Obama", [biden["Face"]["FaceId"]])
    people.name_face(odd["kit"], "Kit")
    report = reindex(backend)
    assert report.ok
    assert [(m.face_id, m.what) for m in report.not_carried] == [(odd["kit"], "name Kit")]
    named = {f: n.person for f, n in people.named().items()}
    assert named[left["Face"]["FaceId"]] == people.find("Obama").id  # the same ids, kept
    assert named[right["Face"]["FaceId"]] == people.find("Biden").id
    assert biden["Face"]["FaceId"] in people.rejected(people.find("Obama"))
    assert odd["kit"] not in named
    assert check(backend).found == []
    backend.close()


def test_a_read_only_library_of_an_older_version_is_searched_and_has_no_people(
        disk, engine, copy_photos, capsys):
    """Made before people (no users, no private store) and on a disk remounted read-only:
    search, the viewer's names and the people commands work (nobody is named); naming says the
    library is read-only."""
    import sqlite3

    from finpics_desktop import cli
    from finpics_desktop.app.entries import photo_entry
    from finpics_desktop.app.photos import load_photo
    from finpics_desktop.domain.records import PhotoItem

    root = disk.path / "library"
    backend = open_library(root, engine=engine)
    publish(backend, copy_photos("faces/biden"), "001_biden")
    backend.close()
    conn = sqlite3.connect(root / "finpics.sqlite3", isolation_level=None)
    for table in ("users", "user_faces", "private"):
        conn.execute(f"DROP TABLE {table}")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    disk.read_only()
    backend = open_library(root, engine=engine)
    try:
        assert backend.read_only
        [first, second] = backend.tables.query_pics("001_biden")
        face = first["data"]["FaceRecords"][0]["Face"]["FaceId"]
        assert [m.image_path for m in backend.search(face)] == ["001_biden/biden2.jpg"]
        assert load_photo(photo_entry(backend, PhotoItem.from_item(first)), 800).names == {}
        assert People(backend).summaries() == []
    finally:
        backend.close()
    assert cli.main(["--library", str(root), "people", "--json"]) == 0
    assert capsys.readouterr().out.strip() == "[]"
    assert cli.main(["--library", str(root), "name", face, "Joe"]) == 2
    assert "is read-only" in capsys.readouterr().err
