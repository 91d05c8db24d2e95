"""Search with more than 100 matching photos returns all of them (the original's cap is gone),
with the AWS calls counted on the wire: 1 Invoke; inside it 1 SearchFaces and
ceil(photos / 100) BatchGetItem."""

from __future__ import annotations

import math
import uuid

import numpy as np
import pytest

from finpics_desktop.backends.aws.backend import open_aws
from tests.aws.aws_helpers import create_resources, fresh_names

PHOTOS = 151  # the searched face's own photo + 150 others


@pytest.fixture(scope="module")
def big_album(cloud, deployed, lambda_zip, engine, photos_dir):
    """One real face descriptor (obama.jpg) reused, slightly perturbed, as 151 photos' faces:
    the index is seeded directly, the items through the adapters."""
    from finpics_desktop.backends.aws.session import Clients

    names = fresh_names("big")
    clients = Clients(cloud.settings())
    create_resources(clients, names)
    vector = engine.analyze((photos_dir / "faces/obama/obama.jpg").read_bytes(),
                            "obama.jpg")[0].descriptor
    rng = np.random.default_rng(7)
    index = cloud.gateway.rekognition._index({"CollectionId": names.collection})
    faces = []
    backend = open_aws(names, cloud.settings(), clients=clients)
    for n in range(PHOTOS):
        face = {"FaceId": str(uuid.uuid4()), "ImageId": str(uuid.uuid4()),
                "ExternalImageId": f"k{n}", "Confidence": 99.9,
                "BoundingBox": {"Width": 0.3, "Height": 0.4, "Left": 0.3, "Top": 0.2}}
        faces.append((face, vector + rng.normal(0, 0.004, vector.shape).astype(np.float32)))
        response = {"FaceRecords": [{"Face": face, "FaceDetail": {}}], "FaceModelVersion": "x",
                    "UnindexedFaces": []}
        backend.tables.put_image_item({"image_id": face["ImageId"],
                                       "image_path": f"500_big/{n:03d}.jpg", "data": response})
        backend.tables.put_pics_item({"primarykey": "500_big", "sortkey": f"{n:03d}.jpg",
                                      "data": response})  # in the album: a search result
    index.add_vectors(faces)
    role = clients("iam").get_role(RoleName=deployed.outputs["PublicSiteRoleArn"].split("/")[-1])
    clients("lambda").create_function(
        FunctionName=names.search_function, Runtime="python3.12",
        Role=role["Role"]["Arn"], Handler="finpics_desktop.lambdas.search.handler",
        Code={"ZipFile": lambda_zip.read_bytes()},
        Environment={"Variables": {"FINPICS_IMAGE_TABLE": names.image_table,
                                   "FINPICS_PICS_TABLE": names.pics_table,
                                   "FINPICS_COLLECTION": names.collection}})
    yield backend, [f for f, _ in faces]
    backend.close()


def test_more_than_100_matching_photos_are_all_returned(big_album):
    backend, faces = big_album
    matches = backend.search(faces[0]["FaceId"])
    found = {m.image_id for m in matches}
    assert len(matches) == PHOTOS - 1 == len(found)
    assert found == {f["ImageId"] for f in faces[1:]}


def test_aws_calls_per_search(big_album, cloud):
    backend, faces = big_album
    cloud.reset_calls()
    assert len(backend.search(faces[3]["FaceId"])) == PHOTOS - 1
    assert dict(cloud.calls) == {
        ("lambda", "Invoke"): 1,
        ("rekognition", "SearchFaces"): 1,
        ("rekognition", "ListFaces"): 1,  # the searched face's engine and quality (its band)
        # the image items, then their photos' items (a result is a photo in the album)
        ("dynamodb", "BatchGetItem"): 2 * math.ceil((PHOTOS - 1) / 100),
    }


def test_unprocessed_keys_are_retried_until_every_photo_is_found(big_album, cloud):
    backend, faces = big_album
    found, left = backend.tables.batch_get_image_items([f["ImageId"] for f in faces[:10]])
    assert len(found) == 10 and left == []
    cloud.leave_unprocessed(1)
    found, left = backend.tables.batch_get_image_items([f["ImageId"] for f in faces[:10]])
    assert len(found) == 5 and sorted(left) == sorted(f["ImageId"] for f in faces[5:10])

    cloud.leave_unprocessed(3)
    cloud.reset_calls()
    assert {m.image_id for m in backend.search(faces[5]["FaceId"])} == {
        f["ImageId"] for f in faces if f is not faces[5]}
    assert cloud.calls[("dynamodb", "BatchGetItem")] > 2 * math.ceil((PHOTOS - 1) / 100)


def test_list_faces_pages(big_album, cloud):
    backend, faces = big_album
    assert {f["FaceId"] for f in backend.faces.list_faces()} == {f["FaceId"] for f in faces}
    pages = list(backend.faces.rekognition.get_paginator("list_faces").paginate(
        CollectionId=backend.names.collection, PaginationConfig={"PageSize": 50}))
    assert [len(p["Faces"]) for p in pages] == [50, 50, 50, 1]
