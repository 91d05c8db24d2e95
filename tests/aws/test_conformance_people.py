"""The face index calls people need, on both backends (the local library; the AWS adapters over
HTTP to the local cloud, whose Rekognition serves them from the local face index): user
vectors (CreateUser, AssociateFaces, SearchUsers, ListFaces with UserId...), many searches at
once, and indexing a face drawn by hand where the detector found none."""

from __future__ import annotations

import threading
import uuid

import pytest
from groupshot import group_photo

from finpics_desktop.domain.boxes import iou
from finpics_desktop.domain.errors import FinpicsError, LimitReached, NotFound
from finpics_desktop.pipeline.functions.process import external_image_id
from tests.aws.test_conformance import _put_photo

NOBODY = "00000000-0000-4000-8000-000000000000"


@pytest.fixture(params=["local", "aws"])
def backend(request):
    return request.getfixturevalue("library" if request.param == "local" else "aws_backend")


@pytest.fixture
def faces(backend, photos_dir):
    """Two photos of Biden, three of Obama (one a group photo with Biden too), one of Rose
    Leslie, indexed: ``{name: Face}``."""
    backend.faces.ensure_collection()
    found = {}
    for name, rel in [("biden", "biden/biden.jpg"), ("biden2", "biden/biden2.jpg"),
                      ("obama", "obama/obama.jpg"), ("obama1", "obama/obama1.jpg"),
                      ("obama3", "obama/obama3.jpg"), ("rose", "rose_leslie/img1.jpg")]:
        key, data = _put_photo(backend, photos_dir, f"faces/{rel}", name=f"{name}.jpg")
        response = backend.faces.index_faces(backend.names.pics_bucket, key.key, data,
                                             external_image_id(key.key))
        [record] = response["FaceRecords"]
        found[name] = record["Face"]
    return found


def test_users_are_created_once_listed_and_deleted(backend, faces):
    index = backend.faces
    assert index.create_user("person-a") is True
    assert index.create_user("person-a") is False  # it exists: nothing done
    assert index.create_user("person-b") is True
    assert {u["UserId"] for u in index.list_users()} == {"person-a", "person-b"}
    index.associate_faces("person-a", [faces["biden"]["FaceId"]], 0.0)
    assert index.delete_user("person-a") is True
    assert index.delete_user("person-a") is False
    assert [u["UserId"] for u in index.list_users()] == ["person-b"]
    # the face stays in the collection, no longer with a user
    [face] = index.list_faces(face_ids=[faces["biden"]["FaceId"]])
    assert "UserId" not in face


def test_faces_belong_to_one_user_and_are_listed_with_it(backend, faces):
    index = backend.faces
    for user in ("biden", "obama"):
        index.create_user(user)
    done, failed = index.associate_faces("biden", [faces["biden"]["FaceId"],
                                                   faces["biden2"]["FaceId"], NOBODY], 0.0)
    assert sorted(done) == sorted([faces["biden"]["FaceId"], faces["biden2"]["FaceId"]])
    assert [(f["FaceId"], f["Reasons"]) for f in failed] == [(NOBODY, ["FACE_NOT_FOUND"])]
    done, failed = index.associate_faces("obama", [faces["obama"]["FaceId"],
                                                   faces["biden"]["FaceId"]], 0.0)
    assert done == [faces["obama"]["FaceId"]]
    assert [(f["FaceId"], f["Reasons"]) for f in failed] == [
        (faces["biden"]["FaceId"], ["ASSOCIATED_TO_A_DIFFERENT_USER"])]
    # associating again what is associated already: neither done nor failed
    assert index.associate_faces("biden", [faces["biden"]["FaceId"]], 0.0) == ([], [])

    listed = {f["FaceId"]: f.get("UserId") for f in index.list_faces()}
    assert listed[faces["biden2"]["FaceId"]] == "biden"
    assert listed[faces["rose"]["FaceId"]] is None
    assert sorted(f["FaceId"] for f in index.list_faces(user_id="biden")) == sorted(
        [faces["biden"]["FaceId"], faces["biden2"]["FaceId"]])
    picked = list(index.list_faces(face_ids=[faces["obama"]["FaceId"], NOBODY]))
    assert [(f["FaceId"], f["UserId"], f["ImageId"]) for f in picked] == [
        (faces["obama"]["FaceId"], "obama", faces["obama"]["ImageId"])]

    done, failed = index.disassociate_faces("biden", [faces["biden2"]["FaceId"],
                                                      faces["obama"]["FaceId"]])
    assert done == [faces["biden2"]["FaceId"]]
    assert [(f["FaceId"], f["Reasons"]) for f in failed] == [
        (faces["obama"]["FaceId"], ["ASSOCIATED_TO_A_DIFFERENT_USER"])]
    assert [f["FaceId"] for f in index.list_faces(user_id="biden")] == [faces["biden"]["FaceId"]]
    with pytest.raises(NotFound):
        index.associate_faces("nobody", [faces["rose"]["FaceId"]], 0.0)


def test_a_face_far_from_the_user_is_refused_below_the_match_threshold(backend, faces):
    index = backend.faces
    index.create_user("biden")
    index.associate_faces("biden", [faces["biden"]["FaceId"]])  # the first: nothing to compare
    done, failed = index.associate_faces("biden", [faces["rose"]["FaceId"],
                                                   faces["biden2"]["FaceId"]])
    assert done == [faces["biden2"]["FaceId"]]
    [refused] = failed
    assert refused["FaceId"] == faces["rose"]["FaceId"]
    assert refused["Reasons"] == ["LOW_MATCH_CONFIDENCE"]
    assert refused["Confidence"] < 75
    # the curator decides: with no threshold, any face
    assert index.associate_faces("biden", [faces["rose"]["FaceId"]], 0.0)[0] == [
        faces["rose"]["FaceId"]]


def test_search_users_from_a_face_and_from_a_user(backend, faces):
    index = backend.faces
    for user, names in (("biden", ["biden"]), ("obama", ["obama", "obama1"]),
                        ("rose", ["rose"])):
        index.create_user(user)
        index.associate_faces(user, [faces[n]["FaceId"] for n in names], 0.0)
    matches = index.search_users(face_id=faces["obama3"]["FaceId"], threshold=0.0)
    assert [m["User"]["UserId"] for m in matches][0] == "obama"
    assert matches[0]["Similarity"] >= 80.0
    assert all(m["Similarity"] < 60 for m in matches[1:])
    assert [m["Similarity"] for m in matches] == sorted(
        (m["Similarity"] for m in matches), reverse=True)
    # the default threshold (80) keeps only the right person
    assert [m["User"]["UserId"] for m in index.search_users(
        face_id=faces["biden2"]["FaceId"])] == ["biden"]
    # from a user: the other users, never itself
    others = index.search_users(user_id="obama", threshold=0.0)
    assert "obama" not in [m["User"]["UserId"] for m in others]
    assert {m["User"]["UserId"] for m in others} <= {"biden", "rose"}
    with pytest.raises(NotFound):
        index.search_users(face_id=NOBODY)
    with pytest.raises(NotFound):
        index.search_users(user_id="nobody")


def test_the_user_vector_moves_with_its_faces(backend, faces):
    """Disassociating a face changes what the user is like; deleting the face too."""
    index = backend.faces
    index.create_user("mixed")
    index.associate_faces("mixed", [faces["biden"]["FaceId"],
                                    faces["rose"]["FaceId"]], 0.0)
    before = index.search_users(face_id=faces["biden2"]["FaceId"], threshold=0.0)[0]
    index.disassociate_faces("mixed", [faces["rose"]["FaceId"]])
    after = index.search_users(face_id=faces["biden2"]["FaceId"], threshold=0.0)[0]
    assert after["Similarity"] > before["Similarity"] + 2
    index.delete_faces([faces["biden"]["FaceId"]])
    assert list(index.list_faces(user_id="mixed")) == []
    assert index.search_users(face_id=faces["biden2"]["FaceId"], threshold=0.0) == []


def test_deleting_named_faces_deletes_them_and_takes_them_from_their_users(backend, faces):
    """The port's contract: delete_faces deletes, named or not (Rekognition refuses a face
    associated with a user; the adapter takes it from its user first)."""
    index = backend.faces
    for user in ("biden", "obama"):
        index.create_user(user)
    index.associate_faces("biden", [faces["biden"]["FaceId"], faces["biden2"]["FaceId"]], 0.0)
    index.associate_faces("obama", [faces["obama"]["FaceId"]], 0.0)
    index.delete_faces([faces["biden"]["FaceId"], faces["obama"]["FaceId"],
                        faces["rose"]["FaceId"], NOBODY])
    assert {f["FaceId"] for f in index.list_faces()} == {
        faces[n]["FaceId"] for n in ("biden2", "obama1", "obama3")}
    assert [f["FaceId"] for f in index.list_faces(user_id="biden")] == [
        faces["biden2"]["FaceId"]]
    assert list(index.list_faces(user_id="obama")) == []
    assert index.search_users(face_id=faces["obama1"]["FaceId"], threshold=0.0)[0][
        "User"]["UserId"] == "biden"  # obama has no face left to be like


def test_the_local_cloud_refuses_to_delete_a_named_face_as_rekognition_does(
        aws_backend, photos_dir):
    """Rekognition's DeleteFaces leaves a face associated with a user in the collection and
    reports it (ASSOCIATED_TO_AN_EXISTING_USER, with the user); an unknown id FACE_NOT_FOUND."""
    aws_backend.faces.ensure_collection()
    key, data = _put_photo(aws_backend, photos_dir, "faces/biden/biden.jpg")
    [record] = aws_backend.faces.index_faces(aws_backend.names.pics_bucket, key.key, data,
                                             external_image_id(key.key))["FaceRecords"]
    face_id = record["Face"]["FaceId"]
    aws_backend.faces.create_user("biden")
    aws_backend.faces.associate_faces("biden", [face_id], 0.0)
    rekognition = aws_backend.faces.rekognition  # boto3 over HTTP
    response = rekognition.delete_faces(CollectionId=aws_backend.names.collection,
                                        FaceIds=[face_id, NOBODY])
    assert response["DeletedFaces"] == []
    assert response["UnsuccessfulFaceDeletions"] == [
        {"FaceId": face_id, "UserId": "biden", "Reasons": ["ASSOCIATED_TO_AN_EXISTING_USER"]},
        {"FaceId": NOBODY, "Reasons": ["FACE_NOT_FOUND"]}]
    assert [f["UserId"] for f in aws_backend.faces.list_faces()] == ["biden"]


def test_many_searches_at_once_are_each_search(backend, faces):
    index = backend.faces
    ids = [f["FaceId"] for f in faces.values()]
    many = index.search_faces_many(ids + [NOBODY], 50.0, 4096)
    assert set(many) == set(ids)  # the unknown face is left out
    for face_id in ids:
        one = index.search_faces(face_id, 50.0, 4096)
        assert [(m["Face"]["FaceId"], round(m["Similarity"], 2)) for m in many[face_id]] == [
            (m["Face"]["FaceId"], round(m["Similarity"], 2)) for m in one]
    assert {m["Face"]["FaceId"] for m in many[faces["obama"]["FaceId"]][:2]} == {
        faces["obama1"]["FaceId"], faces["obama3"]["FaceId"]}


def test_a_face_the_detector_missed_is_indexed_from_its_box(backend, photos_dir, engine):
    """Three 30 px faces in a 6000 x 4000 photo: none is found on the whole photo; each box
    drawn around one (a little loose, as a hand draws it) gives that face, its box mapped back
    to the photo, found by a search from another photo of that person."""
    backend.faces.ensure_collection()
    faces = photos_dir / "faces"
    people = [(faces / "obama/obama2.jpg", 30, (2000, 1500)),
              (faces / "biden/biden.jpg", 30, (3000, 1000)),
              (faces / "rose_leslie/img1.jpg", 30, (1000, 2000))]
    data, placed = group_photo(engine, photos_dir / "orientation/Landscape_1.jpg", people,
                               size=(6000, 4000))
    key = "photos/001_test/crowd.jpg"
    backend.store.put(backend.names.pics_bucket, key, data, "image/jpeg")
    assert backend.faces.index_faces(backend.names.pics_bucket, key, data,
                                     external_image_id(key))["FaceRecords"] == []
    others = {}
    for rel in ("faces/obama/obama.jpg", "faces/biden/biden2.jpg", "faces/rose_leslie/img2.jpg"):
        other_key, other = _put_photo(backend, photos_dir, rel, name=rel.replace("/", "_"))
        [record] = backend.faces.index_faces(backend.names.pics_bucket, other_key.key, other,
                                             external_image_id(other_key.key))["FaceRecords"]
        others[rel] = record["Face"]["FaceId"]
    image_id = str(uuid.uuid4())
    for place, rel in zip(placed, others, strict=True):
        box = place.box
        drawn = {"Left": box["Left"] - 0.1 * box["Width"],
                 "Top": box["Top"] - 0.15 * box["Height"],
                 "Width": 1.2 * box["Width"], "Height": 1.3 * box["Height"]}
        response = backend.faces.index_region(backend.names.pics_bucket, key, data,
                                              external_image_id(key), drawn, image_id=image_id)
        [record] = response["FaceRecords"]
        face = record["Face"]
        assert iou(face["BoundingBox"], box) > 0.5, (rel, face["BoundingBox"], box)
        assert record["FaceDetail"]["BoundingBox"] == face["BoundingBox"]
        assert face["ExternalImageId"] == external_image_id(key)
        if backend.kind == "local":  # the library keeps the photo's ImageId
            assert face["ImageId"] == image_id
        found = [m["Face"]["FaceId"] for m in backend.faces.search_faces(others[rel], 80.0, 10)]
        assert found == [face["FaceId"]], rel
    with pytest.raises(FinpicsError, match="no face could be found in that box"):
        backend.faces.index_region(backend.names.pics_bucket, key, data, external_image_id(key),
                                   {"Left": 0.05, "Top": 0.05, "Width": 0.01, "Height": 0.015})
    # nothing is left behind by the refused box (AWS: faces found in its margin are deleted)
    assert len(list(backend.faces.list_faces())) == 6


def test_a_user_holds_at_most_100_faces(backend, request, photos_dir, engine):
    """Rekognition's quota, served the same by the local index: copies of one real face
    (seeded into the index directly), 100 associated, the 101st refused."""
    backend.faces.ensure_collection()
    local = backend.faces if backend.kind == "local" else (
        request.getfixturevalue("cloud").gateway.rekognition._index(
            {"CollectionId": backend.names.collection}))
    vector = engine.analyze((photos_dir / "faces/obama/obama.jpg").read_bytes(),
                            "obama.jpg")[0].descriptor
    faces = [{"FaceId": str(uuid.uuid4()), "ImageId": str(uuid.uuid4()),
              "ExternalImageId": f"k{n}", "Confidence": 99.9,
              "BoundingBox": {"Width": 0.3, "Height": 0.4, "Left": 0.3, "Top": 0.2}}
             for n in range(101)]
    local.add_vectors([(face, vector) for face in faces])
    backend.faces.create_user("many")
    done, failed = backend.faces.associate_faces("many", [f["FaceId"] for f in faces[:100]])
    assert (len(done), failed) == (100, [])
    with pytest.raises(LimitReached):
        backend.faces.associate_faces("many", [faces[100]["FaceId"]])
    assert len(list(backend.faces.list_faces(user_id="many"))) == 100


def test_two_users_claiming_one_face_at_once_only_one_gets_it(library, photos_dir, engine,
                                                               monkeypatch):
    """Two writers (two threads, each its own index on the library) associate one face with
    two users, both having judged it free: one gets it, the other is told who has it."""
    from finpics_desktop.backends.local.faces import LocalFaceIndex
    from finpics_desktop.backends.local.users import UserVectors

    one, other = (LocalFaceIndex(library.faces.db, library.faces.collection, engine)
                  for _ in range(2))
    one.ensure_collection()
    vector = engine.analyze((photos_dir / "faces/obama/obama.jpg").read_bytes(),
                            "obama.jpg")[0].descriptor
    one.add_vectors([({"FaceId": "f1", "ImageId": "i1", "ExternalImageId": "k",
                       "BoundingBox": {"Width": 0.3, "Height": 0.4, "Left": 0.3, "Top": 0.2}},
                      vector)])
    one.create_user("u1")
    one.create_user("u2")
    both_judged = threading.Barrier(2, timeout=30)
    judge = UserVectors._user_vectors

    def judged(self, snap):
        vectors = judge(self, snap)
        both_judged.wait()  # each saw the face free before either writes
        return vectors

    monkeypatch.setattr(UserVectors, "_user_vectors", judged)
    answers = {}

    def claim(index, user):
        answers[user] = index.associate_faces(user, ["f1"], 0.0)

    threads = [threading.Thread(target=claim, args=(index, user))
               for index, user in ((one, "u1"), (other, "u2"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    [owner] = [u for u, (done, _) in answers.items() if done == ["f1"]]
    loser = "u2" if owner == "u1" else "u1"
    assert answers[loser] == ([], [{"FaceId": "f1", "UserId": owner,
                                    "Reasons": ["ASSOCIATED_TO_A_DIFFERENT_USER"]}])
    assert [f["UserId"] for f in library.faces.list_faces()] == [owner]
