"""``similar``: copies and series told apart on a set built from the real photos, the best of a
series chosen by the real face engine's faces, a library picset kept to its best (undoable),
and the command line."""

from __future__ import annotations

import json
import shutil

import pytest
import similar_set

from finpics_desktop.app import similar
from finpics_desktop.app.curate import Curator
from finpics_desktop.cli import main
from finpics_desktop.pipeline.publish.upload import Publisher
from finpics_desktop.pipeline.similar import FaceSpot

COPIES = ["faces/obama/obama2.jpg", "lfw10/Colin_Powell/Colin_Powell_0001.jpg"]
BURSTS = ["faces/groups/two_people.jpg", "faces/biden/biden.jpg"]
ALONE = ["faces/rose_leslie/img1.jpg", "lfw10/Hugo_Chavez/Hugo_Chavez_0001.jpg",
         "lfw10/Hugo_Chavez/Hugo_Chavez_0002.jpg"]


@pytest.fixture(scope="module")
def built(tmp_path_factory, photos_dir):
    folder = tmp_path_factory.mktemp("similar") / "Shoot"
    return folder, similar_set.build(photos_dir, folder, COPIES, BURSTS, ALONE)


def engine_detect(engine):
    return lambda data, name: [FaceSpot((f.box["Left"], f.box["Top"], f.box["Width"],
                                         f.box["Height"])) for f in engine.analyze(data, name)]


def groups_of(found):
    return {(g.kind, frozenset(g.members)) for g in found.groups}


def expected(truth):
    return ({("copies", frozenset(c)) for c in truth.copies}
            | {("series", frozenset(s)) for s in truth.series})


def test_copies_are_exact_series_apart_and_the_best_frame_is_the_sharp_one(built, engine):
    folder, truth = built
    found = similar.in_folder(folder, engine_detect(engine))
    assert found.photos == len(truth.base) and not found.unreadable
    assert groups_of(found) == expected(truth)  # nothing else grouped: no different pictures
    for i, burst in enumerate(truth.series):
        group = next(g for g in found.groups if set(g.members) == burst)
        assert group.best == truth.sharp[i]
        assert "the sharpest faces" in group.reasons
    for group in found.groups:
        if group.kind == "copies":  # the original: the largest, least compressed
            assert group.reasons and group.reasons[0].startswith(("the largest",
                                                                  "the least compressed"))


def test_photos_of_one_man_aligned_on_his_face_are_not_grouped(copy_photos):
    # LFW's crops of Donald Rumsfeld: ten pictures, each centred and scaled on his face, so
    # that the features of the face agree between two of them; the pictures around it do not
    # (two pairs were grouped as series before the background had to agree)
    folder = copy_photos("lfw10/Donald_Rumsfeld", folder="Rumsfeld")
    found = similar.in_folder(folder, similar.no_faces)
    assert found.photos == 10 and found.groups == []


def test_keeping_the_best_of_a_library_picset_trashes_the_others_undoably(built, library):
    folder, truth = built
    report = Publisher.for_backend(library).publish([folder], "001_shoot")
    assert report.ok, report.summary()
    found = similar.in_picset(library, "001_shoot")
    assert groups_of(found) == expected(truth)
    assert [g.best for g in found.groups if g.kind == "series"] == [
        truth.sharp[i] for i in range(len(truth.series))]
    curator = Curator(library)
    outcome = similar.keep_best(curator, "001_shoot", found)
    assert not outcome.failed
    kept = set(library.records.photo_names("001_shoot"))
    assert kept == set(truth.base) - set(found.others)
    assert len(curator.trash()) == 1  # one action: one entry of the trash
    assert similar.in_picset(library, "001_shoot").groups == []
    curator.undo()
    assert set(library.records.photo_names("001_shoot")) == set(truth.base)


def test_the_command_line(built, tmp_path, capsys):
    folder, truth = built
    code = main(["similar", str(folder), "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    groups = json.loads(out)
    assert {(g["kind"], frozenset(g["members"])) for g in groups} == expected(truth)
    assert all(set(g) == {"kind", "members", "best", "reasons"} and g["best"] in g["members"]
               for g in groups)
    assert "2 group(s) of copies and 2 series among 17 photos" in err
    library = str(tmp_path / "lib")
    assert main(["--library", library, "similar", "001_nothing"]) == 3
    assert "no picset 001_nothing" in capsys.readouterr().err
    assert main(["similar", str(folder), "--keep-best"]) == 2
    assert "publish it, then run" in capsys.readouterr().err
    empty = tmp_path / "empty"
    empty.mkdir()
    shutil.copy(folder / sorted(truth.base)[0], empty)
    assert main(["similar", str(empty)]) == 0
    assert "no near-duplicates among the 1 photos" in capsys.readouterr().err
