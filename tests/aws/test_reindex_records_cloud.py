"""What ``reindex --all`` keeps in the cloud's private table (DynamoDB over HTTP to the local
cloud, real engine, real photos of faces/): its record of the photos done comes in pages, none
near DynamoDB's 400 KB item limit whatever the picset's size, an interrupted run goes on from
them (and from a record written by the version before: one list a picset), and once the run is
complete the similarity graph of the faces it replaced is deleted."""

from __future__ import annotations

import json
import threading

import pytest

from finpics_desktop.domain.errors import FinpicsError
from finpics_desktop.pipeline.people import clusters, graph, reindex_run
from finpics_desktop.pipeline.people.naming import People
from finpics_desktop.pipeline.people.reindex import reindex
from finpics_desktop.pipeline.people.reindex_run import RUN, RunRecord
from tests.aws.test_people_cloud import publish_faces

ITEM_LIMIT = 400 * 1024  # DynamoDB's


def recorded(backend) -> dict[str, list[str]]:
    """sort key -> the photos that item of the record lists."""
    return {d.sk: d.doc["done"] for d in backend.private.query(RUN, "all/")}


def test_a_full_page_fits_in_an_item_and_a_whole_picset_would_not(aws_backend):
    private = aws_backend.private
    longest = ["x" * 251 + ".jpg"]  # 255 bytes: the longest file name
    page = {"done": longest * reindex_run.PAGE}
    assert len(json.dumps(page)) < ITEM_LIMIT / 2
    private.put(RUN, "test/page", page)  # DynamoDB takes it
    big = {"done": [f"IMG_{n:05d}_some_camera_name.jpg" for n in range(16_000)]}
    with pytest.raises(FinpicsError):  # the one item a picset the version before wrote
        private.put(RUN, "test/whole", big)
    private.delete(RUN, "test/page")


def test_an_old_record_of_one_list_a_picset_is_read(aws_backend):
    private = aws_backend.private
    private.put(RUN, "all", {"started": 1.0})
    private.put(RUN, "all/001_old", {"done": ["a.jpg", "b.jpg"]})  # the version before's
    record = RunRecord(private, "all")
    assert record.begin() == {("001_old", "a.jpg"), ("001_old", "b.jpg")}
    record.done("001_old", "c.jpg")
    assert RunRecord(private, "all").begin() == {("001_old", n) for n in ("a.jpg", "b.jpg",
                                                                         "c.jpg")}
    record.end()
    assert private.query(RUN) == []


def test_an_interrupted_run_goes_on_from_its_pages_and_drops_the_replaced_graph(
        aws_backend, photos_dir, monkeypatch):
    backend = aws_backend
    photos = set(publish_faces(backend, photos_dir))
    clusters.located_clusters(People(backend))  # the faces searched: the graph is kept
    assert backend.private.query(graph.GRAPH)
    monkeypatch.setattr(reindex_run, "PAGE", 2)

    cancel, seen = threading.Event(), []

    def progress(change, done, total) -> None:
        seen.append(change.photo)
        if done >= 5:
            cancel.set()

    first = reindex(backend, progress=progress, cancel=cancel, workers=1, every=True)
    assert first.cancelled and 5 <= len(first.changes) < len(photos)
    pages = recorded(backend)
    assert all(len(done) <= 2 for done in pages.values()), pages
    done = {f"{sk.split('/')[1]}/{name}" for sk, names in pages.items() for name in names}
    assert done == {c.photo for c in first.changes}
    assert len(pages) >= 3
    assert backend.private.query(graph.GRAPH), "a cancelled run deletes no part of the graph"

    second = reindex(backend, workers=2, every=True)
    assert second.ok, second.summary()
    assert second.resumed == len(done)
    assert {c.photo for c in second.changes} == photos - done
    assert backend.private.query(RUN) == []
    # every face has a new id: the graph's parts were all of faces no longer indexed
    assert backend.private.query(graph.GRAPH) == []
    groups = clusters.located_clusters(People(backend))[0]
    assert sorted(f for g in groups for f in g.faces) == sorted(
        f["FaceId"] for f in backend.faces.list_faces())
