"""Issue 24 item 1, the rest: a photo moved or copied to another picset in the library since the
last push is moved or copied on the cloud (its faces kept by a move, nothing sent again),
whichever picset is pushed first; a picset deleted in the library is deleted on the cloud (to its
trash) by its push; ``check`` reports a link whose library picset is gone for good."""

# ruff: noqa: F811 - the fixtures `stack` and `env` are test_push_sync's
from __future__ import annotations

import json

from finpics_desktop.backends.local.library import open_library
from finpics_desktop.pipeline.check import check
from finpics_desktop.pipeline.curation import (
    Curation,
    copy_photos,
    delete,
    empty_trash,
    list_trash,
    move_photos,
)
from finpics_desktop.pipeline.publish.links import link_of
from tests.aws.test_push_sync import _faces, _push, _staged, env, stack  # noqa: F401


def _uploads(lines: list[str]) -> list[str]:
    return [line for line in lines if line.startswith("[")]


def test_photos_moved_and_copied_in_the_library_are_moved_and_copied_on_the_cloud(
        cloud, stack, env, tmp_path, photos_dir, engine, capsys):
    backend = stack[0]
    root = _staged(tmp_path, photos_dir, engine, "011_a")
    assert _push(env, root, "011_a", capsys)[0] == 0
    cloud.wait_idle()
    faces_before = _faces(backend, "011_a")

    library = open_library(root, engine=engine)
    c = Curation(library)
    move_photos(c, [("011_a", "biden.jpg")], "012_b")
    copy_photos(c, [("011_a", "obama1.jpg")], "012_b")
    library.close()

    code, lines, out = _push(env, root, "012_b", capsys, "--dry-run", "--json")
    assert code == 0, lines
    plan = json.loads(out)
    assert plan["new"] == [] and plan["new_picset"] is True
    assert sorted(plan["carried"], key=lambda c: c["action"]) == [
        {"action": "copy", "from": "011_a/obama1.jpg", "to": "012_b/obama1.jpg"},
        {"action": "move", "from": "011_a/biden.jpg", "to": "012_b/biden.jpg"}]
    assert any("biden.jpg: moved from" in line for line in lines), lines

    code, lines, _ = _push(env, root, "012_b", capsys)
    assert code == 0, lines
    assert _uploads(lines) == [], lines  # nothing sent: the cloud's own copies
    cloud.wait_idle()
    assert cloud.event_errors == []
    assert sorted(backend.records.photo_names("012_b")) == ["biden.jpg", "obama1.jpg"]
    assert sorted(backend.records.photo_names("011_a")) == [
        "obama1.jpg", "obama2.jpg", "two_people.jpg"]
    assert _faces(backend, "012_b")["biden.jpg"] == faces_before["biden.jpg"]  # kept
    assert list_trash(Curation(backend)) == []  # moved, not deleted and sent again

    code, lines, _ = _push(env, root, "011_a", capsys)  # the other side agrees already
    assert code == 0 and lines == [
        "push 011_a to the cloud: the cloud has it as it is (3 photos)"], lines
    code, lines, _ = _push(env, root, "012_b", capsys)
    assert code == 0 and "as it is (2 photos)" in lines[0], lines
    assert check(backend).found == []


def test_the_picset_a_photo_left_pushed_first_moves_it_to_its_new_picset(
        cloud, stack, env, tmp_path, photos_dir, engine, capsys):
    backend = stack[0]
    root = _staged(tmp_path, photos_dir, engine, "013_c")
    assert _push(env, root, "013_c", capsys)[0] == 0
    cloud.wait_idle()
    faces_before = _faces(backend, "013_c")
    library = open_library(root, engine=engine)
    move_photos(Curation(library), [("013_c", "obama2.jpg")], "014_d")
    library.close()

    code, lines, out = _push(env, root, "013_c", capsys, "--json")
    assert code == 0, lines
    plan = json.loads(out)
    assert plan["deleted"] == [] and plan["carried"] == [
        {"action": "move", "from": "013_c/obama2.jpg", "to": "014_d/obama2.jpg"}]
    cloud.wait_idle()
    assert backend.records.photo_names("014_d") == ["obama2.jpg"]
    assert _faces(backend, "014_d")["obama2.jpg"] == faces_before["obama2.jpg"]
    assert list_trash(Curation(backend)) == []
    code, lines, _ = _push(env, root, "014_d", capsys)  # finds it there: nothing to send
    assert code == 0 and "as it is (1 photos)" in lines[0], lines
    assert link_of(open_library(root, engine=engine), backend, "014_d") is not None
    assert check(backend).found == []


def test_a_picset_deleted_in_the_library_goes_to_the_clouds_trash_at_its_push(
        cloud, stack, env, tmp_path, photos_dir, engine, capsys):
    backend = stack[0]
    root = _staged(tmp_path, photos_dir, engine, "015_e")
    assert _push(env, root, "015_e", capsys)[0] == 0
    cloud.wait_idle()
    library = open_library(root, engine=engine)
    delete(Curation(library), ["015_e"])
    library.close()

    code, lines, out = _push(env, root, "015_e", capsys, "--dry-run", "--json")
    assert code == 0 and json.loads(out)["picset_deleted"] is True, lines
    assert "deleted in the library, so the cloud's 015_e (4 photos) goes to the cloud's " \
        "trash" in lines[0], lines
    assert len(backend.records.photo_names("015_e")) == 4  # a dry run

    code, lines, _ = _push(env, root, "015_e", capsys)
    assert code == 0, lines
    cloud.wait_idle()
    assert backend.records.picset("015_e") is None
    assert backend.records.photo_names("015_e") == []
    assert [e.picset for e in list_trash(Curation(backend))] == ["015_e"]
    assert check(backend).found == []
    empty_trash(Curation(backend))  # gone for good on the cloud: its identity record too
    assert check(backend).found == []
    code, lines, _ = _push(env, root, "015_e", capsys)  # deleted on both sides, link forgotten
    assert code != 0 and lines == ["finpics-desktop: there is no picset 015_e with photos in the "
                                   "library (`finpics-desktop picsets` lists them)"], lines


def test_check_reports_a_link_whose_library_picset_is_gone_for_good(
        cloud, stack, env, tmp_path, photos_dir, engine, capsys):
    backend = stack[0]
    root = _staged(tmp_path, photos_dir, engine, "016_f")
    assert _push(env, root, "016_f", capsys)[0] == 0
    cloud.wait_idle()
    library = open_library(root, engine=engine)
    c = Curation(library)
    assert check(library).found == []
    delete(c, ["016_f"])
    assert check(library).found == []  # in the trash: it may come back
    empty_trash(c)
    kinds = {(p.kind, p.subject) for p in check(library).found}
    assert ("dangling-link", "016_f") in kinds, kinds
    assert "stray-identity" not in {k for k, _ in kinds}  # emptying the trash took it
    line = next(p.line() for p in check(library).found if p.kind == "dangling-link")
    assert "the cloud's 016_f" in line and "push 016_f" in line
    library.close()

    code, lines, _ = _push(env, root, "016_f", capsys)  # the link still says what it was
    assert code == 0, lines
    cloud.wait_idle()
    assert backend.records.photo_names("016_f") == []
    library = open_library(root, engine=engine)
    assert "dangling-link" not in {p.kind for p in check(library).found}
    assert check(library, repair=True).remaining == []
    library.close()
