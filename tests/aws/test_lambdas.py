"""The thin handlers: S3 event parsing (every record, ``+`` then %-decoding, skips with a
logged reason), failures, and the search payloads the app gets for each kind of failure."""

from __future__ import annotations

import logging
import re

import pytest

from finpics_desktop.backends.aws.backend import open_aws
from finpics_desktop.backends.aws.deploy import s3_event
from finpics_desktop.backends.aws.session import Clients
from finpics_desktop.domain.errors import FinpicsError
from finpics_desktop.lambdas import process as process_lambda
from finpics_desktop.lambdas import search as search_lambda
from finpics_desktop.lambdas.process import event_key
from tests.aws.aws_helpers import create_resources, fresh_names


def _record(bucket: str, key: str, event: str = "ObjectCreated:Put") -> dict:
    return {"eventName": event, "s3": {"bucket": {"name": bucket}, "object": {"key": key}}}


@pytest.mark.parametrize(("raw", "key"), [
    ("photos/001_a/my+photo.jpg", "photos/001_a/my photo.jpg"),
    ("photos/001_a/a%2Bb.jpg", "photos/001_a/a+b.jpg"),
    ("photos/001_a/caf%C3%A9+%26+co.JPG", "photos/001_a/café & co.JPG"),
    ("photos/014_newportboston/100%25.png", "photos/014_newportboston/100%.png"),
])
def test_event_keys_are_decoded_plus_first(raw, key):
    assert event_key(_record("b", raw)) == key
    assert event_key(s3_event("b", key)["Records"][0]) == key


@pytest.fixture
def resources(cloud):
    names = fresh_names("lam")
    clients = Clients(cloud.settings())
    create_resources(clients, names)
    backend = open_aws(names, cloud.settings(), clients=clients)
    env = {"AWS_REGION": cloud.region, "FINPICS_ENDPOINT_URL": cloud.url,
           "AWS_ACCESS_KEY_ID": cloud.credentials["access_key_id"],
           "AWS_SECRET_ACCESS_KEY": cloud.credentials["secret_access_key"],
           "FINPICS_PICS_BUCKET": names.pics_bucket, "FINPICS_THUMBS_BUCKET": names.thumbs_bucket,
           "FINPICS_PICS_TABLE": names.pics_table, "FINPICS_IMAGE_TABLE": names.image_table,
           "FINPICS_COLLECTION": names.collection}
    yield backend, env
    backend.close()


def test_process_handles_every_record_and_skips_with_reasons(resources, photos_dir, caplog):
    backend, env = resources
    bucket = backend.names.pics_bucket
    for name in ("my photo+1.jpg", "biden2.jpg"):
        backend.store.put(bucket, f"photos/301_lambda/{name}",
                          (photos_dir / "faces/biden/biden2.jpg").read_bytes(), "image/jpeg")
    event = {"Records": [
        _record(bucket, "photos/301_lambda/my+photo%2B1.jpg"),
        _record(bucket, "other/x.jpg"),
        _record(bucket, "photos/301_lambda/notes.txt"),
        _record(bucket, "photos/301_lambda/biden2.jpg", "ObjectRemoved:Delete"),
        _record(bucket, "photos/301_lambda/biden2.jpg"),
    ]}
    with caplog.at_level(logging.INFO, logger="finpics_desktop.lambdas.process"):
        result = process_lambda.handle(event, env)
    assert [p["key"] for p in result["processed"]] == [
        "photos/301_lambda/my photo+1.jpg", "photos/301_lambda/biden2.jpg"]
    assert [s["key"] for s in result["skipped"]] == [
        "other/x.jpg", "photos/301_lambda/notes.txt", None]
    assert "not under 'photos/'" in result["skipped"][0]["reason"]
    assert "unsupported file type '.txt'" in result["skipped"][1]["reason"]
    assert "skipping other/x.jpg" in caplog.text
    assert "skipping photos/301_lambda/notes.txt" in caplog.text
    assert [i["sortkey"] for i in backend.tables.query_pics("301_lambda")] == [
        "biden2.jpg", "my photo+1.jpg"]
    assert backend.store.head(backend.names.thumbs_bucket, "photos/301_lambda/my photo+1.jpg")


def test_a_failing_record_fails_the_event_after_the_others(resources, photos_dir):
    backend, env = resources
    bucket = backend.names.pics_bucket
    backend.store.put(bucket, "photos/302_lambda/ok.jpg",
                      (photos_dir / "faces/biden/biden.jpg").read_bytes(), "image/jpeg")
    event = {"Records": [_record("no-such-bucket-302", "photos/302_lambda/unreadable.jpg"),
                         _record(bucket, "photos/302_lambda/ok.jpg")]}
    with pytest.raises(RuntimeError, match="unreadable.jpg"):
        process_lambda.handle(event, env)
    assert backend.tables.get_pics_item("302_lambda", "ok.jpg") is not None
    # an original gone since its event (moved, trashed) is no failure: nothing to process
    gone = process_lambda.handle({"Records": [_record(bucket, "photos/302_lambda/gone.jpg")]},
                                 env)
    assert gone["processed"] == [] and "no longer there" in gone["skipped"][0]["reason"]


def test_search_handler_payloads(resources, monkeypatch):
    backend, env = resources
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    assert search_lambda.handler({}, None) == {"statusCode": 500, "err": "faceid is missing"}
    unknown = search_lambda.handler({"faceid": "f-unknown"}, None)
    assert unknown["statusCode"] == 500 and "f-unknown" in unknown["err"]
    assert search_lambda.handle('{"faceid": ""}', env)["statusCode"] == 500


def test_app_search_turns_every_failure_into_an_error(cloud, deployed, lambda_zip,
                                                           clients):
    role = deployed.outputs["PublicSiteRoleArn"]
    names = fresh_names("bad")
    fn = clients("lambda")
    fn.create_function(FunctionName="crashing-search", Runtime="python3.12", Role=role,
                       Handler="somewhere.else.handler", Code={"ZipFile": lambda_zip.read_bytes()})
    fn.create_function(FunctionName="tableless-search", Runtime="python3.12", Role=role,
                       Handler="finpics_desktop.lambdas.search.handler",
                       Code={"ZipFile": lambda_zip.read_bytes()},
                       Environment={"Variables": {"FINPICS_COLLECTION": names.collection}})
    for function, expected in [("crashing-search", "failed (Unhandled)"),
                               ("tableless-search", "does not exist"),
                               ("no-such-function", "does not exist")]:
        backend = open_aws(names.with_overrides(search_function=function), cloud.settings())
        with pytest.raises(FinpicsError, match=re.escape(expected)):
            backend.search("f-1")
        backend.close()
