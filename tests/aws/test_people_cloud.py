"""People on the cloud: the AWS adapters over HTTP to the local cloud, whose Rekognition serves
the user-vector calls from the local face index. A curator names faces/ through proposals,
draws a missed face, re-indexes everything (Rekognition gives every face a new id: names are
carried by box); and the public site's role cannot read a name (IAM enforcement on) while the
site still works."""

from __future__ import annotations

import json

import pytest
from groupshot import group_photo
from labelled_album import label_faces, photo_faces

from finpics_desktop.backends.aws.backend import open_aws
from finpics_desktop.domain.keys import parse_key, photo_key
from finpics_desktop.domain.names import Names
from finpics_desktop.domain.people import name_key
from finpics_desktop.domain.picsets import PICSET_ROOT, new_picset_id
from finpics_desktop.pipeline.check import check
from finpics_desktop.pipeline.functions.process import process_new_image
from finpics_desktop.pipeline.functions.search import search_faces
from finpics_desktop.pipeline.people.clusters import clusters
from finpics_desktop.pipeline.people.drawn import add_face
from finpics_desktop.pipeline.people.ignored import ignore, ignored_ids
from finpics_desktop.pipeline.people.naming import FACE, NAME, PERSON, People
from finpics_desktop.pipeline.people.proposals import suggest
from finpics_desktop.pipeline.people.reindex import reindex
from finpics_desktop.pipeline.remove import remove_photo
from finpics_desktop.ports import HASH_METADATA
from tests.aws.aws_helpers import admin_keys
from tests.aws.test_public_site import _denied, published, site  # noqa: F401 - fixtures


def put_and_process(backend, picset: str, name: str, data: bytes) -> dict:
    """What the S3 trigger does, run here through the AWS adapters."""
    key = photo_key(picset, name)
    backend.store.put(backend.names.pics_bucket, key.key, data, key.content_type,
                      {HASH_METADATA: "0" * 64})
    return process_new_image(backend.store, backend.tables, backend.faces, backend.names,
                             backend.names.pics_bucket, key.key)



def publish_faces(backend, photos_dir) -> dict[str, str]:
    """faces/ processed on the cloud, a picset a folder: image_path -> the photo's path
    relative to photos_dir."""
    backend.faces.ensure_collection()
    where = {}
    for folder in sorted((photos_dir / "faces").iterdir()):
        if not folder.is_dir():
            continue
        picset = new_picset_id(folder.name, [
            i["sortkey"] for i in backend.tables.query_pics(PICSET_ROOT)])
        for path in sorted(folder.iterdir()):
            assert put_and_process(backend, picset, path.name, path.read_bytes()) is not None
            where[f"{picset}/{path.name}"] = path.relative_to(photos_dir).as_posix()
    return where


@pytest.fixture
def faces_album(aws_backend, photos_dir, labels, engine):
    """faces/ on fresh cloud resources (a picset a folder), and a 6000 x 4000 crowd photo with
    three 30 px faces the detector misses: (backend, where, who, crowd boxes)."""
    backend = aws_backend
    where = publish_faces(backend, photos_dir)
    who = label_faces(backend, where, labels)
    crowd, placed = group_photo(engine, photos_dir / "orientation/Landscape_1.jpg", [
        (photos_dir / "faces/obama/obama2.jpg", 30, (2000, 1500)),
        (photos_dir / "faces/rose_leslie/img1.jpg", 30, (1000, 2000))], size=(6000, 4000))
    assert put_and_process(backend, "900_crowd", "crowd.jpg", crowd)["data"]["FaceRecords"] == []
    boxes = [{"Left": p.box["Left"] - 0.1 * p.box["Width"],
              "Top": p.box["Top"] - 0.15 * p.box["Height"],
              "Width": 1.2 * p.box["Width"], "Height": 1.3 * p.box["Height"]} for p in placed]
    return backend, where, who, boxes


def test_people_on_the_cloud(faces_album):
    backend, where, who, boxes = faces_album
    people = People(backend)
    persons = sorted({p for p in who.values() if p})
    confirms = rejects = 0
    for person in persons:
        first = min((f for f, p in who.items() if p == person),
                    key=lambda f: next(rel for path, rel in where.items()
                                       if f in {r["Face"]["FaceId"] for r in
                                                backend.tables.get_pics_item(
                                                    *path.split("/"))["data"]["FaceRecords"]}))
        people.name_face(first, person)
        while True:
            proposals = suggest(people, person)
            batch = proposals.sure or proposals.unsure[:1]
            if not batch:
                break
            for proposal in batch:
                if who.get(proposal.face_id) == person:
                    people.confirm(person, [proposal.face_id])
                    confirms += 1
                else:
                    people.reject(person, [proposal.face_id])
                    rejects += 1
    named = people.named()
    name_of = {p.id: p.name for p in people.people()}
    assert {f: name_of[n.person] for f, n in named.items()} == {
        f: p for f, p in who.items() if p}
    print(f"\non the cloud: {confirms} confirmed, {rejects} rejected")
    # the user vectors are Rekognition users holding the named faces
    obama = people.find("obama")
    assert {f["FaceId"] for f in backend.faces.list_faces(user_id=obama.id)} == {
        f for f, p in who.items() if p == "obama"}
    assert len({u["UserId"] for u in backend.faces.list_users()}) == len(persons)
    assert clusters(people) == [c for c in clusters(people) if len(c.faces) == 1]  # all named
    strangers = [f for f, p in who.items() if p is None]  # the rest: ignored
    assert strangers and [o.error for o in ignore(people, strangers)] == [None] * len(strangers)
    assert clusters(people) == [] and set(strangers) == ignored_ids(backend.private)
    # a face drawn on the crowd photo: its own ImageId (Rekognition's), found by search
    drawn = add_face(backend, "900_crowd", "crowd.jpg", boxes[0])
    assert backend.tables.get_image_item(drawn.image_id)["image_path"] == "900_crowd/crowd.jpg"
    people.confirm("obama", [drawn.face_id], same_photo=False)
    obama_photo = next(f for f, p in who.items() if p == "obama")
    found = search_faces(backend.tables, backend.faces, obama_photo)
    assert "900_crowd/crowd.jpg" in [m.image_path for m in found]
    rose = add_face(backend, "900_crowd", "crowd.jpg", boxes[1])
    people.reject("obama", [rose.face_id])
    assert check(backend).found == []

    # re-indexing everything: Rekognition gives new ids, every name and rejection is carried
    before = {(path, name_of[named[r["Face"]["FaceId"]].person])
              for path, records in photo_faces(backend) for r in records
              if r["Face"]["FaceId"] in named}
    old_ids = set(named)
    ignored_in = sorted(path for path, records in photo_faces(backend) for r in records
                        if r["Face"]["FaceId"] in set(strangers))
    report = reindex(backend, every=True)
    assert report.ok and report.not_carried == [], report.summary()
    named = people.named()
    assert not old_ids & set(named)  # every id is new
    after = {(path, name_of[named[r["Face"]["FaceId"]].person])
             for path, records in photo_faces(backend) for r in records
             if r["Face"]["FaceId"] in named}
    assert after == before | {("900_crowd/crowd.jpg", "obama")}
    ignored = ignored_ids(backend.private)  # the strangers carried to their new ids
    assert not ignored & set(strangers) and ignored_in == sorted(
        path for path, records in photo_faces(backend) for r in records
        if r["Face"]["FaceId"] in ignored)
    crowd = backend.tables.get_pics_item("900_crowd", "crowd.jpg")["data"]["FaceRecords"]
    assert len(crowd) == 2  # the drawn faces, indexed again from their boxes
    rejected = people.rejected(people.find("obama"))
    assert [r["Face"]["FaceId"] for r in crowd if r["Face"]["FaceId"] in rejected] != []
    assert check(backend).found == []


@pytest.fixture
def named_on_the_site(cloud, deployed, photos_dir):
    """A face of the deployed stack named by the curator (admin keys); the records are removed
    afterwards (other tests use the same stack)."""
    backend = open_aws(Names(), cloud.settings())
    data = (photos_dir / "faces/rose_leslie/img2.jpg").read_bytes()
    backend.store.put("finpics-pics", "photos/301_people/rose.jpg", data, "image/jpeg")
    cloud.wait_idle()
    item = backend.tables.get_pics_item("301_people", "rose.jpg")
    face = item["data"]["FaceRecords"][0]["Face"]["FaceId"]
    people = People(backend)
    people.name_face(face, "Zoë Privatename")
    yield backend, face
    forget(backend, [face], ["photos/301_people/rose.jpg"])
    backend.close()


def forget(backend, faces: list[str], photos: list[str]) -> None:
    """Remove the people of ``faces`` and the ``photos`` from the shared stack (other tests
    search it): names, persons, user vectors, the photos whole."""
    people = People(backend)
    persons = {people.named()[f].person for f in faces if f in people.named()}
    for face in faces:
        people.unname(face)
    for person in people.people():
        if person.id in persons:
            backend.private.delete(NAME, name_key(person.name))
            backend.private.delete(PERSON, person.id)
            backend.faces.delete_user(person.id)
    for key in photos:
        remove_photo(backend.store, backend.tables, backend.faces, backend.names,
                     parse_key(key))


def test_the_public_site_cannot_read_a_name(cloud, site, named_on_the_site):  # noqa: F811
    backend, face = named_on_the_site
    assert backend.private.get(FACE, face) is not None  # the curator reads it
    with cloud.iam_enforced():
        db, rekognition = site["dynamodb"], site["rekognition"]
        for call, kwargs in [
                (db.get_item, {"TableName": "finpics_private",
                               "Key": {"pk": {"S": "face"}, "sk": {"S": face}}}),
                (db.query, {"TableName": "finpics_private", "KeyConditionExpression": "pk = :p",
                            "ExpressionAttributeValues": {":p": {"S": "person"}}}),
                (db.scan, {"TableName": "finpics_private"})]:
            assert _denied(call, **kwargs) == "AccessDeniedException"
        for call, kwargs in [(rekognition.list_users, {}),
                             (rekognition.list_faces, {}),
                             (rekognition.search_users, {"FaceId": face})]:
            assert _denied(call, CollectionId="finpics", **kwargs) == "AccessDeniedException"
        # the site still works, and what it reads holds no name
        picsets = db.query(TableName="pics", KeyConditionExpression="primarykey = :k",
                           ExpressionAttributeValues={":k": {"S": "301_people"}})
        response = site["lambda"].invoke(FunctionName="finpics-dev-search",
                                         Payload=json.dumps({"faceid": face}))
        payload = json.loads(response["Payload"].read())
    assert payload["statusCode"] == 200
    assert [i["sortkey"]["S"] for i in picsets["Items"]] == ["rose.jpg"]
    public = json.dumps([picsets, payload, list(backend.tables.scan_image_items())],
                        default=str, ensure_ascii=False)
    assert "Privatename" not in public


def test_people_commands_on_the_cloud(cloud, deployed, photos_dir, monkeypatch, capsys):
    """The same commands with --backend aws, on the deployed stack."""
    from finpics_desktop import cli

    admin_keys(cloud, monkeypatch)
    monkeypatch.setenv("AWS_REGION", cloud.region)
    backend = open_aws(Names(), cloud.settings())
    for n, rel in enumerate(("biden/biden.jpg", "biden/biden2.jpg")):
        backend.store.put("finpics-pics", f"photos/302_cli/{n}.jpg",
                          (photos_dir / "faces" / rel).read_bytes(), "image/jpeg")
    cloud.wait_idle()
    first, second = (backend.tables.get_pics_item("302_cli", f"{n}.jpg")["data"]["FaceRecords"][
        0]["Face"]["FaceId"] for n in (0, 1))

    def run(*args: str):
        code = cli.main(["--backend", "aws", "--endpoint-url", cloud.url, *args])
        out, err = capsys.readouterr()
        return code, out, err

    try:
        assert run("name", first, "Joe Biden")[0] == 0
        code, out, _ = run("suggest", "Joe Biden", "--json")
        assert code == 0 and [p["face_id"] for p in json.loads(out)] == [second]
        assert run("people", "ignore", second)[:2] == (0, f"{second}: ignored\n")  # a stranger
        assert json.loads(run("suggest", "Joe Biden", "--json")[1]) == []
        assert json.loads(run("people", "ignored", "--json")[1]) == [
            {"face_id": second, "image_path": "302_cli/1.jpg"}]
        assert run("people", "unignore", second)[0] == 0
        assert json.loads(run("people", "ignored", "--json")[1]) == []
        code, out, _ = run("suggest", "Joe Biden", "--json")
        assert code == 0 and [p["face_id"] for p in json.loads(out)] == [second]
        assert run("confirm", "Joe Biden", second)[0] == 0
        code, out, _ = run("people", "--json")
        assert {"name": "Joe Biden", "faces": 2, "photos": 2} in json.loads(out)
        code, out, _ = run("person", "joe biden", "--json")
        assert [e["image_path"] for e in json.loads(out)["output"]] == ["302_cli/0.jpg",
                                                                       "302_cli/1.jpg"]
        code, out, _ = run("clusters", "--json")
        assert code == 0 and first not in {f for g in json.loads(out) for f in g["faces"]}
        assert run("rename-person", "Joe Biden", "Joe")[0] == 0
    finally:
        forget(backend, [first, second], ["photos/302_cli/0.jpg", "photos/302_cli/1.jpg"])
        backend.close()
