"""Rekognition's rate on the local cloud (``local-cloud --rekognition-tps``): the calls over it
are refused as AWS refuses them, the cloud adapter keeps to the rate it is given without being
refused, a batch of searches keeps every result but those whose call failed after its retries
(reported), and naming a group of faces associates them in batches, not one call a face.
Every call is real boto3 over HTTP; the throttling is the server's."""

from __future__ import annotations

import sys
import threading
import time
from contextlib import contextmanager

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from finpics_desktop.app import people as app_people
from finpics_desktop.backends.aws.backend import open_aws
from finpics_desktop.pipeline.people.naming import People
from finpics_desktop.pipeline.people.proposals import suggest
from finpics_desktop.pipeline.retry import RetryPolicy
from tests.aws.test_people_cloud import publish_faces
from tests.cloud_process import local_cloud_process

THROTTLED = "ProvisionedThroughputExceededException"


@contextmanager
def throttled(cloud, tps: float, only: set[str] | None = None):
    cloud.set_rekognition_tps(tps, only)
    cloud.throttle.reset_counts()
    try:
        yield cloud.throttle
    finally:
        cloud.set_rekognition_tps(None)


def _raw_client(url: str, keys: dict[str, str]):
    """A plain boto3 client that tries each call once (what the server answers is seen)."""
    return boto3.client("rekognition", endpoint_url=url, region_name="us-east-1",
                        aws_access_key_id=keys["access_key_id"],
                        aws_secret_access_key=keys["secret_access_key"],
                        config=Config(retries={"mode": "standard", "total_max_attempts": 1}))


def _answers(client, calls: int) -> list[tuple[str, int]]:
    found = []
    for _ in range(calls):
        try:
            response = client.list_collections()
            found.append(("ok", response["ResponseMetadata"]["HTTPStatusCode"]))
        except ClientError as e:
            found.append((e.response["Error"]["Code"],
                          e.response["ResponseMetadata"]["HTTPStatusCode"]))
    return found


def faces_published(cloud, photos_dir, prefix: str) -> tuple:
    """faces/ published on fresh cloud resources, never grouped: (names, every FaceId)."""
    from finpics_desktop.backends.aws.session import Clients
    from tests.aws.aws_helpers import create_resources, fresh_names

    names = fresh_names(prefix)
    clients = Clients(cloud.settings())
    create_resources(clients, names)
    backend = open_aws(names, cloud.settings(), clients=clients)
    publish_faces(backend, photos_dir)
    faces = sorted(f["FaceId"] for f in backend.faces.list_faces())
    backend.close()
    return names, faces


@pytest.fixture(scope="module")
def album(cloud, photos_dir):
    """faces/ published on fresh cloud resources: (names, every FaceId)."""
    names, faces = faces_published(cloud, photos_dir, "rate")
    assert len(faces) >= 12
    return names, faces


@pytest.fixture
def open_at(cloud, album):
    """``open_at(**settings)``: the album through the cloud adapter with these settings."""
    opened = []

    def make(**settings):
        backend = open_aws(album[0], cloud.settings(**settings))
        opened.append(backend)
        return backend

    yield make
    for backend in opened:
        backend.close()


def test_the_local_cloud_refuses_the_calls_over_its_rate_as_aws_does(cloud):
    client = _raw_client(cloud.url, cloud.credentials)
    with throttled(cloud, 1) as throttle:
        answers = _answers(client, 4)
    assert answers[0] == ("ok", 200)  # a second's worth is allowed at once
    assert (THROTTLED, 400) in answers, answers
    assert set(answers) <= {("ok", 200), (THROTTLED, 400)}
    assert throttle.refused["ListCollections"] == answers.count((THROTTLED, 400))
    assert _answers(client, 4) == [("ok", 200)] * 4  # no limit again


def test_local_cloud_command_takes_a_rekognition_rate(tmp_path):
    command = [sys.executable, "-m", "finpics_desktop", "local-cloud", "--port", "0",
               "--no-deploy", "--rekognition-tps", "1"]
    with local_cloud_process(command, cwd=tmp_path) as remote:
        keys = {"access_key_id": remote.access_key_id,
                "secret_access_key": remote.secret_access_key}
        answers = _answers(_raw_client(remote.url, keys), 4)
        assert any("at most 1 calls a second" in line for line in remote.log), remote.log
    assert answers[0] == ("ok", 200)
    assert (THROTTLED, 400) in answers, answers


def test_searches_keep_to_the_rate_and_are_never_refused(cloud, album, open_at):
    names, faces = album
    wanted = faces[:11]
    expected = open_at().faces.search_faces_many(wanted, 50.0, 100)
    backend = open_at(rekognition_tps=5)
    with throttled(cloud, 5) as throttle:
        started = time.monotonic()
        found = backend.faces.search_faces_many(wanted, 50.0, 100)
        took = time.monotonic() - started
    assert found.failed == {}
    assert {f: {m["Face"]["FaceId"] for m in ms} for f, ms in found.items()} == {
        f: {m["Face"]["FaceId"] for m in ms} for f, ms in expected.items()}
    assert throttle.refused["SearchFaces"] == 0  # paced by the client: never over the rate
    assert throttle.admitted["SearchFaces"] == len(wanted)
    assert took >= (len(wanted) - 1) / 5 * 0.95  # 5 a second at most (evenly spaced)


def test_two_albums_open_at_once_keep_to_the_rate_together(cloud, album, open_at):
    """The account's rate is the process's to keep, not each ``Clients``'s: two albums opened
    apart (the window's listing and a job, say) searching at the same time are never refused."""
    names, faces = album
    wanted = faces[:12]
    first, second = open_at(rekognition_tps=5), open_at(rekognition_tps=5)
    assert first.faces is not second.faces
    found: dict[str, object] = {}
    with throttled(cloud, 5) as throttle:
        started = time.monotonic()
        jobs = [threading.Thread(target=lambda b=b, n=n: found.__setitem__(
            n, b.faces.search_faces_many(wanted, 50.0, 100))) for n, b in
            enumerate((first, second))]
        for job in jobs:
            job.start()
        for job in jobs:
            job.join(timeout=60)
        took = time.monotonic() - started
    assert [found[n].failed for n in (0, 1)] == [{}, {}]
    assert throttle.admitted["SearchFaces"] == 2 * len(wanted)
    assert throttle.refused["SearchFaces"] == 0  # the two together at 5 a second
    assert took >= (2 * len(wanted) - 1) / 5 * 0.95


def test_a_search_failing_after_its_retries_is_reported_and_the_others_kept(
        cloud, album, open_at):
    names, faces = album
    wanted = faces[:8]
    expected = open_at().faces.search_faces_many(wanted, 50.0, 100)
    # a client that does not keep to the rate, each call tried twice: most calls fail
    backend = open_at(rekognition_tps=0, max_attempts=0)
    backend.faces.retry = RetryPolicy(attempts=2, base=0.01, cap=0.02)
    with throttled(cloud, 1) as throttle:
        found = backend.faces.search_faces_many(wanted, 50.0, 100)
    assert throttle.refused["SearchFaces"] >= 1
    assert found, "the calls that got through are kept"
    assert found.failed, "some calls cannot get through at 1 a second"
    assert set(found) | set(found.failed) == set(wanted)
    for face, matches in found.items():
        assert [m["Face"]["FaceId"] for m in matches] == [
            m["Face"]["FaceId"] for m in expected[face]]
    reason = next(iter(found.failed.values()))
    assert "rate" in reason.lower() and "Traceback" not in reason, reason


def test_suggest_under_throttling_proposes_what_it_could_compare(cloud, album, open_at):
    names, faces = album
    backend = open_at()
    People(backend).name_faces(faces[:3], "Rate Person", same_photo=True)
    complete = suggest(People(backend), "Rate Person")
    assert complete.failed == {}
    compared = len(complete.sure) + len(complete.unsure)
    assert compared >= 2, "enough candidates to see some kept and some failed"
    slow = open_at(rekognition_tps=0, max_attempts=0)
    slow.faces.retry = RetryPolicy(attempts=2, base=0.01, cap=0.02)
    with throttled(cloud, 1, {"SearchUsers"}) as throttle:
        found = suggest(People(slow), "Rate Person")
    assert throttle.refused["SearchUsers"] >= 1
    assert found.failed
    shown = {p.face_id: p.similarity for p in found.all}
    assert shown.items() <= {p.face_id: p.similarity for p in complete.all}.items()
    assert not set(shown) & set(found.failed)


def test_naming_a_group_associates_its_faces_in_batches(cloud, album, open_at):
    names, faces = album
    group = faces[3:15]
    backend = open_at()
    cloud.reset_calls()
    outcomes = app_people.name_faces(backend, group, "Group Person", same_photo=True)
    assert [o.error for o in outcomes] == [None] * len(group)
    calls = {op: n for (service, op), n in cloud.calls.items() if service == "rekognition"}
    assert calls.get("AssociateFaces") == 2  # the first face (the vector), then the rest
    assert calls.get("SearchUsers", 0) <= len(group) - 1
    assert sum(calls.values()) <= 1.4 * len(group), calls
    person = People(backend).find("Group Person")
    assert {f["FaceId"] for f in backend.faces.list_faces(user_id=person.id)} == set(group)
    assert {f.face_id for f in People(backend).faces_of(person)} == set(group)


def test_confirming_faces_associates_them_in_one_batch(cloud, album, open_at):
    names, faces = album
    backend = open_at()
    app_people.name_faces(backend, faces[15:17], "Confirm Person", same_photo=True)
    chosen = faces[17:23]
    cloud.reset_calls()
    outcomes = app_people.confirm(backend, "Confirm Person", chosen, same_photo=True)
    assert [o.error for o in outcomes] == [None] * len(chosen)
    assert cloud.calls[("rekognition", "AssociateFaces")] == 1
    person = People(backend).find("Confirm Person")
    assert {f["FaceId"] for f in backend.faces.list_faces(user_id=person.id)} == set(
        faces[15:23])
