"""The people listings kept between openings (app/people_views.py) on a library of faces/ (real
engine, real photos): after naming, confirming, merging -- reported as the window reports them,
or written by another program that reports nothing -- what is shown is what a listing made
afresh shows, and a second opening with nothing changed searches nothing again."""

from __future__ import annotations

from dataclasses import replace

import pytest
from labelled_album import faces_labelled

from finpics_desktop.app import people as app_people
from finpics_desktop.app import people_views
from finpics_desktop.app.album import Album
from finpics_desktop.app.changes import Changes
from finpics_desktop.backends.local.library import open_library
from finpics_desktop.pipeline.people.naming import People


def afresh(backend):
    """A listing made with nothing kept."""
    return people_views.PeopleViews(backend)


def all_kept_as_afresh(backend, names) -> None:
    kept, fresh = people_views.views(backend), afresh(backend)
    assert kept.people() == fresh.people()
    assert kept.unnamed() == fresh.unnamed()
    for name in names:
        assert kept.person(name) == fresh.person(name), name


@pytest.fixture
def album(library, photos_dir, labels):
    _, who, firsts = faces_labelled(library, photos_dir, labels)
    return library, Album(library), who, firsts


def searches_counted(backend, monkeypatch) -> dict:
    counted = {"faces": 0, "users": 0}
    index = backend.faces
    for method, key in (("search_faces_many", "faces"), ("similar_many", "faces"),
                        ("search_users", "users")):
        real = getattr(index, method)

        def counting(*args, _real=real, _key=key, **kwargs):
            counted[_key] += 1
            return _real(*args, **kwargs)

        monkeypatch.setattr(index, method, counting)
    return counted


def test_kept_listings_follow_naming_confirming_and_merging(album, monkeypatch):
    backend, window_album, who, firsts = album
    for person in ("obama", "biden"):
        app_people.name_face(backend, firsts[person], person)
        window_album.report(Changes.of(faces=[firsts[person]], people=[person]))
    views = people_views.views(backend)
    views.people(), views.unnamed(), views.person("obama"), views.person("biden")

    counted = searches_counted(backend, monkeypatch)
    views.people(), views.unnamed(), views.person("obama"), views.person("biden")
    assert counted == {"faces": 0, "users": 0}  # nothing changed: nothing searched again

    sure = [p.face_id for p in views.person("obama")[0].sure]
    assert sure
    app_people.confirm(backend, "obama", sure)
    window_album.report(Changes.of(faces=sure, people=["obama"]))
    all_kept_as_afresh(backend, ["obama", "biden"])
    assert not {p.face_id for p in views.person("obama")[0].all} & set(sure)

    other = next(f for f, p in who.items() if p == "biden" and f != firsts["biden"])
    app_people.name_face(backend, other, "joe")  # Biden named twice over, then merged
    window_album.report(Changes.of(faces=[other], people=["joe"]))
    views.person("joe"), views.person("biden")
    app_people.merge(backend, "joe", "biden")
    window_album.report(Changes.of(people=["biden"], gone=["joe"]))
    all_kept_as_afresh(backend, ["obama", "biden"])
    biden = views.person("biden")[1]
    assert other in {m.matched_face_id for m in biden}


def test_what_another_program_writes_is_never_shown_stale(album):
    backend, _, _, firsts = album
    views = people_views.views(backend)
    views.people(), views.unnamed()
    other = open_library(backend.library.folder)  # as the command line would, reporting nothing
    try:
        People(other).name_face(firsts["obama"], "obama")
    finally:
        other.close()
    assert [s.person.name for s in views.people()] == ["obama"]
    assert firsts["obama"] not in {f for g in views.unnamed() for f in g.faces}
    all_kept_as_afresh(backend, ["obama"])


def test_a_change_while_listing_is_not_kept(album, monkeypatch):
    """A change reported while a listing is being made: the listing is shown once, not kept
    (on an album that cannot tell whether it was written, as the cloud)."""
    library, _, _, firsts = album
    backend = replace(library, stamp=None)
    window_album = Album(backend)
    views = people_views.views(backend)
    real = app_people.list_people

    def listing_during_a_change(backend_, hidden=False):
        found = real(backend_, hidden)
        app_people.name_face(backend, firsts["biden"], "biden")
        window_album.report(Changes.of(faces=[firsts["biden"]], people=["biden"]))
        return found

    monkeypatch.setattr(app_people, "list_people", listing_during_a_change)
    stale = views.people()
    monkeypatch.setattr(app_people, "list_people", real)
    assert "biden" not in [s.person.name for s in stale]
    assert "biden" in [s.person.name for s in views.people()]
