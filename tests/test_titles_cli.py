"""Titles, not ids, on the command line: a folder's name as written is the new picset's title,
``upload --title`` and ``rename --title`` give one (the number kept), ``picsets --json`` says
it, and the site's reading of the id (:func:`display_name`, the site's rule) shows exactly
the title -- or, for what an id cannot carry, the curator is told first what it will show."""

from __future__ import annotations

import json

import pytest

from finpics_desktop.cli.main import main
from finpics_desktop.domain.picsets import display_name

LISBON = "Praça do Comércio, Lisbon 2019"
SINTRA = "Sintra – Pena Palace (2020)"


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def lib(tmp_path):
    return tmp_path / "lib"


def picsets(capsys, lib) -> list[dict]:
    code, out, _ = run(capsys, "--library", lib, "picsets", "--json")
    assert code == 0
    return json.loads(out)


def stored(lib, picset: str) -> list[str]:
    folder = lib / "buckets" / "finpics-pics" / "photos" / picset
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def test_a_folder_is_published_with_its_name_as_written_and_the_site_shows_it(
        capsys, lib, copy_photos):
    folder = copy_photos("faces/biden/biden.jpg", folder=LISBON)
    code, _, err = run(capsys, "--library", lib, "upload", folder)
    assert code == 0, err
    assert "note:" not in err  # nothing of the title is lost: nothing to say
    [entry] = picsets(capsys, lib)
    assert entry["id"] == "001_Praça_do_Comércio,_Lisbon_2019"
    assert entry["title"] == entry["name"] == LISBON == display_name(entry["id"])
    assert f"published 1 of 1 photo(s) to “{LISBON}” ({entry['id']})" in err
    assert stored(lib, entry["id"]) == ["biden.jpg"]  # the library's folder is the id


def test_rename_with_a_title_keeps_the_number(capsys, lib, copy_photos):
    folder = copy_photos("faces/biden/biden.jpg", "faces/biden/biden2.jpg",
                         folder="2020 hamilton night")
    assert run(capsys, "--library", lib, "upload", folder)[0] == 0
    code, _, err = run(capsys, "--library", lib, "rename", "001_2020_hamilton_night",
                       "--title", SINTRA)
    assert code == 0, err
    new_id = "001_Sintra_–_Pena_Palace_(2020)"
    assert err.strip().splitlines()[-1] == (
        f"renamed “2020 hamilton night” to “{SINTRA}” (001_2020_hamilton_night -> {new_id}, "
        "2 photos)")
    [entry] = picsets(capsys, lib)
    assert entry["id"] == new_id and entry["title"] == SINTRA == display_name(new_id)
    assert stored(lib, new_id) == ["biden.jpg", "biden2.jpg"]
    assert stored(lib, "001_2020_hamilton_night") == []
    # the NEW_ID form stays
    assert run(capsys, "--library", lib, "rename", new_id, "001_sintra")[0] == 0
    assert [p["id"] for p in picsets(capsys, lib)] == ["001_sintra"]


def test_upload_title_and_what_the_site_cannot_show_is_said_first(capsys, lib, copy_photos):
    folder = copy_photos("faces/biden/biden.jpg", folder="trip")
    code, _, err = run(capsys, "--library", lib, "upload", folder, "--title",
                       "Rock & Roll: 2019/20")
    assert code == 0, err
    lines = err.splitlines()
    assert lines[0] == ("finpics-desktop: note: the site will show “Rock Roll 2019-20” (“&” is "
                        "left out: the site's link to a picset cannot carry it; “:” is left out: "
                        "a folder name on Windows cannot hold it; “/” becomes “-”: it separates "
                        "the parts of a photo's address)")
    [entry] = picsets(capsys, lib)
    assert entry["id"] == "001_Rock_Roll_2019-20" and entry["title"] == "Rock Roll 2019-20"
    # the same folder again goes on into its picset; a different title is said, not a new one
    code, _, err = run(capsys, "--library", lib, "upload", folder, "--title", "Other")
    assert code == 0 and "these photos went into picset “Rock Roll 2019-20”" in err
    assert [p["id"] for p in picsets(capsys, lib)] == ["001_Rock_Roll_2019-20"]


def test_a_title_typed_decomposed_is_one_id(capsys, lib, copy_photos):
    folder = copy_photos("faces/biden/biden.jpg", folder="x")
    code, _, err = run(capsys, "--library", lib, "upload", folder, "--title", "Cafe\u0301")
    assert code == 0, err
    assert [p["id"] for p in picsets(capsys, lib)] == ["001_Café"]


@pytest.mark.parametrize(("argv", "message"), [
    (["rename", "001_a"], "give the new id (NEW_ID) or the new title (--title TITLE)"),
    (["rename", "001_a", "001_b", "--title", "B"], "one of them"),
    (["rename", "001_a", "--title", "  "], "--title is empty"),
    (["rename", "001_a", "--title", "&?#"], "has nothing a picset's address can carry"),
    (["upload", ".", "--picset", "001_a", "--title", "A"], "--picset names the picset"),
])
def test_title_arguments_are_checked_first(capsys, lib, argv, message):
    code, _, err = run(capsys, "--library", lib, *argv)
    assert code == 2 and message in err and len(err.splitlines()) == 1
    assert not lib.exists()  # refused before anything was opened


def test_a_disk_that_folds_case_refuses_a_rename_in_capitals_only(library, photos_dir):
    """On macOS and Windows `004_lisbon` and `004_Lisbon` are one folder: moving the photos
    from one to the other, then retiring the old keys, would delete them."""
    from finpics_desktop.app.curate import Curator, Refused
    from finpics_desktop.pipeline.publish.upload import Publisher

    assert Publisher.for_backend(library).publish([photos_dir / "faces/biden/biden.jpg"],
                                                  "001_lisbon").ok
    assert library.store.folds_case is False  # this machine's disk
    library.store.folds_case = True  # as a Mac's or a Windows PC's
    with pytest.raises(Refused, match="differ only in capitals, which this library's disk"):
        Curator(library).rename("001_lisbon", "001_Lisbon")
    with pytest.raises(Refused, match="differ only in capitals"):
        Curator(library).move([("001_lisbon", "biden.jpg")], "001_LISBON")
    assert [i["sortkey"] for i in library.tables.query_pics("001_lisbon")] == ["biden.jpg"]
    library.store.folds_case = False
    Curator(library).rename("001_lisbon", "001_Lisbon")
    assert [i["sortkey"] for i in library.tables.query_pics("001_Lisbon")] == ["biden.jpg"]
