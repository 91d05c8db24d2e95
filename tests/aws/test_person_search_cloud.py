"""A named face searches with the person on the cloud too: the AWS adapters over HTTP to the
local cloud, whose Rekognition serves SearchUsers from the person's user vector (the local face
index behind the wire), real engine, real photos of faces/."""

from __future__ import annotations

import pytest
from labelled_album import label_faces

from finpics_desktop.app.search import search_by_face
from finpics_desktop.domain.bands import MAYBE, SURE
from finpics_desktop.pipeline.functions.search import search_faces
from finpics_desktop.pipeline.people.naming import People
from tests.aws.test_people_cloud import publish_faces


@pytest.fixture
def faces_on_the_cloud(aws_backend, photos_dir, labels):
    """faces/ on fresh cloud resources (a picset a folder): (backend, photo of each face,
    who)."""
    backend = aws_backend
    where = publish_faces(backend, photos_dir)
    who = label_faces(backend, where, labels)
    photo_of = {}
    for path in where:
        picset, name = path.split("/")
        for record in backend.tables.get_pics_item(picset, name)["data"]["FaceRecords"]:
            photo_of[record["Face"]["FaceId"]] = path
    return backend, photo_of, who


def test_a_named_face_searches_with_the_person_on_the_cloud(faces_on_the_cloud, cloud):
    backend, photo_of, who = faces_on_the_cloud
    people = People(backend)
    obama = sorted((f for f, p in who.items() if p == "obama"), key=lambda f: photo_of[f])
    for face_id in obama[:2]:
        people.name_face(face_id, "Barack Obama")
    people.name_face(next(f for f, p in who.items() if p == "biden"), "Joe Biden")
    cloud.gateway.reset_calls()
    found = search_by_face(backend, obama[0])
    calls = {operation: n for (_, operation), n in cloud.gateway.calls.items()}
    print(f"\nthe person's search on the cloud: {calls}")
    assert calls.get("SearchUsers", 0) >= 1  # the person's user vector, over the wire
    assert "Invoke" not in calls  # not the public site's search by one face
    assert found.person is not None and found.person.person.name == "Barack Obama"
    assert found.person.faces == 2 and found.title == (
        "Barack Obama (searched with 2 named faces)")
    paths = [m.image_path for m in found.matches]
    assert found.named == {photo_of[obama[1]]} and paths[0] == photo_of[obama[1]]
    assert len(paths) == len(set(paths)) and photo_of[obama[0]] not in paths
    assert [m.image_path for m in found.person.photos if who.get(m.matched_face_id) != "obama"
            ] == []  # never another person among the named and sure results
    assert [m.band for m in found.matches] == (  # the maybes apart, after every sure one
        [SURE] * len(found.person.photos) + [MAYBE] * len(found.person.maybe))
    alone = {m.image_path for m in search_faces(backend.tables, backend.faces, obama[0])}
    own = {photo_of[f] for f in obama} - {photo_of[obama[0]]}
    shown = set(paths) | {m.image_path for m in found.person.maybe}
    assert alone & own <= shown
    assert own - {photo_of[f] for f in obama if "partial" in photo_of[f]} <= set(paths)
