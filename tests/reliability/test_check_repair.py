"""``check [--repair]``: break a library on purpose in each listed way, find it, repair it."""

from __future__ import annotations

import os

import pytest
from PIL import Image
from reliability_helpers import counts, faces_per_photo, image_bytes, jpeg, small_faces

from finpics_desktop import cli
from finpics_desktop.domain import items
from finpics_desktop.pipeline.check import check, scan
from finpics_desktop.pipeline.functions.process import external_image_id
from finpics_desktop.pipeline.publish.upload import Publisher

PICSET = "001_broken"


@pytest.fixture
def album(tmp_path, library):
    """A library with two photos with a face and two without, all published."""
    src = tmp_path / "src"
    src.mkdir()
    faces = small_faces(2)
    (src / "a_face.jpg").write_bytes(faces[0])
    (src / "b_face.jpg").write_bytes(faces[1])
    (src / "c_plain.jpg").write_bytes(jpeg((120, 90), (10, 200, 10)))
    (src / "d_plain.png").write_bytes(image_bytes(Image.new("RGB", (90, 120), "navy"), "PNG"))
    report = Publisher.for_backend(library).publish([src], PICSET)
    assert report.ok and len(report.with_status("done")) == 4
    assert scan(library.store, library.tables, library.faces, library.names) == []
    return library


def key(name: str) -> str:
    return f"photos/{PICSET}/{name}"


def _item(b, name):
    return b.tables.get_pics_item(PICSET, name)


def delete_original(b):
    b.store.delete(b.names.pics_bucket, key("a_face.jpg"))


def delete_original_file_by_hand(b):
    path = b.store.path(b.names.pics_bucket, key("c_plain.jpg"))
    path.unlink()  # a manual edit in the library folder


def store_without_processing(b):
    b.store.put(b.names.pics_bucket, key("e_new.jpg"), small_faces(3)[2], "image/jpeg")


def store_unprocessable(b):
    b.store.put(b.names.pics_bucket, key("f_junk.jpg"), b"not a photo", "image/jpeg")


def delete_thumbnail(b):
    b.store.delete(b.names.thumbs_bucket, key("b_face.jpg"))


def orphan_thumbnail(b):
    b.store.put(b.names.thumbs_bucket, key("zz_gone.jpg"), jpeg(), "image/jpeg")


def delete_image_item(b):
    for image_id in items.image_ids(_item(b, "a_face.jpg")["data"]):
        b.tables.delete_image_item(image_id)


def stray_image_item(b):
    data = _item(b, "b_face.jpg")["data"]
    b.tables.put_image_item({"image_id": "00000000-dead-beef-0000-000000000000",
                             "image_path": f"{PICSET}/nowhere.jpg", "data": data})


def faces_without_item(b):
    # a crash between IndexFaces and the item write: faces indexed, no item lists them
    data = b.store.get(b.names.pics_bucket, key("a_face.jpg"))
    response = b.faces.index_faces(b.names.pics_bucket, key("a_face.jpg"), data,
                                   external_image_id(key("a_face.jpg")))
    assert response["FaceRecords"]


def featured_gone(b):
    b.tables.set_picset_cover(PICSET, "no_longer_here.jpg")


def entry_gone(b):
    b.tables.delete_pics_item("/", PICSET)


def half_written(b):
    folder = b.store.path(b.names.pics_bucket, key("a_face.jpg")).parent
    old, young = folder / ".tmp-0123456789abcdef", folder / ".tmp-live-upload"
    old.write_bytes(b"\xff\xd8 half a photo")
    young.write_bytes(b"\xff\xd8 being written right now")
    os.utime(old, (old.stat().st_atime - 3600, old.stat().st_mtime - 3600))


BREAKS = {
    "item-without-object": delete_original,
    "item-without-object/by-hand": delete_original_file_by_hand,
    "object-without-item": store_without_processing,
    "object-without-item/unprocessable": store_unprocessable,
    "item-without-thumbnail": delete_thumbnail,
    "thumbnail-without-object": orphan_thumbnail,
    "image-item-missing": delete_image_item,
    "stray-image-item": stray_image_item,
    "face-without-item": faces_without_item,
    "missing-featured": featured_gone,
    "picset-without-entry": entry_gone,
    "half-written-file": half_written,
}


@pytest.mark.parametrize("case", list(BREAKS))
def test_break_then_repair(album, case):
    b = album
    BREAKS[case](b)
    found = scan(b.store, b.tables, b.faces, b.names)
    assert found and {p.kind for p in found} == {case.split("/")[0]}, [p.line() for p in found]
    assert not check(b).ok

    report = check(b, repair=True)
    assert report.remaining == [] and report.errors == [], report.as_json()
    assert report.ok and "repaired" in report.summary()
    assert check(b).summary() == "the album is consistent: nothing to repair"
    c = counts(b)
    assert c["objects"] == c["thumbnails"] == c["items"]
    assert c["faces"] == c["item_faces"]
    for name, (listed, indexed) in faces_per_photo(b, PICSET).items():
        assert listed == indexed, name
    entry = b.tables.get_pics_item("/", PICSET)
    assert entry is not None and _item(b, entry["pic"]) is not None
    if case == "half-written-file":  # a live upload's temporary file is left alone
        folder = b.store.path(b.names.pics_bucket, key("a_face.jpg")).parent
        assert sorted(p.name for p in folder.glob(".tmp-*")) == [".tmp-live-upload"]


def test_repairs_processes_the_unprocessed_and_removes_the_missing(album):
    b = album
    store_without_processing(b)
    delete_original(b)
    b.tables.set_picset_cover(PICSET, "a_face.jpg")
    report = check(b, repair=True)
    assert {p.kind for p in report.found} == {"object-without-item", "item-without-object"}
    assert report.ok
    names = [i["sortkey"] for i in b.tables.query_pics(PICSET)]
    assert names == ["b_face.jpg", "c_plain.jpg", "d_plain.png", "e_new.jpg"]
    assert len(items.face_ids(_item(b, "e_new.jpg")["data"])) == 1
    assert b.tables.get_pics_item("/", PICSET)["pic"] == "b_face.jpg"
    assert b.store.head(b.names.thumbs_bucket, key("a_face.jpg")) is None


def test_cli_check_and_repair(album, tmp_path, capsys):
    b = album
    faces_without_item(b)
    orphan_thumbnail(b)
    library = str(b.library.folder)
    b.close()
    assert cli.main(["--library", library, "check"]) == 1
    err = capsys.readouterr().err
    assert "face-without-item:" in err and "thumbnail-without-object: " + key("zz_gone.jpg") in err
    assert "2 problem(s) found (run with --repair to fix them)" in err
    assert cli.main(["--library", library, "check", "--repair"]) == 0
    err = capsys.readouterr().err
    assert "repaired face-without-item" in err and "2 repaired, 0 left" in err
    assert cli.main(["--library", library, "check"]) == 0
    assert "the album is consistent" in capsys.readouterr().err


def test_empty_picset_with_missing_featured_photo_is_removed(album):
    b = album
    b.tables.set_picset_cover("002_empty", "ghost.jpg")
    report = check(b, repair=True)
    assert [p.kind for p in report.found] == ["missing-featured"] and report.ok
    assert b.tables.get_pics_item("/", "002_empty") is None
