"""Publishing photos the album already holds in another picset (same content) says so and asks
(``--same-content``), from records kept when each photo was stored: the album's originals are
not read again."""

from __future__ import annotations

import json

from finpics_desktop.cli import main


def _run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_same_photo_into_another_picset_is_said_and_skipped_when_asked(
        capsys, tmp_path, copy_photos):
    lib = str(tmp_path / "lib")
    first = copy_photos("faces/biden/biden.jpg", "faces/biden/biden2.jpg", folder="first")
    second = copy_photos("faces/biden/biden.jpg", "faces/obama/obama.jpg", folder="second")
    (second / "biden.jpg").rename(second / "joe.jpg")  # the same content, another name
    assert _run(capsys, "--library", lib, "upload", str(first))[0] == 0
    picset = json.loads(_run(capsys, "--library", lib, "picsets", "--json")[1])[0]["id"]

    code, _, err = _run(capsys, "--library", lib, "upload", str(second),
                        "--same-content", "skip")
    assert code == 0, err
    assert f"joe.jpg: already in the album as {picset}/biden.jpg (same content)" in err
    picsets = json.loads(_run(capsys, "--library", lib, "picsets", "--json")[1])
    new = next(p["id"] for p in picsets if p["id"] != picset)
    names = [p["sortkey"] for p in json.loads(_run(capsys, "--library", lib, "photos", new,
                                                   "--json")[1])]
    assert names == ["obama.jpg"]

    # without a terminal to ask: published again, and said
    third = copy_photos("faces/biden/biden2.jpg", folder="third")
    code, _, err = _run(capsys, "--library", lib, "upload", str(third))
    assert code == 0
    assert f"biden2.jpg: already in the album as {picset}/biden2.jpg (same content)" in err
    assert "published again (no terminal to ask" in err
