"""A fresh ``push`` passes ``audit``: a library photo whose face regions and people shown
exiftool wrote (MWG, Microsoft, IPTC PersonInImage), with a GPS location, is published without
any of it when the location is stripped (the default policy); the library's original keeps its
regions (the album reads names from them)."""

from __future__ import annotations

import io
import shutil
import subprocess

from PIL import Image

from finpics_desktop.backends.local.library import open_library
from finpics_desktop.pipeline.photos.leaks import find_leaks
from finpics_desktop.pipeline.publish.upload import Publisher
from tests.aws.aws_helpers import cli_on

PICSET = "001_people"
TAGS = ("-GPSLatitude=41.49", "-GPSLatitudeRef=N", "-GPSLongitude=71.31", "-GPSLongitudeRef=W",
        "-XMP-mwg-rs:RegionInfo={AppliedToDimensions={W=250,H=250,Unit=pixel},RegionList=["
        "{Area={X=0.5,Y=0.4,W=0.3,H=0.4,Unit=normalized},Name=Ann Lee,Type=Face}]}",
        "-XMP-MP:RegionInfoMP={Regions=[{PersonDisplayName=Bob Marsh}]}",
        "-XMP-iptcExt:PersonInImage=Ann Lee")


def test_a_pushed_photo_with_face_regions_passes_audit_and_the_library_keeps_them(
        cloud, own_stack, photos_dir, tmp_path, engine, monkeypatch, capsys):
    folder = tmp_path / "people"
    folder.mkdir()
    regions = folder / "regions.jpg"
    shutil.copyfile(photos_dir / "lfw10/Donald_Rumsfeld/Donald_Rumsfeld_0004.jpg", regions)
    subprocess.run(["exiftool", "-q", "-q", "-overwrite_original", *TAGS, str(regions)],
                   check=True)
    shutil.copyfile(photos_dir / "faces/biden/biden.jpg", folder / "biden.jpg")
    root = tmp_path / "library"
    library = open_library(root, engine=engine)
    assert Publisher.for_backend(library).publish(sorted(folder.iterdir()), PICSET).ok
    library.close()
    original = root / "buckets/finpics-pics/photos" / PICSET / "regions.jpg"
    before = original.read_bytes()
    assert "face regions in XMP (names of the people in it)" in find_leaks(before)

    code, _, err = cli_on(cloud, own_stack, monkeypatch, capsys, "--library", str(root),
                        "push", PICSET)
    assert code == 0, err
    assert "published, and public" not in err  # push's own audit found nothing
    cloud.wait_idle()
    stored = own_stack.store.get(own_stack.names.pics_bucket, f"photos/{PICSET}/regions.jpg")
    assert find_leaks(stored) == [] and b"Ann Lee" not in stored and b"Bob Marsh" not in stored
    with Image.open(io.BytesIO(stored)) as a, Image.open(original) as b:
        assert a.tobytes() == b.tobytes()
    with cloud.iam_enforced():
        code, out, err = cli_on(cloud, own_stack, monkeypatch, capsys, "--backend", "aws",
                              "audit")
    assert code == 0, out + err
    assert original.read_bytes() == before  # the library's original keeps its regions
