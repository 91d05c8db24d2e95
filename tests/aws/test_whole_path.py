"""The whole path on the local stack: deploy the template, upload folders of the real photos
with the CLI (--backend aws --endpoint-url), S3 events run the processing function, the
thumbnails and both tables are in the contract's shapes, and search through Lambda Invoke
returns exactly the photos of that person."""

from __future__ import annotations

import json

import numpy as np
import pytest
from boto3.s3.transfer import TransferConfig
from PIL import Image

from finpics_desktop import cli
from finpics_desktop.backends.aws.backend import open_aws
from finpics_desktop.backends.aws.objects import S3ObjectStore
from finpics_desktop.backends.aws.session import Clients
from finpics_desktop.domain import items
from finpics_desktop.domain.names import Names
from tests.aws.aws_helpers import admin_keys

PICSETS = {"101_biden": "faces/biden", "102_kit": "faces/kit_harington",
           "103_groups": "faces/groups"}


@pytest.fixture
def aws_env(cloud, monkeypatch):
    """The environment a curator's shell would have for the local stack."""
    admin_keys(cloud, monkeypatch, "AWS_ENDPOINT_URL")
    monkeypatch.setenv("AWS_REGION", cloud.region)
    return ["--backend", "aws", "--endpoint-url", cloud.url]


@pytest.fixture(scope="module")
def album(cloud, deployed, photos_dir, tmp_path_factory):
    """The three folders uploaded with the CLI and processed by the S3 -> Lambda trigger."""
    mp = pytest.MonkeyPatch()
    mp.setenv("AWS_ACCESS_KEY_ID", cloud.credentials["access_key_id"])
    mp.setenv("AWS_SECRET_ACCESS_KEY", cloud.credentials["secret_access_key"])
    mp.delenv("AWS_PROFILE", raising=False)
    try:
        for picset, folder in PICSETS.items():
            code = cli.main(["--backend", "aws", "--endpoint-url", cloud.url, "upload",
                             str(photos_dir / folder), "--picset", picset])
            assert code == 0
    finally:
        mp.undo()
    cloud.wait_idle()
    assert cloud.event_errors == []
    backend = open_aws(Names(), cloud.settings())
    yield backend
    backend.close()


def test_deploy_reports_what_the_public_site_needs(deployed, cloud):
    assert deployed.status == "CREATE_COMPLETE"
    site = deployed.site
    assert site["identityPoolId"].startswith("us-east-1:")
    assert site["picsBucketUrl"] == f"{cloud.url}/finpics-pics/"
    assert site["thumbsBucketUrl"] == f"{cloud.url}/finpics-thumbs/"
    assert site["searchFunction"] == "finpics-dev-search" and site["region"] == "us-east-1"
    assert any("CREATE_COMPLETE" in line for line in deployed.progress)


def test_every_original_has_its_thumbnail_and_items(album, photos_dir):
    names = album.names
    for picset, folder in PICSETS.items():
        files = sorted(p.name for p in (photos_dir / folder).iterdir()
                       if p.suffix.lower() in (".jpg", ".jpeg", ".png"))
        originals = [o.key for o in album.store.list(names.pics_bucket, f"photos/{picset}/")]
        thumbs = [o.key for o in album.store.list(names.thumbs_bucket, f"photos/{picset}/")]
        assert originals == thumbs == [f"photos/{picset}/{f}" for f in files]
        photos = album.tables.query_pics(picset)
        assert [p["sortkey"] for p in photos] == files
        for photo in photos:
            assert not items.shape_errors_photo_item(photo), photo["sortkey"]
            assert photo["data"]["FaceRecords"], f"{photo['sortkey']} has a face"
            image = album.tables.get_image_item(photo["data"]["FaceRecords"][0]["Face"]["ImageId"])
            assert not items.shape_errors_image_item(image)
            assert image["image_path"] == f"{picset}/{photo['sortkey']}"
            assert image["data"] == photo["data"]
            head = album.store.head(names.pics_bucket, f"photos/{picset}/{photo['sortkey']}")
            assert head.sha256 and len(head.sha256) == 64
    listed = album.tables.query_pics("/", descending=True)
    ours = [i for i in listed if i["sortkey"] in PICSETS]
    assert [i["sortkey"] for i in ours] == sorted(PICSETS, reverse=True)
    assert all(set(i) == {"primarykey", "sortkey", "pic"} for i in ours)


def _face(album, picset: str, name: str) -> str:
    return album.tables.get_pics_item(picset, name)["data"]["FaceRecords"][0]["Face"]["FaceId"]


@pytest.mark.parametrize(("picset", "name", "expected"), [
    ("101_biden", "biden.jpg",
     {"101_biden/biden2.jpg", "103_groups/obama_and_biden.jpg", "103_groups/two_people.jpg"}),
    ("102_kit", "john1.jpeg",
     {"102_kit/john2.jpeg", "102_kit/johnsnow_test1.jpg", "103_groups/kit_with_rose.jpg"}),
])
def test_search_through_lambda_invoke_finds_exactly_that_person(album, picset, name, expected):
    face = _face(album, picset, name)
    matches = album.search(face)
    paths = [m.image_path for m in matches]
    assert len(paths) == len(set(paths)) and set(paths) == expected
    similarities = [m.similarity for m in matches]
    assert similarities == sorted(similarities, reverse=True)
    # the function's own payload, as the public site reads it
    payload = json.loads(album.search.clients("lambda").invoke(
        FunctionName=album.names.search_function,
        Payload=json.dumps({"faceid": face}).encode())["Payload"].read())
    assert payload["statusCode"] == 200
    assert [e["image_path"] for e in payload["output"]] == paths
    for entry in payload["output"]:
        assert list(entry)[:3] == ["image_id", "image_path", "data"]
        for record in entry["data"]["FaceRecords"]:
            assert set(record["Face"]) == {"FaceId", "ImageId", "Confidence", "BoundingBox"}


def test_cli_reads_the_cloud(album, aws_env, capsys):
    assert cli.main([*aws_env, "picsets", "--json"]) == 0
    picsets = {p["id"]: p for p in json.loads(capsys.readouterr().out)}
    assert picsets["102_kit"]["cover"].startswith("photos/102_kit/")
    assert cli.main([*aws_env, "photos", "101_biden", "--json"]) == 0
    assert [p["sortkey"] for p in json.loads(capsys.readouterr().out)] == [
        "biden.jpg", "biden2.jpg"]
    assert cli.main([*aws_env, "search", _face(album, "101_biden", "biden2.jpg")]) == 0
    assert "101_biden/biden.jpg" in capsys.readouterr().out
    assert cli.main([*aws_env, "check"]) == 0
    assert "consistent" in capsys.readouterr().err


def test_uploading_again_sends_nothing(album, aws_env, photos_dir, cloud, capsys):
    cloud.reset_calls()
    assert cli.main([*aws_env, "upload", str(photos_dir / "faces/biden"), "--picset",
                     "101_biden"]) == 0
    assert not [c for c in cloud.calls if c == ("s3", "PUTObject")]
    cloud.wait_idle()


def test_a_multipart_upload_is_processed_too(cloud, deployed, photos_dir, tmp_path):
    # a big photo with camera-like grain: over the 5 MB minimum part size
    with Image.open(photos_dir / "faces/biden/biden.jpg") as im:
        scale = 6000 / max(im.size)
        big = np.asarray(im.convert("RGB").resize(
            (round(im.width * scale), round(im.height * scale))), dtype=np.int16)
    grain = np.random.default_rng(3).normal(0, 5, big.shape)
    path = tmp_path / "big biden.jpg"
    Image.fromarray(np.clip(big + grain, 0, 255).astype(np.uint8)).save(path, quality=98)
    assert path.stat().st_size > 5 * 1024 * 1024
    store = S3ObjectStore(Clients(cloud.settings()), TransferConfig(
        multipart_threshold=5 * 1024 * 1024, multipart_chunksize=5 * 1024 * 1024))
    cloud.reset_calls()
    store.put_file("finpics-pics", "photos/104_big/big biden.jpg", path, "image/jpeg")
    assert cloud.calls[("s3", "POSTObject")] == 2  # CreateMultipartUpload, Complete...
    assert cloud.calls[("s3", "PUTObject")] >= 2  # ... and the parts
    cloud.wait_idle()
    assert cloud.event_errors == []
    backend = open_aws(Names(), cloud.settings())
    item = backend.tables.get_pics_item("104_big", "big biden.jpg")
    assert len(item["data"]["FaceRecords"]) == 1
    assert backend.store.head("finpics-thumbs", "photos/104_big/big biden.jpg").size < 100_000
    backend.close()
