"""The backend conformance suite: the same tests on the embedded local library and on the AWS
adapters talking over HTTP to the local AWS-compatible stack (real boto3 calls on the wire)."""

from __future__ import annotations

import hashlib
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from finpics_desktop.backends.local.engine import MODEL_VERSION
from finpics_desktop.domain import items
from finpics_desktop.domain.errors import NotFound, WriteConflict
from finpics_desktop.domain.keys import photo_key
from finpics_desktop.pipeline.functions.process import external_image_id, process_new_image
from finpics_desktop.pipeline.functions.search import batch_get_all, search_faces
from finpics_desktop.pipeline.remove import remove_photo
from finpics_desktop.ports import HASH_METADATA


@pytest.fixture(params=["local", "aws"])
def backend(request):
    return request.getfixturevalue("library" if request.param == "local" else "aws_backend")


def _put_photo(backend, photos_dir, rel: str, picset: str = "001_test", name: str | None = None):
    key = photo_key(picset, name or rel.rsplit("/", 1)[-1])
    data = (photos_dir / rel).read_bytes()
    backend.store.put(backend.names.pics_bucket, key.key, data, key.content_type,
                      {HASH_METADATA: hashlib.sha256(data).hexdigest()})
    return key, data


def _process(backend, key):
    return process_new_image(backend.store, backend.tables, backend.faces, backend.names,
                             backend.names.pics_bucket, key.key)


# -- object store --------------------------------------------------------------------------------
def test_objects_round_trip_with_type_and_hash(backend):
    bucket = backend.names.pics_bucket
    backend.store.put(bucket, "photos/001_a/b c+d.jpg", b"\xff\xd8 jpeg", "image/jpeg",
                      {HASH_METADATA: "ab" * 32})
    assert backend.store.get(bucket, "photos/001_a/b c+d.jpg") == b"\xff\xd8 jpeg"
    info = backend.store.head(bucket, "photos/001_a/b c+d.jpg")
    assert (info.key, info.size, info.sha256) == ("photos/001_a/b c+d.jpg", 7, "ab" * 32)
    assert backend.store.content_type(bucket, "photos/001_a/b c+d.jpg") == "image/jpeg"
    backend.store.put(bucket, "photos/001_a/b c+d.jpg", b"new", "image/jpeg")
    assert backend.store.get(bucket, "photos/001_a/b c+d.jpg") == b"new"


def test_missing_objects(backend):
    bucket = backend.names.pics_bucket
    backend.store.put(bucket, "photos/001_a/x.jpg", b"x", "image/jpeg")
    assert backend.store.head(bucket, "photos/001_a/nope.jpg") is None
    with pytest.raises(NotFound, match="nope.jpg"):
        backend.store.get(bucket, "photos/001_a/nope.jpg")
    backend.store.delete(bucket, "photos/001_a/x.jpg")
    backend.store.delete(bucket, "photos/001_a/x.jpg")  # already gone: no error
    assert backend.store.head(bucket, "photos/001_a/x.jpg") is None


def test_list_by_prefix_in_key_order(backend):
    bucket = backend.names.pics_bucket
    for key in ["photos/002_b/z.jpg", "photos/001_a/b.png", "photos/001_a/a.jpg", "other.txt"]:
        backend.store.put(bucket, key, key.encode(), "image/jpeg")
    listed = [(o.key, o.size) for o in backend.store.list(bucket, "photos/001_a/")]
    assert listed == [("photos/001_a/a.jpg", 18), ("photos/001_a/b.png", 18)]
    assert [o.key for o in backend.store.list(bucket)][-1] == "photos/002_b/z.jpg"


def test_conditional_puts(backend):
    """S3's If-None-Match: * and If-Match: a write loses, and writes nothing, when another
    writer created or changed the object since it was looked at."""
    bucket, key = backend.names.pics_bucket, "photos/001_a/c.jpg"
    backend.store.put(bucket, key, b"first", "image/jpeg", {HASH_METADATA: "1" * 64},
                      if_absent=True)
    with pytest.raises(WriteConflict, match="c.jpg"):
        backend.store.put(bucket, key, b"second", "image/jpeg", if_absent=True)
    seen = backend.store.head(bucket, key)
    assert seen.etag
    backend.store.put(bucket, key, b"third", "image/jpeg", {HASH_METADATA: "3" * 64},
                      if_match=seen.etag)
    with pytest.raises(WriteConflict, match="c.jpg"):  # the version seen is gone
        backend.store.put(bucket, key, b"fourth", "image/jpeg", if_match=seen.etag)
    assert backend.store.get(bucket, key) == b"third"
    assert backend.store.head(bucket, key).etag not in (None, seen.etag)


def test_private_store_keeps_documents_with_versions(backend):
    private = backend.private
    assert private.get("people", "ann") is None
    assert private.put("people", "ann", {"name": "Ann", "faces": ["f1"]}, if_version=0) == 1
    with pytest.raises(WriteConflict, match="people/ann"):  # created by someone else first
        private.put("people", "ann", {"name": "Other"}, if_version=0)
    seen = private.get("people", "ann")
    assert (seen.doc, seen.version) == ({"name": "Ann", "faces": ["f1"]}, 1)
    assert private.put("people", "ann", {"name": "Ann", "faces": ["f1", "f2"]},
                       if_version=seen.version) == 2
    with pytest.raises(WriteConflict):  # a second writer that read version 1 loses
        private.put("people", "ann", {"name": "Ann", "faces": ["f3"]}, if_version=1)
    assert private.get("people", "ann").doc["faces"] == ["f1", "f2"]
    private.put("people", "bob", {"name": "Bob"})
    private.put("people", "anna", {"name": "Anna", "float": 0.1, "unicode": "東京"})
    private.put("trash", "ann", {"what": "elsewhere"})
    assert [d.sk for d in private.query("people")] == ["ann", "anna", "bob"]
    assert [(d.sk, d.doc) for d in private.query("people", "ann")][1] == (
        "anna", {"name": "Anna", "float": 0.1, "unicode": "東京"})
    with pytest.raises(WriteConflict):
        private.delete("people", "ann", if_version=1)
    private.delete("people", "ann", if_version=2)
    private.delete("people", "ann")  # already gone: no error
    assert [d.sk for d in private.query("people")] == ["anna", "bob"]


def test_private_writers_at_once_each_get_their_own_version(backend, monkeypatch):
    """Two unconditional writes at once, each having looked at the document an instant
    before the other wrote: two versions, and the last one is the document kept (so a writer
    conditioned on it cannot succeed against another document)."""
    private = backend.private
    private.put("people", "ann", {"name": "Ann"})
    looked = threading.Barrier(2, timeout=30)
    read = private.get

    def get_at_once(pk, sk):  # whoever reads the document reads it before either writes
        found = read(pk, sk)
        looked.wait()
        return found

    monkeypatch.setattr(private, "get", get_at_once)
    versions = {}

    def write(name):
        versions[name] = private.put("people", "ann", {"name": name})

    threads = [threading.Thread(target=write, args=(name,)) for name in ("Bea", "Cy")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    monkeypatch.undo()
    assert sorted(versions.values()) == [2, 3]
    last = private.get("people", "ann")
    assert (last.version, last.doc["name"]) == (3, next(n for n, v in versions.items() if v == 3))
    assert private.put("people", "ann", {"name": "Dee"}, if_version=3) == 4


def test_put_file_streams_large_files(backend, tmp_path):
    path = tmp_path / "big.jpg"
    data = hashlib.sha256(b"seed").digest() * (20 * 1024 * 1024 // 32 + 7)  # > 16 MB: multipart
    path.write_bytes(data)
    bucket = backend.names.pics_bucket
    backend.store.put_file(bucket, "photos/001_a/big.jpg", path, "image/jpeg",
                           {HASH_METADATA: hashlib.sha256(data).hexdigest()})
    assert backend.store.head(bucket, "photos/001_a/big.jpg").sha256 == hashlib.sha256(
        data).hexdigest()
    assert backend.store.get(bucket, "photos/001_a/big.jpg") == data
    assert backend.store.content_type(bucket, "photos/001_a/big.jpg") == "image/jpeg"



def test_etag_tells_the_content_read_from_a_later_write(backend):
    bucket, key = backend.names.pics_bucket, "photos/001_a/v.jpg"
    backend.store.put(bucket, key, b"first", "image/jpeg")
    data, etag = backend.store.get_tagged(bucket, key)
    assert data == b"first"
    assert backend.store.head(bucket, key).etag == etag
    backend.store.put(bucket, key, b"second", "image/jpeg")
    data, later = backend.store.get_tagged(bucket, key)
    assert data == b"second" and later != etag
    assert backend.store.head(bucket, key).etag == later
    backend.store.put(bucket, key, b"third", "image/jpeg",
                      {HASH_METADATA: hashlib.sha256(b"third").hexdigest()})
    data, hashed = backend.store.get_tagged(bucket, key)
    assert data == b"third" and hashed not in (etag, later)
    assert backend.store.head(bucket, key).etag == hashed
    with pytest.raises(NotFound, match="nope.jpg"):
        backend.store.get_tagged(bucket, "photos/001_a/nope.jpg")

# -- tables --------------------------------------------------------------------------------------
def test_picset_cover_is_set_only_once(backend):
    t = backend.tables
    assert t.set_picset_cover_if_absent("003_c", "first.jpg") is True
    assert t.set_picset_cover_if_absent("003_c", "second.jpg") is False
    assert t.get_pics_item("/", "003_c") == {"primarykey": "/", "sortkey": "003_c",
                                             "pic": "first.jpg"}
    t.set_picset_cover("003_c", "other.jpg")
    assert t.get_pics_item("/", "003_c")["pic"] == "other.jpg"
    t.set_picset_cover("003_c", None)
    assert t.get_pics_item("/", "003_c") == {"primarykey": "/", "sortkey": "003_c"}
    assert t.set_picset_cover_if_absent("003_c", "again.jpg") is True


def test_cover_changes_only_to_an_existing_photo_over_the_cover_seen(backend):
    """Curation's conditional steps: the featured photo always names a photo that exists."""
    t = backend.tables
    for name in ("a.jpg", "b.jpg"):
        t.put_pics_item({"primarykey": "005_e", "sortkey": name, "data": {"FaceRecords": []}})
    assert t.replace_picset_cover("005_e", "gone.jpg", None) is False  # no such photo
    assert t.get_pics_item("/", "005_e") is None
    assert t.replace_picset_cover("005_e", "a.jpg", None) is True  # entry made
    assert t.replace_picset_cover("005_e", "b.jpg", None) is False  # it has one now
    assert t.replace_picset_cover("005_e", "b.jpg", "x.jpg") is False  # not the one seen
    assert t.replace_picset_cover("005_e", "b.jpg", "a.jpg") is True
    assert t.get_pics_item("/", "005_e") == {"primarykey": "/", "sortkey": "005_e",
                                             "pic": "b.jpg"}
    assert t.delete_photo_unless_cover("005_e", "b.jpg") is False  # the featured photo
    assert t.delete_photo_unless_cover("005_e", "a.jpg") is True
    assert t.delete_photo_unless_cover("006_none", "a.jpg") is True  # no entry at all
    assert [i["sortkey"] for i in t.query_pics("005_e")] == ["b.jpg"]
    assert t.delete_picset_entry_if("005_e", "a.jpg") is False  # another cover by now
    assert t.get_pics_item("/", "005_e")["pic"] == "b.jpg"
    assert t.delete_picset_entry_if("005_e", "b.jpg") is True
    assert t.get_pics_item("/", "005_e") is None
    assert t.delete_picset_entry_if("005_e", "b.jpg") is True  # gone already


def test_copy_keeps_content_and_type_and_replaces_metadata_if_given(backend):
    bucket, other = backend.names.pics_bucket, backend.names.thumbs_bucket
    backend.store.put(bucket, "photos/001_a/x y.png", b"\x89PNG data", "image/png",
                      {HASH_METADATA: "ab" * 32})
    backend.store.copy(bucket, "photos/001_a/x y.png", bucket, "photos/002_b/x y.png")
    copied = backend.store.head(bucket, "photos/002_b/x y.png")
    assert (copied.size, copied.sha256) == (9, "ab" * 32)
    backend.store.copy(bucket, "photos/001_a/x y.png", other, "trash/t1/001_a/x y.png",
                       {HASH_METADATA: "cd" * 32, "finpics-placed": "op1"})
    moved = backend.store.head(other, "trash/t1/001_a/x y.png")
    assert moved.metadata == {HASH_METADATA: "cd" * 32, "finpics-placed": "op1"}
    assert backend.store.get(other, "trash/t1/001_a/x y.png") == b"\x89PNG data"
    assert backend.store.content_type(other, "trash/t1/001_a/x y.png") == "image/png"
    backend.store.put(bucket, "photos/001_a/x y.png", b"changed", "image/png")
    assert backend.store.get(bucket, "photos/002_b/x y.png") == b"\x89PNG data"  # a copy
    assert [o.key for o in backend.store.list(bucket, "photos/")] == [
        "photos/001_a/x y.png", "photos/002_b/x y.png"]
    with pytest.raises(NotFound, match="nope.png"):
        backend.store.copy(bucket, "photos/001_a/nope.png", bucket, "photos/002_b/nope.png")
    with pytest.raises(NotFound, match="nope.png"):
        backend.store.copy(bucket, "photos/001_a/nope.png", bucket, "photos/002_b/nope.png",
                           {HASH_METADATA: "ef" * 32})
    assert backend.store.head(bucket, "photos/002_b/nope.png") is None


def test_conditional_copy_only_creates(backend):
    """CopyObject's If-None-Match: * (a move into a picset where an upload took the name
    since it looked): the copy loses and writes nothing; without the condition it replaces."""
    bucket = backend.names.pics_bucket
    source, taken, free = "photos/001_a/s.jpg", "photos/002_b/s.jpg", "photos/003_c/s.jpg"
    backend.store.put(bucket, source, b"moved", "image/jpeg", {HASH_METADATA: "1" * 64})
    backend.store.put(bucket, taken, b"uploaded", "image/jpeg", {HASH_METADATA: "2" * 64})
    for metadata in (None, {HASH_METADATA: "1" * 64, "finpics-placed": "op1"}):
        with pytest.raises(WriteConflict, match="s.jpg"):
            backend.store.copy(bucket, source, bucket, taken, metadata, if_absent=True)
        assert backend.store.get(bucket, taken) == b"uploaded"
        assert backend.store.head(bucket, taken).sha256 == "2" * 64
    backend.store.copy(bucket, source, bucket, free, if_absent=True)
    assert backend.store.get(bucket, free) == b"moved"
    backend.store.copy(bucket, source, bucket, taken)
    assert backend.store.get(bucket, taken) == b"moved"


def _photo(face_ids: list[str], image_id: str = "img") -> dict:
    return {"primarykey": "004_d", "sortkey": "p.jpg", "data": {"FaceRecords": [
        {"Face": {"FaceId": f, "ImageId": image_id, "Confidence": 99.0,
                  "BoundingBox": {"Width": 0.1, "Height": 0.1, "Left": 0.1, "Top": 0.1}},
         "FaceDetail": {}} for f in face_ids]}}


def test_photo_item_is_put_only_over_the_item_read_before(backend):
    """The conditional write of processing: over no item, over an item without faces, over
    the item of one run (its first face id); refused when another run's item is there."""
    t = backend.tables
    first, second, faceless = _photo(["f1", "f2"], "i1"), _photo(["f3"], "i2"), _photo([])
    assert t.put_pics_item_if_unchanged(first, None) is True
    assert t.put_pics_item_if_unchanged(second, None) is False
    assert t.put_pics_item_if_unchanged(second, _photo(["f2", "f1"])) is False
    assert t.get_pics_item("004_d", "p.jpg") == first
    assert t.put_pics_item_if_unchanged(second, first) is True
    assert t.put_pics_item_if_unchanged(faceless, first) is False
    assert t.put_pics_item_if_unchanged(faceless, faceless) is False
    assert t.put_pics_item_if_unchanged(faceless, second) is True
    assert t.put_pics_item_if_unchanged(first, None) is False
    assert t.put_pics_item_if_unchanged(first, second) is False
    assert t.put_pics_item_if_unchanged(first, _photo([])) is True  # any item without faces
    assert t.get_pics_item("004_d", "p.jpg") == first
    t.delete_pics_item("004_d", "p.jpg")
    assert t.put_pics_item_if_unchanged(faceless, first) is False
    assert t.put_pics_item_if_unchanged(faceless, None) is True
    assert t.get_pics_item("004_d", "p.jpg") == faceless

def test_query_orders_by_sort_key_both_ways(backend):
    ids = [f"{n:03d}_set" for n in range(1, 31)]
    for picset in reversed(ids):
        backend.tables.put_pics_item(items.picset_item(picset, "a.jpg"))
    backend.tables.put_pics_item({"primarykey": "001_set", "sortkey": "x.jpg",
                                  "data": {"FaceRecords": []}})
    assert [i["sortkey"] for i in backend.tables.query_pics("/")] == ids
    assert [i["sortkey"] for i in backend.tables.query_pics("/", descending=True)] == ids[::-1]
    assert backend.tables.query_pics("999_none") == []
    assert backend.tables.count_pics("/") == 30 and backend.tables.count_pics("001_set") == 1
    assert backend.tables.count_pics("999_none") == 0


def test_items_keep_numbers_and_nesting(backend):
    data = {"FaceRecords": [{"Face": {"FaceId": "f", "ImageId": "i", "Confidence": 99.99912,
                                      "BoundingBox": {"Width": 0.25, "Height": 0.5,
                                                      "Left": -0.01, "Top": 1.0}},
                             "FaceDetail": {"Landmarks": [{"Type": "eyeLeft", "X": 0.1,
                                                           "Y": 0.2}], "Pose": {}}}],
            "FaceModelVersion": "x", "UnindexedFaces": [], "count": 3, "flag": True,
            "name": "Zoë ✓"}
    item = {"primarykey": "001_a", "sortkey": "é b+c.jpg", "data": data}
    backend.tables.put_pics_item(item)
    got = backend.tables.get_pics_item("001_a", "é b+c.jpg")
    assert got == item
    assert isinstance(got["data"]["FaceRecords"][0]["Face"]["Confidence"], float)
    assert isinstance(got["data"]["count"], int)
    backend.tables.delete_pics_item("001_a", "é b+c.jpg")
    assert backend.tables.get_pics_item("001_a", "é b+c.jpg") is None


def test_image_items_batch_get_at_most_100(backend):
    t = backend.tables
    for n in range(130):
        t.put_image_item({"image_id": f"img-{n:03d}", "image_path": f"001_a/{n}.jpg",
                          "data": {"FaceRecords": []}})
    found, left = t.batch_get_image_items([f"img-{n:03d}" for n in range(100)])
    assert sorted(i["image_id"] for i in found + [{"image_id": k} for k in left]) == [
        f"img-{n:03d}" for n in range(100)]
    with pytest.raises(ValueError, match="100"):
        t.batch_get_image_items([f"img-{n:03d}" for n in range(101)])
    everything = batch_get_all(t, [f"img-{n:03d}" for n in range(130)] + ["img-missing"])
    assert len(everything) == 130 and "img-missing" not in everything
    assert t.get_image_item("img-007")["image_path"] == "001_a/7.jpg"
    t.delete_image_item("img-007")
    assert t.get_image_item("img-007") is None
    assert len(list(t.scan_image_items())) == 129


def test_photo_items_batch_get_at_most_100(backend):
    t = backend.tables
    for n in range(5):
        t.put_pics_item({"primarykey": "001_a", "sortkey": f"é {n}.jpg",
                         "data": {"FaceRecords": []}})
    keys = [("001_a", f"é {n}.jpg") for n in range(5)] + [("001_a", "missing.jpg")]
    found, left = t.batch_get_pics_items(keys + keys[:1])  # a key twice is asked once
    assert sorted((i["primarykey"], i["sortkey"]) for i in found) + left == keys[:5]
    with pytest.raises(ValueError, match="100"):
        t.batch_get_pics_items([("001_a", f"{n}.jpg") for n in range(101)])


# -- face index ----------------------------------------------------------------------------------
def test_faces_index_search_list_delete(backend, photos_dir):
    backend.faces.ensure_collection()
    backend.faces.ensure_collection()  # idempotent
    indexed = {}
    for rel in ["faces/biden/biden.jpg", "faces/biden/biden2.jpg", "faces/rose_leslie/img1.jpg"]:
        key, data = _put_photo(backend, photos_dir, rel, name=rel.replace("/", "_"))
        response = backend.faces.index_faces(backend.names.pics_bucket, key.key, data,
                                             external_image_id(key.key))
        assert not items.shape_errors_index_response(response)
        assert len(response["FaceRecords"]) == 1
        # the local cloud's Rekognition and the library: one engine, named as Rekognition does
        assert response["FaceModelVersion"] == MODEL_VERSION
        indexed[rel] = response["FaceRecords"][0]["Face"]
    biden, biden2, rose = (indexed[r] for r in indexed)
    assert biden["ExternalImageId"] == external_image_id("photos/001_test/faces_biden_biden.jpg")

    matches = backend.faces.search_faces(biden["FaceId"], 80.0, 4096)
    assert [m["Face"]["FaceId"] for m in matches] == [biden2["FaceId"]]
    assert 80.0 <= matches[0]["Similarity"] <= 100.0
    assert {f["FaceId"] for f in backend.faces.list_faces()} == {
        biden["FaceId"], biden2["FaceId"], rose["FaceId"]}
    with pytest.raises(NotFound):
        backend.faces.search_faces("00000000-0000-0000-0000-000000000000", 80.0, 10)

    backend.faces.delete_faces([biden2["FaceId"]])
    assert backend.faces.search_faces(biden["FaceId"], 80.0, 4096) == []
    assert len(list(backend.faces.list_faces())) == 2


# -- the pipeline over the ports -----------------------------------------------------------------
def test_process_and_search_over_the_ports(backend, photos_dir):
    backend.faces.ensure_collection()
    keys = [_put_photo(backend, photos_dir, rel, picset="007_kit")[0] for rel in
            ["faces/kit_harington/john1.jpeg", "faces/kit_harington/john2.jpeg",
             "faces/lin_manuel_miranda/lin-manuel-miranda.png"]]
    photo_items = [_process(backend, key) for key in keys]
    for key, item in zip(keys, photo_items, strict=True):
        assert not items.shape_errors_photo_item(item)
        assert backend.tables.get_pics_item("007_kit", key.name) == item
        thumb = backend.store.head(backend.names.thumbs_bucket, key.key)
        assert thumb is not None and thumb.size > 0
        assert backend.store.content_type(backend.names.thumbs_bucket, key.key) == \
            key.content_type
        image = backend.tables.get_image_item(
            item["data"]["FaceRecords"][0]["Face"]["ImageId"])
        assert not items.shape_errors_image_item(image)
        assert image["image_path"] == key.image_path
    assert backend.tables.get_pics_item("/", "007_kit")["pic"] == "john1.jpeg"

    face = photo_items[0]["data"]["FaceRecords"][0]["Face"]["FaceId"]
    assert [m.image_path for m in search_faces(backend.tables, backend.faces, face)] == [
        "007_kit/john2.jpeg"]

    # processing again replaces the faces instead of adding more
    _process(backend, keys[0])
    assert len(list(backend.faces.list_faces())) == 3


def test_removing_a_photo_leaves_nothing_behind(backend, photos_dir):
    backend.faces.ensure_collection()
    first, _ = _put_photo(backend, photos_dir, "faces/rose_leslie/img1.jpg", picset="008_rose")
    second, _ = _put_photo(backend, photos_dir, "faces/rose_leslie/img2.jpg", picset="008_rose")
    item = _process(backend, first)
    _process(backend, second)
    assert backend.tables.get_pics_item("/", "008_rose")["pic"] == "img1.jpg"

    remove_photo(backend.store, backend.tables, backend.faces, backend.names, first)
    assert backend.tables.get_pics_item("008_rose", "img1.jpg") is None
    assert backend.tables.get_image_item(item["data"]["FaceRecords"][0]["Face"]["ImageId"]) is None
    assert backend.store.head(backend.names.pics_bucket, first.key) is None
    assert backend.store.head(backend.names.thumbs_bucket, first.key) is None
    assert len(list(backend.faces.list_faces())) == 1
    assert backend.tables.get_pics_item("/", "008_rose")["pic"] == "img2.jpg"

    remove_photo(backend.store, backend.tables, backend.faces, backend.names, second)
    assert backend.tables.get_pics_item("/", "008_rose") is None
    assert list(backend.store.list(backend.names.pics_bucket, "photos/008_rose/")) == []
    assert list(backend.faces.list_faces()) == []


def test_of_conditional_puts_at_once_exactly_one_wins(backend):
    """The condition and the write are one atomic step: of 8 runs putting their item over the
    same previous item at once, one succeeds, every time (threads switched as often as Python
    allows, so that a check-then-write would be caught between the two)."""
    t = backend.tables
    switch = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        for round_ in range(80):
            previous = t.get_pics_item("004_d", "p.jpg")
            start = threading.Barrier(8)

            def put(n, previous=previous, round_=round_):
                start.wait()
                return t.put_pics_item_if_unchanged(_photo([f"r{round_}-{n}"]), previous)

            with ThreadPoolExecutor(8) as pool:
                won = [n for n, ok in enumerate(pool.map(put, range(8))) if ok]
            assert len(won) == 1, f"round {round_}: {len(won)} writes won"
            assert items.run_mark(t.get_pics_item("004_d", "p.jpg")) == f"r{round_}-{won[0]}"
    finally:
        sys.setswitchinterval(switch)


def test_a_document_is_never_read_half_written(backend):
    """An item is written as one step: a reader listing documents while others are created
    sees each one whole or not at all (threads switched as often as Python allows)."""
    private = backend.private
    switch = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        for round_ in range(10):
            start = threading.Barrier(3)

            def write(half, round_=round_):
                start.wait()
                for n in range(half, 40, 2):
                    private.put("race", f"{round_}-{n:02}", {"n": n})

            def read(round_=round_):
                start.wait()
                seen = []
                for _ in range(30):
                    seen += private.query("race", f"{round_}-")
                return seen

            with ThreadPoolExecutor(3) as pool:
                writers = [pool.submit(write, half) for half in (0, 1)]
                seen = pool.submit(read).result()
                for writer in writers:
                    writer.result()
            assert all(doc.doc == {"n": int(doc.sk[-2:])} for doc in seen)
    finally:
        sys.setswitchinterval(switch)
