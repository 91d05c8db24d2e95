"""Remove the face (a face the detector found that is no face, or a stranger) and regions
named by hand where no face can be found, on the library with the real engine and the real
photos: through the command line, the window's undo history (the album's curator), reindex,
and curation moving the photo."""

from __future__ import annotations

import json

import pytest

from finpics_desktop import cli
from finpics_desktop.app import people
from finpics_desktop.app.curate import Curator
from finpics_desktop.backends.local.library import open_library
from finpics_desktop.domain import items
from finpics_desktop.pipeline.people.records import FACE, REMOVED

GROUP = "faces/groups/obama_and_biden.jpg"


@pytest.fixture
def album(tmp_path, copy_photos, engine, capsys):
    """A library with one picset: a photo of two people, and a portrait of each."""
    folder = tmp_path / "library"
    src = copy_photos(GROUP, "faces/obama/obama.jpg", "faces/biden/biden.jpg",
                      folder="Friends")

    def run(*args: str) -> tuple[int, str, str]:
        code = cli.main(["--library", str(folder), *args])
        out, err = capsys.readouterr()
        return code, out, err

    code, _, err = run("upload", str(src))
    assert code == 0, err
    return folder, run


def _faces(backend, picset: str, name: str) -> list[dict]:
    return backend.tables.get_pics_item(picset, name)["data"]["FaceRecords"]


def _picset(run) -> str:
    [picset] = json.loads(run("picsets", "--json")[1])
    return picset["id"]


def test_a_named_face_removed_leaves_the_items_the_index_and_its_name(album, engine):
    folder, run = album
    picset = _picset(run)
    backend = open_library(folder, engine=engine)
    first, *others = (r["Face"]["FaceId"] for r in _faces(backend, picset, "obama_and_biden.jpg"))
    second = others[-1]
    [image_id] = {r["Face"]["ImageId"] for r in _faces(backend, picset, "obama_and_biden.jpg")}
    backend.close()
    assert run("name", first, "Poster Man")[0] == 0
    assert json.loads(run("people", "--json")[1]) == [
        {"name": "Poster Man", "faces": 1, "photos": 1}]

    code, out, err = run("remove-face", first, "--json")
    assert code == 0, err
    assert json.loads(out) == {"face_id": first, "photo": f"{picset}/obama_and_biden.jpg",
                               "name": "Poster Man", "kind": "face"}
    backend = open_library(folder, engine=engine)
    try:
        assert [r["Face"]["FaceId"] for r in _faces(backend, picset, "obama_and_biden.jpg")] \
            == others
        image = backend.tables.get_image_item(image_id)  # the other faces': rewritten
        assert items.face_ids(image["data"]) == others
        indexed = {f["FaceId"] for f in backend.faces.list_faces()}
        assert first not in indexed and second in indexed
        assert backend.private.get(FACE, first) is None
        assert backend.private.get(REMOVED, first).doc["key"] == \
            f"photos/{picset}/obama_and_biden.jpg"
    finally:
        backend.close()
    assert json.loads(run("people", "--json")[1]) == [
        {"name": "Poster Man", "faces": 0, "photos": 0}]
    assert run("search", second, "--json")[0] in (0, 3)  # (searched without it)

    for other in others[:-1]:
        assert run("remove-face", other)[0] == 0
    code, out, _ = run("remove-face", second)  # the last face: the item stays, empty
    assert code == 0 and out.strip() == (f"{second}: the face removed from "
                                         f"{picset}/obama_and_biden.jpg")
    backend = open_library(folder, engine=engine)
    try:
        assert _faces(backend, picset, "obama_and_biden.jpg") == []
        assert backend.tables.get_image_item(image_id) is None  # no face left: no item
    finally:
        backend.close()
    code, _, err = run("remove-face", second)
    assert code == 3 and "not in a photo of this album" in err

    code, _, err = run("reindex", "--all")  # never brings them back
    assert code == 0, err
    backend = open_library(folder, engine=engine)
    try:
        assert _faces(backend, picset, "obama_and_biden.jpg") == []
        assert len(_faces(backend, picset, "obama.jpg")) == 1  # (the others re-indexed)
        assert {r.face_id for r in backend.records.photo(picset, "obama.jpg").faces}
    finally:
        backend.close()


def test_undo_puts_the_face_back_with_its_id_and_name(album, engine):
    folder, run = album
    picset = _picset(run)
    backend = open_library(folder, engine=engine)
    try:
        before = _faces(backend, picset, "obama_and_biden.jpg")
        face = before[0]["Face"]["FaceId"]
        people.name_face(backend, face, "Barack Obama")
        told = []
        curator = Curator(backend, on_change=told.append)
        outcome = curator.remove_face(face)
        assert outcome.summary == (f"the face of Barack Obama removed from {picset}/"
                                   "obama_and_biden.jpg (Ctrl+Z puts it back)")
        assert told[-1].touches_photo(picset, "obama_and_biden.jpg")
        assert curator.can_undo == f"the face of Barack Obama removed from {picset}/" \
            "obama_and_biden.jpg"
        assert people.person_photos(backend, "Barack Obama") == []

        undone = curator.undo()
        assert undone.summary.startswith("undone: the face of Barack Obama removed")
        after = _faces(backend, picset, "obama_and_biden.jpg")
        assert sorted(r["Face"]["FaceId"] for r in after) == sorted(
            r["Face"]["FaceId"] for r in before)  # the same FaceId: the library keeps it
        back = next(r for r in after if r["Face"]["FaceId"] == face)
        assert back["Face"]["BoundingBox"] == before[0]["Face"]["BoundingBox"]
        assert [m.image_path for m in people.person_photos(backend, "Barack Obama")] == [
            f"{picset}/obama_and_biden.jpg"]
        image = backend.tables.get_image_item(back["Face"]["ImageId"])
        assert face in items.face_ids(image["data"])
        assert backend.private.get(REMOVED, face) is None
        assert face in {f["FaceId"] for f in backend.faces.list_faces()}
        assert curator.can_undo is None
    finally:
        backend.close()


BACKGROUND = {"Left": 0.02, "Top": 0.02, "Width": 0.08, "Height": 0.1}  # sky: no face there


@pytest.fixture
def landscape(tmp_path, copy_photos, engine, capsys):
    """A library with a landscape (no face) and a portrait, in picset 001_Trip."""
    folder = tmp_path / "library"
    src = copy_photos("orientation/Landscape_1.jpg", "faces/obama/obama.jpg", folder="Trip")

    def run(*args: str) -> tuple[int, str, str]:
        code = cli.main(["--library", str(folder), *args])
        out, err = capsys.readouterr()
        return code, out, err

    assert run("upload", str(src))[0] == 0
    return folder, run


def test_a_box_with_no_face_is_kept_as_a_named_region(landscape, engine):
    folder, run = landscape
    picset = _picset(run)
    box = [str(BACKGROUND[k]) for k in ("Left", "Top", "Width", "Height")]
    code, _, err = run("add-face", f"{picset}/Landscape_1.jpg", *box)
    assert code == 1 and "no face could be found in that box" in err  # (no name: refused)
    code, out, err = run("add-face", f"{picset}/Landscape_1.jpg", *box, "--name", "Ann Back")
    assert code == 0 and "kept as a region named Ann Back" in err
    region = out.strip()
    assert region.startswith("region-")
    assert json.loads(run("people", "--json")[1]) == [
        {"name": "Ann Back", "faces": 0, "photos": 1}]
    code, out, _ = run("person", "Ann Back", "--json")
    [found] = json.loads(out)["output"]
    assert code == 0 and found["image_path"] == f"{picset}/Landscape_1.jpg"
    assert found["matched_face_id"] == region and found["data"]["FaceRecords"] == []
    assert json.loads(run("suggest", "Ann Back", "--json")[1]) == []  # no vector: no proposal
    backend = open_library(folder, engine=engine)
    try:
        assert backend.tables.get_pics_item(picset, "Landscape_1.jpg")["data"][
            "FaceRecords"] == []  # the contract's items know nothing of it
        assert all(f["ExternalImageId"] != "Landscape_1.jpg"
                   for f in backend.faces.list_faces())
        [shown] = people.regions.regions_in(backend, picset, "Landscape_1.jpg")
        assert (shown.region_id, shown.name) == (region, "Ann Back")
    finally:
        backend.close()

    assert run("rename", picset, "--title", "Trip North")[0] == 0  # it follows its photo
    moved = _picset(run)
    assert moved != picset
    assert [m["image_path"] for m in json.loads(run("person", "Ann Back", "--json")[1])[
        "output"]] == [f"{moved}/Landscape_1.jpg"]
    assert run("reindex", "--all")[0] == 0  # not in the index: a re-index leaves it be
    assert json.loads(run("people", "--json")[1])[0]["photos"] == 1

    code, out, _ = run("name", region, "Ann Front")  # named again, like a face
    assert code == 0 and out.strip() == f"{region}: named Ann Front (was Ann Back)"
    assert [m["image_path"] for m in json.loads(run("person", "Ann Front", "--json")[1])[
        "output"]] == [f"{moved}/Landscape_1.jpg"]

    backend = open_library(folder, engine=engine)
    try:  # removed, and put back (the window's Ctrl+Z)
        curator = Curator(backend)
        assert curator.remove_face(region).summary == (
            f"the region named Ann Front removed from {moved}/Landscape_1.jpg (Ctrl+Z puts "
            "it back)")
        assert people.person_photos(backend, "Ann Front") == []
        curator.undo()
        assert [m.matched_face_id for m in people.person_photos(backend, "Ann Front")] == [
            region]
    finally:
        backend.close()
    code, out, _ = run("remove-face", region, "--json")
    assert code == 0 and json.loads(out)["kind"] == "region"
    assert json.loads(run("people", "--json")[1])[0]["photos"] == 0
