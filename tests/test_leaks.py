"""What a photo tells beyond its picture (pipeline/photos/leaks): each kind of field found and
named, and stripped with the pixels untouched. The photos are written by exiftool (a test tool:
the product reads them in Python)."""

from __future__ import annotations

import pytest
from tagged_photos import exif_written, pixels

from finpics_desktop.pipeline.photos.leaks import find_leaks, strip_private
from finpics_desktop.pipeline.photos.people_fields import name_pattern

JPEG = "lfw10/Donald_Rumsfeld/Donald_Rumsfeld_0004.jpg"
PNG = "faces/lin_manuel_miranda/lin-manuel-miranda.png"
NAMES = name_pattern(["Bob Marsh", "Zoë Smith"])


@pytest.mark.parametrize("source", [JPEG, PNG])
def test_clean_photos_tell_nothing(photos_dir, source):
    assert find_leaks((photos_dir / source).read_bytes(), NAMES) == []


def test_microsoft_regions_iptc_place_and_a_known_name_are_found_and_stripped(
        photos_dir, tmp_path):
    data = exif_written(photos_dir, tmp_path, JPEG,
                    "-XMP-MP:RegionInfoMP={Regions=[{PersonDisplayName=Bob Marsh}]}",
                    "-IPTC:City=Newport", "-XMP-dc:Description=Zoë Smith at the beach",
                    "-EXIF:ImageDescription=Bob Marsh")
    found = find_leaks(data, NAMES)
    assert "face regions in XMP (names of the people in it)" in found
    assert any(f.startswith("location (IPTC place names") for f in found)
    assert "the name 'Bob Marsh' in its metadata" in found
    assert "the name 'Zoë Smith' in its metadata" in found
    stripped = strip_private(data, NAMES)
    assert find_leaks(stripped, NAMES) == []
    assert len(stripped) == len(data) and pixels(stripped) == pixels(data)


def test_a_png_with_a_person_region_and_gps_in_xmp(photos_dir, tmp_path):
    data = exif_written(photos_dir, tmp_path, PNG,
                    "-XMP-exif:GPSLatitude=41.49", "-XMP-iptcExt:PersonInImage=Ann Lee",
                    "-XMP-mwg-rs:RegionInfo={RegionList=[{Name=Ann Lee,Type=Face}]}")
    found = find_leaks(data)
    assert "location (coordinates or place names) in XMP" in found
    assert "people shown in XMP (IPTC PersonInImage)" in found
    assert "face regions in XMP (names of the people in it)" in found
    stripped = strip_private(data)
    assert find_leaks(stripped) == [] and b"Ann Lee" not in stripped
    assert pixels(stripped) == pixels(data)
