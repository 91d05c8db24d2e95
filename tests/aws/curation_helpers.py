"""Helpers of the curation tests: publish real photos on either backend, take the contract's
whole state, and assert it is consistent the way the public site needs it."""

from __future__ import annotations

import hashlib
import itertools
from pathlib import Path

import pytest

from finpics_desktop.domain import items
from finpics_desktop.domain.keys import photo_key
from finpics_desktop.domain.picsets import PICSET_ROOT
from finpics_desktop.pipeline.check import check
from finpics_desktop.ports import HASH_METADATA

PHOTOS = Path(__file__).resolve().parents[2].parent / "shared" / "photos"
OBAMA = ("faces/obama/obama1.jpg", "faces/obama/obama2.jpg", "faces/obama/obama3.jpg")
BIDEN = ("faces/biden/biden.jpg", "faces/biden/biden2.jpg")
_numbers = itertools.count(100, 10)


class Album:
    """A backend and how its originals get processed: in-process on the library, by the
    processing function the S3 event triggers on the cloud (``cloud`` waits for it)."""

    def __init__(self, backend, cloud=None):
        self.backend = backend
        self.cloud = cloud

    @property
    def names(self):
        return self.backend.names

    def settle(self) -> None:
        if self.cloud is not None:
            self.cloud.wait_idle()
            assert self.cloud.event_errors == []

    def publish(self, picset: str, *rels: str) -> None:
        b = self.backend
        for rel in rels:
            data = (PHOTOS / rel).read_bytes()
            key = photo_key(picset, rel.rsplit("/", 1)[-1])
            b.store.put(b.names.pics_bucket, key.key, data, key.content_type,
                        {HASH_METADATA: hashlib.sha256(data).hexdigest()})
            if b.process is not None:
                b.process(b.names.pics_bucket, key.key)
        self.settle()

    # -- the state -------------------------------------------------------------------------------
    def entries(self) -> dict[str, str | None]:
        return {i["sortkey"]: i.get("pic")
                for i in self.backend.tables.query_pics(PICSET_ROOT, descending=True)}

    def photos(self, picset: str) -> dict[str, list[str]]:
        """file name -> its FaceIds."""
        return {i["sortkey"]: items.face_ids(i["data"])
                for i in self.backend.tables.query_pics(picset)}

    def keys(self, bucket: str, prefix: str = "photos/") -> list[str]:
        return [o.key for o in self.backend.store.list(bucket, prefix)]

    def faces(self) -> set[str]:
        return {f["FaceId"] for f in self.backend.faces.list_faces()}

    def state(self) -> dict:
        return {"entries": self.entries(),
                "photos": {p: self.photos(p) for p in self.entries()},
                "originals": self.keys(self.names.pics_bucket),
                "thumbnails": self.keys(self.names.thumbs_bucket),
                "images": sorted((i["image_id"], i["image_path"])
                                 for i in self.backend.tables.scan_image_items()),
                "faces": self.faces()}

    def assert_consistent(self, *, kept_faces: set[str] = frozenset()) -> dict:
        """The contract's whole state agrees with itself and the site's own calls work; check
        is clean. ``kept_faces``: faces of trashed photos (in the index, listed by no item)."""
        self.settle()
        s, tables = self.state(), self.backend.tables
        listed = [i["sortkey"] for i in tables.query_pics(PICSET_ROOT, descending=True)]
        assert listed == sorted(listed, reverse=True)
        keys, face_owner = [], {}
        for picset, photos in s["photos"].items():
            assert photos, f"picset {picset} is listed but empty"
            assert s["entries"][picset] in photos, f"{picset} features a missing photo"
            assert tables.get_pics_item(PICSET_ROOT, picset)["pic"] == s["entries"][picset]
            for name, face_ids in photos.items():
                key = f"photos/{picset}/{name}"
                keys.append(key)
                for face in face_ids:
                    assert face not in face_owner, f"{key} and {face_owner[face]} share {face}"
                    face_owner[face] = key
                item = tables.get_pics_item(picset, name)
                assert not items.shape_errors_photo_item(item)
                for image_id in items.image_ids(item["data"]):
                    image = tables.get_image_item(image_id)
                    assert image["image_path"] == f"{picset}/{name}", image["image_path"]
                    assert image["data"] == item["data"]
        assert sorted(keys) == s["originals"] == s["thumbnails"]
        assert {p for _, p in s["images"]} <= {k[len("photos/"):] for k in keys}
        assert set(face_owner) | set(kept_faces) == s["faces"]
        for face, key in list(face_owner.items())[:6]:  # the site's search, from a few faces
            for match in self.backend.search(face):
                assert f"photos/{match.image_path}" in keys, match.image_path
        report = check(self.backend)
        assert report.found == [], [p.line() for p in report.found]
        return s


# -- the fixtures of the curation test modules (each imports them) -----------------------------
@pytest.fixture(name="album", params=["local", "aws"])
def album_fixture(request):
    if request.param == "local":
        return Album(request.getfixturevalue("library"))
    return Album(request.getfixturevalue("own_stack"), request.getfixturevalue("cloud"))


@pytest.fixture(name="ids")
def ids_fixture():
    """Picset ids of this test (the cloud's album is shared by the module's tests)."""
    base = next(_numbers)
    return [f"{base + n:03d}_{slug}" for n, slug in enumerate(("obama", "biden", "more"))]


def trashed_faces(album) -> set[str]:
    from finpics_desktop.pipeline.curation import trashed_face_ids

    return trashed_face_ids(album.backend.private)
