"""The same content in another picset, on the (local) cloud: ``upload`` into another picset says
which photos the album already holds and skips them when told (``--same-content skip``), the
application's check finds them -- a photo with a location and face regions too, compared as
it is published -- and ``push`` says the library's photos the cloud holds in another picset
(``push --json``: ``same_content``). None of it reads the album's originals: the calls on the
wire hold no GetObject (HeadObject and the private table's records are enough)."""

from __future__ import annotations

import json
import shutil
import subprocess

from finpics_desktop.app.album import Album
from finpics_desktop.app.publish import PublishPlan, same_content_elsewhere
from finpics_desktop.backends.local.library import open_library
from finpics_desktop.pipeline.photos.leaks import find_leaks
from finpics_desktop.pipeline.publish.upload import Publisher
from tests.aws.aws_helpers import cli_on

FIRST = "001_first"
REGIONS = ("-GPSLatitude=41.49", "-GPSLatitudeRef=N", "-GPSLongitude=71.31",
           "-GPSLongitudeRef=W",
           "-XMP-mwg-rs:RegionInfo={AppliedToDimensions={W=250,H=250,Unit=pixel},RegionList=["
           "{Area={X=0.5,Y=0.4,W=0.3,H=0.4,Unit=normalized},Name=Ann Lee,Type=Face}]}")


def _gets(cloud) -> int:
    return cloud.calls[("s3", "GETObject")]


def _with_regions(photos_dir, tmp_path) -> bytes:
    path = tmp_path / "regions.jpg"
    shutil.copyfile(photos_dir / "lfw10/Donald_Rumsfeld/Donald_Rumsfeld_0004.jpg", path)
    subprocess.run(["exiftool", "-q", "-q", "-overwrite_original", *REGIONS, str(path)],
                   check=True)
    data = path.read_bytes()
    path.unlink()
    return data


def test_upload_app_and_push_say_what_the_cloud_holds_elsewhere_without_reading_it(
        cloud, own_stack, photos_dir, copy_photos, tmp_path, engine, monkeypatch, capsys):
    first = copy_photos("faces/biden/biden.jpg", "faces/biden/biden2.jpg", folder="first")
    leaking = _with_regions(photos_dir, tmp_path)
    (first / "where.jpg").write_bytes(leaking)
    code, _, err = cli_on(cloud, own_stack, monkeypatch, capsys, "--backend", "aws", "upload",
                        str(first), "--picset", FIRST)
    assert code == 0, err
    cloud.wait_idle()
    stored = own_stack.store.get(own_stack.names.pics_bucket, f"photos/{FIRST}/where.jpg")
    assert find_leaks(stored) == []  # published without its location and its people

    # the CLI: said, skipped, and nothing of the album read
    second = tmp_path / "second"
    second.mkdir()
    shutil.copyfile(first / "biden.jpg", second / "joe.jpg")
    (second / "there.jpg").write_bytes(leaking)  # compared as it would be published
    cloud.reset_calls()
    code, _, err = cli_on(cloud, own_stack, monkeypatch, capsys, "--backend", "aws", "upload",
                        str(second), "--same-content", "skip")
    assert code == 0, err
    assert f"joe.jpg: already in the album as {FIRST}/biden.jpg (same content)" in err
    assert f"there.jpg: already in the album as {FIRST}/where.jpg (same content)" in err
    assert "skipped 2 photo(s)" in err and "nothing published" in err
    assert _gets(cloud) == 0 and cloud.calls[("s3", "HEADObject")] >= 2, dict(cloud.calls)
    assert [i["sortkey"] for i in own_stack.tables.query_pics("/")] == [FIRST]

    # the application's check (the window's): the same answer, the same proof
    (second / "obama.jpg").write_bytes((photos_dir / "faces/obama/obama.jpg").read_bytes())
    files = sorted(second.iterdir())
    cloud.reset_calls()
    held = same_content_elsewhere(Album(own_stack), files, PublishPlan.of([second], "002_two"))
    assert {p.name: where for p, where in held.items()} == {
        "joe.jpg": f"{FIRST}/biden.jpg", "there.jpg": f"{FIRST}/where.jpg"}
    assert _gets(cloud) == 0, dict(cloud.calls)
    assert same_content_elsewhere(Album(own_stack), files,  # its own picset: not elsewhere
                                  PublishPlan.of([second], FIRST)) == {}

    # push: the library's photos the cloud holds in another picset are said
    root = tmp_path / "library"
    library = open_library(root, engine=engine)
    assert Publisher.for_backend(library).publish(files, "002_two").ok
    library.close()
    cloud.reset_calls()
    code, out, err = cli_on(cloud, own_stack, monkeypatch, capsys, "--library", str(root),
                          "push", "002_two", "--dry-run", "--json")
    assert code == 0, err
    plan = json.loads(out)
    assert plan["new"] == ["joe.jpg", "obama.jpg", "there.jpg"]
    assert plan["same_content"] == {"joe.jpg": f"{FIRST}/biden.jpg",
                                    "there.jpg": f"{FIRST}/where.jpg"}
    assert f"  joe.jpg: already on the cloud as {FIRST}/biden.jpg (same content)" in (
        err.splitlines())
    assert _gets(cloud) == 0, dict(cloud.calls)
