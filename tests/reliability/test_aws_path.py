"""The AWS path: the local AWS-compatible stack (moto + the project's Rekognition and Lambda) in
its own process, the desktop app talking to it with boto3 over HTTP.

- kill -9 the uploading CLI at random points of a 200-photo job, resume with the same command:
  objects = thumbnails = items = 200 and each photo's faces exactly once.
- a fault-injecting proxy failing 30 % of the calls in front of the endpoint: everything is
  published, with a clear report.
"""

from __future__ import annotations

import random
import signal
import sys
import time

import pytest
from botocore.config import Config
from fault_proxy import FaultProxy
from reliability_helpers import make_job
from test_crash_resume import _run

from finpics_desktop.backends.aws.backend import open_aws
from finpics_desktop.backends.aws.session import Clients
from finpics_desktop.domain import items
from finpics_desktop.domain.names import Names
from finpics_desktop.domain.picsets import titled
from finpics_desktop.pipeline.check import check
from finpics_desktop.pipeline.functions.process import external_image_id
from finpics_desktop.pipeline.publish.journal import FINISHED, Journal
from finpics_desktop.pipeline.publish.upload import DONE, Publisher

KILLS = 11


def picset_state(backend, picset: str) -> dict:
    names = backend.names
    prefix = f"photos/{picset}/"
    photos = backend.tables.query_pics(picset)
    indexed: dict[str, int] = {}
    for face in backend.faces.list_faces():
        indexed[face.get("ExternalImageId")] = indexed.get(face.get("ExternalImageId"), 0) + 1
    per_photo = {p["sortkey"]: (len(items.face_ids(p["data"])),
                                indexed.get(external_image_id(prefix + p["sortkey"]), 0))
                 for p in photos}
    return {
        "objects": sum(1 for _ in backend.store.list(names.pics_bucket, prefix)),
        "thumbnails": sum(1 for _ in backend.store.list(names.thumbs_bucket, prefix)),
        "items": len(photos),
        "per_photo": per_photo,
    }


def wait_processed(backend, picset: str, count: int, timeout: float = 240) -> dict:
    """The cloud processes each new original on its own (S3 event -> Lambda) in the other
    process: wait until every photo's item is there and its faces settled (a wait-until with a
    deadline, as qtbot.waitUntil does)."""
    deadline = time.monotonic() + timeout
    while True:
        state = picset_state(backend, picset)
        settled = all(listed == indexed for listed, indexed in state["per_photo"].values())
        if state["items"] >= count and state["thumbnails"] >= count and settled:
            return state
        if time.monotonic() > deadline:
            return state
        time.sleep(0.25)


def test_sigkill_and_resume_on_the_aws_path(tmp_path, remote_cloud):
    src = tmp_path / "Cloud Crash"
    kinds = make_job(src, 200, with_face_every=10, seed=11)
    journal_file = tmp_path / "journal.sqlite3"
    env = remote_cloud.env(FINPICS_JOURNAL=str(journal_file))
    command = [sys.executable, "-m", "finpics_desktop", "--backend", "aws", "--endpoint-url",
               remote_cloud.url, "upload", str(src), "--picset", "301_cloud_crash",
               "--workers", "2"]
    started = time.monotonic()
    rng = random.Random(301)
    points = sorted(rng.sample(range(1, 160), KILLS - 1))
    plan = [0] + [b - a for a, b in zip([0, *points], points, strict=False)]
    for kill_after in plan:
        code, _done, last = _run(command, kill_after, env)
        assert code == -signal.SIGKILL, (code, last)
    journal = Journal(journal_file)
    assert len(journal.unfinished_jobs()) == 1
    journal.close()
    code, _done, last = _run(command, None, env)
    assert code == 0, last
    print("uploads done after", round(time.monotonic() - started, 1), "s")

    backend = open_aws(Names(), remote_cloud.settings())
    try:
        state = wait_processed(backend, "301_cloud_crash", 200)
        print("processed after", round(time.monotonic() - started, 1), "s")
        assert state["objects"] == state["thumbnails"] == state["items"] == 200, state
        for name, (listed, indexed) in state["per_photo"].items():
            assert listed == indexed, f"{name}: item lists {listed} face(s), index has {indexed}"
            assert (listed > 0) == bool(kinds[name]), name
    finally:
        backend.close()
    journal = Journal(journal_file)
    try:
        assert journal.unfinished_jobs() == []
        assert [j.state for j in journal.jobs()] == [FINISHED]
    finally:
        journal.close()


@pytest.mark.filterwarnings("ignore::ResourceWarning")
@pytest.mark.parametrize("sdk_retries", [True, False], ids=["with-botocore-retries",
                                                            "only-the-app-retries"])
def test_thirty_percent_faults_on_the_aws_path(tmp_path, remote_cloud, sdk_retries):
    """With botocore's own retries (the adapters' configuration), and with them switched off
    so that only the app's retry layer stands between the faults and the curator."""
    picset = "302_faults" if sdk_retries else "303_faults"
    src = tmp_path / "faulty"
    kinds = make_job(src, 40, with_face_every=4, seed=12 if sdk_retries else 13)
    with FaultProxy(remote_cloud.url, failure_rate=0.3, seed=30) as proxy:
        clients = Clients(remote_cloud.settings(proxy.url))
        if not sdk_retries:  # before any client exists: one attempt per botocore call
            clients.config = clients.config.merge(
                Config(retries={"mode": "standard", "max_attempts": 1}))
        backend = open_aws(Names(), remote_cloud.settings(proxy.url), clients=clients)
        journal = Journal(tmp_path / "journal.sqlite3")
        try:
            publisher = Publisher.for_backend(backend, journal)
            report = publisher.publish([src], picset)
            assert report.ok, [r.line() for r in report.results if r.status != DONE]
            assert report.summary().startswith(f"published 40 of 40 photo(s) to {titled(picset)}")
            first = dict(proxy.stats)
            if not sdk_retries:  # botocore gave up at once: the app retried
                assert report.retries > 0 and first["calls"] > first["forwarded"], first
                assert f"({report.retries} transient error(s) retried)" in report.summary()
            again = Publisher.for_backend(backend, journal).publish([src], picset)
            assert again.ok and {r.reason for r in again.results} == {
                "already published (same content)"}
        finally:
            journal.close()
            backend.close()
        stats = dict(proxy.stats)
        assert stats["calls"] > 100
        assert 0.2 < (stats["calls"] - stats["forwarded"]) / stats["calls"] < 0.4, stats
        assert all(stats.get(f, 0) > 0 for f in ("500", "503", "throttle", "drop-before",
                                                 "drop-after")), stats

    direct = open_aws(Names(), remote_cloud.settings())
    try:
        state = wait_processed(direct, picset, 40)
        assert state["objects"] == state["thumbnails"] == state["items"] == 40, state
        for name, (listed, indexed) in state["per_photo"].items():
            assert listed == indexed and (listed > 0) == bool(kinds[name]), name
    finally:
        direct.close()
    # the consistency check runs through the faulty endpoint too, and finds nothing to repair
    with FaultProxy(remote_cloud.url, failure_rate=0.3, seed=31) as proxy:
        backend = open_aws(Names(), remote_cloud.settings(proxy.url))
        try:
            report = check(backend)
            assert [p for p in report.found if picset in p.subject] == []
        finally:
            backend.close()


def test_content_dedupe_and_conflicts_on_the_aws_path(tmp_path, remote_cloud):
    """S3's listing carries no metadata: the same photo under another name is still found."""
    from reliability_helpers import jpeg

    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    (first / "a.jpg").write_bytes(jpeg(color=(1, 50, 9)))
    (second / "copy of a.jpg").write_bytes(jpeg(color=(1, 50, 9)))
    (second / "a.jpg").write_bytes(jpeg(color=(200, 50, 9)))
    backend = open_aws(Names(), remote_cloud.settings())
    try:
        assert Publisher.for_backend(backend).publish([first], "304_dedupe").ok
        report = Publisher.for_backend(backend).publish([second], "304_dedupe")
        outcome = {r.name: (r.status, r.reason, r.conflict) for r in report.results}
        assert outcome == {
            "a.jpg": ("failed", "a different photo with this name is already in the picset: "
                      "choose replace or rename (--on-conflict)", True),
            "copy of a.jpg": ("skipped", "already in the picset as 'a.jpg' (same content)",
                              False)}
        renamed = Publisher.for_backend(backend, on_conflict="rename").publish(
            [second], "304_dedupe")
        assert [(r.name, r.status) for r in renamed.results if r.status == DONE] == [
            ("a.jpg", DONE)]
        keys = [o.key for o in backend.store.list(backend.names.pics_bucket, "photos/304_dedupe/")]
        assert keys == ["photos/304_dedupe/a-2.jpg", "photos/304_dedupe/a.jpg"]
    finally:
        backend.close()
