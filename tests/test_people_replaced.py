"""A photo whose original is replaced (a re-framed or retouched version published with
--on-conflict replace) keeps its people: the names, rejections and drawn faces of its old faces
are carried onto its new faces -- by the person's own vector where the boxes moved, by box
overlap otherwise -- on the library at once, with the real engine and real photos."""

from __future__ import annotations

import io

from PIL import Image

from finpics_desktop.backends.local.library import open_library
from finpics_desktop.pipeline.check import check
from finpics_desktop.pipeline.people import replaced
from finpics_desktop.pipeline.people.naming import REJECT, People
from finpics_desktop.pipeline.people.records import PENDING
from finpics_desktop.pipeline.publish.upload import DONE, FAILED, Publisher

OBAMA = ["faces/obama/obama.jpg", "faces/obama/obama2.jpg", "faces/obama/obama3.jpg"]


def _faces(backend, name: str) -> list[dict]:
    item = backend.tables.get_pics_item("001_obama", name)
    return [r["Face"] for r in item["data"]["FaceRecords"]]


def _published(library, copy_photos) -> tuple[People, dict]:
    folder = copy_photos(*OBAMA, "faces/biden/biden.jpg", folder="obama")
    assert Publisher.for_backend(library).publish([folder], "001_obama").ok
    people = People(library)
    for rel in OBAMA:
        [face] = _faces(library, rel.rsplit("/", 1)[1])
        people.name_face(face["FaceId"], "Barack Obama")
    [biden] = _faces(library, "biden.jpg")
    people.reject("Barack Obama", [biden["FaceId"]])
    return people, biden


def _replace(library, tmp_path, name: str, data: bytes):
    folder = tmp_path / "edited"
    folder.mkdir(exist_ok=True)
    (folder / name).write_bytes(data)
    report = Publisher.for_backend(library, on_conflict="replace").publish([folder], "001_obama")
    assert [r.status for r in report.results] == [DONE], report.summary()


def _named(people: People, face_id: str) -> str | None:
    named = people.named().get(face_id)
    return next(p.name for p in people.people() if p.id == named.person) if named else None


def test_a_reframed_original_keeps_its_name(library, copy_photos, photos_dir, tmp_path):
    people, _biden = _published(library, copy_photos)
    [old] = _faces(library, "obama.jpg")
    with Image.open(photos_dir / "faces/obama/obama.jpg") as im:  # cut: every box moves
        out = io.BytesIO()
        im.crop((im.width // 3, 0, im.width, im.height * 3 // 4)).save(out, "JPEG", quality=92)
    _replace(library, tmp_path, "obama.jpg", out.getvalue())
    [new] = _faces(library, "obama.jpg")
    assert new["FaceId"] != old["FaceId"]  # a new content: new faces
    assert abs(new["BoundingBox"]["Left"] - old["BoundingBox"]["Left"]) > 0.1  # box moved
    assert _named(people, new["FaceId"]) == "Barack Obama"  # by the person's vector
    assert _named(people, old["FaceId"]) is None
    assert library.private.query(PENDING) == []
    assert check(library).found == []


def test_a_retouched_original_keeps_names_and_rejections(library, copy_photos, photos_dir,
                                                         tmp_path):
    people, biden = _published(library, copy_photos)
    with Image.open(photos_dir / "faces/biden/biden.jpg") as im:  # same framing, re-saved
        out = io.BytesIO()
        im.convert("L").convert("RGB").save(out, "JPEG", quality=80)
    _replace(library, tmp_path, "biden.jpg", out.getvalue())
    [new] = _faces(library, "biden.jpg")
    assert new["FaceId"] != biden["FaceId"]
    rejected = {d.sk.split("/", 1)[1] for d in library.private.query(REJECT)}
    assert rejected == {new["FaceId"]}  # the rejection follows the face (by its box)
    assert check(library).found == []


def test_the_photos_a_job_replaces_are_settled_once_at_its_end(library, copy_photos, photos_dir,
                                                                tmp_path, monkeypatch):
    """Settling reads every person's records: a job replacing many photos does it once."""
    people, biden = _published(library, copy_photos)
    [obama] = _faces(library, "obama.jpg")
    folder = tmp_path / "edited"
    folder.mkdir()
    for rel in ("faces/obama/obama.jpg", "faces/biden/biden.jpg"):
        with Image.open(photos_dir / rel) as im:  # re-saved: new contents, the same faces
            im.convert("L").convert("RGB").save(folder / rel.rsplit("/", 1)[1], "JPEG",
                                                quality=80)
    calls = []
    settle = replaced.settle
    monkeypatch.setattr(replaced, "settle", lambda album, keys=None: (
        calls.append(keys), settle(album, keys))[1])
    report = Publisher.for_backend(library, on_conflict="replace", workers=2).publish(
        [folder], "001_obama")
    assert [r.status for r in report.results] == [DONE, DONE], report.summary()
    assert calls == [["photos/001_obama/biden.jpg", "photos/001_obama/obama.jpg"]]
    [new_obama], [new_biden] = _faces(library, "obama.jpg"), _faces(library, "biden.jpg")
    assert new_obama["FaceId"] != obama["FaceId"] and new_biden["FaceId"] != biden["FaceId"]
    assert _named(people, new_obama["FaceId"]) == "Barack Obama"
    assert {d.sk.split("/", 1)[1] for d in library.private.query(REJECT)} == {new_biden["FaceId"]}
    assert library.private.query(PENDING) == []
    assert check(library).found == []


def test_a_replacement_that_cannot_be_stored_leaves_no_record(disk, engine, photos_dir,
                                                              tmp_path):
    """The faces of a photo about to be replaced are remembered before its original is put: a
    put that fails (a full disk) replaced nothing, and nothing is left waiting for new faces."""
    library = open_library(disk.path / "library", engine=engine)
    try:
        first, edited = tmp_path / "first", tmp_path / "edited"
        for folder, rel, padding in ((first, "faces/obama/obama.jpg", 0),
                                     (edited, "faces/biden/biden.jpg", 4_000_000)):
            folder.mkdir()  # the replacement is larger than the 3 MB disk
            (folder / "x.jpg").write_bytes((photos_dir / rel).read_bytes() + bytes(padding))
        assert Publisher.for_backend(library).publish([first], "001_t").ok
        [face] = [r["Face"]["FaceId"] for r in
                  library.tables.get_pics_item("001_t", "x.jpg")["data"]["FaceRecords"]]
        people = People(library)
        people.name_face(face, "Barack Obama")
        report = Publisher.for_backend(library, on_conflict="replace").publish([edited], "001_t")
        assert [(r.status, r.reason) for r in report.results] == [
            (FAILED, "not stored: the disk is full")]
        assert library.private.query(PENDING) == []
        assert _named(people, face) == "Barack Obama"  # the photo and its name as they were
        assert check(library).found == []
    finally:
        library.close()
