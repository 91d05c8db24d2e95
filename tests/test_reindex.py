"""Engine versions and ``reindex`` on a library the previous version of the app (dlib's engine)
left behind: its faces are never compared with the new engine's, ``reindex`` replaces them
keeping FaceIds where the boxes overlap, the library stays consistent, the user is told once."""

from __future__ import annotations

import io
import json

import pytest
from old_library import DLIB, FAR_AWAY, age_library
from PIL import Image

from finpics_desktop.backends.local.engine import MODEL_VERSION
from finpics_desktop.backends.local.library import open_library
from finpics_desktop.cli import main
from finpics_desktop.domain import items
from finpics_desktop.domain.boxes import iou
from finpics_desktop.pipeline.check import check
from finpics_desktop.pipeline.people.carry import Carrier
from finpics_desktop.pipeline.people.naming import People
from finpics_desktop.pipeline.people.reindex import reindex, reindex_photo, upgrade_notice
from finpics_desktop.pipeline.publish.upload import Publisher

OLD = "001_old"


def publish(backend, folder, picset):
    report = Publisher(backend.store, backend.tables, backend.faces, backend.names,
                       backend.process).publish([folder], picset)
    assert report.ok, report.summary()


def faces_by_photo(backend, picset):
    return {p["sortkey"]: p["data"]["FaceRecords"] for p in backend.tables.query_pics(picset)}


@pytest.fixture
def old(tmp_path, engine, copy_photos):
    """Six photos as the dlib version indexed them: it missed the child at the edge of
    obama_and_biden.jpg and the face of biden2.jpg, and boxed Kit Harington in kit_with_rose.jpg
    far from his face. Returns the library folder and the FaceIds of those three."""
    folder = copy_photos("faces/groups", "faces/biden", "orientation/Landscape_1.jpg")
    root = tmp_path / "library"
    backend = open_library(root, engine=engine)
    publish(backend, folder, OLD)
    now = faces_by_photo(backend, OLD)
    backend.close()
    right = {name: max(r, key=lambda x: x["Face"]["BoundingBox"]["Left"])["Face"]["FaceId"]
             for name, r in now.items() if r}
    assert len(now["obama_and_biden.jpg"]) == 3 and len(now["biden2.jpg"]) == 1
    odd = {"child": right["obama_and_biden.jpg"], "biden2": right["biden2.jpg"],
           "kit": right["kit_with_rose.jpg"]}
    age_library(root, missed={odd["child"], odd["biden2"]}, elsewhere={odd["kit"]})
    return root, odd


def test_faces_of_the_old_engine_are_only_compared_among_themselves(old, engine, copy_photos):
    root, _ = old
    backend = open_library(root, engine=engine)  # the new version opens the old library
    assert backend.faces.outdated_faces() == {DLIB: 7}
    publish(backend, copy_photos("faces/obama/obama.jpg", "faces/obama/obama2.jpg",
                                 "faces/biden/biden.jpg", folder="new"), "002_new")
    assert backend.faces.outdated_faces() == {DLIB: 7}
    old_biden = max(faces_by_photo(backend, OLD)["two_people.jpg"],
                    key=lambda r: r["Face"]["BoundingBox"]["Left"])["Face"]["FaceId"]
    found = [m.image_path for m in backend.search(old_biden)]
    # the old biden.jpg, not the new one with the very same picture: another engine's face
    assert found == [f"{OLD}/biden.jpg"]
    new_obama = faces_by_photo(backend, "002_new")["obama.jpg"][0]["Face"]["FaceId"]
    assert [m.image_path for m in backend.search(new_obama)] == [
        "002_new/obama2.jpg"]
    backend.close()


def test_reindex_keeps_face_ids_where_boxes_overlap_and_leaves_the_library_consistent(
        old, engine):
    root, odd = old
    backend = open_library(root, engine=engine)
    before = faces_by_photo(backend, OLD)
    report = reindex(backend)
    assert report.ok and report.current == 0 and report.engine == MODEL_VERSION
    assert len(report.changes) == 6
    after = faces_by_photo(backend, OLD)
    for photo in backend.tables.query_pics(OLD):
        assert photo["data"]["FaceModelVersion"] == MODEL_VERSION
    assert backend.faces.outdated_faces() == {}
    kept = new = 0
    for name, records in before.items():
        now = {r["Face"]["FaceId"]: r["Face"] for r in after[name]}
        for record in records:
            face = record["Face"]
            if face["BoundingBox"] == FAR_AWAY:  # no new face there: gone
                assert face["FaceId"] == odd["kit"] and face["FaceId"] not in now
                continue
            kept += 1
            assert face["FaceId"] in now, name  # the same FaceId, on the new engine's box
            assert iou(now[face["FaceId"]]["BoundingBox"], face["BoundingBox"]) > 0.3
            assert now[face["FaceId"]]["BoundingBox"] != face["BoundingBox"]
        new += len(set(now) - set(items.face_ids({"FaceRecords": records})))
        if records:  # the photo keeps its ImageId (its pics_by_image_id item too)
            assert items.image_ids({"FaceRecords": after[name]}) == items.image_ids(
                {"FaceRecords": records})
    assert (kept, new) == (6, 3)  # the child, Kit on his face, biden2.jpg's face
    assert len(after["obama_and_biden.jpg"]) == 3 and len(after["biden2.jpg"]) == 1
    assert after["Landscape_1.jpg"] == []
    totals = [sum(getattr(c, k) for c in report.changes) for k in ("kept", "new", "removed")]
    assert totals == [6, 3, 1]
    indexed = {f["FaceId"] for f in backend.faces.list_faces()}
    assert indexed == {r["Face"]["FaceId"] for rs in after.values() for r in rs}
    assert check(backend).found == []  # tables and index consistent
    for name, records in after.items():  # the image items follow the photo items
        for image_id in items.image_ids({"FaceRecords": records}):
            assert backend.tables.get_image_item(image_id)["image_path"] == f"{OLD}/{name}"
    # searching works on the re-indexed faces
    obama = min(after["two_people.jpg"], key=lambda r: r["Face"]["BoundingBox"]["Left"])
    found = {m.image_path for m in backend.search(obama["Face"]["FaceId"])}
    assert found == {f"{OLD}/obama_and_biden.jpg"}
    again = reindex(backend)  # nothing left to do
    assert again.changes == [] and again.current == 6
    backend.close()


def test_a_photo_that_cannot_be_reindexed_is_reported_and_the_others_are_done(old, engine):
    root, _ = old
    backend = open_library(root, engine=engine)
    backend.store.path(backend.names.pics_bucket, f"photos/{OLD}/biden.jpg").unlink()
    report = reindex(backend, picset=OLD)
    assert not report.ok
    assert [(c.photo, c.error) for c in report.failed] == [
        (f"{OLD}/biden.jpg", f"no object 'photos/{OLD}/biden.jpg' in bucket 'finpics-pics'")]
    assert len(report.changes) == 6
    # left as it was: still the old engine's, ready for the next run
    assert backend.tables.get_pics_item(OLD, "biden.jpg")["data"]["FaceModelVersion"] == DLIB
    assert backend.faces.outdated_faces() == {DLIB: 1}
    backend.close()


def test_a_photo_published_again_around_its_reindex_keeps_the_new_item(library, photos_dir,
                                                                        tmp_path):
    """``reindex`` lists the photos first: one replaced since it was listed is re-indexed as it
    is now, one replaced while it is re-indexed keeps the replacement's item (and the re-index
    says to run it again); either way the library stays consistent."""
    folder = tmp_path / "src"
    folder.mkdir()
    photo = folder / "x.jpg"

    def publish_as_x(rel: str, **options):
        photo.write_bytes((photos_dir / rel).read_bytes())
        report = Publisher.for_backend(library, **options).publish([folder], "001_t")
        assert report.ok, report.summary()

    def face_ids():
        return sorted(items.face_ids(library.tables.get_pics_item("001_t", "x.jpg")["data"]))

    publish_as_x("faces/obama/obama.jpg")
    listed = library.tables.get_pics_item("001_t", "x.jpg")
    publish_as_x("faces/biden/biden.jpg", on_conflict="replace")
    replaced = face_ids()
    assert replaced != sorted(items.face_ids(listed["data"]))
    change = reindex_photo(library, listed)
    assert change.error is None and change.kept == len(replaced) == 1
    assert face_ids() == replaced and check(library).found == []

    class PublishedMeanwhile(Carrier):  # runs between indexing the faces and writing the item
        def carry(self, *args, **kwargs):
            publish_as_x("faces/obama/obama2.jpg", on_conflict="replace")
            return super().carry(*args, **kwargs)

    change = reindex_photo(library, library.tables.get_pics_item("001_t", "x.jpg"),
                           PublishedMeanwhile(library))
    assert change.error == "changed meanwhile: run reindex again"
    assert face_ids() not in ([], replaced)  # the replacement's faces
    assert check(library).found == []

    # a name carried to a new face of a re-framed original goes with that face
    [face] = face_ids()
    People(library).name_face(face, "Barack Obama")
    with Image.open(photos_dir / "faces/obama/obama2.jpg") as im:  # cut: the box moves
        out = io.BytesIO()
        im.crop((im.width // 3, 0, im.width, im.height * 3 // 4)).save(out, "JPEG", quality=92)
    library.store.put(library.names.pics_bucket, "photos/001_t/x.jpg", out.getvalue(),
                      "image/jpeg")

    class NamedAndPublishedMeanwhile(Carrier):
        def carry(self, *args, **kwargs):
            carried = super().carry(*args, **kwargs)
            assert carried[0] == 1
            publish_as_x("faces/biden/biden.jpg", on_conflict="replace")
            return carried

    change = reindex_photo(library, library.tables.get_pics_item("001_t", "x.jpg"),
                           NamedAndPublishedMeanwhile(library))
    assert change.error == "changed meanwhile: run reindex again"
    assert check(library).found == []


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_tells_once_then_reindexes_and_reports(old, capsys):
    root, _ = old
    lib = str(root)
    code, _, err = run(capsys, "--library", lib, "picsets")
    assert code == 0
    assert ("note: this library holds 7 face(s) indexed by an older face engine "
            "(dlib-resnet-v1)") in err
    assert "`finpics-desktop reindex`" in err
    code, _, err = run(capsys, "--library", lib, "picsets")
    assert code == 0 and "note:" not in err  # told once

    code, _, err = run(capsys, "--library", lib, "reindex", "--picset", "009_nothing")
    assert code == 1 and "there is no picset '009_nothing'" in err
    code, out, err = run(capsys, "--library", lib, "reindex", "--json")
    assert code == 0, err
    report = json.loads(out)
    assert report["engine"] == MODEL_VERSION
    assert report["failed"] == [] and report["already_current"] == 0
    assert report["cancelled"] is False
    by_photo = {r["photo"]: r for r in report["reindexed"]}
    assert by_photo[f"{OLD}/kit_with_rose.jpg"] == {
        "photo": f"{OLD}/kit_with_rose.jpg", "before": 2, "kept": 1, "new": 1, "removed": 1}
    assert by_photo[f"{OLD}/biden2.jpg"] == {
        "photo": f"{OLD}/biden2.jpg", "before": 0, "kept": 0, "new": 1, "removed": 0}
    assert "[6/6]" in err
    assert (f"6 photo(s) re-indexed with {MODEL_VERSION}: 6 face(s) kept, 3 new, 1 removed; "
            "0 already current") in err
    code, _, err = run(capsys, "--library", lib, "check")
    assert code == 0 and "the album is consistent" in err


def test_a_new_library_has_nothing_to_tell(library):
    assert library.faces.outdated_faces() == {}
    assert upgrade_notice(library) is None
