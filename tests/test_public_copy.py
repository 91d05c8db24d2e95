"""The copy the public site gets (pipeline/photos/public_copy): no location and no face regions
or people shown (MWG, Microsoft, IPTC PersonInImage), whether or not the photo had a location;
the picture byte for byte; a photo with none of it published as it is. The photos are written
by exiftool (a test tool: the product reads them in Python)."""

from __future__ import annotations

import pytest
from tagged_photos import exif_written, pixels

from finpics_desktop.pipeline.photos.leaks import find_leaks
from finpics_desktop.pipeline.photos.public_copy import public_copy

JPEG = "lfw10/Donald_Rumsfeld/Donald_Rumsfeld_0004.jpg"
PNG = "faces/lin_manuel_miranda/lin-manuel-miranda.png"
PEOPLE = ("-XMP-mwg-rs:RegionInfo={AppliedToDimensions={W=250,H=250,Unit=pixel},RegionList=["
          "{Area={X=0.5,Y=0.4,W=0.3,H=0.4,Unit=normalized},Name=Ann Lee,Type=Face}]}",
          "-XMP-MP:RegionInfoMP={Regions=[{PersonDisplayName=Bob Marsh}]}",
          "-XMP-iptcExt:PersonInImage=Ann Lee")
GPS = ("-GPSLatitude=41.49", "-GPSLatitudeRef=N", "-GPSLongitude=71.31",
       "-GPSLongitudeRef=W")


@pytest.mark.parametrize("source", [JPEG, PNG])
@pytest.mark.parametrize("location", [True, False], ids=["with-gps", "people-only"])
def test_the_public_copy_has_no_location_and_no_people(photos_dir, tmp_path, source, location):
    data = exif_written(photos_dir, tmp_path, source, *PEOPLE, *(GPS if location else ()))
    found = find_leaks(data)
    assert "face regions in XMP (names of the people in it)" in found
    assert "people shown in XMP (IPTC PersonInImage)" in found
    copy = public_copy(data, source)
    assert find_leaks(copy) == []
    assert b"Ann Lee" not in copy and b"Bob Marsh" not in copy
    assert pixels(copy) == pixels(data)
    assert public_copy(copy, source) == copy  # the same function each time: found again


@pytest.mark.parametrize("source", [JPEG, PNG])
def test_a_clean_photo_is_published_as_it_is(photos_dir, source):
    data = (photos_dir / source).read_bytes()
    assert public_copy(data, source) is data
