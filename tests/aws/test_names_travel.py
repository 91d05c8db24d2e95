"""Names travel (issue 24 item 2): faces named, confirmed, rejected and ignored in the library,
and a hidden person, go to the cloud with ``push`` (as user vectors, each library face matched
to the cloud's face of the same photo by its box); the cloud's People then lists them. A face
renamed on the cloud between two pushes is kept and said; one changed on both sides is a
conflict, said and overwritten nowhere. ``pull`` brings the picset, its photos and its names,
into a second library, linked to its cloud copy. Real face engine, real local cloud."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from finpics_desktop.app.album import Album
from finpics_desktop.app.push import difference, publish_picset
from finpics_desktop.backends.local.library import open_library
from finpics_desktop.pipeline.people.ignored import ignored_ids
from finpics_desktop.pipeline.people.naming import People
from finpics_desktop.pipeline.publish.links import link_of
from finpics_desktop.pipeline.publish.pull import pull
from finpics_desktop.pipeline.publish.upload import Publisher
from tests.aws.aws_helpers import deployed_own

REPO = Path(__file__).resolve().parents[2]
PICSET = "001_trip"
PHOTOS = {"obama1.jpg": "faces/obama/obama1.jpg", "obama2.jpg": "faces/obama/obama2.jpg",
          "biden.jpg": "faces/biden/biden.jpg", "group.jpg": "faces/groups/obama_and_biden.jpg",
          "rose.jpg": "faces/rose_leslie/img1.jpg", "kit.jpeg": "faces/kit_harington/john1.jpeg"}


def faces(backend, name: str) -> list[str]:
    """The faces of a photo, left to right."""
    photo = backend.records.photo(PICSET, name)
    return [f.face_id for f in sorted(photo.faces, key=lambda f: f.left)]


def biggest(backend, name: str) -> str:
    photo = backend.records.photo(PICSET, name)
    return max(photo.faces, key=lambda f: f.width * f.height).face_id


def who(backend) -> dict[str, set[str]]:
    """name -> the photos of the picset People shows for them."""
    people = People(backend)
    return {p.name: {m.image_path.split("/", 1)[1] for m in people.photos(p.name)}
            for p in people.people()}


def push(library, cloud):
    lib, there = Album(library), Album(cloud)
    report = publish_picset(lib, there, difference(lib, there, PICSET))
    assert report.ok, report
    return report.people


@pytest.fixture
def named_library(tmp_path, engine, photos_dir):
    folder = tmp_path / "trip"
    folder.mkdir()
    for name, rel in PHOTOS.items():
        (folder / name).write_bytes((photos_dir / rel).read_bytes())
    library = open_library(tmp_path / "library", engine=engine)
    assert Publisher.for_backend(library).publish(sorted(folder.iterdir()), PICSET).ok
    people = People(library)
    biden_there, obama_there, child = faces(library, "group.jpg")
    for name, face in (("obama1.jpg", None), ("obama2.jpg", None), ("group.jpg", obama_there)):
        people.name_face(face or biggest(library, name), "Barack Obama")
    people.name_face(biggest(library, "biden.jpg"), "Joe Biden")
    assert people.confirm("Joe Biden", [biden_there])[0].error is None
    people.name_face(biggest(library, "rose.jpg"), "Rose Leslie")
    people.hide("Rose Leslie")
    assert people.reject("Barack Obama", [biggest(library, "kit.jpeg")])[0].error is None
    from finpics_desktop.pipeline.people.ignored import ignore

    assert ignore(people, [child])[0].error is None
    yield library
    library.close()


def test_push_carries_names_and_pull_brings_them_to_a_second_library(
        named_library, own_stack, cloud, tmp_path, engine):
    library = named_library
    carried = push(library, own_stack)
    assert carried.conflicts == [] and carried.missed == [], carried.lines()
    assert who(own_stack) == {"Barack Obama": {"obama1.jpg", "obama2.jpg", "group.jpg"},
                              "Joe Biden": {"biden.jpg", "group.jpg"},
                              "Rose Leslie": {"rose.jpg"}}
    theirs = People(own_stack)
    assert [s.person.name for s in theirs.summaries(hidden=True)] == ["Rose Leslie"]
    obama = theirs.find("Barack Obama")
    assert theirs.rejected(obama) == {biggest(own_stack, "kit.jpeg")}
    assert ignored_ids(own_stack.private) == {faces(own_stack, "group.jpg")[2]}
    vector = {f.face_id for f in own_stack.records.indexed_faces(user_id=obama.id)}
    assert vector == {biggest(own_stack, "obama1.jpg"), biggest(own_stack, "obama2.jpg"),
                      faces(own_stack, "group.jpg")[1]}  # the user vector: the cloud's faces

    again = push(library, own_stack)  # nothing changed: nothing said
    assert again.lines() == []

    # between two pushes: on the cloud obama2's face is someone else, the group's Biden is
    # named one way on the cloud and another in the library, and Kit is named in the library
    theirs.name_face(biggest(own_stack, "obama2.jpg"), "Someone Else")
    theirs.name_face(faces(own_stack, "group.jpg")[0], "Cloud Name")
    mine = People(library)
    mine.name_face(faces(library, "group.jpg")[0], "Library Name", same_photo=True)
    mine.name_face(biggest(library, "kit.jpeg"), "Kit Harington")
    carried = push(library, own_stack)
    assert carried.named == [f"{PICSET}/kit.jpeg: Kit Harington"], carried.lines()
    assert len(carried.kept) == 1 and "obama2.jpg" in carried.kept[0]
    assert "Someone Else" in carried.kept[0]
    assert len(carried.conflicts) == 1 and "group.jpg" in carried.conflicts[0]
    assert "Cloud Name" in carried.conflicts[0] and "Library Name" in carried.conflicts[0]
    cloud_now = who(own_stack)
    assert cloud_now["Someone Else"] == {"obama2.jpg"}  # not overwritten
    assert cloud_now["Cloud Name"] == {"group.jpg"}
    assert cloud_now["Kit Harington"] == {"kit.jpeg"}
    assert "Library Name" not in cloud_now
    assert push(library, own_stack).conflicts == carried.conflicts  # said until resolved

    # a second laptop: pull brings the photos and the names, linked to the cloud copy
    second = open_library(tmp_path / "second", engine=engine)
    try:
        brought = pull(second, own_stack, PICSET)
        assert brought.ok and sorted(brought.new) == sorted(PHOTOS), brought.lines()
        for name in PHOTOS:
            ours = second.store.get(second.names.pics_bucket, f"photos/{PICSET}/{name}")
            cloud_copy = own_stack.store.get(own_stack.names.pics_bucket,
                                             f"photos/{PICSET}/{name}")
            assert hashlib.sha256(ours).digest() == hashlib.sha256(cloud_copy).digest()
        assert who(second) == {k: v for k, v in who(own_stack).items()}
        assert who(second)["Barack Obama"] == {"obama1.jpg", "group.jpg"}
        here = People(second)
        assert [s.person.name for s in here.summaries(hidden=True)] == ["Rose Leslie"]
        assert here.rejected(here.find("Barack Obama")) == {biggest(second, "kit.jpeg")}
        assert ignored_ids(second.private) == {faces(second, "group.jpg")[2]}
        assert link_of(second, own_stack, PICSET).cloud_picset == PICSET
        assert brought.people.conflicts == []
        assert pull(second, own_stack, PICSET).new == []  # again: nothing missing
        assert push(second, own_stack).lines() == []  # the two agree
    finally:
        second.close()

    # the first laptop pulls: the cloud's change comes, the conflict stays said, not lost
    back = pull(library, own_stack, PICSET)
    assert back.new == [] and back.present == len(PHOTOS)
    assert who(library)["Someone Else"] == {"obama2.jpg"}
    assert len(back.people.conflicts) == 1 and "Library Name" in back.people.conflicts[0]
    assert who(library)["Library Name"] == {"group.jpg"}


def _cli(cloud, names, *args: str, library=None):
    """``finpics-desktop`` in a process of its own against the local cloud's ``names`` (None:
    the library alone)."""
    env = {**os.environ, "AWS_ACCESS_KEY_ID": cloud.credentials["access_key_id"],
           "AWS_SECRET_ACCESS_KEY": cloud.credentials["secret_access_key"]}
    env.pop("AWS_PROFILE", None)
    overrides = [a for n in ("pics_bucket", "thumbs_bucket", "pics_table", "image_table",
                             "private_table", "collection", "search_function")
                 for a in ("--name", f"{n}={getattr(names, n)}")] if names else []
    where = ["--library", str(library)] if library is not None else ["--backend", "aws"]
    done = subprocess.run([sys.executable, "-m", "finpics_desktop", *where, "--endpoint-url",
                           cloud.url, *overrides, *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=600)
    return done.returncode, done.stdout, done.stderr


@pytest.fixture
def fresh_stack(cloud, lambda_zip):
    """A finpics stack of this test's own: no names from another test."""
    yield from deployed_own(cloud, lambda_zip)


def test_cli_push_then_cloud_people_then_pull_into_a_second_library(
        named_library, fresh_stack, cloud, tmp_path, engine):
    own_stack = fresh_stack
    root = named_library.library.folder
    named_library.close()  # (the commands open it in their own processes)
    names = own_stack.names
    code, _, err = _cli(cloud, names, "push", PICSET, library=root)
    assert code == 0, err
    assert "names on the cloud: 6:" in err, err  # 3 Obama, 2 Biden, Rose
    code, out, err = _cli(cloud, names, "people", "--json")
    assert code == 0, err
    assert {(p["name"], p["photos"]) for p in json.loads(out)} == {
        ("Barack Obama", 3), ("Joe Biden", 2)}  # (Rose Leslie is hidden there too)
    code, out, err = _cli(cloud, names, "person", "Joe Biden", "--json")
    assert code == 0, err
    assert "group.jpg" in out and "biden.jpg" in out

    second = tmp_path / "second"
    code, out, err = _cli(cloud, names, "pull", PICSET, "--json", library=second)
    assert code == 0, err
    pulled = json.loads(out)
    assert sorted(pulled["new"]) == sorted(PHOTOS) and pulled["conflicts"] == []
    assert len(pulled["names"]) == 6, pulled
    code, out, err = _cli(cloud, None, "people", "--json", library=second)
    assert code == 0, err
    assert {(p["name"], p["photos"]) for p in json.loads(out)} == {
        ("Barack Obama", 3), ("Joe Biden", 2)}
    code, _, err = _cli(cloud, names, "pull", "999_nothing", library=second)
    assert code == 3 and err.count("\n") == 1 and "999_nothing" in err, err
