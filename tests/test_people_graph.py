"""The similarity graph of the faces and the groups of unnamed faces kept in the library
(pipeline/people/graph.py, groups_kept.py), on a library of faces/ then lfw10/ (real engine,
real photos): a new session groups without searching; new photos make only their faces
searched; a removed face leaves its links and its group; naming faces shrinks the groups kept,
and no group ever mixes two people."""

from __future__ import annotations

import pytest
from labelled_album import publish_labelled

from finpics_desktop.backends.local.library import open_library
from finpics_desktop.pipeline.people import clusters, graph, groups_kept
from finpics_desktop.pipeline.people.naming import People


@pytest.fixture
def searched(library, monkeypatch) -> list[str]:
    """Every face searched for the graph, in the order searched."""
    found: list[str] = []
    real = library.faces.similar_many

    def counting(face_ids, *args, **kwargs):
        found.extend(face_ids)
        return real(face_ids, *args, **kwargs)

    monkeypatch.setattr(library.faces, "similar_many", counting)
    return found


def grouped(backend) -> list:
    return clusters.located_clusters(People(backend))[0]


def unmixed(groups, who) -> bool:
    return all(len({who.get(f) for f in g.faces}) == 1 for g in groups if len(g.faces) > 1)


def test_a_new_session_groups_without_searching(library, photos_dir, labels, searched,
                                               engine):
    _, who = publish_labelled(library, photos_dir, labels, tops=("faces",))
    first = grouped(library)
    assert sorted(searched) == sorted(f for g in first for f in g.faces)
    assert sum(len(g.faces) > 1 for g in first) >= 3
    reopened = open_library(library.library.folder, engine=engine)  # a new session
    try:
        again = grouped(reopened)
    finally:
        reopened.close()
    assert again == first
    searched.clear()
    library.private.delete(groups_kept.GROUPS, groups_kept.HEAD)  # grouped afresh: the graph
    assert grouped(library) == first and searched == []  # is read, nothing searched
    assert unmixed(first, who)


def test_new_photos_search_only_their_faces(library, photos_dir, labels, searched):
    where, _ = publish_labelled(library, photos_dir, labels, tops=("faces",))
    before = {f for g in grouped(library) for f in g.faces}
    searched.clear()
    _, who = publish_labelled(library, photos_dir, labels, tops=("lfw10",), before=where)
    after = grouped(library)
    new = {f for g in after for f in g.faces} - before
    assert new and sorted(searched) == sorted(new)  # only the new photos' faces
    assert unmixed(after, who)
    # the same groups as the whole graph searched at once, in one go
    for part in library.private.query(graph.GRAPH):
        library.private.delete(graph.GRAPH, part.sk)
    library.private.delete(groups_kept.GROUPS, groups_kept.HEAD)
    assert grouped(library) == after


def test_named_and_removed_faces_leave_their_groups(library, photos_dir, labels, searched):
    _, who = publish_labelled(library, photos_dir, labels, tops=("faces",))
    people = People(library)
    first = grouped(library)
    group = next(g for g in first if len(g.faces) >= 4)
    people.name_face(group.faces[0], "someone", same_photo=True)
    gone = group.faces[1]
    library.faces.delete_faces([gone])
    searched.clear()
    after = grouped(library)
    assert searched == []  # nothing new: the groups kept lose the faces, nothing is searched
    shown = {f for g in after for f in g.faces}
    assert group.faces[0] not in shown and gone not in shown
    assert any(set(g.faces) == set(group.faces[2:]) for g in after)
    assert unmixed(after, who)
    links = graph.face_links(library.private, sorted(shown),
                             {f.face_id: f.model_version
                              for f in library.records.indexed_faces()},
                             lambda missing, keep: clusters.search_links(People(library),
                                                                         missing, keep))
    assert links.searched == 0 and len(links.a)  # the removed face's links left out, the
    assert (links.a >= 0).all() and (links.b >= 0).all()  # others' read
