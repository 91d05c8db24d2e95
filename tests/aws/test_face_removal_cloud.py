"""Remove the face and regions named by hand on the cloud: the AWS adapters over HTTP to the
local cloud (DeleteFaces over the wire, DynamoDB's tables, the private table), with the real
engine behind its Rekognition: the face leaves both items and the collection, ``reindex --all``
(every FaceId new) never brings it back, undo puts it back with a new FaceId and its name; a
region is kept, counted and found by name."""

from __future__ import annotations

from finpics_desktop.app import people
from finpics_desktop.app.curate import Curator
from finpics_desktop.domain import items
from finpics_desktop.domain.errors import NoFaceFound
from finpics_desktop.pipeline.people.drawn import add_face
from finpics_desktop.pipeline.people.records import REMOVED
from finpics_desktop.pipeline.people.reindex import reindex
from tests.aws.test_people_cloud import put_and_process

PICSET = "001_friends"


def test_a_face_removed_on_the_cloud_stays_removed_and_undo_puts_it_back(aws_backend,
                                                                         photos_dir):
    backend = aws_backend
    backend.faces.ensure_collection()
    put_and_process(backend, PICSET, "group.jpg",
                    (photos_dir / "faces/groups/obama_and_biden.jpg").read_bytes())
    put_and_process(backend, PICSET, "sky.jpg",
                    (photos_dir / "orientation/Landscape_1.jpg").read_bytes())
    data = backend.tables.get_pics_item(PICSET, "group.jpg")["data"]
    face, *others = items.face_ids(data)
    [image_id] = items.image_ids(data)
    people.name_face(backend, face, "Poster Man")

    curator = Curator(backend)
    curator.remove_face(face)
    data = backend.tables.get_pics_item(PICSET, "group.jpg")["data"]
    assert items.face_ids(data) == others
    assert items.face_ids(backend.tables.get_image_item(image_id)["data"]) == others
    assert face not in {f["FaceId"] for f in backend.faces.list_faces()}  # DeleteFaces
    assert backend.private.get(REMOVED, face) is not None
    assert people.person_photos(backend, "Poster Man") == []

    report = reindex(backend, every=True)  # Rekognition: every FaceId new, none on its box
    assert report.ok, report.summary()
    data = backend.tables.get_pics_item(PICSET, "group.jpg")["data"]
    assert len(items.face_ids(data)) == len(others)
    assert not set(items.face_ids(data)) & {face, *others}  # (new ids)

    curator.undo()  # back: a new FaceId (Rekognition's), with its name
    data = backend.tables.get_pics_item(PICSET, "group.jpg")["data"]
    assert len(items.face_ids(data)) == len(others) + 1
    [photo] = people.person_photos(backend, "Poster Man")
    assert photo.image_path == f"{PICSET}/group.jpg" and photo.matched_face_id != face
    assert backend.private.query(REMOVED) == []
    for image in {r["Face"]["ImageId"] for r in data["FaceRecords"]}:  # the site's search
        assert backend.tables.get_image_item(image) is not None

    sky = {"Left": 0.05, "Top": 0.05, "Width": 0.1, "Height": 0.12}
    try:
        add_face(backend, PICSET, "sky.jpg", sky)
        raise AssertionError("a face was found in the sky")
    except NoFaceFound:
        region = people.keep_region(backend, PICSET, "sky.jpg", sky, "Ann Back")
    assert [m.image_path for m in people.person_photos(backend, "Ann Back")] == [
        f"{PICSET}/sky.jpg"]
    assert backend.tables.get_pics_item(PICSET, "sky.jpg")["data"]["FaceRecords"] == []
    assert people.remove_face(backend, region.region_id).name == "Ann Back"
    assert people.person_photos(backend, "Ann Back") == []
