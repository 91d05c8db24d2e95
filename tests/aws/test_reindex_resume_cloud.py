"""``reindex --all`` on the cloud goes on where a run killed midway stopped: the command line in
a process of its own, SIGKILLed halfway through its writes (``tests.kill_at_write``); the next
run re-indexes only the photos the killed one had not done, and the album is whole after it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from finpics_desktop.pipeline.check import check
from finpics_desktop.pipeline.people.reindex_run import RUN
from tests.aws.test_people_cloud import publish_faces

REPO = Path(__file__).resolve().parents[2]
NAMES = ("pics_bucket", "thumbs_bucket", "pics_table", "image_table", "private_table",
         "collection", "search_function", "process_function")


def _reindex(cloud, backend, tmp_path, kill_at: int = 0) -> tuple[int, dict | None, int]:
    """``reindex --all --json`` in a process of its own (SIGKILLed before its ``kill_at``-th
    write): exit code, its report (None if killed), how many writes it made."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "FINPICS_"))}
    env.update(AWS_ACCESS_KEY_ID=cloud.credentials["access_key_id"],
               AWS_SECRET_ACCESS_KEY=cloud.credentials["secret_access_key"],
               AWS_REGION="us-east-1", PYTHONUNBUFFERED="1",
               FINPICS_KILL_AT_WRITE=str(kill_at), FINPICS_WRITES_FILE=str(tmp_path / "writes"))
    (tmp_path / "writes").unlink(missing_ok=True)
    names = [a for n in NAMES for a in ("--name", f"{n}={getattr(backend.names, n)}")]
    done = subprocess.run(
        [sys.executable, "-m", "tests.kill_at_write", "--backend", "aws", "--endpoint-url",
         cloud.url, *names, "reindex", "--all", "--json"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    writes = tmp_path / "writes"
    report = json.loads(done.stdout) if done.returncode in (0, 1) and done.stdout else None
    return done.returncode, report, int(writes.read_text()) if writes.exists() else 0


def _recorded(backend) -> set[str]:
    return {f"{d.sk.split('/')[1]}/{name}" for d in backend.private.query(RUN, "all/")
            for name in d.doc["done"]}


def test_a_reindex_killed_midway_goes_on_where_it_stopped(cloud, aws_backend, photos_dir,
                                                          tmp_path):
    backend = aws_backend
    where = publish_faces(backend, photos_dir)
    photos = set(where)
    code, whole, writes = _reindex(cloud, backend, tmp_path)  # how many writes a whole run makes
    assert code == 0, whole
    assert {c["photo"] for c in whole["reindexed"]} == photos and whole["resumed"] == 0
    assert backend.private.query(RUN) == [], "a run that did everything leaves no record"

    code, report, _ = _reindex(cloud, backend, tmp_path, kill_at=writes // 2)
    assert code == -9 and report is None  # SIGKILLed midway
    done = _recorded(backend)
    assert 0 < len(done) < len(photos), done

    cloud.reset_calls()
    code, report, _ = _reindex(cloud, backend, tmp_path)
    assert code == 0, report
    again = {c["photo"] for c in report["reindexed"]}
    assert report["resumed"] == len(done)
    assert again == photos - done  # only what the killed run had not done
    assert cloud.calls[("rekognition", "IndexFaces")] == len(again)
    assert backend.private.query(RUN) == []
    listed = {f for i in backend.tables.scan_image_items() for r in i["data"]["FaceRecords"]
              for f in [r["Face"]["FaceId"]]}
    assert listed == {f["FaceId"] for f in backend.faces.list_faces()}
    assert check(backend).found == []
