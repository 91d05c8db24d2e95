"""kill -9 at many points of the ordering of a 100-photo picset (every photo renamed, by hand
and back by name), then the same command again or ``check --repair``: the order is complete,
every photo is there once with the same FaceIds and ImageId, its face item and featured photo
pointing at it; while killed, nothing is lost and at most the one photo being renamed is
listed under both names (until the next action completes it)."""

from __future__ import annotations

import random

import pytest
from test_curation_crash import PHOTOS, SEED, _run, _spread, _state, make_album

from finpics_desktop.backends.local.library import open_library
from finpics_desktop.domain import items
from finpics_desktop.domain.photo_order import base_name
from finpics_desktop.domain.picsets import PICSET_ROOT

NAMES = [f"p{i:03d}.jpg" for i in range(PHOTOS)]
BY_HAND = ("order", "001_crash", "--names", *reversed(NAMES))  # every photo gets a position
BY_NAME = ("order", "001_crash", "--by", "name")  # every position goes
ORDERED = [f"{n:03d}~{name}" for n, name in enumerate(reversed(NAMES), 1)]


@pytest.fixture
def album(tmp_path, engine):
    """Picset 001_crash of 100 photos (p000.jpg..., a real face in every 4th), and 002_other."""
    return make_album(tmp_path, engine)


def _killed_state(library, engine) -> None:
    """Right after the kill: no photo lost, at most one listed twice, the featured one there."""
    backend = open_library(library, engine=engine)
    try:
        listed = [i["sortkey"] for i in backend.tables.query_pics("001_crash")]
        assert sorted({base_name(n) for n in listed}) == NAMES
        assert len(listed) <= PHOTOS + 1, "more than the photo being renamed listed twice"
        cover = backend.tables.get_pics_item(PICSET_ROOT, "001_crash")["pic"]
        assert cover in listed
    finally:
        backend.close()


def _by_base(state: dict) -> dict:
    return {base_name(n): faces for n, faces in state["faces"].items()}


def test_sigkill_across_an_ordering_of_100_photos(album, engine):
    before = _state(album, engine)
    faces = _by_base(before)
    points = _spread(random.Random(SEED + 2), PHOTOS)  # a line per photo renamed
    log = []
    for n, kill_after in enumerate(points):
        command = BY_HAND if n % 2 == 0 else BY_NAME
        code, lines = _run(album, *command, kill_after=kill_after)
        killed = code == -9
        assert killed or code == 0, lines
        if killed:
            _killed_state(album, engine)
        by_repair = n % 4 == 1
        code, out = _run(album, "check", "--repair") if by_repair else _run(album, *command)
        assert code == 0, "\n".join(out)
        if killed and not by_repair:
            assert any(line.startswith("completed the interrupted ordering of the photos of "
                                       "001_crash") for line in out), out[-3:]
        after = _state(album, engine)  # consistent: items, objects, faces, no op left
        assert after["picsets"]["001_crash"] == sorted(ORDERED if command == BY_HAND
                                                       else NAMES), (kill_after, out[-3:])
        assert after["picsets"]["002_other"] == before["picsets"]["002_other"]
        assert _by_base(after) == faces and after["images"] == before["images"]
        log.append((kill_after, killed))
    print(f"seed {SEED + 2}: killed after", log)
    assert sum(k for _, k in log) >= 10  # killed, not finished before the signal


def test_an_order_keeps_the_featured_photo_through_a_kill(album, engine):
    """The featured photo is renamed too: the site's picset always shows an existing one."""
    faces = _by_base(_state(album, engine))
    code, _ = _run(album, "cover", "001_crash", "p048.jpg")  # (a photo with a face)
    assert code == 0
    code, lines = _run(album, *BY_HAND, kill_after=51)  # p048 is the 52nd renamed
    assert code == -9, lines
    _killed_state(album, engine)
    assert _run(album, *BY_HAND)[0] == 0
    backend = open_library(album, engine=engine)
    try:
        entry = backend.tables.get_pics_item(PICSET_ROOT, "001_crash")
        assert entry["pic"] == "052~p048.jpg"
        photo = backend.tables.get_pics_item("001_crash", entry["pic"])
        assert items.face_ids(photo["data"]) == faces["p048.jpg"] != []
    finally:
        backend.close()
