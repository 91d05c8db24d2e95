"""The people places on the cloud opened again: no search is made again (SearchFaces and
SearchUsers counted on the wire, the AWS adapters over HTTP to the local cloud, real engine,
real photos of faces/), and a change -- a face confirmed, a new photo -- drops exactly the
listings it touches, which then show what a listing made afresh shows."""

from __future__ import annotations

from collections import Counter

import pytest

from finpics_desktop.app import people as app_people
from finpics_desktop.app import people_views
from finpics_desktop.app.album import Album
from finpics_desktop.app.changes import Changes
from finpics_desktop.app.entries import FACE, GROUP
from finpics_desktop.app.window.people_places import (
    people_entries,
    person_entries,
    unnamed_entries,
)
from finpics_desktop.domain.people import name_key
from tests.aws.test_people_cloud import put_and_process
from tests.aws.test_person_search_cloud import faces_on_the_cloud  # noqa: F401 - fixture

SEARCHES = ("SearchFaces", "SearchUsers")


def calls(cloud, job) -> tuple[Counter, object]:
    """The calls ``job`` made on the wire (by operation), and what it returned."""
    cloud.gateway.reset_calls()
    result = job()
    return Counter({op: n for (_, op), n in cloud.gateway.calls.items()}), result


def searches(counted: Counter) -> int:
    return sum(counted[op] for op in SEARCHES)


def shown(entries) -> list[tuple]:
    return [(e.kind, e.title, e.face_id, e.picset, e.name, e.sure) for e in entries]


def unnamed_faces(entries) -> set[str]:
    """The faces *Unnamed faces* shows: those of its group tiles and those alone."""
    return ({f for e in entries if e.kind == GROUP for f in e.members}
            | {e.face_id for e in entries if e.kind == FACE})


def same_as_afresh(backend, what: str, *args) -> bool:
    """What is kept of a listing (``person``, ``unnamed``) is what is made afresh."""
    kept = getattr(people_views.views(backend), what)(*args)
    return kept == getattr(people_views.PeopleViews(backend), what)(*args)


@pytest.fixture
def named_album(cloud, faces_on_the_cloud):  # noqa: F811 - the fixture imported above
    """faces/ on the cloud with one face of Obama and one of Rose Leslie named (before anything
    is listed), and the album the window would report changes through."""
    backend, photo_of, who = faces_on_the_cloud
    for person in ("obama", "rose_leslie"):
        first = min((f for f, p in who.items() if p == person), key=lambda f: photo_of[f])
        app_people.name_face(backend, first, person)
    people_views.forget(backend)
    return backend, Album(backend), who


def test_a_second_opening_searches_nothing_again(cloud, named_album):
    backend, _, _ = named_album
    unnamed_first = None
    for job in (lambda: person_entries(backend, "obama"), lambda: unnamed_entries(backend),
                lambda: people_entries(backend)):
        first, listed = calls(cloud, job)
        unnamed_first = unnamed_first or (listed if any(e.kind == GROUP for e in listed)
                                          else None)
        again, listed_again = calls(cloud, job)
        print(f"\nfirst opening {dict(first)}; second {dict(again)}")
        assert sum(again.values()) == 0  # nothing asked of the cloud, no search at all
        assert shown(listed_again) == shown(listed)
    assert searches(calls(cloud, lambda: person_entries(backend, "obama"))[0]) == 0
    people_views.forget(backend)  # nothing kept in memory, as in a new session
    again, listed_again = calls(cloud, lambda: unnamed_entries(backend))
    assert again["SearchFaces"] == 0  # the faces' searches are kept in the private table
    assert shown(listed_again) == shown(unnamed_first)
    first, _ = calls(cloud, lambda: person_entries(backend, "rose_leslie"))
    assert searches(first) > 0  # another person's page is a listing of its own


def test_a_confirmed_face_drops_what_it_touches_and_no_more(cloud, named_album):
    backend, album, who = named_album
    obama = person_entries(backend, "obama")
    rose = person_entries(backend, "rose_leslie")
    unnamed_entries(backend)
    kept_rose = people_views.views(backend)._kept[("person", name_key("rose_leslie"))]
    proposal = next(e for e in obama if e.kind == "face" and who[e.face_id] == "obama"
                    and e.face_id not in kept_rose.faces)
    assert name_key("obama") not in kept_rose.people  # not compared with Obama's faces
    app_people.confirm(backend, "obama", [proposal.face_id])
    album.report(Changes.of(faces=[proposal.face_id], people=["obama"]))  # as the window does

    untouched, rose_again = calls(cloud, lambda: person_entries(backend, "rose_leslie"))
    assert sum(untouched.values()) == 0 and shown(rose_again) == shown(rose)
    touched, obama_again = calls(cloud, lambda: person_entries(backend, "obama"))
    assert searches(touched) > 0
    assert proposal.face_id not in {e.face_id for e in obama_again if e.kind == "face"}
    assert same_as_afresh(backend, "person", "obama")

    regrouped, unnamed = calls(cloud, lambda: unnamed_entries(backend))
    assert regrouped["SearchFaces"] == 0  # the faces' searches were kept: only grouped again
    assert proposal.face_id not in unnamed_faces(unnamed)
    assert same_as_afresh(backend, "unnamed")


def test_a_new_photo_drops_the_pages_its_faces_may_join(cloud, named_album, photos_dir):
    backend, album, _ = named_album
    before = person_entries(backend, "obama")
    unnamed_before = unnamed_entries(backend)
    item = put_and_process(backend, "500_new", "obama_again.jpg",
                           (photos_dir / "faces/obama/obama2.jpg").read_bytes())
    album.report(Changes.of(picsets=["500_new"]))  # as a publishing job does
    new_face = item["data"]["FaceRecords"][0]["Face"]["FaceId"]

    counted, after = calls(cloud, lambda: person_entries(backend, "obama"))
    assert searches(counted) > 0
    assert new_face in {e.face_id for e in after} and shown(after) != shown(before)
    assert same_as_afresh(backend, "person", "obama")
    counted, unnamed = calls(cloud, lambda: unnamed_entries(backend))
    assert counted["SearchFaces"] == 1  # the new face only: the others' searches are kept
    assert unnamed_faces(unnamed) == unnamed_faces(unnamed_before) | {new_face}
    assert same_as_afresh(backend, "unnamed")
