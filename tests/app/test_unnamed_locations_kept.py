"""Which faces are in a photo of the album kept in the library with a count of its photo writes
(pipeline/people/locations_kept.py, backends/local/writes.py), on a library of faces/ (real
engine, real photos): *Unnamed faces* grouped after a naming -- in the same session and in a
new one -- reads no photo item; a photo published makes them read again."""

from __future__ import annotations

import pytest
from labelled_album import faces_labelled, publish_labelled

from finpics_desktop.app import people as app_people
from finpics_desktop.app import people_views
from finpics_desktop.app.changes import Changes
from finpics_desktop.backends.local.library import open_library
from finpics_desktop.backends.local.tables import SqliteTables
from finpics_desktop.pipeline.people import locations_kept


@pytest.fixture
def album(library, photos_dir, labels):
    where, _, firsts = faces_labelled(library, photos_dir, labels)
    app_people.name_face(library, firsts["obama"], "obama")
    return library, where, firsts


def photo_reads(monkeypatch) -> list:
    """Each reading of photo items for the faces' places (their paths, boxes, sharpness)."""
    reads = []
    for name in ("image_faces", "batch_photo_image_ids"):
        real = getattr(SqliteTables, name)

        def counting(self, *args, _real=real, _name=name, **kwargs):
            reads.append(_name)
            return _real(self, *args, **kwargs)

        monkeypatch.setattr(SqliteTables, name, counting)
    return reads


def name(backend, face_id: str, who: str) -> None:
    """A face named, reported as the window reports it."""
    app_people.name_face(backend, face_id, who)
    people_views.changed(Changes.of(backend.identity, faces=[face_id], people=[who]))


def afresh(backend):
    """*Unnamed faces* grouped with nothing kept, in memory or in the library."""
    locations_kept._KEPT.clear()
    people_views.forget(backend)
    return app_people.unnamed_groups(backend)


def faces_of(groups) -> set[str]:
    return {f for g in groups for f in g.faces}


def test_a_naming_then_unnamed_faces_reads_no_photo_item(album, engine, monkeypatch):
    backend, _, firsts = album
    views = people_views.views(backend)
    assert firsts["biden"] in faces_of(views.unnamed())

    reads = photo_reads(monkeypatch)
    name(backend, firsts["biden"], "biden")
    reads.clear()  # (naming reads the face's photo: the opening after it is counted)
    groups = views.unnamed()
    assert reads == []  # the same session: the places kept in memory
    assert firsts["biden"] not in faces_of(groups)

    locations_kept._KEPT.clear()  # a new session: the places kept in the library
    again = open_library(backend.home.folder, engine=engine)
    try:
        name(again, firsts["kit_harington"], "kit")
        reads.clear()
        now = people_views.views(again).unnamed()
        assert reads == []
        assert firsts["kit_harington"] not in faces_of(now)
        assert now == afresh(again)  # as listed with nothing kept at all
    finally:
        again.close()
    assert reads  # (listing afresh reads them: what is counted is what a listing reads)


def test_a_photo_published_makes_the_places_read_again(album, photos_dir, labels,
                                                      monkeypatch):
    backend, where, _ = album
    before = faces_of(people_views.views(backend).unnamed())
    reads = photo_reads(monkeypatch)
    publish_labelled(backend, photos_dir, labels, tops=("lfw10",), before=where)
    groups = people_views.views(backend).unnamed()
    assert reads  # photos were written: where the faces are is read again
    assert before < faces_of(groups)  # the new photos' faces are there
    assert groups == afresh(backend)


def test_the_places_are_kept_compact_and_read_back_whole():
    """Kept as a few long strings a row (read back by a few calls, not a loop over every
    face): faces of two engines, in a photo or not, come back as they were; a row whose ids
    and ImageIds do not pair up is refused (the places are then read afresh)."""
    made = locations_kept.Locations(
        {f"f{n}": ("v2" if n % 3 else None) for n in range(5000)},
        {f"f{n}": f"i{n // 4}" for n in range(5000) if n % 7},
        frozenset({"v2", "None"}))
    rows = locations_kept._rows(made)
    assert len(rows) == 5  # (v2, None) x (in a photo, not); 2,000 faces a row at most: the
    #                        2,857 of v2 in a photo take two
    assert locations_kept._from_rows(rows) == made
    with pytest.raises(ValueError):
        locations_kept._from_rows([["v2", "f1 f2", "i1"]])
