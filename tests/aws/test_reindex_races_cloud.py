"""On the cloud (the local cloud over HTTP, real CLI processes): naming faces while ``reindex
--all`` runs keeps every name a command acknowledged, and a ``reindex --all`` killed with
SIGKILL at several points, run again, leaves ``check`` clean with every name on a face of the
right person."""

from __future__ import annotations

import dataclasses
import random
import signal

import pytest

from finpics_desktop.pipeline.people import People
from finpics_desktop.pipeline.process import process_new_image
from finpics_desktop.pipeline.upload import Publisher
from tests.reindex_race import (
    PHOTOS,
    assert_clean,
    assert_names_kept,
    environment,
    named_in,
    person_of,
    photo_faces,
    race_round,
    run,
    run_killed,
)

ROUNDS = 3
KILLS = (1, 3, 5, 7, 9)  # progress lines printed before the kill (the other worker is mid-photo)


@pytest.fixture
def album(aws_backend, copy_photos):
    """PHOTOS published and processed (as the S3 trigger does) on fresh cloud resources:
    photo -> its person."""
    backend = aws_backend
    folder = copy_photos(*PHOTOS, folder="race")
    assert Publisher.for_backend(backend).publish([folder], "001_race").ok
    person = {}
    for rel in PHOTOS:
        name = rel.rsplit("/", 1)[1]
        process_new_image(backend.store, backend.tables, backend.faces, backend.names,
                          backend.names.pics_bucket, f"photos/001_race/{name}")
        person[f"001_race/{name}"] = person_of(rel)
    return backend, person


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
        wanted = {faces[photo][0]: (photo, f"{person[photo]} {n}") for photo in faces}
        namings, code, lines = race_round(base, env, wanted, rng)
        assert code == 0, lines
        print(f"round {n}: {sum(x.acknowledged for x in namings)} of {len(namings)} named")
        assert_names_kept(backend, namings)
        assert_clean(backend)


def test_a_killed_reindex_run_again_leaves_the_cloud_consistent(cloud, album):
    backend, person = album
    base, env = _cli(cloud, backend)
    people = People(backend)
    for photo, faces in photo_faces(backend).items():
        people.name_face(faces[0], person[photo])
    for kill_after in KILLS:
        code, lines = run_killed(base, env, kill_after)
        assert code == -signal.SIGKILL, lines
        again = run(base, env, "reindex", "--all")
        assert again.returncode == 0, again.stderr
        for photo in person:
            assert list(named_in(backend, photo).values()) == [person[photo]], (kill_after,
                                                                                photo)
        assert_clean(backend)
