"""Merging and splitting people by picking, as plain state without a display, on a real library
with the real engine: a merge, faces moved to another (or a new) person and "not this person"
each join the album's history and are undone by it exactly (the same person, the same face
records, the same rejections, the user vectors following); a name nobody has is refused in
words that read as a refusal and point to the window's way; the photos of people together."""

from __future__ import annotations

import pytest
from app_helpers import at_once

from finpics_desktop.app.album import Albums
from finpics_desktop.app.entries import PHOTO
from finpics_desktop.app.window.navigation import (
    LIBRARY,
    PEOPLE,
    PERSON_PLACE,
    Navigation,
    Place,
    Told,
)
from finpics_desktop.app.window.people_actions import PeopleActions
from finpics_desktop.app.window.people_picking import PeoplePicking
from finpics_desktop.app.window.people_places import TOGETHER
from finpics_desktop.pipeline.people.naming import People
from finpics_desktop.pipeline.people.records import FACE, PERSON, REJECT
from finpics_desktop.pipeline.publish.upload import Publisher


@pytest.fixture
def state(library, copy_photos):
    """Obama's photos, Biden's, the photo of both; (nav, actions, picking, people, curator,
    events, faces by picset)."""
    faces = {}
    for picset, folder in (("001_obama", "faces/obama"), ("002_biden", "faces/biden"),
                           ("003_group", "faces/groups")):
        report = Publisher(library.store, library.tables, library.faces, library.names,
                           library.process).publish([copy_photos(folder, folder=picset)], picset)
        assert report.ok
        faces[picset] = {f"{i['sortkey']}/{n}": r["Face"]["FaceId"]
                         for i in library.tables.query_pics(picset)
                         for n, r in enumerate(sorted(i["data"]["FaceRecords"], key=lambda r: (
                             r["Face"]["BoundingBox"]["Left"])))}
    albums = Albums()
    albums.open(LIBRARY, library)
    nav = Navigation(at_once)
    events = []
    nav.listen(events.append)
    actions = PeopleActions(nav, albums)
    return (nav, actions, PeoplePicking(actions), People(library), albums.library.curator,
            events, faces)


def records(people: People) -> dict:
    """Everything the people's records say, ids included."""
    return {kind: {d.sk: d.doc for d in people.private.query(kind)}
            for kind in (PERSON, FACE, REJECT)}


def vector(library, person_id: str) -> set[str]:
    return {f.face_id for f in library.records.indexed_faces(user_id=person_id)}


def test_a_merge_is_undone_exactly(library, state):
    nav, actions, _, people, curator, events, faces = state
    obama = list(faces["001_obama"].values())
    for face in obama[:3]:
        people.name_face(face, "Obama")
    for face in obama[3:5]:
        people.name_face(face, "Barack")
    people.reject("Barack", [faces["002_biden"]["biden.jpg/0"]])
    barack = people.find("Barack")
    before, barack_vector = records(people), vector(library, barack.id)
    nav.open(Place(PEOPLE, library, within=LIBRARY))
    entry = next(e for e in nav.entries if e.person == "Barack")
    actions.merge(entry, "Obama")
    assert [p.name for p in people.people()] == ["Obama"]
    assert curator.can_undo == "Barack merged into Obama"
    assert Told("Barack merged into Obama: 2 face(s) moved (Ctrl+Z undoes it)", "info") in events
    outcome = curator.undo()
    assert outcome.summary == "undone: Barack merged into Obama" and not outcome.failed
    assert records(people) == before  # the same person, faces, rejections
    assert vector(library, barack.id) == barack_vector
    assert vector(library, people.find("Obama").id) == set(obama[:3])
    assert curator.can_undo is None


def test_a_name_nobody_has_is_refused_as_a_refusal(library, state):
    nav, actions, _, people, curator, events, faces = state
    people.name_face(faces["001_obama"]["obama.jpg/0"], "Dubya")
    nav.open(Place(PEOPLE, library, within=LIBRARY))
    actions.merge(nav.entries[0], "George Bush")
    [told] = [e for e in events if isinstance(e, Told)]  # said once, as a refusal
    assert told.text == ("Could not merge Dubya into George Bush: nobody is named 'George Bush' "
                         "in this album; choose the person from the People list")
    assert "finpics-desktop" not in told.text and told.level == "error"
    assert [p.name for p in people.people()] == ["Dubya"] and curator.can_undo is None


def test_faces_moved_to_a_new_person_and_back(library, state):
    nav, _, picking, people, curator, _, faces = state
    obama = list(faces["001_obama"].values())
    for face in obama:
        people.name_face(face, "Obama")
    before = records(people)
    nav.open(Place(PERSON_PLACE, library, person="Obama", within=LIBRARY))
    photos = [e for e in nav.entries if e.kind == PHOTO]
    chosen = photos[-2:]
    picking.move_faces(chosen, "Someone Else")
    moved = {e.matched_face_id for e in chosen}
    assert {f for f, n in people.named().items()
            if n.person == people.find("Someone Else").id} == moved
    assert vector(library, people.find("Someone Else").id) == moved
    assert curator.can_undo == "2 face(s) moved to Someone Else"
    assert not curator.undo().failed
    assert records(people) == before  # Someone Else is gone, the faces Obama's as they were
    assert vector(library, people.find("Obama").id) == set(obama)


def test_not_this_person_and_back_and_a_face_changed_since_is_left(library, state):
    nav, _, picking, people, curator, _, faces = state
    obama = list(faces["001_obama"].values())
    for face in obama:
        people.name_face(face, "Obama")
    before = records(people)
    nav.open(Place(PERSON_PLACE, library, person="Obama", within=LIBRARY))
    chosen = [e for e in nav.entries if e.kind == PHOTO][:2]
    picking.not_this_person(chosen)
    gone = [e.matched_face_id for e in chosen]
    assert not set(gone) & set(people.named())
    assert set(gone) <= people.rejected(people.find("Obama"))
    assert not set(gone) & {e.matched_face_id for e in nav.entries if e.kind == PHOTO}
    assert not curator.undo().failed
    assert records(people) == before

    picking.not_this_person([e for e in nav.entries if e.kind == PHOTO][:2])
    taken = [f for f in obama if f not in people.named()]
    people.name_face(taken[0], "Michelle")  # named since: the curator's newer word is kept
    outcome = curator.undo()
    assert [f"face {taken[0]} was left as it is: it was named Michelle since"] == outcome.failed
    assert people.named()[taken[0]].person == people.find("Michelle").id
    assert people.named()[taken[1]].person == people.find("Obama").id


def test_photos_with_all_of_them(library, state):
    nav, _, picking, people, _, _, faces = state
    group = faces["003_group"]
    for key, face in group.items():
        name = {"two_people.jpg/0": "Obama", "two_people.jpg/1": "Biden",
                "obama_and_biden.jpg/0": "Biden", "obama_and_biden.jpg/1": "Obama"}.get(key)
        if name:
            people.name_face(face, name)
    people.name_face(faces["001_obama"]["obama.jpg/0"], "Obama")
    nav.open(Place(PEOPLE, library, within=LIBRARY))
    assert not picking.open_together(nav.entries[:1])  # one person: nothing to do
    assert picking.open_together(nav.entries)
    assert nav.location.kind == TOGETHER and nav.location.what == "photos with Obama and Biden"
    assert sorted(e.name for e in nav.entries) == ["obama_and_biden.jpg", "two_people.jpg"]
    nav.open(nav.location.parent)
    picking.open_together(nav.entries, only=True)  # the child nobody named: someone else
    assert [e.name for e in nav.entries] == ["two_people.jpg"]
