"""The curation commands as a curator types them: what they print, their exit codes, their
refusals (one line naming what and why; nothing changed), ``trash --json``'s shape, and the
way on once the album's ordering numbers run out (``renumber``)."""

from __future__ import annotations

import json

import pytest

from finpics_desktop import cli
from finpics_desktop.backends.local.library import open_library


@pytest.fixture
def lib(tmp_path, photos_dir, engine):
    """A library with picsets 998_obama (3 photos) and 999_biden (2)."""
    from finpics_desktop.pipeline.publish.upload import Publisher

    root = tmp_path / "library"
    backend = open_library(root, engine=engine)
    publisher = Publisher.for_backend(backend)
    assert publisher.publish([photos_dir / f"faces/obama/obama{n}.jpg" for n in (1, 2, 3)],
                             "998_obama").ok
    assert publisher.publish(sorted((photos_dir / "faces/biden").iterdir()), "999_biden").ok
    backend.close()
    return root


def run(lib, capsys, *args) -> tuple[int, str, str]:
    code = cli.main(["--library", str(lib), *args])
    out, err = capsys.readouterr()
    return code, out, err


def state(lib, engine) -> dict:
    backend = open_library(lib, engine=engine)
    try:
        return {p["sortkey"]: (p.get("pic"), sorted(i["sortkey"] for i in
                                                    backend.tables.query_pics(p["sortkey"])))
                for p in backend.tables.query_pics("/")}
    finally:
        backend.close()


def test_refusals_name_what_and_why_and_change_nothing(lib, capsys, engine):
    before = state(lib, engine)
    for args, message in [
        (("rename", "998_obama", "999_biden"), "999_biden: that id is taken"),
        (("rename", "997_nope", "996_x"), "there is no picset 997_nope"),
        (("rename", "998_obama", "12_x"), "2-digit ordering number"),
        (("move", "998_obama/obama1.jpg", "998_obama/nope.jpg", "--to", "999_biden"),
         "no photo 'nope.jpg' in picset 998_obama"),
        (("copy", "998_obama/obama1.jpg", "--to", "998_obama"), "has a photo named"),
        (("cover", "999_biden", "obama1.jpg"), "no photo 'obama1.jpg' in picset 999_biden"),
        (("delete", "998_obama/x.jpg"), "no photo 'x.jpg'"),
        (("restore", "nothing-here"), "nothing with id 'nothing-here' in the trash"),
        (("move", "998_obama", "--to", "999_biden"), "give a photo as PICSET/FILE"),
    ]:
        code, out, err = run(lib, capsys, *args)
        assert code != 0 and out == "", args
        lines = err.strip().splitlines()
        assert len(lines) == 1 and message in lines[0], (args, err)
        assert state(lib, engine) == before, args


def test_actions_print_what_they_did_and_trash_json_has_its_shape(lib, capsys, engine):
    before = state(lib, engine)["999_biden"]
    code, _, err = run(lib, capsys, "delete", "998_obama/obama2.jpg", "999_biden")
    assert code == 0
    assert "998_obama/obama2.jpg moved to the trash as " in err
    assert "picset 999_biden (2 photos) moved to the trash as " in err
    code, out, _ = run(lib, capsys, "trash", "--json")
    trash = json.loads(out)
    assert code == 0 and [set(e) for e in trash] == [{"id", "what", "deleted_at"}] * 2
    assert sorted(e["what"] for e in trash) == ["998_obama/obama2.jpg",
                                                "picset 999_biden (2 photos)"]
    biden = next(e["id"] for e in trash if "biden" in e["what"])
    assert run(lib, capsys, "restore", biden)[0] == 0
    assert state(lib, engine)["999_biden"] == before  # its featured photo too
    code, _, err = run(lib, capsys, "trash", "--empty")
    assert code == 0 and "1 photo(s) deleted for good" in err
    assert json.loads(run(lib, capsys, "trash", "--json")[1]) == []
    code, _, err = run(lib, capsys, "check")
    assert code == 0, err


def test_renumber_is_the_way_on_after_999(lib, capsys, engine, tmp_path, photos_dir):
    folder = tmp_path / "Rose"
    folder.mkdir()
    (folder / "img1.jpg").write_bytes((photos_dir / "faces/rose_leslie/img1.jpg").read_bytes())
    code, _, err = run(lib, capsys, "upload", str(folder))
    assert code == 2 and "`finpics-desktop renumber --width 4`" in err
    code, _, err = run(lib, capsys, "renumber", "--width", "4")
    assert code == 0 and "renumbered 2 picset(s) with 4 digits" in err
    assert set(state(lib, engine)) == {"0998_obama", "0999_biden"}
    code, _, err = run(lib, capsys, "upload", str(folder))
    assert code == 0 and "as picset “Rose” (1000_Rose)" in err
    code, out, _ = run(lib, capsys, "picsets", "--json")
    assert [p["id"] for p in json.loads(out)] == ["1000_Rose", "0999_biden", "0998_obama"]
    assert run(lib, capsys, "check")[0] == 0


def _renumber_cancelled_after_one(lib, engine, width: int, left: str) -> None:
    """A renumbering stopped after its first rename (the window's Cancel, between renames)."""
    from finpics_desktop.pipeline.curation import Curation, renumber

    backend = open_library(lib, engine=engine)
    try:
        c = Curation(backend)
        c.progress = lambda line: c.cancel.set()
        outcome = renumber(c, width)
        assert outcome.failed == [f"{left}: cancelled"]
        assert outcome.undo  # the rename done can be undone
    finally:
        backend.close()


def test_an_interrupted_renumber_is_completed_by_renumber_again(lib, capsys, engine):
    """Stopped midway, a renumbering leaves the album's numbers with two widths: ``renumber``
    with the same width, or none, completes it (the ids written so already stay)."""
    _renumber_cancelled_after_one(lib, engine, 4, "999_biden: not renamed to 0999_biden")
    assert set(state(lib, engine)) == {"0998_obama", "999_biden"}
    code, _, err = run(lib, capsys, "renumber", "--width", "4")
    assert code == 0 and "renumbered 1 picset(s) with 4 digits" in err, err
    assert set(state(lib, engine)) == {"0998_obama", "0999_biden"}
    code, _, err = run(lib, capsys, "renumber", "--width", "4")  # done: says so, exit 0
    assert code == 0 and "every picset's ordering number has 4 digits already" in err, err
    _renumber_cancelled_after_one(lib, engine, 5, "0999_biden: not renamed to 00999_biden")
    assert set(state(lib, engine)) == {"00998_obama", "0999_biden"}
    code, _, err = run(lib, capsys, "renumber")
    assert code == 0 and "renumbered 1 picset(s) with 5 digits" in err, err
    assert set(state(lib, engine)) == {"00998_obama", "00999_biden"}
    assert run(lib, capsys, "check")[0] == 0


def test_renumber_plan_leaves_the_ids_an_interrupted_renumber_wrote():
    from finpics_desktop.domain.order import renumber_plan, renumber_width

    half_done = ["0001_a", "002_b", "003_c"]  # most still three digits
    assert renumber_width(half_done) == 4
    assert renumber_plan(half_done, 4) == [("002_b", "0002_b"), ("003_c", "0003_c")]
    assert renumber_width(["001_a", "002_b"]) == 4
    assert renumber_plan(["0001_a", "0012_b"], 2) == [("0001_a", "01_a"), ("0012_b", "12_b")]
    assert renumber_plan(["001_a", "002_b"], 3) == []  # written so already: nothing to do
    from finpics_desktop.domain.errors import InvalidName

    with pytest.raises(InvalidName, match="0005_a would become 005_a, the id of another "
                                          "picset: rename one of them first"):
        renumber_plan(["0005_a", "005_a", "0007_b"], 3)
    with pytest.raises(InvalidName, match=r"from 4 \(the highest number, 1000_x, needs 4\)"):
        renumber_plan(["1000_x", "0999_y"], 3)


def test_renumber_refuses_a_width_saying_which_are_allowed_and_can_be_undone(lib, capsys,
                                                                           engine):
    """``--width 0`` used to renumber with 4 digits (0 read as "the default") and exit 0, and
    nothing took a renumbering back (``--width 3`` was refused)."""
    before = state(lib, engine)
    for width, message in (
            ("0", "--width 0: every picset's ordering number is written with the same number "
                  "of digits, from 1 to 9 (at least as many as the highest number needs), "
                  "since the site sorts the ids as text"),
            ("10", "--width 10: every picset's ordering number is written with the same "
                   "number of digits, from 1 to 9"),
            ("-1", "--width -1: every picset's ordering number"),
            ("2", "--width 2: every picset's ordering number is written with the same number "
                  "of digits, from 3 (the highest number, 999_biden, needs 3) to 9, since the "
                  "site sorts the ids as text")):
        code, out, err = run(lib, capsys, "renumber", "--width", width)
        assert (code, out) == (2, ""), (width, err)
        assert err == f"finpics-desktop: {message}\n" or (
            message in err and err.count("\n") == 1), (width, err)
        assert state(lib, engine) == before
    code, _, err = run(lib, capsys, "renumber", "--width", "4")
    assert code == 0 and set(state(lib, engine)) == {"0998_obama", "0999_biden"}
    code, _, err = run(lib, capsys, "renumber", "--width", "3")  # undone
    assert code == 0 and "renumbered 2 picset(s) with 3 digits" in err, err
    assert state(lib, engine) == before
    assert run(lib, capsys, "check")[0] == 0


def test_a_picset_trashed_before_a_renumber_comes_back_with_the_albums_width(lib, capsys,
                                                                            engine):
    """Restored after a renumbering, a picset trashed before it used to come back with its old
    3-digit id into the 4-digit album (shown out of order), and ``check`` said nothing."""
    code, _, err = run(lib, capsys, "delete", "998_obama")
    assert code == 0
    trash_id = json.loads(run(lib, capsys, "trash", "--json")[1])[0]["id"]
    assert run(lib, capsys, "renumber", "--width", "4")[0] == 0
    code, _, err = run(lib, capsys, "restore", trash_id)
    assert code == 0, err
    assert "restored picset 998_obama (3 photos) as 0998_obama (the album's numbers have " \
           "another width now)" in err
    after = state(lib, engine)
    assert set(after) == {"0998_obama", "0999_biden"} and len(after["0998_obama"][1]) == 3
    assert after["0998_obama"][0] in after["0998_obama"][1]  # its featured photo too
    code, _, err = run(lib, capsys, "check")
    assert code == 0, err


def test_check_reports_a_picset_whose_number_has_another_width(lib, capsys, engine):
    from finpics_desktop.pipeline.curation import Curation, rename_picset

    assert run(lib, capsys, "renumber", "--width", "4")[0] == 0
    backend = open_library(lib, engine=engine)
    try:  # as a restore from before the renumbering used to leave it
        rename_picset(Curation(backend), "0998_obama", "998_obama", same_width=False)
    finally:
        backend.close()
    code, _, err = run(lib, capsys, "check")
    assert code == 1
    assert ("picset-number-width: 998_obama: its ordering number has 3 digits, the album's 4: "
            "the site, sorting ids as text, shows it out of order (the repair renames it to "
            "0998_obama)") in err, err
    code, _, err = run(lib, capsys, "check", "--repair")
    assert code == 0, err
    assert set(state(lib, engine)) == {"0998_obama", "0999_biden"}
    assert run(lib, capsys, "check")[0] == 0


def test_a_photo_listed_twice_is_one_photo(lib, capsys, engine):
    """``move X X --to P`` used to be refused with "picset P has a photo named X already",
    which was false."""
    code, _, err = run(lib, capsys, "move", "998_obama/obama1.jpg", "998_obama/obama1.jpg",
                       "--to", "999_biden")
    assert code == 0, err
    assert err.strip().splitlines()[-1] == "moved 1 photo to “biden” (999_biden)"
    code, _, err = run(lib, capsys, "copy", "999_biden/obama1.jpg", "999_biden/obama1.jpg",
                       "--to", "998_obama")
    assert code == 0, err
    assert err.strip().splitlines()[-1] == "copied 1 photo to “obama” (998_obama)"
    code, _, err = run(lib, capsys, "delete", "998_obama/obama2.jpg", "998_obama/obama2.jpg")
    assert code == 0, err
    assert "998_obama/obama2.jpg moved to the trash as " in err and "more" not in err
    assert json.loads(run(lib, capsys, "trash", "--json")[1])[0]["what"] == (
        "998_obama/obama2.jpg")
    before = state(lib, engine)
    code, out, err = run(lib, capsys, "move", "998_obama/obama1.jpg", "999_biden/obama1.jpg",
                         "--to", "997_new")  # two photos, one name: said as it is
    assert (code, out) == (1, "")
    assert err == ("finpics-desktop: cannot move 998_obama/obama1.jpg and 999_biden/obama1.jpg "
                   "to 997_new: both would be named 'obama1.jpg' there (nothing was changed)\n")
    assert state(lib, engine) == before
    assert run(lib, capsys, "check")[0] == 0


class _LostAtCopy:
    """The store as curation sees it, the network lost at its ``n``-th copy."""

    def __init__(self, store, n: int):
        self._store, self._left = store, n

    def copy(self, *args, **kwargs):
        from finpics_desktop.domain.errors import BackendError

        self._left -= 1
        if self._left == 0:
            raise BackendError("the network was lost")
        return self._store.copy(*args, **kwargs)

    def __getattr__(self, name):
        return getattr(self._store, name)


def test_an_interrupted_action_is_said_in_words_with_counts(lib, capsys, engine, tmp_path):
    """``check`` and the action run again used to print the interrupted action as its whole
    request in JSON (30 paths on one line)."""
    from PIL import Image

    from finpics_desktop.domain.errors import BackendError
    from finpics_desktop.pipeline.curation import Curation, move_photos
    from finpics_desktop.pipeline.publish.upload import Publisher

    folder = tmp_path / "many"
    folder.mkdir()
    for n in range(30):
        Image.new("RGB", (64, 48), (8 * n, 100, 200)).save(folder / f"p{n:02d}.jpg")
    backend = open_library(lib, engine=engine)
    try:
        assert Publisher.for_backend(backend).publish(sorted(folder.iterdir()), "997_many").ok
        c = Curation(backend, wait=0)
        c.store = _LostAtCopy(c.store, 20)  # stopped at the 10th photo's original
        moving = [("997_many", f"p{n:02d}.jpg") for n in range(30)]
        with pytest.raises(BackendError):
            move_photos(c, moving, "996_there")
    finally:
        backend.close()
    code, _, err = run(lib, capsys, "check")
    assert code == 1
    (line,) = [li for li in err.splitlines() if li.startswith("operation-in-progress")]
    assert "move of 30 photos from 997_many to 996_there (started " in line, line
    assert line.endswith(") was interrupted") and "p00.jpg" not in line and "[" not in line
    code, _, err = run(lib, capsys, "move", *(f"{p}/{n}" for p, n in moving), "--to",
                       "996_there")
    assert code == 0, err
    told = [li for li in err.strip().splitlines() if not li.startswith("[")]  # (progress)
    assert told[-2].startswith("completed the interrupted move of 30 photos from 997_many to "
                               "996_there (started "), told
    assert told[-1] == "move of 30 photos from 997_many to 996_there: complete"
    assert "p00.jpg" not in told[-2] and "{" not in err
    assert len(state(lib, engine)["996_there"][1]) == 30
    assert run(lib, capsys, "check")[0] == 0


def test_an_interrupted_merge_of_people_is_said_in_words():
    from finpics_desktop.pipeline.curation.ops import Operation

    op = Operation("op1", "merge-people", {"person": "p-1", "name": "Dubya", "into": "p-2",
                                           "into_name": "George Bush"},
                   ["person:p-1", "person:p-2"], {}, {}, 0.0, 0.0, 1)
    assert op.what() == "merge of Dubya into George Bush"
