"""``search_faces`` scores only the rows near the threshold (``similarity.sface_hits``): on the
real photos its answers are those of scoring every face (the rows, their order and their
similarities), at every threshold and number of faces asked for -- the sure/maybe bands cannot
move."""

from __future__ import annotations

import pytest
from labelled_album import labelled_library

from finpics_desktop.backends.local.library import open_library
from finpics_desktop.backends.local.similarity import scores


@pytest.fixture(scope="module")
def album(tmp_path_factory, photos_dir, labels, engine):
    folder = tmp_path_factory.mktemp("search-exact") / "library"
    labelled_library(folder, photos_dir, labels, engine)
    backend = open_library(folder, engine=engine)
    yield backend
    backend.close()


def every_face_scored(index, face_id: str, threshold: float, max_faces: int) -> list[dict]:
    snap = index._matrix()
    version, row = snap.faces.find(face_id)
    group = snap.groups[version]
    similarity = scores(version, group.vectors, group.norms, group.vectors[row])
    hits, values = index._hits(similarity, row, threshold, max_faces)
    return index._matches(snap, {face_id: (group, hits, values)})[face_id]


def test_search_answers_as_if_every_face_were_scored(album):
    index = album.faces
    face_ids = [f.face_id for f in album.records.indexed_face_ids()]
    assert len(face_ids) > 100
    found = 0
    for threshold in (0.0, 50.0, 80.0, 95.0):
        for max_faces in (1, 5, 100):
            for face_id in face_ids:
                got = index.search_faces(face_id, threshold, max_faces)
                assert got == every_face_scored(index, face_id, threshold, max_faces)
                found += len(got) if threshold == 80.0 else 0
    assert found > 0  # (faces alike at the default threshold were found)
