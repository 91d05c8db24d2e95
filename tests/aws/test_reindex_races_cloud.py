"""On the cloud (the local cloud over HTTP, real CLI processes): naming faces while ``reindex
--all`` runs keeps every name a command acknowledged, and a ``reindex --all`` killed with
SIGKILL at several points, run again, leaves ``check`` clean with every name on a face of the
right person."""

from __future__ import annotations

import dataclasses
import random
import signal

import pytest

from finpics_desktop.pipeline.functions.process import process_new_image
from finpics_desktop.pipeline.people.naming import People
from finpics_desktop.pipeline.people.photo_lock import LOCKS
from tests.reindex_race import (
    PHOTOS,
    PICSETS,
    assert_clean,
    assert_names_kept,
    environment,
    named_in,
    photo_faces,
    plan,
    publish_twice,
    race_round,
    run,
    run_killed,
)

ROUNDS = 3
NAMES = 8  # per round
KILLS = (1, 3, 5, 7, 9)  # progress lines printed before the kill (the other worker is mid-photo)


def _publish(backend, copy_photos, picsets) -> tuple:
    """PHOTOS published in each of ``picsets`` and processed as the S3 trigger does, on fresh
    cloud resources; the backend and photo -> its person."""
    person = publish_twice(backend, copy_photos(*PHOTOS, folder="race"), picsets)
    for photo in person:
        process_new_image(backend.store, backend.tables, backend.faces, backend.names,
                          backend.names.pics_bucket, f"photos/{photo}")
    return backend, person


@pytest.fixture
def album(aws_backend, copy_photos):
    return _publish(aws_backend, copy_photos, PICSETS)


@pytest.fixture
def small_album(aws_backend, copy_photos):  # a re-index run again after each kill: 10 photos
    return _publish(aws_backend, copy_photos, PICSETS[:1])


def _cli(cloud, backend) -> tuple[list[str], dict]:
    names = [f"--name={f.name}={getattr(backend.names, f.name)}"
             for f in dataclasses.fields(backend.names) if f.name != "region"]
    env = environment(AWS_ACCESS_KEY_ID=cloud.credentials["access_key_id"],
                      AWS_SECRET_ACCESS_KEY=cloud.credentials["secret_access_key"],
                      AWS_REGION=cloud.region)
    return ["--backend", "aws", "--endpoint-url", cloud.url, *names], env


def test_names_given_while_the_cloud_is_reindexed_are_kept(cloud, album):
    backend, person = album
    base, env = _cli(cloud, backend)
    rng = random.Random(19)
    for n in range(ROUNDS):
        faces = photo_faces(backend)
        assert all(len(f) == 1 for f in faces.values()), faces
        namings, code, lines = race_round(base, env, plan(faces, person, str(n), NAMES, rng),
                                          len(faces))
        assert code == 0, lines
        print(f"round {n}: {sum(x.acknowledged for x in namings)} of {len(namings)} named")
        assert_names_kept(backend, namings)
        assert_clean(backend)


@pytest.mark.parametrize("then", [("reindex", "--all"), ("check", "--repair")],
                         ids=["run-again", "one-repair"])
def test_a_killed_reindex_run_again_leaves_the_cloud_consistent(cloud, small_album, then):
    backend, person = small_album
    base, env = _cli(cloud, backend)
    people = People(backend)
    for photo, faces in photo_faces(backend).items():
        people.name_face(faces[0], person[photo])
    left = 0
    for kill_after in KILLS:
        code, lines = run_killed(base, env, kill_after)
        assert code == -signal.SIGKILL, lines
        left += len(backend.private.query(LOCKS))  # a photo it was re-indexing when killed
        again = run(base, env, *then)  # one run finishes it: the same command, or a repair
        assert again.returncode == 0, again.stdout + again.stderr
        for photo in person:
            assert list(named_in(backend, photo).values()) == [person[photo]], (kill_after,
                                                                                photo)
        assert_clean(backend)
    assert left, "no kill landed while a photo was being re-indexed"
