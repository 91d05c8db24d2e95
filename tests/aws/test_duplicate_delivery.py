"""S3 delivers events at least once: the processing function, invoked several times at once
with the same event (concurrent Lambda Invokes on the local cloud, which runs the function's
own handler for each), ends as one invocation would have."""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from finpics_desktop.backends.aws.backend import open_aws
from finpics_desktop.backends.aws.deploy import s3_event
from finpics_desktop.backends.aws.session import Clients
from finpics_desktop.domain import items
from finpics_desktop.domain.names import Names
from tests.aws.aws_helpers import create_resources, fresh_names
from tests.processed_once import assert_processed_once

GROUP = "faces/groups/obama_and_biden.jpg"  # three faces: Biden, Obama, a child
SINGLE = "faces/biden/biden.jpg"


@pytest.fixture
def function(cloud, deployed, lambda_zip):
    """Fresh resources and a processing function on them: the deployed function's handler,
    role and variables (packaging/cloudformation.yaml), under fresh names."""
    names = fresh_names("dup")
    clients = Clients(cloud.settings())
    create_resources(clients, names)
    lam = clients("lambda")
    role = lam.get_function(FunctionName=Names().process_function)["Configuration"]["Role"]
    lam.create_function(
        FunctionName=names.process_function, Runtime="python3.12", Role=role,
        Handler="finpics_desktop.lambdas.process.handler", Timeout=120,
        Code={"ZipFile": lambda_zip.read_bytes()},
        Environment={"Variables": {
            "FINPICS_PICS_BUCKET": names.pics_bucket, "FINPICS_THUMBS_BUCKET": names.thumbs_bucket,
            "FINPICS_PICS_TABLE": names.pics_table, "FINPICS_IMAGE_TABLE": names.image_table,
            "FINPICS_COLLECTION": names.collection}})
    backend = open_aws(names, cloud.settings(), clients=clients)
    yield backend, lam
    backend.close()


def _at_once(*calls) -> list:
    """Runs every call in its own thread, all released together."""
    start = threading.Barrier(len(calls))

    def run(call):
        start.wait()
        return call()

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))


def _invoke(lam, backend, key: str):
    def call():
        got = lam.invoke(FunctionName=backend.names.process_function,
                         Payload=json.dumps(s3_event(backend.names.pics_bucket, key)))
        payload = json.loads(got["Payload"].read())
        assert "FunctionError" not in got, payload
        assert [p["key"] for p in payload["processed"]] == [key], payload
    return call


def test_the_same_event_invoked_three_times_at_once(function, photos_dir):
    backend, lam = function
    key = "photos/001_dup/obama_and_biden.jpg"
    content = (photos_dir / GROUP).read_bytes()
    backend.store.put(backend.names.pics_bucket, key, content, "image/jpeg")
    _at_once(*[_invoke(lam, backend, key)] * 3)
    first = assert_processed_once(backend, key, content, faces=3)

    _at_once(*[_invoke(lam, backend, key)] * 3)  # again, over the item of the first round
    again = assert_processed_once(backend, key, content, faces=3)
    assert set(items.face_ids(again["data"])).isdisjoint(items.face_ids(first["data"]))
    assert backend.tables.get_pics_item("/", "001_dup")["pic"] == "obama_and_biden.jpg"


def test_a_reupload_racing_the_first_ends_with_the_new_content(function, photos_dir):
    backend, lam = function
    bucket, key = backend.names.pics_bucket, "photos/002_dup/photo.jpg"
    old, new = (photos_dir / GROUP).read_bytes(), (photos_dir / SINGLE).read_bytes()
    backend.store.put(bucket, key, old, "image/jpeg")
    invoke = _invoke(lam, backend, key)

    def reupload():
        backend.store.put(bucket, key, new, "image/jpeg")
        invoke()

    _at_once(invoke, invoke, reupload)
    assert_processed_once(backend, key, new, faces=1)


def test_an_event_for_an_original_gone_since_is_skipped(function, photos_dir):
    """A late or repeated event after a move or a trash: nothing to process, nothing written,
    and no failure (which would make Lambda retry it and report an error)."""
    backend, lam = function
    bucket, key = backend.names.pics_bucket, "photos/003_dup/biden.jpg"
    backend.store.put(bucket, key, (photos_dir / SINGLE).read_bytes(), "image/jpeg")
    backend.store.delete(bucket, key)
    got = lam.invoke(FunctionName=backend.names.process_function,
                     Payload=json.dumps(s3_event(bucket, key)))
    payload = json.loads(got["Payload"].read())
    assert "FunctionError" not in got, payload
    assert payload["processed"] == []
    assert [s["key"] for s in payload["skipped"]] == [key]
    assert "no longer there" in payload["skipped"][0]["reason"]
    assert backend.tables.get_pics_item("003_dup", "biden.jpg") is None
    assert backend.tables.get_pics_item("/", "003_dup") is None
    assert backend.store.head(backend.names.thumbs_bucket, key) is None
