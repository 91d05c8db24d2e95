"""The public site's own calls, with moto's IAM enforcement on: unauthenticated Cognito
credentials of the deployed identity pool may Query/GetItem table pics and invoke the search
function, and nothing else. Also CORS preflight and path-style image URLs."""

from __future__ import annotations

import contextlib
import json
import urllib.error
import urllib.request

import boto3
import pytest
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError

from finpics_desktop.backends.aws.backend import open_aws
from finpics_desktop.backends.aws.errors import CredentialsError
from finpics_desktop.domain.names import Names

PICSET = "201_public"
PHOTO = "lin-manuel-miranda.png"


@pytest.fixture(scope="module")
def published(cloud, deployed, photos_dir):
    backend = open_aws(Names(), cloud.settings())
    data = (photos_dir / "faces/lin_manuel_miranda" / PHOTO).read_bytes()
    with cloud.iam_enforced():  # processed with nothing but the processing role's rights
        backend.store.put("finpics-pics", f"photos/{PICSET}/{PHOTO}", data, "image/png")
        backend.store.put("finpics-pics", f"photos/{PICSET}/copy.png", data, "image/png")
        cloud.wait_idle()
    assert cloud.event_errors == []
    item = backend.tables.get_pics_item(PICSET, PHOTO)
    yield item["data"]["FaceRecords"][0]["Face"]["FaceId"]
    backend.close()


@pytest.fixture(scope="module")
def site(cloud, deployed, published):
    """Clients built the way the public site builds them: Cognito GetId and
    GetCredentialsForIdentity (unsigned), then the unauthenticated role's credentials."""
    unsigned = Config(signature_version=UNSIGNED, region_name=cloud.region)
    cognito = boto3.client("cognito-identity", endpoint_url=cloud.url, config=unsigned)
    with cloud.iam_enforced():
        identity = cognito.get_id(IdentityPoolId=deployed.site["identityPoolId"])["IdentityId"]
        creds = cognito.get_credentials_for_identity(IdentityId=identity)["Credentials"]
    session = boto3.Session(aws_access_key_id=creds["AccessKeyId"],
                            aws_secret_access_key=creds["SecretKey"],
                            aws_session_token=creds["SessionToken"], region_name=cloud.region)
    clients = {s: session.client(s, endpoint_url=cloud.url,
                                 config=Config(retries={"max_attempts": 1},
                                               s3={"addressing_style": "path"}))
               for s in ("dynamodb", "lambda", "s3", "rekognition")}
    yield clients
    for client in clients.values():
        client.close()


@pytest.fixture
def enforced(cloud):
    with cloud.iam_enforced():
        yield


def _denied(call, *args, **kwargs) -> str:
    with pytest.raises(ClientError) as caught:
        call(*args, **kwargs)
    return caught.value.response["Error"]["Code"]


def test_site_lists_picsets_newest_first(site, enforced):
    got = site["dynamodb"].query(
        TableName="pics", KeyConditionExpression="primarykey = :k",
        ExpressionAttributeValues={":k": {"S": "/"}}, ScanIndexForward=False)
    ids = [i["sortkey"]["S"] for i in got["Items"]]
    assert PICSET in ids and ids == sorted(ids, reverse=True)


def test_site_reads_a_picset_and_an_item(site, enforced):
    got = site["dynamodb"].query(
        TableName="pics", KeyConditionExpression="primarykey = :k",
        ExpressionAttributeValues={":k": {"S": PICSET}})
    assert [i["sortkey"]["S"] for i in got["Items"]] == ["copy.png", PHOTO]
    item = site["dynamodb"].get_item(TableName="pics", Key={
        "primarykey": {"S": "/"}, "sortkey": {"S": PICSET}})["Item"]
    assert item["pic"]["S"] == PHOTO


def test_site_invokes_search(site, published, enforced):
    response = site["lambda"].invoke(FunctionName="finpics-dev-search",
                                     Payload=json.dumps({"faceid": published}))
    assert "FunctionError" not in response
    payload = json.loads(response["Payload"].read())  # the search role's rights suffice
    assert payload["statusCode"] == 200
    assert [e["image_path"] for e in payload["output"]] == [f"{PICSET}/copy.png"]
    entry = payload["output"][0]  # the contract's entry; the extra keys the site ignores
    assert {"image_id", "image_path", "data"} <= set(entry) and entry["band"] == "sure"
    assert set(entry["data"]["FaceRecords"][0]["Face"]) == {
        "Confidence", "ImageId", "FaceId", "BoundingBox"}
    asked = site["lambda"].invoke(FunctionName="finpics-dev-search",  # the app's request
                                  Payload=json.dumps({"faceid": published, "maybe": True}))
    both = json.loads(asked["Payload"].read())["output"]
    assert both[:1] == payload["output"]  # the sure ones first, then the maybes (if any)
    assert {e["band"] for e in both[1:]} <= {"maybe"}


def test_site_may_not_write_tables(site, enforced):
    db = site["dynamodb"]
    item = {"primarykey": {"S": "/"}, "sortkey": {"S": "999_hacked"}}
    assert _denied(db.put_item, TableName="pics", Item=item) == "AccessDeniedException"
    assert _denied(db.delete_item, TableName="pics", Key={
        "primarykey": {"S": "/"}, "sortkey": {"S": PICSET}}) == "AccessDeniedException"
    assert _denied(db.update_item, TableName="pics", Key={
        "primarykey": {"S": "/"}, "sortkey": {"S": PICSET}}, UpdateExpression="SET pic = :p",
        ExpressionAttributeValues={":p": {"S": "x.jpg"}}) == "AccessDeniedException"
    assert _denied(db.put_item, TableName="pics_by_image_id",
                   Item={"image_id": {"S": "x"}}) == "AccessDeniedException"


def test_site_may_not_read_other_tables_or_scan(site, enforced):
    db = site["dynamodb"]
    assert _denied(db.scan, TableName="pics") == "AccessDeniedException"
    assert _denied(db.get_item, TableName="pics_by_image_id",
                   Key={"image_id": {"S": "x"}}) == "AccessDeniedException"


def test_site_may_not_read_the_curators_private_table(site, enforced):
    """Trash, people's names: the private table is out of the site's reach, by any call."""
    db = site["dynamodb"]
    key = {"pk": {"S": "people"}, "sk": {"S": "x"}}
    assert _denied(db.get_item, TableName="finpics_private", Key=key) == "AccessDeniedException"
    assert _denied(db.query, TableName="finpics_private", KeyConditionExpression="pk = :p",
                   ExpressionAttributeValues={":p": {"S": "people"}}) == "AccessDeniedException"
    assert _denied(db.scan, TableName="finpics_private") == "AccessDeniedException"


def test_site_may_not_write_buckets(site, enforced):
    for bucket in ("finpics-pics", "finpics-thumbs"):
        assert _denied(site["s3"].put_object, Bucket=bucket, Key=f"photos/{PICSET}/x.jpg",
                       Body=b"x") == "AccessDenied"
        assert _denied(site["s3"].delete_object, Bucket=bucket,
                       Key=f"photos/{PICSET}/{PHOTO}") == "AccessDenied"


def test_site_may_not_invoke_processing_or_use_rekognition(site, published, enforced):
    assert _denied(site["lambda"].invoke, FunctionName="finpics-dev-s3",
                   Payload=b"{}") == "AccessDeniedException"
    assert _denied(site["rekognition"].search_faces, CollectionId="finpics",
                   FaceId=published) == "AccessDeniedException"


def test_credentials_of_nobody_are_refused_with_a_clear_message(cloud, enforced):
    backend = open_aws(Names(), cloud.settings(access_key_id="AKIANOTAKEY000000000",
                                               secret_access_key="x"))
    with pytest.raises(CredentialsError, match="does not accept these credentials"):
        backend.tables.query_pics("/")
    backend.close()


def test_cors_preflight_is_answered_on_every_endpoint(cloud, deployed):
    for path in ("/", "/finpics-pics/photos/x.jpg", "/2015-03-31/functions/finpics-dev-search"
                 "/invocations"):
        request = urllib.request.Request(cloud.url + path, method="OPTIONS", headers={
            "Origin": "http://localhost:8000", "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "x-amz-target,content-type,authorization"})
        with urllib.request.urlopen(request) as response:
            assert response.status == 200
            assert response.headers["Access-Control-Allow-Origin"] == "http://localhost:8000"
            assert "POST" in response.headers["Access-Control-Allow-Methods"]
            assert "x-amz-target" in response.headers["Access-Control-Allow-Headers"]


@pytest.mark.parametrize("iam", ["enforced", "not enforced"])
@pytest.mark.parametrize("bucket", ["finpics-pics", "finpics-thumbs"])
def test_images_are_public_at_path_style_urls(cloud, published, bucket, iam):
    """What the site's <img> asks for: an unsigned GET (and a browser's HEAD) of a photo."""
    url = f"{cloud.url}/{bucket}/photos/{PICSET}/{PHOTO}"
    with cloud.iam_enforced() if iam == "enforced" else contextlib.nullcontext():
        request = urllib.request.Request(url, headers={"Origin": "http://localhost:8000"})
        with urllib.request.urlopen(request) as response:
            assert response.status == 200
            assert response.headers["Content-Type"] == "image/png"
            assert response.headers["Access-Control-Allow-Origin"] == "http://localhost:8000"
            assert response.read()[:8] == b"\x89PNG\r\n\x1a\n"
        with urllib.request.urlopen(urllib.request.Request(url, method="HEAD")) as response:
            assert response.status == 200


def test_what_is_not_public_is_refused_to_anonymous_callers_never_a_500(cloud, published,
                                                                       enforced):
    for path in (f"finpics-pics/photos/{PICSET}/missing.png", "finpics-pics/",
                 "finpics-thumbs/not-photos.png"):
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"{cloud.url}/{path}")
        refused.value.close()
        assert refused.value.code == 403, path
