"""The command line, end to end on a local library (the same calls the window makes)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from PIL import Image

from finpics_desktop.cli import main


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def lib(tmp_path):
    return str(tmp_path / "lib")


def test_upload_then_list_then_search(capsys, lib, copy_photos, tmp_path):
    folder = copy_photos("faces/biden", "faces/groups/two_people.jpg", folder="Newport Boston 2016")
    (folder / "notes.txt").write_text("not a photo")
    code, out, err = run(capsys, "--library", lib, "upload", str(folder))
    assert code == 0, err
    assert "[3/3]" in err and "publishing" in err
    assert "skipped notes.txt: not a photo finpics publishes" in err
    assert ("published 3 of 3 photo(s) to “Newport Boston 2016” (001_Newport_Boston_2016) "
            "(1 skipped)") in err

    code, out, _ = run(capsys, "--library", lib, "picsets", "--json")
    picsets = json.loads(out)
    assert len(picsets) == 1 and picsets[0]["id"] == "001_Newport_Boston_2016"
    assert picsets[0]["title"] == picsets[0]["name"] == "Newport Boston 2016"
    assert picsets[0]["cover"].startswith("photos/001_Newport_Boston_2016/")

    code, out, _ = run(capsys, "--library", lib, "photos", "001_Newport_Boston_2016", "--json")
    photos = json.loads(out)
    assert sorted(p["sortkey"] for p in photos) == ["biden.jpg", "biden2.jpg", "two_people.jpg"]
    biden_face = photos[0]["data"]["FaceRecords"][0]["Face"]["FaceId"]

    code, out, _ = run(capsys, "--library", lib, "search", biden_face, "--json")
    payload = json.loads(out)
    assert code == 0 and payload["statusCode"] == 200
    assert {e["image_path"] for e in payload["output"]} == {
        "001_Newport_Boston_2016/biden2.jpg", "001_Newport_Boston_2016/two_people.jpg"}

    # a second folder takes the next number; --picset overrides
    second = copy_photos("faces/rose_leslie", folder="rose")
    assert run(capsys, "--library", lib, "upload", str(second))[0] == 0
    assert run(capsys, "--library", lib, "upload", str(second), "--picset", "010_rl")[0] == 0
    ids = [p["id"] for p in json.loads(run(capsys, "--library", lib, "picsets", "--json")[1])]
    assert ids == ["010_rl", "002_rose", "001_Newport_Boston_2016"]


def test_upload_reports_each_failed_file_and_exits_non_zero(capsys, lib, copy_photos):
    folder = copy_photos("faces/obama/obama_small.jpg", folder="mixed")
    (folder / "empty.jpg").write_bytes(b"")
    (folder / "text.jpg").write_text("hello")
    data = (folder / "obama_small.jpg").read_bytes()
    (folder / "cut.jpg").write_bytes(data[: len(data) // 2])
    code, _, err = run(capsys, "--library", lib, "upload", str(folder))
    assert code == 1
    assert "FAILED empty.jpg: empty file (0 bytes)" in err
    assert "FAILED text.jpg: not an image" in err
    assert "FAILED cut.jpg: truncated image data" in err
    assert "published 1 of 4 photo(s) to “mixed” (001_mixed) (3 failed)" in err
    code, out, _ = run(capsys, "--library", lib, "photos", "001_mixed", "--json")
    assert [p["sortkey"] for p in json.loads(out)] == ["obama_small.jpg"]


def test_search_of_unknown_face_fails_clearly(capsys, lib):
    code, out, err = run(capsys, "--library", lib, "search", "nope", "--json")
    assert code == 1
    assert json.loads(out)["statusCode"] == 500
    assert "search failed: face nope is not in collection" in err


def test_bad_picset_and_missing_folder(capsys, lib, tmp_path):
    Image.new("RGB", (10, 10)).save(tmp_path / "a.jpg")
    code, _, err = run(capsys, "--library", lib, "upload", str(tmp_path), "--picset", "../x")
    assert code == 2 and "picset id '../x' contains a slash" in err  # a usage error
    code, _, err = run(capsys, "--library", lib, "upload", str(tmp_path / "missing"))
    assert code == 2 and "no such file or folder" in err


def test_library_from_environment_and_module_entry_point(tmp_path, copy_photos):
    folder = copy_photos("orientation/Landscape_3.jpg", folder="Trip")
    env = dict(os.environ, FINPICS_LIBRARY=str(tmp_path / "envlib"))
    done = subprocess.run([sys.executable, "-m", "finpics_desktop", "upload", str(folder)],
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "envlib" / "buckets" / "finpics-pics" / "photos" / "001_Trip"
            / "Landscape_3.jpg").is_file()
    listed = subprocess.run([sys.executable, "-m", "finpics_desktop", "picsets", "--json"],
                            env=env, capture_output=True, text=True, timeout=60)
    assert json.loads(listed.stdout)[0]["id"] == "001_Trip"


def test_help_lists_the_commands(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    for command in ("upload", "picsets", "photos", "search", "--library", "--backend"):
        assert command in out
