"""The local cloud's S3 answers as AWS does with IAM enforced, one rule a test
(``finpics_desktop/localcloud/s3_access.py``): a moto release that changes any of them fails the
test named after the rule, not twenty unrelated ones."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
import uuid

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from finpics_desktop.localcloud.s3_access import S3Call, bucket_policy_decision, required

BUCKET = "s3-rules"
PUBLIC = "public/face.jpg"
PRIVATE = "private/notes.txt"


@pytest.fixture(scope="module")
def bucket(cloud):
    admin = _client(cloud, cloud.credentials)
    admin.create_bucket(Bucket=BUCKET)
    for key in (PUBLIC, PRIVATE, "vault/secret.txt"):  # before the policy that denies the vault
        admin.put_object(Bucket=BUCKET, Key=key, Body=b"data of " + key.encode())
    admin.put_bucket_policy(Bucket=BUCKET, Policy=json.dumps({
        "Version": "2012-10-17", "Statement": [
            {"Sid": "PublicRead", "Effect": "Allow", "Principal": "*",
             "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{BUCKET}/public/*"},
            {"Sid": "NeverTheVault", "Effect": "Deny", "Principal": "*",
             "Action": "s3:*", "Resource": f"arn:aws:s3:::{BUCKET}/vault/*"}]}))
    yield BUCKET
    admin.close()


def _client(cloud, credentials, **config):
    return boto3.client("s3", endpoint_url=cloud.url, region_name=cloud.region,
                        aws_access_key_id=credentials["access_key_id"],
                        aws_secret_access_key=credentials["secret_access_key"],
                        config=Config(s3={"addressing_style": "path"},
                                      retries={"max_attempts": 1}, **config))


@pytest.fixture(scope="module")
def user(cloud, bucket):
    """``user(*statements)``: the S3 client of a new IAM user allowed just those statements."""
    iam = boto3.client("iam", endpoint_url=cloud.url, region_name=cloud.region,
                       aws_access_key_id=cloud.credentials["access_key_id"],
                       aws_secret_access_key=cloud.credentials["secret_access_key"])
    made = []

    def make(*statements):
        name = f"s3-rules-{uuid.uuid4().hex[:8]}"
        iam.create_user(UserName=name)
        iam.put_user_policy(UserName=name, PolicyName="only", PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": list(statements)}))
        key = iam.create_access_key(UserName=name)["AccessKey"]
        client = _client(cloud, {"access_key_id": key["AccessKeyId"],
                                 "secret_access_key": key["SecretAccessKey"]})
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()
    iam.close()


def _allow(action, resource):
    return {"Effect": "Allow", "Action": action, "Resource": resource}


@pytest.fixture
def enforced(cloud):
    with cloud.iam_enforced():
        yield


def _status(call, **kwargs) -> int:
    try:
        call(**kwargs)
    except ClientError as e:
        return e.response["ResponseMetadata"]["HTTPStatusCode"]
    return 200


def _anonymous(cloud, key: str, method: str = "GET") -> tuple[int, bytes]:
    request = urllib.request.Request(f"{cloud.url}/{BUCKET}/{key}", method=method)
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as e:
        with e:
            return e.code, e.read()


# -- the table of actions (no cloud needed) -------------------------------------------------
@pytest.mark.parametrize(("method", "path", "query", "headers", "needs"), [
    ("HEAD", "/b/k.jpg", "", {}, [("s3:GetObject", "arn:aws:s3:::b/k.jpg")]),
    ("GET", "/b/k.jpg", "", {}, [("s3:GetObject", "arn:aws:s3:::b/k.jpg")]),
    ("GET", "/b/k.jpg", "versionId=3", {}, [("s3:GetObjectVersion", "arn:aws:s3:::b/k.jpg")]),
    ("PUT", "/b/k.jpg", "", {}, [("s3:PutObject", "arn:aws:s3:::b/k.jpg")]),
    ("PUT", "/b/new.jpg", "", {"HTTP_X_AMZ_COPY_SOURCE": "/b/old%20one.jpg"},
     [("s3:PutObject", "arn:aws:s3:::b/new.jpg"), ("s3:GetObject", "arn:aws:s3:::b/old one.jpg")]),
    ("DELETE", "/b/k.jpg", "", {}, [("s3:DeleteObject", "arn:aws:s3:::b/k.jpg")]),
    ("POST", "/b/k.jpg", "uploads", {}, [("s3:PutObject", "arn:aws:s3:::b/k.jpg")]),
    ("DELETE", "/b/k.jpg", "uploadId=1", {},
     [("s3:AbortMultipartUpload", "arn:aws:s3:::b/k.jpg")]),
    ("GET", "/b", "list-type=2&prefix=photos/", {}, [("s3:ListBucket", "arn:aws:s3:::b")]),
    ("HEAD", "/b", "", {}, [("s3:ListBucket", "arn:aws:s3:::b")]),
    ("GET", "/b", "versions", {}, [("s3:ListBucketVersions", "arn:aws:s3:::b")]),
    ("GET", "/b", "policy", {}, [("s3:GetBucketPolicy", "arn:aws:s3:::b")]),
    ("GET", "/", "", {}, [("s3:ListAllMyBuckets", "*")]),
])
def test_each_operation_needs_the_iam_action_aws_documents(method, path, query, headers, needs):
    call = S3Call.from_environ({"REQUEST_METHOD": method, "PATH_INFO": path,
                                "QUERY_STRING": query, **headers})
    assert required(call) == needs


def test_delete_objects_needs_delete_on_every_key():
    body = (b'<Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Object><Key>a.jpg</Key>'
            b"</Object><Object><Key>b/c.jpg</Key></Object></Delete>")
    call = S3Call.from_environ({"REQUEST_METHOD": "POST", "PATH_INFO": "/b",
                                "QUERY_STRING": "delete"})
    assert required(call, body) == [("s3:DeleteObject", "arn:aws:s3:::b/a.jpg"),
                                    ("s3:DeleteObject", "arn:aws:s3:::b/b/c.jpg")]


@pytest.mark.parametrize(("method", "path", "query"), [
    ("PATCH", "/b/k", ""), ("GET", "/b", "replication"), ("PUT", "/b", "requestPayment"),
    ("PUT", "/b", "metrics&id=x"), ("GET", "/b/k", "torrent")])
def test_an_operation_outside_the_table_needs_an_action_no_narrow_policy_grants(method, path,
                                                                               query):
    call = S3Call.from_environ({"REQUEST_METHOD": method, "PATH_INFO": path,
                                "QUERY_STRING": query})
    (action, _), = required(call)
    assert not action.startswith(("s3:Get", "s3:Put", "s3:List", "s3:Delete", "s3:Create"))


def test_a_delete_objects_body_that_cannot_be_read_needs_delete_on_the_bucket():
    call = S3Call.from_environ({"REQUEST_METHOD": "POST", "PATH_INFO": "/b",
                                "QUERY_STRING": "delete"})
    body = b'<?xml version="1.0" encoding="no-such-encoding"?><Delete/>'
    assert required(call, body) == [("s3:DeleteObject", "arn:aws:s3:::b")]


def test_a_bucket_policy_deny_wins_and_a_conditional_allow_grants_nothing():
    policy = json.dumps({"Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
         "Resource": "arn:aws:s3:::b/*"},
        {"Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "s3:Get*",
         "Resource": "arn:aws:s3:::b/secret/*"},
        {"Effect": "Allow", "Principal": "*", "Action": "s3:PutObject",
         "Resource": "arn:aws:s3:::b/*", "Condition": {"IpAddress": {"aws:SourceIp": "1.2.3.4"}}}]})
    assert bucket_policy_decision(policy, None, "s3:GetObject", "arn:aws:s3:::b/x.jpg") == "allow"
    assert bucket_policy_decision(policy, None, "s3:GetObject",
                                  "arn:aws:s3:::b/secret/x.jpg") == "deny"
    assert bucket_policy_decision(policy, None, "s3:PutObject",
                                  "arn:aws:s3:::b/x.jpg") == "neutral"
    assert bucket_policy_decision(None, None, "s3:GetObject", "arn:aws:s3:::b/x") == "neutral"


# -- the rules, on the local cloud with IAM enforced ----------------------------------------
def test_head_and_get_object_are_allowed_by_s3_get_object(cloud, user, enforced):
    reader = user(_allow("s3:GetObject", f"arn:aws:s3:::{BUCKET}/*"))
    assert reader.head_object(Bucket=BUCKET, Key=PRIVATE)["ContentLength"] > 0
    assert reader.get_object(Bucket=BUCKET, Key=PRIVATE)["Body"].read().startswith(b"data")
    assert _status(reader.put_object, Bucket=BUCKET, Key="private/x", Body=b"x") == 403


def test_keys_are_read_whole_accents_plus_and_percent_included(cloud, user, bucket, enforced):
    key = "photos/002_Été à Lisboa/a+b 100%.jpg"
    reader = user(_allow(["s3:GetObject", "s3:PutObject"], f"arn:aws:s3:::{BUCKET}/photos/*"))
    reader.put_object(Bucket=BUCKET, Key=key, Body=b"x")
    assert reader.head_object(Bucket=BUCKET, Key=key)["ContentLength"] == 1  # found: 200
    assert _status(reader.head_object, Bucket=BUCKET, Key=key.replace("+", " ")) == 403


def test_get_object_is_refused_outside_the_allowed_resource(cloud, user, enforced):
    reader = user(_allow("s3:GetObject", f"arn:aws:s3:::{BUCKET}/public/*"))
    assert _status(reader.head_object, Bucket=BUCKET, Key=PRIVATE) == 403
    assert _status(reader.get_object, Bucket=BUCKET, Key=PRIVATE) == 403


def test_a_missing_key_is_404_to_a_caller_allowed_list_bucket(cloud, user, enforced):
    lister = user(_allow("s3:GetObject", f"arn:aws:s3:::{BUCKET}/*"),
                  _allow("s3:ListBucket", f"arn:aws:s3:::{BUCKET}"))
    assert _status(lister.head_object, Bucket=BUCKET, Key="private/none.jpg") == 404
    assert _status(lister.get_object, Bucket=BUCKET, Key="private/none.jpg") == 404


def test_a_missing_key_is_403_to_a_caller_without_list_bucket(cloud, user, enforced):
    reader = user(_allow("s3:GetObject", f"arn:aws:s3:::{BUCKET}/*"))
    assert _status(reader.head_object, Bucket=BUCKET, Key="private/none.jpg") == 403
    assert _status(reader.get_object, Bucket=BUCKET, Key="private/none.jpg") == 403


def test_listing_and_head_bucket_need_list_bucket(cloud, user, enforced):
    reader = user(_allow("s3:GetObject", f"arn:aws:s3:::{BUCKET}/*"))
    lister = user(_allow("s3:ListBucket", f"arn:aws:s3:::{BUCKET}"))
    assert _status(reader.list_objects_v2, Bucket=BUCKET) == 403
    assert _status(reader.head_bucket, Bucket=BUCKET) == 403
    assert lister.list_objects_v2(Bucket=BUCKET)["KeyCount"] >= 3
    assert _status(lister.head_bucket, Bucket=BUCKET) == 200


def test_copy_needs_put_on_the_target_and_get_on_the_source(cloud, user, enforced):
    source = {"Bucket": BUCKET, "Key": PRIVATE}
    writer = user(_allow("s3:PutObject", f"arn:aws:s3:::{BUCKET}/copies/*"))
    copier = user(_allow("s3:PutObject", f"arn:aws:s3:::{BUCKET}/copies/*"),
                  _allow("s3:GetObject", f"arn:aws:s3:::{BUCKET}/private/*"))
    assert _status(writer.copy_object, Bucket=BUCKET, Key="copies/a", CopySource=source) == 403
    assert _status(copier.copy_object, Bucket=BUCKET, Key="other/a", CopySource=source) == 403
    assert _status(copier.copy_object, Bucket=BUCKET, Key="copies/a", CopySource=source) == 200


def test_delete_needs_s3_delete_object(cloud, user, enforced):
    writer = user(_allow("s3:PutObject", f"arn:aws:s3:::{BUCKET}/tmp/*"))
    deleter = user(_allow("s3:DeleteObject", f"arn:aws:s3:::{BUCKET}/tmp/*"))
    writer.put_object(Bucket=BUCKET, Key="tmp/gone", Body=b"x")
    assert _status(writer.delete_object, Bucket=BUCKET, Key="tmp/gone") == 403
    assert _status(deleter.delete_object, Bucket=BUCKET, Key="tmp/gone") in (200, 204)


def test_the_bucket_policy_grants_a_signed_caller_too(cloud, user, enforced):
    nobody = user(_allow("dynamodb:GetItem", "*"))
    assert nobody.get_object(Bucket=BUCKET, Key=PUBLIC)["Body"].read() == b"data of " + \
        PUBLIC.encode()
    assert _status(nobody.get_object, Bucket=BUCKET, Key=PRIVATE) == 403


def test_an_explicit_deny_in_the_callers_policy_beats_the_bucket_policy(cloud, user, enforced):
    refused = user(_allow("s3:ListBucket", f"arn:aws:s3:::{BUCKET}"),
                   {"Effect": "Deny", "Action": "s3:GetObject",
                    "Resource": f"arn:aws:s3:::{BUCKET}/public/*"})
    assert _status(refused.get_object, Bucket=BUCKET, Key=PUBLIC) == 403  # public to others
    assert _anonymous(cloud, PUBLIC)[0] == 200


def test_an_explicit_deny_in_the_bucket_policy_beats_any_allow(cloud, enforced, bucket):
    admin = _client(cloud, cloud.credentials)
    try:
        assert _status(admin.get_object, Bucket=BUCKET, Key="vault/secret.txt") == 403
        assert _status(admin.get_object, Bucket=BUCKET, Key=PRIVATE) == 200
    finally:
        admin.close()


def test_anonymous_gets_of_public_objects_answer_200(cloud, bucket, enforced):
    assert _anonymous(cloud, PUBLIC) == (200, b"data of " + PUBLIC.encode())
    assert _anonymous(cloud, PUBLIC, "HEAD")[0] == 200


def test_anonymous_gets_of_private_or_missing_objects_answer_403_never_500(cloud, bucket,
                                                                           enforced):
    for key in (PRIVATE, "public/missing.jpg", "vault/secret.txt"):
        status, body = _anonymous(cloud, key)
        assert status == 403 and b"<Code>AccessDenied</Code>" in body, (key, status, body)
        assert _anonymous(cloud, key, "HEAD")[0] == 403
    assert _anonymous(cloud, "")[0] == 403  # listing the bucket
    request = urllib.request.Request(f"{cloud.url}/{BUCKET}/{PUBLIC}", data=b"x", method="PUT")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request)
    refused.value.close()
    assert refused.value.code == 403


def test_a_wrong_secret_is_refused_with_signature_does_not_match(cloud, bucket, enforced):
    forged = _client(cloud, {"access_key_id": cloud.credentials["access_key_id"],
                             "secret_access_key": "not-the-secret"})
    try:
        with pytest.raises(ClientError) as refused:
            forged.get_object(Bucket=BUCKET, Key=PUBLIC)
        assert refused.value.response["Error"]["Code"] == "SignatureDoesNotMatch"
    finally:
        forged.close()


def test_a_presigned_url_is_refused_with_403(cloud, bucket, enforced):
    admin = _client(cloud, cloud.credentials)
    try:
        url = admin.generate_presigned_url("get_object", Params={"Bucket": BUCKET, "Key": PRIVATE})
    finally:
        admin.close()
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(url)
    refused.value.close()
    assert refused.value.code == 403
