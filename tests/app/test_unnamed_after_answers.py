"""*Unnamed faces* listed again after changes of faces only (app/people_views.py,
pipeline/people/clusters.py ``answered``), on a library of faces/ (real engine, real photos):
after a naming or a stranger ignored it is the groups last listed without those faces -- the
groups kept and the faces' places not read -- and always what grouping afresh gives; a face
brought back, or a write by another program since, makes it grouped afresh."""

from __future__ import annotations

import pytest
from labelled_album import faces_labelled

from finpics_desktop.app import people as app_people
from finpics_desktop.app import people_views
from finpics_desktop.app.changes import Changes
from finpics_desktop.backends.local.library import open_library
from finpics_desktop.pipeline.people import clusters, groups_kept, locations_kept


@pytest.fixture
def album(library, photos_dir, labels):
    _, _, firsts = faces_labelled(library, photos_dir, labels)
    app_people.name_face(library, firsts["obama"], "obama")
    return library, firsts


@pytest.fixture
def regrouped(monkeypatch) -> list:
    """Each grouping of the unnamed faces from what the album keeps (the groups, the places)."""
    found = []
    real = clusters.grouped

    def counting(*args, **kwargs):
        found.append("grouped")
        return real(*args, **kwargs)

    monkeypatch.setattr(clusters, "grouped", counting)
    return found


def reported(backend, faces, people=()) -> None:
    people_views.changed(Changes.of(backend.identity, faces=faces, people=people))


def faces_of(groups) -> set[str]:
    return {f for g in groups for f in g.faces}


def afresh(backend):
    """*Unnamed faces* grouped with nothing kept, in memory or in the library."""
    locations_kept._KEPT.clear()
    groups_kept._READ.clear()
    people_views.forget(backend)
    return app_people.unnamed_groups(backend)


def test_a_naming_and_a_stranger_ignored_leave_the_groups_listed(album, regrouped):
    backend, firsts = album
    views = people_views.views(backend)
    listed = views.unnamed()
    group = next(g for g in listed if len(g.faces) >= 3)
    named, stranger = group.faces[0], firsts["kit_harington"]
    assert stranger in faces_of(listed)

    app_people.name_faces(backend, [named], "someone")
    reported(backend, [named], ["someone"])
    app_people.ignore(backend, [stranger])
    reported(backend, [stranger])  # (two changes before the next listing)
    regrouped.clear()
    now = views.unnamed()
    assert regrouped == []  # nothing the album keeps was read: the groups listed, shrunk
    assert named not in faces_of(now) and stranger not in faces_of(now)
    assert faces_of(now) == faces_of(listed) - {named, stranger}
    shrunk = next(g for g in now if set(g.faces) == set(group.faces) - {named})
    assert shrunk.faces == tuple(f for f in group.faces if f != named)  # still most typical first
    assert now == afresh(backend)  # in the order grouping afresh gives


def test_a_face_brought_back_is_grouped_afresh(album, regrouped):
    backend, firsts = album
    views = people_views.views(backend)
    views.unnamed()
    face = firsts["biden"]
    app_people.name_face(backend, face, "biden")
    reported(backend, [face], ["biden"])
    assert face not in faces_of(views.unnamed())

    assert app_people.unname(backend, face) == "biden"
    reported(backend, [face], ["biden"])  # (unnamed: it must be grouped, not left out)
    regrouped.clear()
    now = views.unnamed()
    assert regrouped == ["grouped"]
    assert face in faces_of(now)
    assert now == afresh(backend)


def test_a_write_by_another_program_since_makes_it_grouped_afresh(album, regrouped):
    backend, firsts = album
    views = people_views.views(backend)
    views.unnamed()
    app_people.name_face(backend, firsts["biden"], "biden")
    reported(backend, [firsts["biden"]], ["biden"])
    other = open_library(backend.library.folder)  # as the command line would, reporting nothing
    try:
        app_people.name_face(other, firsts["kit_harington"], "kit")
    finally:
        other.close()
    regrouped.clear()
    now = views.unnamed()
    assert regrouped == ["grouped"]
    assert faces_of(now).isdisjoint({firsts["biden"], firsts["kit_harington"]})
    assert now == afresh(backend)
