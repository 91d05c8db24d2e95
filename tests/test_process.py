"""process_new_image and search_faces on the local library: the contract's item shapes,
idempotency, the cover rule, and search without the original's 100-photo cap."""

from __future__ import annotations

import numpy as np
import pytest

from finpics_desktop.domain import items
from finpics_desktop.domain.errors import InvalidName, StorageFull, UnsupportedImage
from finpics_desktop.domain.picsets import PICSET_ROOT
from finpics_desktop.pipeline.functions.process import process_new_image
from finpics_desktop.pipeline.functions.search import batch_get_all, search_faces


def put_original(backend, key: str, data: bytes) -> None:
    backend.store.put(backend.names.pics_bucket, key, data, "image/jpeg")


def test_items_have_the_contract_shapes(library, photos_dir):
    key = "photos/001_group/two_people.jpg"
    put_original(library, key, (photos_dir / "faces/groups/two_people.jpg").read_bytes())
    photo = library.process(library.names.pics_bucket, key)

    assert library.tables.get_pics_item("001_group", "two_people.jpg") == photo
    assert items.shape_errors_photo_item(photo) == []
    records = photo["data"]["FaceRecords"]
    assert len(records) == 2
    image_ids = {r["Face"]["ImageId"] for r in records}
    assert len(image_ids) == 1
    for record in records:
        face, box = record["Face"], record["Face"]["BoundingBox"]
        assert set(face) >= {"FaceId", "ImageId", "Confidence", "BoundingBox"}
        assert all(0 <= box[k] <= 1 for k in ("Width", "Height", "Left", "Top"))
        assert box["Left"] + box["Width"] <= 1.0001 and box["Top"] + box["Height"] <= 1.0001
        assert 0 < face["Confidence"] <= 100
        assert {lm["Type"] for lm in record["FaceDetail"]["Landmarks"]} == {
            "eyeLeft", "eyeRight", "nose"}

    image_item = library.tables.get_image_item(image_ids.pop())
    assert items.shape_errors_image_item(image_item) == []
    assert image_item["image_path"] == "001_group/two_people.jpg"
    assert image_item["data"] == photo["data"]

    assert library.tables.query_pics(PICSET_ROOT) == [
        {"primarykey": "/", "sortkey": "001_group", "pic": "two_people.jpg"}]
    thumb = library.store.get(library.names.thumbs_bucket, key)
    assert thumb[:2] == b"\xff\xd8"


def test_photo_without_faces_has_an_item_but_no_image_item(library, photos_dir):
    key = "photos/002_land/Landscape_1.jpg"
    put_original(library, key, (photos_dir / "orientation/Landscape_1.jpg").read_bytes())
    photo = library.process(library.names.pics_bucket, key)
    assert photo["data"]["FaceRecords"] == []
    assert list(library.tables.scan_image_items()) == []


def test_processing_twice_leaves_one_set_of_faces_and_the_same_items(library, photos_dir):
    key = "photos/003_x/obama_and_biden.jpg"
    put_original(library, key, (photos_dir / "faces/groups/obama_and_biden.jpg").read_bytes())
    first = library.process(library.names.pics_bucket, key)
    second = library.process(library.names.pics_bucket, key)
    faces = list(library.faces.list_faces())
    assert len(faces) == len(first["data"]["FaceRecords"]) == len(second["data"]["FaceRecords"])
    assert {f["FaceId"] for f in faces} == set(items.face_ids(second["data"]))
    assert [i["image_id"] for i in library.tables.scan_image_items()] == list(
        items.image_ids(second["data"]))
    assert len(library.tables.query_pics("003_x")) == 1
    strip = [{k: r["Face"]["BoundingBox"][k] for k in ("Left", "Top")}
             for r in first["data"]["FaceRecords"]]
    assert strip == [{k: r["Face"]["BoundingBox"][k] for k in ("Left", "Top")}
                     for r in second["data"]["FaceRecords"]]


class _FullBeforeTheItem:
    """The library's tables, on a disk that fills up just before the photo's item is written."""

    def __init__(self, tables):
        self._tables = tables

    def put_pics_item_if_unchanged(self, item, previous):
        raise StorageFull("finpics.sqlite3: the disk is full")

    def __getattr__(self, name):
        return getattr(self._tables, name)


def test_a_write_failing_after_indexfaces_leaves_no_face_behind(library, photos_dir):
    """A full disk (or a lost network) between IndexFaces and the photo's item: the faces just
    indexed and their image item go again, so that no face is left that no item lists."""
    key = "photos/004_full/obama_and_biden.jpg"
    put_original(library, key, (photos_dir / "faces/groups/obama_and_biden.jpg").read_bytes())
    with pytest.raises(StorageFull):
        process_new_image(library.store, _FullBeforeTheItem(library.tables), library.faces,
                          library.names, library.names.pics_bucket, key)
    assert list(library.faces.list_faces()) == []
    assert list(library.tables.scan_image_items()) == []
    assert library.process(library.names.pics_bucket, key)["data"]["FaceRecords"]  # again


def test_cover_is_the_first_photo_and_is_kept(library, photos_dir):
    for name in ("biden.jpg", "biden2.jpg"):
        key = f"photos/004_b/{name}"
        put_original(library, key, (photos_dir / "faces/biden" / name).read_bytes())
        library.process(library.names.pics_bucket, key)
    assert library.tables.get_pics_item(PICSET_ROOT, "004_b")["pic"] == "biden.jpg"


@pytest.mark.parametrize(
    ("key", "error", "reason"),
    [
        ("photos/005_a/notes.txt", UnsupportedImage, "unsupported file type"),
        ("elsewhere/005_a/x.jpg", InvalidName, "not under"),
        ("photos/005_a/x.jpg", UnsupportedImage, "not an image"),
    ],
)
def test_bad_objects_are_refused_and_nothing_is_written(library, key, error, reason):
    put_original(library, key, b"this is text, not a photo")
    with pytest.raises(error, match=reason):
        library.process(library.names.pics_bucket, key)
    assert library.tables.query_pics(PICSET_ROOT) == []
    assert list(library.store.list(library.names.thumbs_bucket)) == []


class CountingTables:
    """The real SQLite tables, recording BatchGetItem calls and leaving the last key of each
    call unprocessed the first time, as DynamoDB does under load."""

    def __init__(self, tables):
        self.tables = tables
        self.calls: list[int] = []
        self.held_back: set[str] = set()

    def batch_get_image_items(self, ids):
        self.calls.append(len(ids))
        got, _ = self.tables.batch_get_image_items(ids)
        if ids[-1] not in self.held_back:
            self.held_back.add(ids[-1])
            return [g for g in got if g["image_id"] != ids[-1]], [ids[-1]]
        return got, []

    def batch_get_pics_items(self, keys):
        return self.tables.batch_get_pics_items(keys)


def test_search_returns_every_photo_beyond_100(library, photos_dir):
    """250 photos of one person: all come back, fetched in chunks of at most 100 keys."""
    key = "photos/006_o/obama.jpg"
    put_original(library, key, (photos_dir / "faces/obama/obama.jpg").read_bytes())
    photo = library.process(library.names.pics_bucket, key)
    face = photo["data"]["FaceRecords"][0]["Face"]
    vector = np.frombuffer(library.faces.db.query(
        "SELECT vector FROM faces WHERE face_id = ?", (face["FaceId"],))[0][0], np.float32)
    rng = np.random.default_rng(7)
    copies = []
    for n in range(250):  # the same real face, slightly perturbed: 250 more photos of him
        image_id = f"img-{n:04d}"
        f = dict(face, FaceId=f"face-{n:04d}", ImageId=image_id)
        copies.append((f, vector + rng.normal(0, 0.01, vector.shape).astype(np.float32)))
        data = {"FaceRecords": [{"Face": f, "FaceDetail": {}}]}
        library.tables.put_image_item({"image_id": image_id, "image_path": f"006_o/c{n}.jpg",
                                       "data": data})
        library.tables.put_pics_item({"primarykey": "006_o", "sortkey": f"c{n}.jpg", "data": data})
    library.faces.add_vectors(copies)
    counting = CountingTables(library.tables)
    assert len(search_faces(counting, library.faces, face["FaceId"])) == 250
    assert max(counting.calls) <= 100
    # 250 photos and the searched face's own (its quality is part of the band), by 100
    assert sorted(counting.calls) == sorted([100, 100, 51, 1, 1, 1])


def test_batch_get_gives_up_with_a_clear_error(library):
    class Stuck:
        def batch_get_image_items(self, ids):
            return [], ids

    with pytest.raises(Exception, match="unprocessed after 3 tries"):
        batch_get_all(Stuck(), ["a"], attempts=3, sleep=lambda s: None)
