"""The order of a picset's photos (issue 21, item 4): by date taken, by name, by hand. The
site lists a picset's photos by file name, so an order is written into the names -- a position
prefix only when needed, never stacked -- and a photo renamed so keeps its faces, FaceIds,
ImageId, people's names and its place as the featured photo; Ctrl+Z puts the names back."""

from __future__ import annotations

import json
import shutil

import pytest

from finpics_desktop import cli
from finpics_desktop.app.curate import Curator
from finpics_desktop.backends.local.library import open_library
from finpics_desktop.domain import items
from finpics_desktop.domain.errors import InvalidName
from finpics_desktop.domain.photo_order import (
    base_name,
    by_date,
    order_names,
    order_plan,
    sequence,
    shown_name,
)
from finpics_desktop.pipeline.check import scan
from finpics_desktop.pipeline.publish.upload import Publisher

# -- the plan ----------------------------------------------------------------------------------


def _apply(names: list[str], plan: list[tuple[str, str]]) -> list[str]:
    """The names after the renames, each checked free when its turn comes."""
    now = set(names)
    for old, new in plan:
        assert old in now and new not in now, (old, new, sorted(now))
        now = (now - {old}) | {new}
    return sorted(now)


def test_a_prefix_only_when_the_names_do_not_give_the_order():
    names = ["a.jpg", "b.jpg", "c.jpg"]
    assert order_plan(names, names) == []
    plan = order_plan(names, ["c.jpg", "a.jpg", "b.jpg"])
    assert _apply(names, plan) == ["1~c.jpg", "2~a.jpg", "3~b.jpg"]
    ordered = _apply(names, plan)
    # ordering again replaces the prefix (never stacks); the same order again: nothing to do
    assert order_plan(ordered, ordered) == []
    again = order_plan(ordered, ["2~a.jpg", "1~c.jpg", "3~b.jpg"])
    assert _apply(ordered, again) == ["1~a.jpg", "2~c.jpg", "3~b.jpg"]
    # back in the names' own order: every prefix goes
    back = order_plan(ordered, ["2~a.jpg", "3~b.jpg", "1~c.jpg"])
    assert _apply(ordered, back) == names
    # the fewest digits the count needs, zero-padded so that text order is the order
    many = [f"p{n:02d}.jpg" for n in range(12)]
    assert order_names(many[::-1])[:2] == ["01~p11.jpg", "02~p10.jpg"]
    assert sorted(order_names(many[::-1])) == order_names(many[::-1])
    assert shown_name("07~beach.jpg") == "beach.jpg" and shown_name("2019~x.jpg") == "x.jpg"
    assert shown_name("IMG_0001.jpg") == "IMG_0001.jpg" and base_name("7~") == "7~"


def test_names_that_go_round_in_a_circle_pass_through_a_free_name():
    # two photos with the same name after their prefix (one uploaded after an ordering)
    names = ["1~a.jpg", "2~a.jpg"]
    plan = order_plan(names, ["2~a.jpg", "1~a.jpg"])
    assert _apply(names, plan) == names and len(plan) == 3
    assert sequence([("a", "b"), ("b", "c")], {"a", "b"}) == [("b", "c"), ("a", "b")]
    with pytest.raises(InvalidName, match="every photo"):
        order_plan(names, ["1~a.jpg"])


def test_by_date_oldest_first_and_photos_without_a_date_last_by_name():
    taken = {"b.jpg": "2020-01-01 10:00:00", "a.jpg": "", "c.jpg": "2019-05-01 09:00:00",
             "0~d.jpg": ""}
    assert by_date(list(taken), taken) == ["c.jpg", "b.jpg", "a.jpg", "0~d.jpg"]


# -- on the library ----------------------------------------------------------------------------
# their cameras' dates: obama2 2009-09-09, biden and obama3 2010-05-10 10:04:01 (the same
# second: by name), obama1 none
PHOTOS = ("obama/obama1.jpg", "obama/obama2.jpg", "obama/obama3.jpg", "biden/biden.jpg")


@pytest.fixture
def album(tmp_path, photos_dir, engine):
    """A library with picset 001_trip: four real photos (faces), three with a date taken."""
    folder = tmp_path / "trip"
    folder.mkdir()
    for rel in PHOTOS:
        shutil.copyfile(photos_dir / "faces" / rel, folder / rel.split("/")[1])
    root = tmp_path / "library"
    backend = open_library(root, engine=engine)
    try:
        assert Publisher.for_backend(backend).publish(sorted(folder.iterdir()), "001_trip").ok
    finally:
        backend.close()
    return root


def _faces(backend) -> dict[str, list[str]]:
    """Base name -> its FaceIds, and every face item pointing at its photo."""
    photos = {i["sortkey"]: i["data"] for i in backend.tables.query_pics("001_trip")}
    images = {i["image_id"]: i["image_path"] for i in backend.tables.scan_image_items()}
    assert images == {image: f"001_trip/{n}" for n, d in photos.items()
                      for image in items.image_ids(d)}
    return {base_name(n): (items.face_ids(d), items.image_ids(d)) for n, d in photos.items()}


def _names(backend) -> list[str]:
    return [i["sortkey"] for i in backend.tables.query_pics("001_trip")]


def run(root, capsys, *args) -> tuple[int, str, str]:
    code = cli.main(["--library", str(root), *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_order_by_date_keeps_faces_names_and_cover_and_ctrl_z_puts_it_back(album, engine,
                                                                           capsys):
    backend = open_library(album, engine=engine)
    try:
        before, names_before = _faces(backend), _names(backend)
        face = before["obama2.jpg"][0][0]
        assert run(album, capsys, "name", face, "Barack Obama")[0] == 0
        assert run(album, capsys, "cover", "001_trip", "obama2.jpg")[0] == 0
        curator = Curator(backend)
        outcome = curator.order("001_trip", by="date")
        assert outcome.summary == "ordered 001_trip by date taken (4 photo(s) renamed)"
        assert _names(backend) == ["1~obama2.jpg", "2~biden.jpg", "3~obama3.jpg",
                                   "4~obama1.jpg"]
        assert _faces(backend) == before  # the same FaceIds and ImageIds, re-pointed
        assert backend.records.picset("001_trip").cover == "1~obama2.jpg"
        code, out, _ = run(album, capsys, "person", "Barack Obama", "--json")
        assert code == 0 and "001_trip/1~obama2.jpg" in out
        assert scan(backend.store, backend.tables, backend.faces, backend.names,
                    private=backend.private) == []
        assert curator.order("001_trip", by="date").summary.endswith("in that order already")
        assert curator.undo().summary.startswith("undone: ordered 001_trip by date taken")
        assert _names(backend) == names_before and _faces(backend) == before
        assert backend.records.picset("001_trip").cover == "obama2.jpg"
        assert scan(backend.store, backend.tables, backend.faces, backend.names,
                    private=backend.private) == []
    finally:
        backend.close()


def test_cli_order_names_first_json_and_by_name_takes_the_prefixes_away(album, capsys,
                                                                        engine):
    code, out, err = run(album, capsys, "order", "001_trip", "--names", "obama3.jpg",
                         "biden.jpg", "--json")
    assert code == 0, err
    result = json.loads(out)
    assert result["picset"] == "001_trip"
    assert result["order"] == ["1~obama3.jpg", "2~biden.jpg", "3~obama1.jpg", "4~obama2.jpg"]
    assert {r["from"]: r["to"] for r in result["renamed"]} == {
        "obama3.jpg": "1~obama3.jpg", "biden.jpg": "2~biden.jpg",
        "obama1.jpg": "3~obama1.jpg", "obama2.jpg": "4~obama2.jpg"}
    assert err.strip().splitlines()[-1] == "ordered 001_trip by hand (4 photo(s) renamed)"
    # by hand again, with the names as the window shows them: prefixes replaced, not stacked
    code, out, err = run(album, capsys, "order", "001_trip", "--names", "obama2.jpg",
                         "--json")
    assert code == 0, err
    assert json.loads(out)["order"] == ["1~obama2.jpg", "2~obama3.jpg", "3~biden.jpg",
                                        "4~obama1.jpg"]
    code, out, err = run(album, capsys, "order", "001_trip", "--by", "name")
    assert code == 0 and out == ""
    code, out, _ = run(album, capsys, "photos", "001_trip", "--json")
    assert [p["sortkey"] for p in json.loads(out)] == ["biden.jpg", "obama1.jpg", "obama2.jpg",
                                                       "obama3.jpg"]
    for args, message in [
        (("order", "001_trip", "--names", "nope.jpg"), "no photo 'nope.jpg' in this picset"),
        (("order", "009_none", "--by", "date"), "there is no picset 009_none"),
    ]:
        code, out, err = run(album, capsys, *args)
        lines = err.strip().splitlines()
        assert code == 1 and out == "" and len(lines) == 1 and message in lines[0], err
    with pytest.raises(SystemExit) as exit_:
        run(album, capsys, "order", "001_trip", "--by", "size")
    assert exit_.value.code == 2 and "invalid choice" in capsys.readouterr().err
    assert run(album, capsys, "check")[0] == 0


# -- a crash at every write of an ordering whose names go round in a circle ---------------------
class Crash(BaseException):
    """The process dies here (nothing after it runs; its records stay as written)."""


@pytest.fixture
def circle(tmp_path, photos_dir, engine):
    """Picset 001_circle: ``1~x.jpg`` and ``2~x.jpg`` (two photos with one name after the
    position, as after an upload into an ordered picset) and ``b.jpg``."""
    folder = tmp_path / "circle"
    folder.mkdir()
    for name, rel in (("1~x.jpg", "obama/obama1.jpg"), ("2~x.jpg", "biden/biden.jpg"),
                      ("b.jpg", "obama/obama2.jpg")):
        shutil.copyfile(photos_dir / "faces" / rel, folder / name)
    root = tmp_path / "template"
    backend = open_library(root, engine=engine)
    try:
        assert Publisher.for_backend(backend).publish(sorted(folder.iterdir()),
                                                      "001_circle").ok
    finally:
        backend.close()
    return root


def _crash_at(monkeypatch, at: int) -> list[int]:
    """Every write to the album counted; the ``at``-th raises :class:`Crash` before it."""
    from tests.kill_at_write import WRITES

    count = [0]

    def counted(method):
        def write(*args, **kwargs):
            count[0] += 1
            if count[0] == at:
                raise Crash()
            return method(*args, **kwargs)
        return write

    for cls, names in WRITES.items():
        for name in names:
            monkeypatch.setattr(cls, name, counted(getattr(cls, name)))
    return count


def test_a_crash_at_any_write_of_a_circle_of_renames_is_completed(circle, tmp_path, engine,
                                                                   monkeypatch):
    wanted = ["2~x.jpg", "1~x.jpg", "b.jpg"]  # 1~x and 2~x swap places: a circle
    backend = open_library(circle, engine=engine)
    faces = {i["sortkey"]: items.face_ids(i["data"])
             for i in backend.tables.query_pics("001_circle")}
    backend.close()
    expected = {"1~x.jpg": faces["2~x.jpg"], "2~x.jpg": faces["1~x.jpg"],
                "3~b.jpg": faces["b.jpg"]}
    at = completed = 0
    while True:
        at += 1
        library = tmp_path / f"crash{at}"
        shutil.copytree(circle, library)
        backend = open_library(library, engine=engine)
        try:
            with monkeypatch.context() as patched:
                count = _crash_at(patched, at)
                try:
                    Curator(backend).order("001_circle", first=wanted)
                    crashed = False
                except Crash:
                    crashed = True
            if crashed:  # the same action again, as the command run again
                completed += bool(Curator(backend).order("001_circle", first=wanted).completed)
            listed = {i["sortkey"]: items.face_ids(i["data"])
                      for i in backend.tables.query_pics("001_circle")}
            assert listed == expected, (at, listed)
            assert backend.tables.get_pics_item("/", "001_circle")["pic"] in listed
            assert scan(backend.store, backend.tables, backend.faces, backend.names,
                        private=backend.private) == [], at
        finally:
            backend.close()
        if not crashed:
            break
    assert at > 20 and count[0] == at - 1  # every write of the ordering was a crash point
    assert completed > at // 2  # (most crashes left the ordering recorded: completed)
