"""The similarity graph's parts of an engine no face is indexed by any more are deleted once a
``reindex`` is complete (pipeline/people/graph.py ``prune``), on a library the dlib version
left behind (real engine, real photos): the old engine's parts go, a grouping afterwards
searches the re-indexed faces and keeps their parts, and a cancelled re-index deletes none."""

from __future__ import annotations

import threading

from old_library import DLIB
from test_reindex import old  # noqa: F401 - the fixture

from finpics_desktop.backends.local.engine import MODEL_VERSION
from finpics_desktop.backends.local.library import open_library
from finpics_desktop.pipeline.people import clusters, graph
from finpics_desktop.pipeline.people.naming import People
from finpics_desktop.pipeline.people.reindex import reindex


def parts_by_engine(backend) -> dict[str, int]:
    found: dict[str, int] = {}
    for doc in backend.private.query(graph.GRAPH):
        key = doc.sk.partition("#")[0]
        found[key] = found.get(key, 0) + 1
    return found


def test_reindex_to_another_engine_deletes_the_old_engines_graph(old, engine):  # noqa: F811
    root, _ = old
    backend = open_library(root, engine=engine)
    try:
        clusters.located_clusters(People(backend))  # the dlib faces searched: their parts
        assert set(parts_by_engine(backend)) == {DLIB}

        cancel = threading.Event()
        cancel.set()  # a run cancelled before any photo: nothing is deleted
        assert reindex(backend, cancel=cancel).cancelled
        assert set(parts_by_engine(backend)) == {DLIB}

        report = reindex(backend)
        assert report.ok and report.changes, report.summary()
        assert backend.faces.outdated_faces() == {}
        assert parts_by_engine(backend) == {}  # no face of dlib's left: its graph is gone

        groups = clusters.located_clusters(People(backend))[0]
        assert groups and set(parts_by_engine(backend)) == {MODEL_VERSION.replace("#", "_")}
        assert sorted(f for g in groups for f in g.faces) == sorted(
            f.face_id for f in backend.records.indexed_faces())
    finally:
        backend.close()


def test_prune_keeps_the_parts_of_faces_still_indexed(library, photos_dir, labels):
    from labelled_album import publish_labelled

    publish_labelled(library, photos_dir, labels, tops=("faces",))
    clusters.located_clusters(People(library))
    parts = library.private.query(graph.GRAPH)
    assert parts
    versions = {f.face_id: f.model_version for f in library.records.indexed_faces()}
    assert graph.prune(library.private, versions) == 0
    assert len(library.private.query(graph.GRAPH)) == len(parts)
    first = parts[0].doc["faces"]  # every face of one part gone from the index
    assert graph.prune(library.private, {f: v for f, v in versions.items()
                                         if f not in first}) == 1
    assert len(library.private.query(graph.GRAPH)) == len(parts) - 1
