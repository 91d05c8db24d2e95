"""The names other photo apps wrote: regions written by exiftool (MWG in the JPEG, Microsoft
People regions, an .xmp sidecar) and a Picasa ``.picasa.ini``, taken when a real photo of
../shared/photos is published into the library with the real engine; conflicts shown, not
applied; ``export-names`` writes sidecars exiftool reads back."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
from tagged_photos import EXIFTOOL, PHOTO, exiftool, faces_of, mwg_area, needs_exiftool, scout_boxes

from finpics_desktop import cli
from finpics_desktop.pipeline.photos import face_tags, xmp


@pytest.fixture(autouse=True)
def _keep_capsys(capsys):
    global _capsys
    _capsys = capsys


def run(library, *args: str):
    code = cli.main(["--library", str(library), *args])
    out, err = _capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def boxes(tmp_path_factory, photos_dir, engine):
    """The boxes the engine finds in PHOTO, left to right (a library of its own)."""
    return scout_boxes(tmp_path_factory.mktemp("scout"), engine, photos_dir / PHOTO)


def people(library) -> dict[str, dict]:
    code, out, _ = run(library, "people", "--json")
    assert code == 0
    return {p["name"]: p for p in json.loads(out)}


@needs_exiftool
def test_mwg_regions_in_the_jpeg_named_then_exported_as_a_sidecar(tmp_path, photos_dir,
                                                                  boxes):
    """The issue's example: a region named "Ada Lovelace" over a real face (and one over no
    face) in the photo's XMP; published: `people` lists Ada Lovelace with that face, the other
    region is kept; export-names writes a sidecar exiftool reads back with the same names."""
    src = tmp_path / "src"
    src.mkdir()
    photo = src / "pair.jpg"
    shutil.copy(photos_dir / PHOTO, photo)
    corner = {"Left": 0.02, "Top": 0.02, "Width": 0.08, "Height": 0.1}
    exiftool(f"-RegionInfo={{AppliedToDimensions={{W=1,H=1,Unit=pixel}},RegionList=["
             f"{{Area={mwg_area(boxes[0])},Name=Ada Lovelace,Type=Face}},"
             f"{{Area={mwg_area(corner, 1.0)},Name=Charles Babbage,Type=Face}},"
             f"{{Area={mwg_area(boxes[1])},Name=A Cat,Type=Pet}}]}}", str(photo))
    library = tmp_path / "library"
    code, _, err = run(library, "upload", str(src))
    assert code == 0, err
    assert "named Ada Lovelace" in err and "kept a region named Charles Babbage" in err, err
    assert "A Cat" not in err  # (a pet's region is not a face)
    everyone = people(library)
    assert everyone["Ada Lovelace"]["faces"] == 1 and everyone["Ada Lovelace"]["photos"] == 1
    assert everyone["Charles Babbage"]["photos"] == 1  # a region counts among their photos

    from finpics_desktop.backends.local.library import open_library
    backend = open_library(library)
    try:
        left = faces_of(backend)[0]
    finally:
        backend.close()
    code, out, _ = run(library, "person", "Ada Lovelace", "--json")
    assert json.loads(out)["output"][0]["matched_face_id"] == left["FaceId"]  # the face it was over

    code, out, err = run(library, "export-names", "--json")
    assert code == 0, err
    [exported] = json.loads(out)
    assert exported["outcome"] == "written"
    assert exported["sidecar"] == str(photo) + ".xmp"
    read = json.loads(subprocess.run(
        [EXIFTOOL, "-j", "-struct", "-RegionInfo", exported["sidecar"]],
        capture_output=True, text=True, check=True).stdout)[0]["RegionInfo"]
    regions = {r["Name"]: r["Area"] for r in read["RegionList"]}
    assert set(regions) == {"Ada Lovelace", "Charles Babbage"}
    ada, box = regions["Ada Lovelace"], left["BoundingBox"]
    assert ada["X"] == pytest.approx(box["Left"] + box["Width"] / 2, abs=1e-4)
    assert ada["W"] == pytest.approx(box["Width"], abs=1e-4)
    assert regions["Charles Babbage"]["W"] == pytest.approx(corner["Width"], abs=1e-3)
    assert not list(library.rglob("*.xmp"))  # never in the album
    assert run(library, "export-names", "999_nope")[0] == 3  # no such picset
    assert run(library, "import-names", "999_nope")[0] == 3


@needs_exiftool
def test_microsoft_people_regions_named(tmp_path, photos_dir, boxes):
    src = tmp_path / "src"
    src.mkdir()
    photo = src / "pair.jpg"
    shutil.copy(photos_dir / PHOTO, photo)
    b = boxes[1]
    rect = "|, ".join(f"{v:.4f}" for v in (b["Left"], b["Top"], b["Width"], b["Height"]))
    exiftool(f"-RegionInfoMP={{Regions=[{{PersonDisplayName=Grace Hopper,Rectangle={rect}}},"
             f"{{PersonDisplayName=ffffffffffffffff,Rectangle=0.1|, 0.1|, 0.1|, 0.1}}]}}",
             str(photo))
    library = tmp_path / "library"
    code, _, err = run(library, "upload", str(src))
    assert code == 0 and "named Grace Hopper" in err and "Microsoft People regions" in err, err
    assert set(people(library)) == {"Grace Hopper"}  # (Windows' "ignored face" is no one)


@needs_exiftool
def test_sidecar_named_and_a_conflict_shown_not_applied(tmp_path, photos_dir, boxes):
    """A photo published, its face named Charles in the album; a sidecar written since says
    that face is Ada: publishing again shows the conflict and the face stays Charles's; the
    other face of the sidecar is named."""
    src = tmp_path / "src"
    src.mkdir()
    photo = src / "pair.jpg"
    shutil.copy(photos_dir / PHOTO, photo)
    library = tmp_path / "library"
    assert run(library, "upload", str(src))[0] == 0
    from finpics_desktop.backends.local.library import open_library
    backend = open_library(library)
    try:
        left, right = faces_of(backend)[:2]
    finally:
        backend.close()
    assert run(library, "name", left["FaceId"], "Charles Babbage")[0] == 0
    subprocess.run([EXIFTOOL, "-q", "-o", str(src / "pair.xmp"),
                    f"-RegionInfo={{RegionList=[{{Area={mwg_area(boxes[0])},Name=Ada Lovelace,"
                    f"Type=Face}},{{Area={mwg_area(boxes[1])},Name=Grace Hopper,Type=Face}}]}}",
                    "-XMP-dc:Subject=holiday"], check=True, capture_output=True)
    code, _, err = run(library, "upload", str(src))
    assert code == 0, err
    assert (f"Ada Lovelace not taken: face {left['FaceId']} is named Charles Babbage in the "
            "album") in err, err
    assert "named Grace Hopper" in err and "pair.xmp" in err
    everyone = people(library)
    assert "Ada Lovelace" not in everyone and everyone["Charles Babbage"]["faces"] == 1
    code, out, _ = run(library, "person", "Grace Hopper", "--json")
    assert json.loads(out)["output"][0]["matched_face_id"] == right["FaceId"]
    code, _, err = run(library, "upload", str(src))  # again: nothing new
    assert "named Grace Hopper" not in err and "not taken" in err

    code, out, err = run(library, "export-names", "--json")  # into the sidecar it has
    assert code == 0 and json.loads(out)[0]["sidecar"] == str(src / "pair.xmp"), err
    read = json.loads(subprocess.run(
        [EXIFTOOL, "-j", "-struct", "-RegionInfo", "-XMP-dc:Subject", str(src / "pair.xmp")],
        capture_output=True, text=True, check=True).stdout)[0]
    assert sorted(r["Name"] for r in read["RegionInfo"]["RegionList"]) == [
        "Charles Babbage", "Grace Hopper"]  # the album's names, not the sidecar's
    assert read["Subject"] in ("holiday", ["holiday"])  # the rest of the sidecar kept


def test_picasa_ini_faces_named(tmp_path, photos_dir, boxes):
    """Picasa's own format (no tool here writes it: written as Picasa 3.9 does)."""
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(photos_dir / PHOTO, src / "pair.jpg")

    def rect64(b: dict) -> str:
        parts = (b["Left"], b["Top"], b["Left"] + b["Width"], b["Top"] + b["Height"])
        return "rect64(" + "".join(f"{round(v * 65535):04x}" for v in parts).lstrip("0") + ")"

    (src / ".picasa.ini").write_text(
        "[Picasa]\nname=groups\n[pair.jpg]\n"
        f"faces={rect64(boxes[0])},4a1c3e0b9d2f7788;{rect64(boxes[1])},ffffffffffffffff\n"
        "backuphash=1234\n[Contacts2]\n4a1c3e0b9d2f7788=Ada Lovelace;;\n")
    library = tmp_path / "library"
    code, _, err = run(library, "upload", str(src))
    assert code == 0 and "named Ada Lovelace" in err and "Picasa faces" in err, err
    assert people(library)["Ada Lovelace"]["faces"] == 1


@needs_exiftool
def test_import_names_takes_them_later_and_a_changed_file_is_left_alone(tmp_path, photos_dir,
                                                                        boxes):
    """A photo published with no names; named in digiKam since (a sidecar: the photo is the
    same): import-names names the face (once); once the photo itself is edited, neither its
    names are read nor a sidecar written beside it."""
    src = tmp_path / "src"
    src.mkdir()
    photo = src / "pair.jpg"
    shutil.copy(photos_dir / PHOTO, photo)
    library = tmp_path / "library"
    assert run(library, "upload", str(src))[0] == 0
    subprocess.run([EXIFTOOL, "-q", "-o", str(photo) + ".xmp",
                    f"-RegionInfo={{RegionList=[{{Area={mwg_area(boxes[1])},Name=Grace Hopper,"
                    "Type=Face}]}"], check=True, capture_output=True)
    code, out, err = run(library, "import-names", "--json")
    assert code == 0, err
    [taken] = json.loads(out)["taken"]
    assert taken["outcome"] == "named" and taken["name"] == "Grace Hopper", taken
    assert taken["source"] == str(photo) + ".xmp"
    code, out, _ = run(library, "import-names", "--json")
    assert [t["outcome"] for t in json.loads(out)["taken"]] == ["already"]
    assert people(library)["Grace Hopper"]["faces"] == 1

    exiftool("-XMP-dc:Title=edited", str(photo))  # the photo changed since it was published
    sidecar = (src / "pair.jpg.xmp").read_bytes()
    code, out, err = run(library, "import-names", "--json")
    assert json.loads(out)["taken"] == []
    assert any("has changed since it was published" in p for p in json.loads(out)["problems"])
    code, out, err = run(library, "export-names", "--json")
    assert code == 1
    [exported] = json.loads(out)
    assert exported["outcome"] == "not written" and "has changed" in exported["reason"]
    assert (src / "pair.jpg.xmp").read_bytes() == sidecar  # left as it was


# -- the parts, without the engine ------------------------------------------------------------
@pytest.mark.parametrize("orientation", range(1, 9))
def test_boxes_turned_upright_and_back(orientation):
    box = {"Left": 0.1, "Top": 0.2, "Width": 0.3, "Height": 0.15}
    up = face_tags.upright_box(box, orientation)
    assert face_tags.stored_box(up, orientation) == pytest.approx(box)
    if orientation == 6:  # stored top-left, shown top-right
        assert up == pytest.approx({"Left": 0.65, "Top": 0.1, "Width": 0.15, "Height": 0.3})


def test_xml_with_entities_is_refused_not_expanded():
    bomb = (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">'
            b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
            b'<x:xmpmeta xmlns:x="adobe:ns:meta/">&b;</x:xmpmeta>')
    with pytest.raises(xmp.BadXmp, match="document type"):
        xmp.parse(bomb)
    with pytest.raises(xmp.BadXmp, match="UTF-8"):
        xmp.parse(bomb.decode().encode("utf-16"))
