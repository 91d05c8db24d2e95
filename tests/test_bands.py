"""Search results in two bands, sure and maybe (``domain/bands.py``), with the real engine on
the real photos: the CLI (``search`` lists the sure ones, ``--maybe`` adds the others,
``--json`` says each one's band), the quality gate (a tiny face is never sure), and
``reindex`` from the engine before (a face's crop alone) to the mirror-averaged engine, names
kept."""

from __future__ import annotations

import io
import json

import pytest
from PIL import Image

from finpics_desktop.backends.local.engine import MIRROR_VERSION, SINGLE_VERSION, FaceEngine
from finpics_desktop.backends.local.library import open_library
from finpics_desktop.cli import main
from finpics_desktop.domain import bands
from finpics_desktop.pipeline.people.naming import People, names_in
from finpics_desktop.pipeline.people.reindex import reindex
from finpics_desktop.pipeline.publish.upload import Publisher


def publish(backend, folder, picset):
    report = Publisher(backend.store, backend.tables, backend.faces, backend.names,
                       backend.process).publish([folder], picset)
    assert report.ok, report.summary()


def central_face(backend, picset, name):
    records = backend.tables.get_pics_item(picset, name)["data"]["FaceRecords"]
    return min(records, key=lambda r: abs(r["Face"]["BoundingBox"]["Left"]
                                          + r["Face"]["BoundingBox"]["Width"] / 2 - 0.5))


@pytest.fixture(scope="module")
def lookalikes(tmp_path_factory, photos_dir, engine):
    """lfw10's Ariel Sharon and Hugo Chavez, whose closest photos are the closest different
    people of lfw10 (cosine 0.38: docs/benchmarks.md), in one library."""
    root = tmp_path_factory.mktemp("lookalikes")
    backend = open_library(root / "lib", engine=engine)
    publish(backend, photos_dir / "lfw10" / "Ariel_Sharon", "001_sharon")
    publish(backend, photos_dir / "lfw10" / "Hugo_Chavez", "002_chavez")
    face = central_face(backend, "001_sharon", "Ariel_Sharon_0001.jpg")["Face"]["FaceId"]
    backend.close()
    return str(root / "lib"), face


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_search_lists_the_sure_photos_and_maybe_adds_the_others(capsys, lookalikes):
    lib, face = lookalikes
    code, out, err = run(capsys, "--library", lib, "search", face, "--json")
    assert code == 0, err
    sure = json.loads(out)["output"]
    assert sure and {e["band"] for e in sure} == {"sure"}
    assert all(e["image_path"].startswith("001_sharon/") for e in sure)  # never Chavez
    for entry in sure:  # every key the site and the app read is still there
        assert {"image_id", "image_path", "data", "similarity", "matched_face_id"} <= set(entry)
        assert entry["similarity"] >= bands.MIRROR.sure

    code, out, err = run(capsys, "--library", lib, "search", face, "--maybe", "--json")
    assert code == 0, err
    both = json.loads(out)["output"]
    assert both[:len(sure)] == sure  # the sure ones first, unchanged
    maybe = both[len(sure):]
    assert maybe and {e["band"] for e in maybe} == {"maybe"}
    assert any(e["image_path"].startswith("002_chavez/") for e in maybe)
    assert all(bands.MIRROR.maybe <= e["similarity"] < bands.MIRROR.sure for e in maybe)

    code, out, _ = run(capsys, "--library", lib, "search", face)
    assert code == 0 and "002_chavez" not in out and "(maybe)" not in out
    assert len(out.splitlines()) == len(sure)
    code, out, _ = run(capsys, "--library", lib, "search", face, "--maybe")
    lines = out.splitlines()
    assert len(lines) == len(both)
    assert all(line.endswith("(maybe)") for line in lines[len(sure):])
    assert not any(line.endswith("(maybe)") for line in lines[:len(sure)])


def test_the_threshold_given_is_the_sure_cut(capsys, lookalikes):
    lib, face = lookalikes
    code, out, _ = run(capsys, "--library", lib, "--threshold", "60", "search", face, "--json")
    assert code == 0
    output = json.loads(out)["output"]
    assert {e["band"] for e in output} == {"sure"}  # the curator's own cut: all sure
    assert any(e["image_path"].startswith("002_chavez/") for e in output)


def tiny_copy(photo, face_px: int) -> bytes:
    """The photo shrunk until its face is about ``face_px`` wide, in the middle of a 1600 x
    1200 grey picture (a face far away in a large photo)."""
    image = Image.open(photo).convert("RGB")
    scale = face_px / (image.width * 0.3)  # the portrait's face is ~30 % of its width
    small = image.resize((max(1, round(image.width * scale)),
                          max(1, round(image.height * scale))), Image.BILINEAR)
    canvas = Image.new("RGB", (1600, 1200), (128, 128, 128))
    canvas.paste(small, ((1600 - small.width) // 2, (1200 - small.height) // 2))
    out = io.BytesIO()
    canvas.save(out, "JPEG", quality=92)
    return out.getvalue()


def test_a_tiny_face_is_never_sure(tmp_path, photos_dir, engine):
    folder = tmp_path / "src"
    folder.mkdir()
    for name in ("obama.jpg", "obama2.jpg", "obama3.jpg"):
        (folder / name).write_bytes((photos_dir / "faces" / "obama" / name).read_bytes())
    (folder / "far_away.jpg").write_bytes(tiny_copy(folder / "obama.jpg", 30))
    backend = open_library(tmp_path / "lib", engine=engine)
    try:
        publish(backend, folder, "001_obama")
        tiny = backend.tables.get_pics_item("001_obama", "far_away.jpg")["data"]["FaceRecords"]
        assert len(tiny) == 1, "the far-away face is found"
        assert tiny[0]["FaceDetail"]["Quality"]["Sharpness"] < bands.SHARP
        big = backend.tables.get_pics_item("001_obama", "obama.jpg")["data"]["FaceRecords"]
        assert big[0]["FaceDetail"]["Quality"]["Sharpness"] >= bands.SHARP

        found = {m.name: m for m in backend.search(big[0]["Face"]["FaceId"])}
        assert found["far_away.jpg"].band == bands.MAYBE  # found, but never sure
        assert found["obama2.jpg"].band == bands.SURE
        from_tiny = backend.search(tiny[0]["Face"]["FaceId"])
        assert from_tiny and {m.band for m in from_tiny} == {bands.MAYBE}
    finally:
        backend.close()


def test_reindex_to_the_mirror_engine_keeps_names(tmp_path, photos_dir, copy_photos):
    folder = copy_photos("faces/biden", "faces/groups/two_people.jpg")
    root = tmp_path / "lib"
    before = open_library(root, engine=FaceEngine(mirror=False))
    publish(before, folder, "001_biden")
    faces = {p["sortkey"]: p["data"]["FaceRecords"]
             for p in before.tables.query_pics("001_biden")}
    assert {p["data"]["FaceModelVersion"]
            for p in before.tables.query_pics("001_biden")} == {SINGLE_VERSION}
    biden = faces["biden.jpg"][0]["Face"]["FaceId"]
    People(before).name_face(biden, "Joe Biden")
    before.close()

    after = open_library(root, engine=FaceEngine())
    try:
        assert after.faces.outdated_faces() == {SINGLE_VERSION: 4}  # biden(2), two_people
        report = reindex(after, None)
        assert report.ok and report.engine == MIRROR_VERSION
        assert after.faces.outdated_faces() == {}
        for photo in after.tables.query_pics("001_biden"):
            assert photo["data"]["FaceModelVersion"] == MIRROR_VERSION
        assert names_in(after, [biden]) == {biden: "Joe Biden"}  # its FaceId and name kept
        found = after.search(biden)
        assert {m.name for m in found if m.band == bands.SURE} >= {"biden2.jpg"}
    finally:
        after.close()
