"""``audit`` on the live (local) cloud, IAM enforced: a clean album exits 0; a JPEG with GPS and
an XMP person region put straight into the public bucket (boto3, bypassing the app) makes it
exit 1 naming the file; ``audit --fix`` strips the public copy in place and exits 0, and the
next audit too. The leaking JPEG is written by exiftool (a test tool only: the product reads
metadata in Python)."""

from __future__ import annotations

import io
import json
import shutil
import subprocess

from PIL import Image

from finpics_desktop import cli
from finpics_desktop.backends.aws.session import Clients
from finpics_desktop.ports import PLACED_METADATA
from tests.aws.aws_helpers import cli_on

PICSET = "301_audited"
CLEAN = "lfw10/Donald_Rumsfeld/Donald_Rumsfeld_0004.jpg"


def _leaking_jpeg(photos_dir, tmp_path) -> bytes:
    path = tmp_path / "leak.jpg"
    shutil.copyfile(photos_dir / CLEAN, path)
    subprocess.run(
        ["exiftool", "-q", "-overwrite_original", "-GPSLatitude=41.49", "-GPSLatitudeRef=N",
         "-GPSLongitude=71.31", "-GPSLongitudeRef=W",
         "-XMP-mwg-rs:RegionInfo={AppliedToDimensions={W=250,H=250,Unit=pixel},RegionList=["
         "{Area={X=0.5,Y=0.4,W=0.3,H=0.4,Unit=normalized},Name=Ann Lee,Type=Face}]}",
         str(path)], check=True)
    return path.read_bytes()


def _cli(cloud, own_stack, monkeypatch, capsys, *args) -> tuple[int, str, str]:
    return cli_on(cloud, own_stack, monkeypatch, capsys, "--backend", "aws", *args)


def test_audit_names_a_leaking_photo_put_in_the_bucket_and_fix_strips_it(
        cloud, own_stack, photos_dir, tmp_path, monkeypatch, capsys):
    n = own_stack.names
    clean = (photos_dir / CLEAN).read_bytes()
    own_stack.store.put(n.pics_bucket, f"photos/{PICSET}/clean.jpg", clean, "image/jpeg")
    cloud.wait_idle()
    with cloud.iam_enforced():
        code, out, err = _cli(cloud, own_stack, monkeypatch, capsys, "audit", "--json")
    report = json.loads(out)
    assert code == 0, err
    assert report["ok"] and report["leaks"] == [] and report["objects"] == 2  # + thumbnail
    tried = {a["what"]: a["refused"] for a in report["access"]}
    assert tried[f"the public site's role: read the curator's private store "
                 f"(table {n.private_table})"] is True
    assert tried[f"the public site's role: write table {n.pics_table}"] is True
    assert tried[f"anyone (unsigned): write bucket {n.pics_bucket}"] is True
    assert tried[f"the public site's role: read the trash of bucket {n.thumbs_bucket}"] is True

    # straight into the public bucket, as another tool would put it (boto3, not the app)
    leaking = _leaking_jpeg(photos_dir, tmp_path)
    s3 = Clients(cloud.settings())("s3")
    s3.put_object(Bucket=n.pics_bucket, Key=f"photos/{PICSET}/leak.jpg", Body=leaking,
                  ContentType="image/jpeg")
    cloud.wait_idle()
    faces_before = own_stack.tables.get_pics_item(PICSET, "leak.jpg")["data"]["FaceRecords"]
    with cloud.iam_enforced():
        code, out, err = _cli(cloud, own_stack, monkeypatch, capsys, "audit")
    assert code == 1
    line = next(x for x in out.splitlines() if "leak.jpg" in x)
    assert line.startswith(f"LEAK {n.pics_bucket}/photos/{PICSET}/leak.jpg: ")
    assert "GPS coordinates in EXIF" in line and "face regions in XMP" in line
    assert "clean.jpg" not in out

    with cloud.iam_enforced():
        fixed = _cli(cloud, own_stack, monkeypatch, capsys, "audit", "--fix")
        again = _cli(cloud, own_stack, monkeypatch, capsys, "audit")
    assert fixed[0] == 0, fixed
    assert f"fixed {n.pics_bucket}/photos/{PICSET}/leak.jpg" in fixed[1]
    assert again[0] == 0, again
    stored = own_stack.store.get(n.pics_bucket, f"photos/{PICSET}/leak.jpg")
    assert b"Ann Lee" not in stored and len(stored) == len(leaking)
    with Image.open(io.BytesIO(stored)) as a, Image.open(io.BytesIO(leaking)) as b:
        assert a.tobytes() == b.tobytes()  # the picture itself untouched
        assert not a.getexif().get_ifd(0x8825)
    cloud.wait_idle()  # the fixed copy is not processed again: its faces keep their ids
    head = own_stack.store.head(n.pics_bucket, f"photos/{PICSET}/leak.jpg")
    assert head.metadata.get(PLACED_METADATA, "").startswith("audit-")
    assert own_stack.tables.get_pics_item(PICSET, "leak.jpg")["data"]["FaceRecords"] == (
        faces_before)


def test_audit_of_the_library_is_refused(tmp_path, capsys):
    assert cli.main(["--library", str(tmp_path / "lib"), "audit"]) == 2
    assert "audit the cloud" in capsys.readouterr().err
