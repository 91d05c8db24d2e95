"""The people's places and actions as plain state, without a display: the People list, a
person's page answered proposal by proposal, a group of unnamed faces named at once, a
read-only library refusing names; on a real library with the real engine. The runner runs
each task at once, on the caller's thread."""

from __future__ import annotations

import pytest
from app_helpers import at_once

from finpics_desktop.app.album import Albums
from finpics_desktop.app.entries import FACE, GROUP, HEADING, PERSON, PHOTO, face_entry
from finpics_desktop.app.window import group_places
from finpics_desktop.app.window.group_places import (
    GROUP_PLACE,
    IGNORED,
    count_unnamed,
    ignored_entries,
    unnamed_entries,
)
from finpics_desktop.app.window.navigation import (
    LIBRARY,
    PEOPLE,
    PERSON_PLACE,
    UNNAMED,
    Navigation,
    Place,
    StatusChanged,
    Told,
)
from finpics_desktop.app.window.people_actions import PeopleActions
from finpics_desktop.app.window.people_actions import faces_of as faces_of_entry
from finpics_desktop.pipeline.people import locations_kept
from finpics_desktop.pipeline.people.naming import People
from finpics_desktop.pipeline.people.proposals import suggest
from finpics_desktop.pipeline.publish.upload import Publisher


@pytest.fixture
def state(library, copy_photos):
    for picset, folder in (("001_obama", "faces/obama"), ("002_kit", "faces/kit_harington")):
        report = Publisher(library.store, library.tables, library.faces, library.names,
                           library.process).publish([copy_photos(folder, folder=picset)], picset)
        assert report.ok
    nav = Navigation(at_once)
    events = []
    nav.listen(events.append)
    return nav, PeopleActions(nav), People(library), events


def faces_of(library, picset):
    return [r["Face"]["FaceId"] for item in library.tables.query_pics(picset)
            for r in item["data"]["FaceRecords"]]


def test_a_persons_page_answered_proposal_by_proposal(library, state):
    nav, actions, people, events = state
    obama = faces_of(library, "001_obama")
    people.name_face(obama[0], "Obama")
    nav.open(Place(PEOPLE, library, within=LIBRARY))
    assert [(e.kind, e.person) for e in nav.entries] == [(PERSON, "Obama")]
    nav.activate(nav.entries, 0)
    assert nav.location == Place(PERSON_PLACE, library, person="Obama", within=LIBRARY)
    proposals = actions.proposals()
    assert proposals and all(e.kind == FACE and e.person == "Obama" for e in proposals)
    kinds = [e.kind for e in nav.entries]  # the title, Confirmed, then the proposals
    assert kinds[:3] == [HEADING, HEADING, PHOTO] and kinds[-1] == FACE
    actions.answer([proposals[0]], True)
    assert proposals[0].face_id in people.named()
    assert proposals[0].face_id not in [e.face_id for e in nav.entries if e.kind == FACE]
    assert StatusChanged("1 face(s) confirmed as Obama") in events
    actions.confirm_sure()
    left = actions.proposals()
    assert not [e for e in left if e.sure]
    assert set(obama) <= set(people.named()) | {e.face_id for e in left}
    nav.back()
    assert nav.location.kind == PEOPLE


def test_a_group_of_unnamed_faces_named_at_once(library, state):
    """Unnamed faces: one tile per group (its most typical face, its size), the largest first;
    the tile opens on its faces, and naming the tile names them all."""
    nav, actions, people, events = state
    kit, obama = faces_of(library, "002_kit"), faces_of(library, "001_obama")
    nav.open(Place(UNNAMED, library, within=LIBRARY))
    tiles = [e for e in nav.entries if e.kind == GROUP]
    assert [len(t.members) for t in tiles] == sorted((len(t.members) for t in tiles),
                                                    reverse=True)
    [tile] = [t for t in tiles if set(t.members) & set(kit)]
    assert set(tile.members) == set(kit) and tile.face_id == tile.members[0]
    assert tile.title == "3 faces" and {f for t in tiles for f in t.members} <= set(kit + obama)
    alone = [e for e in nav.entries if e.kind == FACE]  # after the tiles, under a heading
    assert [e.kind for e in nav.entries] == [GROUP] * len(tiles) + (
        [HEADING] + [FACE] * len(alone) if alone else [])
    assert StatusChanged(count_unnamed(nav.entries)) in events
    nav.activate(nav.entries, nav.entries.index(tile))
    assert nav.location.kind == GROUP_PLACE and nav.location.faces == tile.members
    assert [e.face_id for e in nav.entries] == list(tile.members)
    nav.back()
    assert nav.location.kind == UNNAMED
    tile = next(t for t in nav.entries if t.kind == GROUP and set(t.members) & set(kit))
    actions.name_group(tile, "Kit")
    assert {f for f, n in people.named().items()} == set(kit)
    assert not [e for e in nav.entries if e.kind == GROUP and set(e.members) & set(kit)]


def test_what_listing_unnamed_faces_again_reads_is_read_once_the_window_is_idle(library,
                                                                               state):
    """A naming on Unnamed faces leaves reading what listing the place again needs (where the
    album's faces are, the groups kept) to ``later`` -- the window's idle time --, not beside
    the naming, whose redraw would wait for the interpreter meanwhile."""
    nav, actions, _, _ = state
    later = []
    nav.later = later.append
    kit = faces_of(library, "002_kit")
    nav.open(Place(UNNAMED, library, within=LIBRARY))
    locations_kept._KEPT.clear()  # (as in a new session that showed the listing kept)
    tile = next(t for t in nav.entries if t.kind == GROUP and set(t.members) & set(kit))
    actions.name_group(tile, "Kit")
    assert len(later) == 1 and library.identity not in locations_kept._KEPT
    later.pop()()
    assert library.identity in locations_kept._KEPT


def test_a_stranger_ignored_leaves_unnamed_faces_and_ctrl_z_brings_it_back(library, state):
    """Ignoring a group's tile: its faces leave Unnamed faces, are listed among the ignored
    faces, are never proposed; the action's undo (Ctrl+Z) brings them back, and so does the
    Ignored faces place; naming an ignored face ends the ignoring."""
    nav, actions, people, events = state
    actions.albums = Albums()  # the album's history, that Ctrl+Z undoes
    actions.albums.open(LIBRARY, library)
    curator = actions.albums.library.curator
    kit, obama = faces_of(library, "002_kit"), faces_of(library, "001_obama")
    nav.open(Place(UNNAMED, library, within=LIBRARY))
    tile = next(t for t in nav.entries if t.kind == GROUP and set(t.members) & set(kit))
    actions.ignore([tile])
    assert StatusChanged("3 face(s) ignored (Ctrl+Z undoes it)") in events
    assert not set(kit) & {f for e in nav.entries for f in faces_of_entry(e)}
    assert sorted(e.face_id for e in ignored_entries(library)) == sorted(kit)
    assert not set(kit) & {f for e in unnamed_entries(library) for f in faces_of_entry(e)}
    assert curator.can_undo == "3 face(s) ignored"
    outcome = curator.undo()  # Ctrl+Z
    assert outcome.summary == "undone: 3 face(s) ignored" and not outcome.failed
    assert ignored_entries(library) == [] and curator.can_undo is None
    assert set(kit) <= {f for e in unnamed_entries(library) for f in faces_of_entry(e)}
    # one face of a person: never proposed for them, until brought back from Ignored faces
    people.name_face(obama[0], "Obama")
    stranger = next(p.face_id for p in suggest(people, "Obama").all)
    nav.open(Place(UNNAMED, library, within=LIBRARY))
    actions.ignore([face_entry(library, stranger, "", {}, "")])
    assert stranger not in {p.face_id for p in suggest(people, "Obama").all}
    nav.open(Place(IGNORED, library, within=LIBRARY))
    assert [e.face_id for e in nav.entries] == [stranger]
    actions.ignore(nav.entries, back=True)
    assert curator.can_undo == "1 face(s) no longer ignored"
    assert nav.entries == [] and stranger in {p.face_id for p in suggest(people, "Obama").all}
    actions.ignore([face_entry(library, stranger, "", {}, "")])
    people.name_face(stranger, "Obama")
    assert ignored_entries(library) == []


def test_a_read_only_library_says_why_it_is_not_named(library, state):
    nav, actions, people, events = state
    face = faces_of(library, "002_kit")[0]
    library.read_only = True
    actions.name_faces(library, [face], "Kit")
    assert people.named() == {}
    [told] = [e for e in events if isinstance(e, Told)]
    assert "read-only" in told.text and told.level == "error"


def test_a_face_named_before_its_group_is_shown_leaves_the_group_the_others(
        library, state, monkeypatch):
    """Unnamed faces a tile a page: a face named (from the viewer) whose group is on a page
    not shown yet -- that group's tile comes with its other faces, the first of them its
    cover, not left out."""
    nav, actions, people, events = state
    monkeypatch.setattr(group_places, "PAGE", 1)
    whole = unnamed_entries(library)
    later = [e for e in whole if e.kind == GROUP][1]  # on the second page
    nav.open(Place(UNNAMED, library, within=LIBRARY))
    assert later not in nav.entries and nav.pages.more()
    actions.name_faces(library, [later.members[0]], "Someone")  # its cover
    assert later.members[0] in people.named()
    nav.fetch_more()
    [tile] = [e for e in nav.entries if e.kind == GROUP and e.group == later.group]
    assert tile.members == later.members[1:] and tile.face_id == later.members[1]
    assert tile.title == f"{len(later.members) - 1} face{'s' * (len(later.members) > 2)}"
