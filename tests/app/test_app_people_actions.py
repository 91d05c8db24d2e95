"""The people's places and actions as plain state, without a display: the People list, a
person's page answered proposal by proposal, a group of unnamed faces named at once, a
read-only library refusing names; on a real library with the real engine. The runner runs
each task at once, on the caller's thread."""

from __future__ import annotations

import pytest
from app_helpers import at_once

from finpics_desktop.app.entries import FACE, HEADING, PERSON, PHOTO
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
from finpics_desktop.pipeline.people.naming import People
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
    nav, actions, people, events = state
    kit = faces_of(library, "002_kit")
    nav.open(Place(UNNAMED, library, within=LIBRARY))
    entry = next(e for e in nav.entries if e.face_id == kit[0])
    assert {e.face_id for e in actions.group_of(entry)} == set(kit)
    actions.name_group(entry, "Kit")
    assert {f for f, n in people.named().items()} == set(kit)
    assert not set(kit) & {e.face_id for e in nav.entries}


def test_a_read_only_library_says_why_it_is_not_named(library, state):
    nav, actions, people, events = state
    face = faces_of(library, "002_kit")[0]
    library.read_only = True
    actions.name_faces(library, [face], "Kit")
    assert people.named() == {}
    [told] = [e for e in events if isinstance(e, Told)]
    assert "read-only" in told.text and told.level == "error"
