"""The people commands on a library of faces/ (real engine, real photos): the names, arguments,
``--json`` shapes and exit codes the README gives."""

from __future__ import annotations

import json

import pytest
from labelled_album import photo_faces, publish_labelled

from finpics_desktop import cli
from finpics_desktop.backends.local.library import open_library


@pytest.fixture
def album(tmp_path, photos_dir, labels, engine):
    """faces/ published into a library; (run, who): ``run(*args)`` runs a command on it and
    returns (exit code, stdout, stderr); ``who``: FaceId -> labelled person."""
    folder = tmp_path / "library"
    backend = open_library(folder, engine=engine)
    where, who = publish_labelled(backend, photos_dir, labels, tops=("faces",))
    # a person's faces: those of their own photos first, in the photos' order
    order = {r["Face"]["FaceId"]: ("groups/" in where[path], where[path])
             for path, records in photo_faces(backend) for r in records}
    backend.close()

    def run(*args: str):
        code = cli.main(["--library", str(folder), *args])
        out, err = _capsys.readouterr()
        if code == 2:
            print("usage or storage problem:", err)
        return code, out, err

    return run, {f: p for f, p in sorted(who.items(), key=lambda w: order[w[0]])}


@pytest.fixture(autouse=True)
def _keep_capsys(capsys):
    global _capsys
    _capsys = capsys


def faces_of(who: dict, person: str) -> list[str]:
    """The person's faces, those of their own photos first."""
    return [f for f, p in who.items() if p == person]


def test_naming_proposals_and_people(album):
    run, who = album
    obama, biden = faces_of(who, "obama"), faces_of(who, "biden")
    code, out, _ = run("name", obama[0], "Barack Obama")
    assert code == 0 and out.strip() == f"{obama[0]}: named Barack Obama"
    code, out, _ = run("suggest", "barack obama", "--json")
    proposed = json.loads(out)
    assert code == 0 and proposed
    assert all(set(p) == {"face_id", "image_path", "similarity"} for p in proposed)
    assert [p["similarity"] for p in proposed] == sorted((p["similarity"] for p in proposed),
                                                         reverse=True)
    assert {p["face_id"] for p in proposed} <= set(obama)
    code, out, _ = run("suggest", "Barack Obama", "--unsure", "--json")
    assert code == 0 and isinstance(json.loads(out), list)

    code, out, _ = run("confirm", "Barack Obama", *[p["face_id"] for p in proposed])
    assert code == 0 and out.count("confirmed as Barack Obama") == len(proposed)
    code, out, err = run("confirm", "Barack Obama", biden[0], obama[0])
    assert code == 0  # already his: nothing to do
    run("name", biden[0], "Joe Biden")
    code, out, err = run("confirm", "Barack Obama", biden[0])
    assert code == 1 and "named Joe Biden already" in err
    code, out, _ = run("reject", "Barack Obama", biden[1])
    assert code == 0 and "rejected for Barack Obama" in out
    assert biden[1] not in {p["face_id"] for p in json.loads(
        run("suggest", "Barack Obama", "--unsure", "--json")[1])}

    code, out, _ = run("people", "--json")
    listed = json.loads(out)
    assert code == 0 and listed[0] == {"name": "Barack Obama", "faces": len(proposed) + 1,
                                       "photos": len(proposed) + 1}
    assert [p["name"] for p in listed] == ["Barack Obama", "Joe Biden"]

    code, out, _ = run("person", "BARACK OBAMA", "--json")
    payload = json.loads(out)
    assert code == 0 and payload["statusCode"] == 200
    assert len(payload["output"]) == len(proposed) + 1
    entry = payload["output"][0]
    assert {"image_id", "image_path", "data", "similarity", "matched_face_id"} <= set(entry)
    assert entry["matched_face_id"] == obama[0] and entry["similarity"] == 100.0
    code, out, err = run("person", "Nobody", "--json")
    assert code == 3 and "nobody is named 'Nobody'" in err
    failure = json.loads(out)  # the search function's shape of a failure, as `search --json`
    assert failure["statusCode"] == 500 and "nobody is named 'Nobody'" in failure["err"]

    code, out, _ = run("clusters", "--json")
    groups = json.loads(out)
    assert code == 0 and all(set(g) == {"faces", "confident"} for g in groups)
    clustered = {f for g in groups for f in g["faces"]}
    assert obama[0] not in clustered and set(faces_of(who, "kit_harington")) <= clustered


def test_renaming_merging_hiding_unnaming(album):
    run, who = album
    kit = faces_of(who, "kit_harington")
    assert run("name", kit[0], "Kit")[0] == 0
    assert run("name", kit[1], "Jon Snow")[0] == 0
    code, out, _ = run("rename-person", "kit", "Kit Harington")
    assert code == 0 and out.strip() == "kit is now Kit Harington"
    code, _, err = run("rename-person", "Kit Harington", "jon snow")
    assert code == 2 and "someone else already" in err
    code, out, _ = run("merge", "Jon Snow", "Kit Harington")
    assert code == 0 and "1 face(s) moved" in out
    assert [p["name"] for p in json.loads(run("people", "--json")[1])] == ["Kit Harington"]
    assert run("hide", "Kit Harington")[0] == 0
    assert json.loads(run("people", "--json")[1]) == []
    assert [p["name"] for p in json.loads(run("people", "--hidden", "--json")[1])] == [
        "Kit Harington"]
    assert run("hide", "Kit Harington", "--undo")[0] == 0
    code, out, _ = run("unname", kit[1])
    assert code == 0 and out.strip() == f"{kit[1]}: no longer Kit Harington"
    assert run("unname", kit[1])[0] == 3
    assert run("merge", "Nobody", "Kit Harington")[0] == 3
    code, _, err = run("name", "00000000-0000-4000-8000-000000000000", "Kit Harington")
    assert code == 3 and "not in a photo of this album" in err


def test_same_photo_needs_saying_so(album):
    run, who = album
    group = _group_faces(album)
    [obama_in_group] = [f for f in group if who[f] == "obama"]
    [biden_in_group] = [f for f in group if who[f] == "biden"]
    assert run("name", obama_in_group, "Obama")[0] == 0
    code, _, err = run("name", biden_in_group, "Obama")
    assert code == 1 and "once in a photo unless you say so" in err
    assert run("name", biden_in_group, "Obama", "--same-photo")[0] == 0


def _group_faces(album) -> set[str]:
    """The faces of groups/two_people.jpg."""
    run, _ = album
    code, out, _ = run("photos", "003_groups", "--json")
    item = next(i for i in json.loads(out) if i["sortkey"] == "two_people.jpg")
    return {r["Face"]["FaceId"] for r in item["data"]["FaceRecords"]}


def test_add_face_arguments_and_reindex(album):
    run, _ = album
    code, _, err = run("add-face", "no-slash", "0.1", "0.1", "0.1", "0.1")
    assert code == 2 and "PICSET/FILE" in err
    code, _, err = run("add-face", "003_groups/two_people.jpg", "0.9", "0.1", "0.5", "0.1")
    assert code == 2 and "not inside the photo" in err
    code, _, err = run("add-face", "003_groups/nope.jpg", "0.1", "0.1", "0.1", "0.1")
    assert code == 3 and "no photo 003_groups/nope.jpg" in err
    code, _, err = run("add-face", "003_groups/two_people.jpg", "0.01", "0.01", "0.02", "0.02")
    assert code == 1 and "no face could be found in that box" in err
    code, out, err = run("reindex", "--all", "--picset", "003_groups", "--json")
    report = json.loads(out)
    assert code == 0 and report["not_carried"] == [] and len(report["reindexed"]) == 3
    assert set(report["reindexed"][0]) == {"photo", "before", "kept", "new", "removed"}


def test_add_face_then_search_finds_it_from_another_photo(album, engine, photos_dir, tmp_path):
    """A 6000 x 4000 photo with Obama's face pasted 30 px wide (the detector misses it there):
    `add-face` on his box prints the new FaceId, and `search` from his face in another photo
    finds the photo, matched on that face."""
    from groupshot import group_photo

    run, who = album
    crowd, [placed] = group_photo(engine, photos_dir / "orientation/Landscape_1.jpg",
                                  [(photos_dir / "faces/obama/obama2.jpg", 30, (2000, 1500))],
                                  size=(6000, 4000))
    folder = tmp_path / "party"
    folder.mkdir()
    (folder / "crowd.jpg").write_bytes(crowd)
    assert run("upload", str(folder), "--picset", "100_party")[0] == 0
    assert json.loads(run("photos", "100_party", "--json")[1])[0]["data"]["FaceRecords"] == []
    box = placed.box
    code, out, _ = run("add-face", "100_party/crowd.jpg", str(box["Left"] - 0.1 * box["Width"]),
                       str(box["Top"] - 0.15 * box["Height"]), str(1.2 * box["Width"]),
                       str(1.3 * box["Height"]))
    face_id = out.strip()
    assert code == 0 and len(face_id) == 36
    [item] = json.loads(run("photos", "100_party", "--json")[1])
    assert [r["Face"]["FaceId"] for r in item["data"]["FaceRecords"]] == [face_id]
    code, out, _ = run("search", faces_of(who, "obama")[0], "--json")
    found = {e["image_path"]: e["matched_face_id"] for e in json.loads(out)["output"]}
    assert code == 0 and found["100_party/crowd.jpg"] == face_id


def test_reject_refuses_a_face_that_is_not_there_as_confirm_does(album):
    """``reject`` of a face that does not exist used to exit 0, say "rejected" and write a
    record that ``check`` then flagged (rejection-of-missing-face)."""
    run, who = album
    kit = faces_of(who, "kit_harington")
    rose = faces_of(who, "rose_leslie")
    assert run("name", kit[0], "Kit")[0] == 0
    missing = "00000000-0000-4000-8000-000000000000"
    for command, done in (("confirm", "confirmed as"), ("reject", "rejected for")):
        code, out, err = run(command, "Kit", missing)
        assert (code, out) == (1, ""), (command, out, err)
        assert err == f"{missing}: not {done} Kit: not in a photo of this album\n", (
            command, err)
    code, out, err = run("reject", "Kit", rose[0], missing)  # the face that is there is
    assert code == 1
    assert out == f"{rose[0]}: rejected for Kit\n"
    assert err == f"{missing}: not rejected for Kit: not in a photo of this album\n"
    code, _, err = run("check")
    assert code == 0, err


def test_strangers_ignored_listed_and_brought_back(album):
    """``people ignore FACE...``: never proposed, not in ``clusters``; ``people ignored
    [--json]`` lists them; ``people unignore`` brings them back; ``people [--hidden] --json``
    is as before. A named face or a face not there is refused (exit 1), the others done."""
    run, who = album
    obama, biden = faces_of(who, "obama"), faces_of(who, "biden")
    run("name", obama[0], "Barack Obama")
    proposed = [p["face_id"] for p in json.loads(run("suggest", "Barack Obama", "--json")[1])]
    stranger = proposed[0]
    code, out, err = run("people", "ignore", stranger, biden[0])
    assert code == 0 and out.splitlines() == [f"{stranger}: ignored", f"{biden[0]}: ignored"]
    assert stranger not in [p["face_id"] for s in ("", "--unsure") for p in json.loads(
        run("suggest", "Barack Obama", "--json", *([s] if s else []))[1])]
    code, out, _ = run("search", stranger, "--json")  # still searchable by clicking it
    assert code == 0 and len(json.loads(out)["output"]) > 1
    clustered = {f for c in json.loads(run("clusters", "--json")[1]) for f in c["faces"]}
    assert not {stranger, biden[0]} & clustered and biden[1] in clustered
    code, out, _ = run("people", "ignored", "--json")
    listed = json.loads(out)
    assert code == 0 and sorted(i["face_id"] for i in listed) == sorted([stranger, biden[0]])
    assert all(set(i) == {"face_id", "image_path"} for i in listed)
    assert run("people", "--json")[1].startswith("[\n  {\n    \"name\": \"Barack Obama\"")
    code, out, err = run("people", "ignore", obama[0], "no-such-face")
    assert code == 1 and out == ""
    assert f"{obama[0]}: not ignored: it is named Barack Obama: remove its name first" in err
    assert "no-such-face: not ignored: not in a photo of this album" in err
    code, out, err = run("people", "unignore", stranger, obama[1])
    assert code == 1 and out.strip() == f"{stranger}: no longer ignored"
    assert f"{obama[1]}: not brought back: it is not ignored" in err
    assert stranger in [p["face_id"] for p in json.loads(
        run("suggest", "Barack Obama", "--json")[1])]
    code, out, _ = run("people", "ignored")
    assert code == 0 and out.split() == [biden[0], next(
        i["image_path"] for i in listed if i["face_id"] == biden[0])]
