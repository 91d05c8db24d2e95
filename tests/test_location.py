"""Location removed from a photo's published copy: the GPS metadata is gone (EXIF and XMP, JPEG
and PNG), everything else of the EXIF block stays, and the decoded pictures are identical."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from finpics_desktop.pipeline.exif import read_facts
from finpics_desktop.pipeline.location import remove_location

PHOTOS = Path(__file__).resolve().parents[1].parent / "shared" / "photos"
LATITUDE = (41.0, 29.0, 24.2976)  # Newport, RI
LONGITUDE = (71.0, 18.0, 46.1004)
XMP = (b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/'
       b'22-rdf-syntax-ns#"><rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" '
       b'xmlns:xmp="http://ns.adobe.com/xap/1.0/" exif:GPSLatitude="41,29.405N" xmp:Rating="4">'
       b"<exif:GPSLongitude>71,18.768W</exif:GPSLongitude><exif:GPSAltitude rdf:parseType="
       b'"Resource"/></rdf:Description></rdf:RDF></x:xmpmeta>')


def with_location(fmt: str, **extra) -> bytes:
    """A real photo saved with the camera's location, its make and an orientation."""
    with Image.open(PHOTOS / "faces/obama/obama1.jpg") as im:
        im = im.convert("RGB")
        im.thumbnail((640, 640))
        exif = im.getexif()
        exif[0x010F] = "FinpicsCam"  # Make
        exif[0x0112] = 6  # Orientation: rotated
        gps = exif.get_ifd(0x8825)
        gps.update({1: "N", 2: LATITUDE, 3: "W", 4: LONGITUDE, 6: 12.5, 29: "2016:07:04"})
        out = io.BytesIO()
        im.save(out, fmt, exif=exif, **extra)
    return out.getvalue()


def pixels(data: bytes) -> np.ndarray:
    with Image.open(io.BytesIO(data)) as im:
        return np.asarray(im.convert("RGB"))


@pytest.mark.parametrize("fmt", ["JPEG", "PNG"])
def test_gps_goes_and_the_picture_and_the_rest_of_exif_stay(fmt):
    data = with_location(fmt, **({"xmp": XMP} if fmt == "JPEG" else {}))
    assert read_facts(data, "x").gps  # the photo says where it was taken
    stripped = remove_location(data, "x")
    assert stripped != data
    facts = read_facts(stripped, "x")
    assert facts.gps == ""
    with Image.open(io.BytesIO(stripped)) as im:
        exif = im.getexif()
        assert exif.get_ifd(0x8825) == {} and 0x8825 not in exif
        assert exif[0x010F] == "FinpicsCam" and exif[0x0112] == 6
        if fmt == "JPEG":
            xmp = im.info["xmp"]
            assert b"GPS" not in xmp and b'xmp:Rating="4"' in xmp
            assert len(stripped) == len(data)  # edited in place, nothing moved
    assert np.array_equal(pixels(stripped), pixels(data))
    # the GPS values are overwritten, not only unlinked
    assert b"2016:07:04" in data and b"2016:07:04" not in stripped
    assert remove_location(stripped, "x") is stripped  # nothing left to remove


def test_photos_without_location_are_returned_as_they_are():
    for path in [PHOTOS / "faces/obama/obama1.jpg",
                 PHOTOS / "faces/lin_manuel_miranda/lin-manuel-miranda.png"]:
        data = path.read_bytes()
        assert remove_location(data, path.name) is data


def test_a_damaged_exif_block_is_dropped_rather_than_kept():
    sound = with_location("JPEG")
    data = bytearray(sound)
    start = data.index(b"Exif\x00\x00") + 6
    data[start + 4:start + 8] = b"\xff\xff\xff\x00"  # IFD0 offset past the end
    stripped = remove_location(bytes(data), "x")
    assert b"Exif\x00\x00" not in stripped
    assert np.array_equal(pixels(stripped), pixels(sound))  # the same picture data


def test_png_xmp_text_chunks_are_blanked_and_raw_profiles_dropped():
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_itxt("XML:com.adobe.xmp", XMP.decode(), zip=True)
    info.add_text("Raw profile type exif", "exif\n 12\n457869660000")
    with Image.open(PHOTOS / "faces/lin_manuel_miranda/lin-manuel-miranda.png") as im:
        out = io.BytesIO()
        im.save(out, "PNG", pnginfo=info)
    data = out.getvalue()
    stripped = remove_location(data, "x.png")
    with Image.open(io.BytesIO(stripped)) as im:
        assert "GPS" not in im.info["XML:com.adobe.xmp"]
        assert 'xmp:Rating="4"' in im.info["XML:com.adobe.xmp"]
        assert "Raw profile type exif" not in im.info
        im.load()  # every chunk's CRC is right
    assert np.array_equal(pixels(stripped), pixels(data))


def test_the_images_appended_to_a_jpeg_lose_their_location_too():
    """An MPO/MPF file (a camera's second picture, an Ultra HDR gain map): every image's GPS
    goes, in place, so the MPF index still finds each image and each decodes as before."""
    with Image.open(io.BytesIO(with_location("JPEG", xmp=XMP))) as first:
        second = first.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
        out = io.BytesIO()
        first.save(out, "MPO", save_all=True, append_images=[second], exif=first.getexif(),
                   xmp=XMP)
    data = out.getvalue()
    stripped = remove_location(data, "x.jpg")
    assert len(stripped) == len(data) and b"GPS" not in stripped
    with Image.open(io.BytesIO(data)) as before, Image.open(io.BytesIO(stripped)) as after:
        assert after.n_frames == before.n_frames == 2
        for frame in range(2):
            before.seek(frame)
            after.seek(frame)
            assert dict(before.getexif().get_ifd(0x8825))  # it was there, in each image
            assert after.getexif().get_ifd(0x8825) == {}
            assert after.getexif()[0x010F] == "FinpicsCam"
            assert np.array_equal(np.asarray(before.convert("RGB")),
                                  np.asarray(after.convert("RGB")))


def _box(kind: bytes, body: bytes) -> bytes:
    return (8 + len(body)).to_bytes(4, "big") + kind + body


def test_a_motion_photos_video_loses_its_location_too():
    """A motion photo (Samsung, Google): the camera's video appended after the JPEG carries the
    place in its ©xyz / loci boxes and XMP. They are blanked in place: the video's sizes and
    offsets stay, its samples are untouched, and the picture decodes as before."""
    iso6709 = b"+41.4900-071.3128/"
    xmp_uuid = bytes.fromhex("be7acfcb97a942e89c71999491e3afac")
    samples = bytes(range(256)) * 40
    video = (_box(b"ftyp", b"mp42\x00\x00\x00\x00isommp42")
             + _box(b"moov", _box(b"mvhd", bytes(100))
                    + _box(b"udta", _box(b"\xa9xyz", len(iso6709).to_bytes(2, "big")
                                         + b"\x15\xc7" + iso6709)
                           + _box(b"loci", bytes(4) + b"\x15\xc7Home\x00\x00"
                                  + (0x0047_4F00).to_bytes(4, "big") * 3 + b"Earth\x00\x00"))
                    + _box(b"meta", bytes(4) + _box(b"hdlr", bytes(24))))
             + _box(b"uuid", xmp_uuid + XMP)
             + _box(b"mdat", samples))
    picture = with_location("JPEG")
    data = picture + b"MotionPhoto_Data" + video
    stripped = remove_location(data, "x.jpg")
    assert len(stripped) == len(data)
    assert iso6709 not in stripped and b"Home" not in stripped and b"GPSLatitude" not in stripped
    assert stripped.endswith(_box(b"mdat", samples))  # the video's samples are untouched
    assert b'xmp:Rating="4"' in stripped
    assert np.array_equal(pixels(data), pixels(stripped))
    assert read_facts(stripped, "x").gps == ""
