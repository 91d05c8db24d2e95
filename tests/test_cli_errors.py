"""Bad arguments and empty results on the command line: one line saying which argument is
wrong and why, exit codes 2 (bad usage), 3 (nothing found), never a traceback, and nothing
opened or journaled before the arguments pass."""

from __future__ import annotations

import json
import os

import pytest

from finpics_desktop import cli
from finpics_desktop.pipeline.publish.journal import LIBRARY_JOURNAL, Journal


def run(capsys, *argv):
    code = cli.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    assert "Traceback" not in err, err
    return code, out, err


@pytest.fixture
def lib(tmp_path):
    return tmp_path / "lib"


@pytest.fixture
def folder(copy_photos):
    return copy_photos("faces/biden/biden.jpg", folder="Trip")


@pytest.mark.parametrize(("argv", "message"), [
    (("upload", "{folder}", "--workers", "-3"), "--workers: how many photos are processed at "
                                                "once, from 1 to 64, not -3"),
    (("upload", "{folder}", "--workers", "0"), "not 0"),
    (("upload", "{folder}", "--picset", "٣_x"), "picset id '٣_x' is not of the form "
                                                "NNN_title (an ordering number in the digits 0-9"),
    (("upload", "{folder}", "--picset", "001_x_"), "has a '_' at the end or two in a row: the "
                                                   "site would show a stray space"),
    (("upload", "{folder}", "--picset", "001_a__b"), "two in a row"),
    (("upload", "{folder}", "--replace", "--on-conflict", "rename"), "contradict"),
    (("upload", "{tmp}/missing"), "missing: no such file or folder"),
    (("--threshold", "-50", "picsets"), "--threshold must be a similarity from 0 to 100"),
    (("--threshold", "nan", "picsets"), "--threshold must be a similarity from 0 to 100"),
    (("photos", "/"), "picset id '/' contains a slash"),
    (("deploy", "--zip", "{tmp}/none.zip"), "--zip {tmp}/none.zip: no such file"),
    (("deploy", "--runtime", "node18"), "--runtime: a Lambda Python runtime like python3.12"),
    (("local-cloud", "--port", "70000"), "--port: a TCP port from 1 to 65535"),
])
def test_bad_arguments_are_one_line_and_leave_nothing_behind(argv, message, capsys, lib,
                                                              folder, tmp_path):
    argv = [a.format(folder=folder, tmp=tmp_path) for a in argv]
    code, out, err = run(capsys, "--library", lib, *argv)
    assert code == 2
    assert err == f"finpics-desktop: {message.format(tmp=tmp_path)}\n" or (
        err.startswith("finpics-desktop: ") and message.format(tmp=tmp_path) in err
        and err.count("\n") == 1), err
    assert not lib.exists()  # nothing was opened: no library made, no phantom upload job


def test_a_usage_error_of_argparse_is_one_line_too(capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["upload", "x", "--workers", "many"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err == ("finpics-desktop upload: argument --workers: invalid int value: 'many' "
                   "(see finpics-desktop upload --help)\n")


def test_threshold_from_the_environment_is_checked(capsys, lib, monkeypatch):
    monkeypatch.setenv("FINPICS_THRESHOLD", "lots")
    code, _, err = run(capsys, "--library", lib, "picsets")
    assert code == 2 and "$FINPICS_THRESHOLD must be a similarity from 0 to 100" in err


@pytest.mark.parametrize("backend", ["local", "aws"])
@pytest.mark.parametrize(("argv", "env", "message"), [
    (("--threshold", "-5"), None, "--threshold must be a similarity from 0 to 100 (80 by "
                                  "default), not -5.0"),
    (("--threshold", "nan"), None, "--threshold must be a similarity from 0 to 100 (80 by "
                                   "default), not nan"),
    ((), "abc", "$FINPICS_THRESHOLD must be a similarity from 0 to 100 (80 by default), not "
                "'abc'"),
])
def test_one_threshold_check_for_both_backends(capsys, lib, monkeypatch, backend, argv, env,
                                                message):
    """With ``--backend aws`` a threshold of -5, nan or abc used to be accepted."""
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    if env is None:
        monkeypatch.delenv("FINPICS_THRESHOLD", raising=False)
    else:
        monkeypatch.setenv("FINPICS_THRESHOLD", env)
    code, out, err = run(capsys, "--library", lib, "--backend", backend, "--endpoint-url",
                         "http://127.0.0.1:9", *argv, "picsets")
    assert (code, out) == (2, "")
    assert err == f"finpics-desktop: {message}\n"
    assert not lib.exists()


def test_nothing_found_exits_3(capsys, lib, folder, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "notes.txt").write_text("no photo here")
    code, _, err = run(capsys, "--library", lib, "upload", empty)
    assert code == 3
    assert "skipped notes.txt: not a photo finpics publishes" in err
    assert f"nothing to publish in {empty}: no .jpg, .jpeg or .png photo" in err
    assert not (lib / LIBRARY_JOURNAL).exists()  # no job was started

    assert run(capsys, "--library", lib, "upload", folder)[0] == 0
    code, out, err = run(capsys, "--library", lib, "photos", "999_nope", "--json")
    assert code == 3 and json.loads(out) == []
    assert "no picset 999_nope in the album (`finpics-desktop picsets` lists them)" in err
    photos = json.loads(run(capsys, "--library", lib, "photos", "001_Trip", "--json")[1])
    faces = [f["Face"]["FaceId"] for p in photos for f in p["data"]["FaceRecords"]]
    code, _, err = run(capsys, "--library", lib, "search", faces[0])  # nobody else
    assert code == 3 and "no other photo of this face" in err


def test_the_album_keeps_its_number_width(capsys, lib, copy_photos):
    first = copy_photos("orientation/Landscape_3.jpg", folder="nine")
    assert run(capsys, "--library", lib, "upload", first, "--picset", "999_nine")[0] == 0
    code, _, err = run(capsys, "--library", lib, "upload", first, "--picset", "1000_ten")
    assert code == 2
    assert ("picset id '1000_ten' has a 4-digit ordering number but the album's have 3 "
            "digits: the site sorts ids as text") in err
    other = copy_photos("orientation/Landscape_6.jpg", folder="next")
    code, _, err = run(capsys, "--library", lib, "upload", other)
    assert code == 2 and "numbered up to 999, the most 3 digits hold" in err
    assert "renumber every picset with 4 digits" in err
    ids = [p["id"] for p in json.loads(run(capsys, "--library", lib, "picsets", "--json")[1])]
    assert ids == ["999_nine"]
    assert Journal(lib / LIBRARY_JOURNAL).jobs()[-1].picset == "999_nine"  # no other job


def test_a_folder_in_any_script_keeps_its_letters(capsys, lib, copy_photos):
    for name, expected in (("Москва", "001_Москва"), ("東京 2019", "002_東京_2019"),
                           ("Ünïcödé ÆØÅ ß", "003_Ünïcödé_ÆØÅ_ß")):
        folder = copy_photos("orientation/Landscape_3.jpg", folder=name)
        code, _, err = run(capsys, "--library", lib, "upload", folder)
        assert code == 0 and f"as picset “{name}” ({expected}) ..." in err
        assert (lib / "buckets" / "finpics-pics" / "photos" / expected
                / "Landscape_3.jpg").is_file()
    listed = json.loads(run(capsys, "--library", lib, "picsets", "--json")[1])
    assert [(p["id"], p["name"]) for p in listed] == [
        ("003_Ünïcödé_ÆØÅ_ß", "Ünïcödé ÆØÅ ß"), ("002_東京_2019", "東京 2019"),
        ("001_Москва", "Москва")]
    code, out, _ = run(capsys, "--library", lib, "photos", "002_東京_2019", "--json")
    assert code == 0 and json.loads(out)[0]["sortkey"] == "Landscape_3.jpg"


def test_an_unexpected_error_is_one_line_with_details_under_v(capsys, lib, monkeypatch,
                                                              caplog):
    def broken(backend, args):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setitem(cli.COMMANDS, "picsets", broken)
    code, _, err = run(capsys, "--library", lib, "picsets")
    assert code == 1
    assert err == ("finpics-desktop: unexpected error: ZeroDivisionError: division by zero "
                   "(run with -v for the details)\n")
    assert cli.main(["--library", str(lib), "-v", "picsets"]) == 1
    assert "(run with -v" not in capsys.readouterr().err
    assert any(r.exc_info and r.exc_info[0] is ZeroDivisionError for r in caplog.records)


def test_help_documents_the_exit_codes(capsys):
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "exit codes: 0 done; 1 something failed" in out and "3 nothing found" in out


def test_a_pipe_as_the_folder_is_refused(capsys, lib, tmp_path):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    code, _, err = run(capsys, "--library", lib, "upload", fifo)
    assert code == 2 and "neither a folder nor a file" in err
