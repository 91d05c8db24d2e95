"""``push``: a picset of the library published to the local cloud with the CLI (in a process of
its own, killed midway and run again: it resumes), the difference shown first, then a photo
deleted and one added in the library and pushed again: the cloud equals the library. A photo
with the camera's location is published without it, its pixels unchanged, the library's file
untouched."""

from __future__ import annotations

import hashlib
import io
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
from PIL import Image

from finpics_desktop.app.entries import PHOTO, Entry
from finpics_desktop.app.photos import load_photo
from finpics_desktop.backends.local.library import open_library
from finpics_desktop.pipeline.curation import Curation, delete, list_trash
from finpics_desktop.pipeline.photos.exif import read_facts
from finpics_desktop.pipeline.photos.public_copy import public_copy
from finpics_desktop.pipeline.publish.upload import Publisher
from finpics_desktop.ports import LOCATION_METADATA
from tests.test_location import with_location

REPO = Path(__file__).resolve().parents[2]
PICSET = "001_trip"


def _push(cloud, names, library: Path, *extra: str, kill_after: int | None = None):
    """``finpics-desktop push`` in a process of its own; SIGKILLed after ``kill_after`` photos."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1",
           "AWS_ACCESS_KEY_ID": cloud.credentials["access_key_id"],
           "AWS_SECRET_ACCESS_KEY": cloud.credentials["secret_access_key"]}
    env.pop("AWS_PROFILE", None)
    overrides = [a for n in ("pics_bucket", "thumbs_bucket", "pics_table", "image_table",
                             "private_table", "collection", "search_function")
                 for a in ("--name", f"{n}={getattr(names, n)}")]
    proc = subprocess.Popen([sys.executable, "-m", "finpics_desktop", "--library", str(library),
                             "--endpoint-url", cloud.url, *overrides, "push", PICSET, *extra],
                            cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    lines, done = [], 0
    for line in proc.stderr:
        lines.append(line.rstrip("\n"))
        done += line.startswith("[")
        if kill_after is not None and done >= kill_after:
            proc.send_signal(signal.SIGKILL)
            break
    out = proc.stdout.read()
    proc.stderr.close()
    proc.stdout.close()
    return proc.wait(), lines, out


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_push_resumes_after_a_kill_and_brings_the_cloud_to_the_library(
        cloud, own_stack, tmp_path, engine, photos_dir):
    folder = tmp_path / "trip"
    folder.mkdir()
    for rel in ("faces/obama/obama1.jpg", "faces/obama/obama2.jpg", "faces/biden/biden.jpg",
                "faces/groups/two_people.jpg", "faces/kit_harington/john1.jpeg",
                "faces/rose_leslie/img1.jpg", "faces/alex_lacamoire/alex_lacamoire1.jpg"):
        (folder / rel.replace("/", "_")).write_bytes((photos_dir / rel).read_bytes())
    (folder / "where.jpg").write_bytes(with_location("JPEG"))
    (folder / "where.png").write_bytes(with_location("PNG"))
    root = tmp_path / "library"
    library = open_library(root, engine=engine)
    assert Publisher.for_backend(library).publish(sorted(folder.iterdir()), PICSET).ok
    on_disk = {p.name: _sha(p.read_bytes()) for p in
               (root / "buckets/finpics-pics/photos" / PICSET).iterdir()}
    library.close()
    names = own_stack.names

    code, lines, out = _push(cloud, names, root, "--dry-run", "--json")
    assert code == 0, lines
    plan = json.loads(out)
    assert plan["new_picset"] and len(plan["new"]) == 9 and plan["deleted"] == []
    assert lines[0] == f"push {PICSET} to the cloud (a new picset there):"
    assert own_stack.tables.query_pics(PICSET) == []  # nothing was sent

    code, lines, _ = _push(cloud, names, root, kill_after=3)
    assert code == -signal.SIGKILL, "\n".join(lines)
    code, lines, _ = _push(cloud, names, root)
    assert code == 0, lines
    assert any(line.startswith("  new: ") for line in lines)  # what was left, shown first
    cloud.wait_idle()
    assert cloud.event_errors == []
    _assert_cloud_equals_library(own_stack, root, engine)

    stored = own_stack.store.get(names.pics_bucket, f"photos/{PICSET}/where.jpg")
    assert read_facts(stored, "where.jpg").gps == ""  # the published copy has no location
    head = own_stack.store.head(names.pics_bucket, f"photos/{PICSET}/where.jpg")
    assert head.metadata[LOCATION_METADATA] == "removed"
    local = root / "buckets/finpics-pics/photos" / PICSET / "where.jpg"
    assert read_facts(local.read_bytes(), "where.jpg").gps  # the library's file keeps it
    for name in ("where.jpg", "where.png"):
        with Image.open(io.BytesIO(own_stack.store.get(names.pics_bucket,
                                                       f"photos/{PICSET}/{name}"))) as a, \
                Image.open(root / "buckets/finpics-pics/photos" / PICSET / name) as b:
            assert np.array_equal(np.asarray(a), np.asarray(b))
    assert {p.name: _sha(p.read_bytes()) for p in local.parent.iterdir()} == on_disk
    photo = Entry(PHOTO, "where.jpg", own_stack, picset=PICSET, name="where.jpg")
    assert ("Location", "removed from the published copy") in load_photo(photo, 400).facts.rows()

    library = open_library(root, engine=engine)  # one photo deleted, one added, a new cover
    c = Curation(library)
    delete(c, [f"{PICSET}/faces_obama_obama2.jpg"])
    extra = tmp_path / "more"
    extra.mkdir()
    (extra / "rose2.jpg").write_bytes((photos_dir / "faces/rose_leslie/img2.jpg").read_bytes())
    assert Publisher.for_backend(library).publish([extra / "rose2.jpg"], PICSET).ok
    from finpics_desktop.pipeline.curation import set_cover

    set_cover(c, PICSET, "rose2.jpg")
    library.close()
    code, lines, out = _push(cloud, names, root, "--json")
    assert code == 0, lines
    plan = json.loads(out)
    assert (plan["new"], plan["deleted"], plan["changed"]) == (
        ["rose2.jpg"], ["faces_obama_obama2.jpg"], [])
    cloud.wait_idle()
    _assert_cloud_equals_library(own_stack, root, engine)
    assert own_stack.tables.get_pics_item("/", PICSET)["pic"] == "rose2.jpg"
    trash = [e.what for e in list_trash(Curation(own_stack))]
    assert f"{PICSET}/faces_obama_obama2.jpg" in trash  # the cloud's deletions: its trash
    code, lines, _ = _push(cloud, names, root)
    assert code == 0
    assert lines == [f"push {PICSET} to the cloud: the cloud has it as it is (9 photos)"]


def _assert_cloud_equals_library(cloud_backend, root: Path, engine) -> None:
    library = open_library(root, engine=engine)
    try:
        mine = {i["sortkey"] for i in library.tables.query_pics(PICSET)}
        theirs = {i["sortkey"]: i for i in cloud_backend.tables.query_pics(PICSET)}
        assert set(theirs) == mine
        folder = root / "buckets/finpics-pics/photos" / PICSET
        for name in mine:
            head = cloud_backend.store.head(cloud_backend.names.pics_bucket,
                                            f"photos/{PICSET}/{name}")
            published = public_copy((folder / name).read_bytes(), name)
            assert head.sha256 == _sha(published), name  # byte for byte, or its public copy
            faces = len(library.tables.get_pics_item(PICSET, name)["data"]["FaceRecords"])
            assert len(theirs[name]["data"]["FaceRecords"]) == faces, name  # processed
        assert cloud_backend.tables.get_pics_item("/", PICSET)["pic"] == (
            library.tables.get_pics_item("/", PICSET)["pic"])
    finally:
        library.close()
