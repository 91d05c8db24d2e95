""""A and B together" on a library of faces/ (real engine, real photos): ``person NAME NAME
[--only] [--json]`` lists exactly the photos where all of them appear, and with ``--only``
those where nobody else does (a face named for someone else, or named by nobody, is someone
else); one name answers as it always did."""

from __future__ import annotations

import json

import pytest
from labelled_album import publish_labelled

from finpics_desktop import cli
from finpics_desktop.backends.local.library import open_library
from finpics_desktop.pipeline.people.naming import People


@pytest.fixture
def album(tmp_path, photos_dir, labels, engine, capsys):
    """faces/ published, every labelled face named; (run, where, who)."""
    folder = tmp_path / "library"
    backend = open_library(folder, engine=engine)
    where, who = publish_labelled(backend, photos_dir, labels, tops=("faces",))
    people = People(backend)
    names = {"obama": "Barack Obama", "biden": "Joe Biden", "kit_harington": "Kit Harington",
             "rose_leslie": "Rose Leslie"}
    for face_id, person in who.items():
        if person in names:
            people.name_face(face_id, names[person], same_photo=True)
    backend.close()

    def run(*args: str):
        code = cli.main(["--library", str(folder), *args])
        out, err = capsys.readouterr()
        return code, out, err

    return run, where, who


def photos(where: dict, out: str) -> set[str]:
    payload = json.loads(out)
    assert payload["statusCode"] == 200
    return {where[e["image_path"]] for e in payload["output"]}


def test_photos_with_all_of_them_and_with_only_them(album):
    run, where, who = album
    child = [f for f, p in who.items() if p is None]
    assert child, "the child at the edge of obama_and_biden.jpg is a face of its own"
    code, out, _ = run("person", "Barack Obama", "Joe Biden", "--json")
    assert code == 0
    assert photos(where, out) == {"faces/groups/obama_and_biden.jpg",
                                  "faces/groups/two_people.jpg"}
    entry = json.loads(out)["output"][0]  # the search function's shape, as for one name
    assert {"image_id", "image_path", "data", "similarity", "matched_face_id"} <= set(entry)
    assert who[entry["matched_face_id"]] == "obama"  # the first person's face in it

    code, out, _ = run("person", "barack obama", "JOE BIDEN", "--only", "--json")
    assert code == 0  # the child nobody named is someone else
    assert photos(where, out) == {"faces/groups/two_people.jpg"}
    code, out, _ = run("person", "Joe Biden", "Barack Obama", "--only")
    assert code == 0 and out.strip().endswith(
        next(p for p, w in where.items() if w == "faces/groups/two_people.jpg"))

    code, out, _ = run("person", "Kit Harington", "Rose Leslie", "--only", "--json")
    assert photos(where, out) == {"faces/groups/kit_with_rose.jpg"}
    code, out, _ = run("person", "Kit Harington", "Barack Obama", "--json")
    assert code == 0 and json.loads(out)["output"] == []

    code, out, _ = run("name", child[0], "The Child")
    assert code == 0
    code, out, _ = run("person", "Barack Obama", "Joe Biden", "--only", "--json")
    assert photos(where, out) == {"faces/groups/two_people.jpg"}  # named: someone else still
    code, out, _ = run("person", "Barack Obama", "Joe Biden", "The Child", "--only", "--json")
    assert photos(where, out) == {"faces/groups/obama_and_biden.jpg"}


def test_one_name_answers_as_before_and_only_alone(album):
    run, where, who = album
    code, one, _ = run("person", "Kit Harington", "--json")
    assert code == 0
    assert photos(where, one) == {w for w in where.values()
                                  if w.startswith("faces/kit_harington/")} | {
        "faces/groups/kit_with_rose.jpg"}
    code, alone, _ = run("person", "Kit Harington", "--only", "--json")
    assert photos(where, alone) == photos(where, one) - {"faces/groups/kit_with_rose.jpg"}


def test_a_name_nobody_has_is_refused_by_name(album):
    run, _, _ = album
    code, out, err = run("person", "Barack Obama", "George Bush", "--json")
    assert code == 3
    assert "nobody is named 'George Bush'" in err and "finpics-desktop people" in err
    assert json.loads(out)["statusCode"] == 500
