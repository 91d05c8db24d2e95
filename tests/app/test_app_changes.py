"""What each operation says it changed (no Qt): curation on the album's curator, people's actions
and a push report one :class:`Changes` each, through the album, and the navigation state lists
the place shown again from it (the grid, the Unnamed groups' labels) without being reopened.
A real library with the real engine; the runner runs each task at once, on the caller's
thread."""

from __future__ import annotations

import pytest
from app_helpers import at_once

from finpics_desktop.app.album import CLOUD, LIBRARY, Album, Albums
from finpics_desktop.app.changes import Changes
from finpics_desktop.app.entries import FACE, GROUP, HEADING
from finpics_desktop.app.window.navigation import PEOPLE, PICSET_PLACE, UNNAMED, Navigation, Place
from finpics_desktop.app.window.people_actions import PeopleActions
from finpics_desktop.app.window.people_places import unnamed_entries
from finpics_desktop.domain.errors import StorageReadOnly
from finpics_desktop.pipeline.people.naming import People
from finpics_desktop.pipeline.publish.upload import Publisher


@pytest.fixture
def album(library, copy_photos):
    """001_obama (3 photos), 002_kit (3); the window's albums, what they reported, and the
    navigation told of it."""
    for picset, folder in (("001_obama", "faces/obama"), ("002_kit", "faces/kit_harington")):
        files = sorted(copy_photos(folder, folder=picset).iterdir())[:3]
        assert Publisher.for_backend(library).publish(files, picset).ok
    albums = Albums()
    albums.open(LIBRARY, library)
    said: list[Changes] = []
    albums.changes.listen(said.append)
    nav = Navigation(at_once)
    albums.changes.listen(nav.changed)
    return albums, said, nav


def names(library, picset):
    return [i["sortkey"] for i in library.tables.query_pics(picset)]


def test_each_curation_action_reports_what_it_changed(library, album):
    albums, said, _ = album
    lib = albums.library
    obama, kit = names(library, "001_obama"), names(library, "002_kit")

    lib.curator.move([("001_obama", obama[0])], "002_kit")
    assert said[-1].album == lib.key == library.identity
    assert said[-1].picsets == {"001_obama", "002_kit"} and said[-1].picset_list
    assert said[-1].photos == {("001_obama", obama[0]), ("002_kit", obama[0])}
    assert not said[-1].trash and not said[-1].touches_picset("003_other")

    outcome = lib.curator.copy([("002_kit", kit[0])], "001_obama")
    assert outcome.changes == said[-1]
    assert said[-1].picsets == {"001_obama"} and said[-1].photos == {("001_obama", kit[0])}

    lib.curator.delete([f"002_kit/{kit[1]}"])
    assert said[-1].trash and said[-1].photos == {("002_kit", kit[1])}
    assert said[-1].removed == frozenset()

    lib.curator.set_cover("001_obama", obama[1])
    assert said[-1].picsets == {"001_obama"} and said[-1].picset_list

    lib.curator.rename("002_kit", "003_kit")
    assert said[-1].renamed == (("002_kit", "003_kit"),)
    assert said[-1].touches_picset("002_kit") and said[-1].touches_picset("003_kit")

    lib.curator.delete(["003_kit"])
    assert said[-1].removed == {"003_kit"} and said[-1].trash

    [entry] = lib.curator.trash()[:1]
    lib.curator.restore(entry.id)
    assert said[-1].everything and said[-1].trash
    lib.curator.undo()
    assert said[-1].everything
    assert len(said) == 8  # once per action


def test_a_refused_action_reports_nothing_false_and_a_read_only_album_is_said_once(
        library, album):
    albums, said, _ = album
    with pytest.raises(Exception, match="ordering number"):
        albums.library.curator.move([("001_obama", names(library, "001_obama")[0])], "12_x")
    assert said[-1].picsets == {"001_obama", "12_x"}  # what it may have touched: shown again
    library.read_only = True
    with pytest.raises(StorageReadOnly) as refused:
        albums.library.check_writable("publishing into it")
    assert str(refused.value) == (
        f"the library {library.library.folder} is read-only: browsing and searching work, "
        "publishing into it does not; make the folder writable (or copy it to a writable "
        "disk) first")


def test_the_grid_of_a_picset_follows_a_move_rename_and_delete(library, album):
    albums, said, nav = album
    nav.open(Place(PICSET_PLACE, library, "001_obama", within=LIBRARY))
    first = names(library, "001_obama")[0]
    assert len(nav.entries) == 3
    albums.library.curator.move([("001_obama", first)], "002_kit")
    assert [e.name for e in nav.entries] == names(library, "001_obama") and len(nav.entries) == 2
    albums.library.curator.rename("001_obama", "003_obama")
    assert nav.location.picset == "003_obama" and len(nav.entries) == 2
    albums.library.curator.delete(["003_obama"])
    assert nav.location.kind == LIBRARY


def test_people_actions_report_faces_and_people_and_unnamed_groups_are_relabelled(
        library, album):
    albums, said, nav = album
    actions = PeopleActions(nav, albums)
    nav.open(Place(UNNAMED, library, within=LIBRARY))
    groups_before = {e.group for e in nav.entries if e.kind != HEADING}
    kit_faces = [r["Face"]["FaceId"] for i in library.tables.query_pics("002_kit")
                 for r in i["data"]["FaceRecords"]]
    entry = next(e for e in nav.entries if kit_faces[0] in e.members)
    actions.name_group(entry, "Kit")
    named = said[-1]
    assert named.people == {"Kit"} and set(kit_faces) <= named.faces
    assert named.album == library.identity and not named.picsets
    # the view was listed again: the groups' tiles anew, their sizes and the count too
    assert [(e.face_id, e.title, e.members) for e in nav.entries] == [
        (e.face_id, e.title, e.members) for e in unnamed_entries(library)]
    assert len({e.group for e in nav.entries if e.kind != HEADING}) == len(groups_before) - 1
    assert {e.kind for e in nav.entries} <= {GROUP, HEADING, FACE}

    people = People(library)
    obama = [f for f in (e.face_id for e in nav.entries)][:1]
    people.name_face(obama[0], "Barack")
    nav.open(Place(PEOPLE, library, within=LIBRARY))
    actions.merge(next(e for e in nav.entries if e.person == "Barack"), "Kit")
    assert said[-1].gone == {"Barack"} and said[-1].people == {"Kit"}
    assert [e.person for e in nav.entries] == ["Kit"]  # People listed again, at once
    assert nav.entries[0].title == f"Kit · {len(kit_faces) + 1}"


def test_albums_tell_apart_by_identity_and_follow_the_location_setting(library, album):
    albums, _, _ = album
    again = Album(library)
    assert again == albums.library and albums.by_key(library.identity) is albums.library
    assert albums.of(library) is albums.library and albums.cloud is None
    assert not albums.library.public and not albums.library.strips_location
    assert albums.library.in_process
    albums.set_remove_location(False)
    assert albums.library.remove_location is False
    assert albums.open(CLOUD, None) is None and list(albums) == [albums.library]


def test_the_grid_follows_a_picset_renamed_by_a_reorder_and_by_an_undo(library, album):
    """Reorder and undo rename picsets too (not only Rename): the place shown follows its id."""
    albums, said, nav = album
    nav.open(Place(PICSET_PLACE, library, picset="001_obama", within=LIBRARY))
    outcome = albums.library.curator.reorder("001_obama", 0)  # to the top: a new number
    new_id = dict(said[-1].renamed)["001_obama"]
    assert new_id != "001_obama" and outcome.changes.renamed
    assert nav.location.picset == new_id and len(nav.entries) == 3
    albums.library.curator.undo()
    assert dict(said[-1].renamed)[new_id] == "001_obama"
    assert nav.location.picset == "001_obama" and len(nav.entries) == 3
