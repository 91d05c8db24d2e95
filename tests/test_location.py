"""Location removed from a photo's published copy: the GPS metadata is gone (EXIF and XMP, JPEG
and PNG), everything else of the EXIF block stays, and the decoded pictures are identical."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from finpics_desktop.pipeline.photos.exif import read_facts
from finpics_desktop.pipeline.photos.location import remove_location
from finpics_desktop.pipeline.publish.upload import Publisher

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


# -- place names: XMP, IPTC-IIM, a motion photo's keys; and what exiftool reads ----------------
PLACES = (b"Newport", b"Bowen Wharf", b"Rhode Island", b"United States", b"North America",
          b"Thames Street", b"Narragansett Bay", b"Aquidneck")
XMP_PLACES = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/'
    b'22-rdf-syntax-ns#"><rdf:Description rdf:about="" '
    b'xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/" '
    b'xmlns:Iptc4xmpCore="http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/" '
    b"xmlns:ext='http://iptc.org/std/Iptc4xmpExt/2008-02-29/' "  # a prefix of its own
    b'xmlns:exif="http://ns.adobe.com/exif/1.0/" xmlns:xmp="http://ns.adobe.com/xap/1.0/" '
    b'xmlns:dc="http://purl.org/dc/elements/1.1/" '
    b'photoshop:City="Newport" xmp:Rating="4" exif:GPSLatitude="41,29.405N">'
    b"<photoshop:State>Rhode Island</photoshop:State>"
    b"<photoshop:Country>United States</photoshop:Country>"
    b"<Iptc4xmpCore:Location>Thames Street</Iptc4xmpCore:Location>"
    b"<Iptc4xmpCore:CountryCode>USA</Iptc4xmpCore:CountryCode>"
    b"<ext:LocationShown><rdf:Bag><rdf:li rdf:parseType='Resource'>"
    b"<ext:Sublocation>Bowen Wharf</ext:Sublocation><ext:City>Newport</ext:City>"
    b"<ext:ProvinceState>Rhode Island</ext:ProvinceState>"
    b"<ext:CountryName>United States</ext:CountryName><ext:CountryCode>USA</ext:CountryCode>"
    b"<ext:WorldRegion>North America</ext:WorldRegion></rdf:li></rdf:Bag></ext:LocationShown>"
    b"<ext:LocationCreated><rdf:Bag><rdf:li ext:City='Newport' ext:Sublocation="
    b"'Narragansett Bay'/></rdf:Bag></ext:LocationCreated>"
    b"<dc:description><rdf:Alt><rdf:li xml:lang='x-default'>A day out</rdf:li></rdf:Alt>"
    b"</dc:description></rdf:Description></rdf:RDF></x:xmpmeta>")


def _dataset(record: int, number: int, value: bytes) -> bytes:
    return b"\x1c" + bytes([record, number]) + len(value).to_bytes(2, "big") + value


def with_places() -> bytes:
    """A JPEG with the camera's GPS, place names in XMP and in an IPTC-IIM record (a Photoshop
    IRB in APP13, with its IPTC digest), and a caption and keyword that must stay."""
    iptc = (_dataset(2, 0, b"\x00\x04") + _dataset(2, 25, b"sailing")
            + _dataset(2, 90, b"Newport") + _dataset(2, 92, b"Bowen Wharf")
            + _dataset(2, 95, b"Rhode Island") + _dataset(2, 100, b"USA")
            + _dataset(2, 101, b"United States") + _dataset(2, 27, b"Aquidneck")
            + _dataset(2, 120, b"A day out"))
    iptc += bytes(len(iptc) & 1)
    import hashlib

    irb = (b"8BIM\x04\x04\x00\x00" + len(iptc).to_bytes(4, "big") + iptc
           + b"8BIM\x04\x25\x00\x00" + (16).to_bytes(4, "big") + hashlib.md5(iptc).digest())
    payload = b"Photoshop 3.0\x00" + irb
    app13 = b"\xff\xed" + (2 + len(payload)).to_bytes(2, "big") + payload
    data = with_location("JPEG", xmp=XMP_PLACES)
    return data[:2] + app13 + data[2:]


def test_place_names_go_too_the_caption_and_the_picture_stay():
    data = with_places()
    assert all(place in data for place in PLACES)
    stripped = remove_location(data, "x.jpg")
    assert len(stripped) == len(data)  # edited in place: nothing moved
    assert [p for p in PLACES if p in stripped] == []
    assert b"USA" not in stripped and b"GPS" not in stripped
    for kept in (b'xmp:Rating="4"', b"A day out", b"sailing", b"FinpicsCam"):
        assert kept in stripped, kept
    with Image.open(io.BytesIO(stripped)) as im:
        assert b"A day out" in im.info["xmp"]
        assert im.getexif()[0x0112] == 6
    assert np.array_equal(pixels(stripped), pixels(data))
    assert remove_location(stripped, "x.jpg") is stripped


def exiftool_fields(path: Path, *only: str) -> list[str]:
    """``exiftool -a -G1 -s`` of ``path`` (``only``: these tags, e.g. -validate -warning)."""
    exiftool = shutil.which("exiftool")
    assert exiftool, "exiftool is not installed: `bash packaging/dev.sh env` installs it"
    done = subprocess.run([exiftool, "-a", "-G1", "-s", "-ee", *only, str(path)],
                          capture_output=True, text=True, check=True)
    return done.stdout.splitlines()


LOCATION_FIELD = re.compile(r"\]\s+\S*(GPS|City|State|Country|Location|Province|Region)",
                            re.IGNORECASE)


def test_a_published_copy_has_no_location_field_exiftool_can_find(library, tmp_path):
    """Published (the way upload and push publish: Publisher with remove_location), a photo
    whose GPS and place names are in EXIF, XMP and IPTC comes out with none of them by
    exiftool's reading, the same pixels, and the other fields intact."""
    source = tmp_path / "src" / "where.jpg"
    source.parent.mkdir()
    source.write_bytes(with_places())
    before = exiftool_fields(source)
    assert len([f for f in before if LOCATION_FIELD.search(f)]) >= 15, before
    report = Publisher.for_backend(library, remove_location=True).publish([source], "001_trip")
    assert report.ok, report.summary()
    copy = library.library.folder / "buckets/finpics-pics/photos/001_trip/where.jpg"
    after = exiftool_fields(copy)
    assert [f for f in after if LOCATION_FIELD.search(f)] == []
    warnings = ("-warning",)  # none the edit made (Pillow's own file has some)
    assert set(exiftool_fields(copy, *warnings)) <= set(exiftool_fields(source, *warnings))
    for kept in ("Caption-Abstract                : A day out", "Keywords : sailing",
                 "Make                            : FinpicsCam", "Rating : 4"):
        assert any(" ".join(kept.split()) in " ".join(f.split()) for f in after), (kept, after)
    assert np.array_equal(pixels(copy.read_bytes()), pixels(source.read_bytes()))
    assert source.read_bytes() == with_places()  # the curator's file is never changed


def _apple_video() -> bytes:
    """An MP4 with QuickTime's keyed metadata (``keys``/``ilst``), as an iPhone or a motion
    photo writes its place: coordinates and a place name, and a make that must stay."""
    keys = [b"com.apple.quicktime.make", b"com.apple.quicktime.location.ISO6709",
            b"com.apple.quicktime.location.name"]
    values = [b"FinpicsCam", b"+41.4900-071.3128+012.000/", b"Bowen Wharf"]
    keys_box = _box(b"keys", bytes(4) + len(keys).to_bytes(4, "big") + b"".join(
        (8 + len(k)).to_bytes(4, "big") + b"mdta" + k for k in keys))
    ilst = _box(b"ilst", b"".join(
        _box(n.to_bytes(4, "big"), _box(b"data", (1).to_bytes(4, "big") + bytes(4) + v))
        for n, v in enumerate(values, 1)))
    meta = _box(b"meta", _box(b"hdlr", bytes(8) + b"mdta" + bytes(13))
                + keys_box + ilst)
    mvhd = _box(b"mvhd", bytes(12) + (1000).to_bytes(4, "big") + bytes(4)
                + (0x00010000).to_bytes(4, "big") + (0x0100).to_bytes(2, "big") + bytes(70)
                + (2).to_bytes(4, "big"))
    return (_box(b"ftyp", b"qt  \x00\x00\x00\x00qt  ")
            + _box(b"moov", mvhd + meta + _box(b"udta", _box(
                b"\xa9xyz", (18).to_bytes(2, "big") + b"\x15\xc7" + b"+41.4900-071.3128/")))
            + _box(b"mdat", bytes(range(256)) * 4))


def test_a_motion_photos_keyed_location_goes_too(tmp_path):
    """The video's keyed items (``com.apple.quicktime.location.*``) become free boxes: exiftool
    finds no location in the video left after the picture, and the make stays."""
    video = _apple_video()
    data = with_location("JPEG") + video
    stripped = remove_location(data, "x.jpg")
    assert len(stripped) == len(data)
    (tmp_path / "before.mov").write_bytes(video)
    (tmp_path / "after.mov").write_bytes(stripped[-len(video):])
    before = exiftool_fields(tmp_path / "before.mov")
    assert len([f for f in before if LOCATION_FIELD.search(f)]) >= 2, before
    after = exiftool_fields(tmp_path / "after.mov")
    assert [f for f in after if LOCATION_FIELD.search(f)] == []
    assert exiftool_fields(tmp_path / "after.mov", "-validate", "-warning") == [
        "[ExifTool]      Validate                        : OK"]
    assert any("FinpicsCam" in f for f in after), after
    assert b"Bowen Wharf" not in stripped and b"+41.4900" not in stripped
    assert np.array_equal(pixels(stripped), pixels(data))


def test_xmp_and_iptc_kept_in_the_exif_block_lose_their_places(tmp_path):
    """EXIF's IFD0 may carry an XMP packet (tag 0x02BC) and an IPTC record (0x83BB): their
    place names go, in place; the caption and rating stay."""
    with Image.open(PHOTOS / "faces/obama/obama1.jpg") as im:
        im = im.convert("RGB")
        exif = im.getexif()
        exif[0x02BC] = XMP_PLACES
        exif[0x83BB] = _dataset(2, 90, b"Newport") + _dataset(2, 120, b"A day out")
        out = io.BytesIO()
        im.save(out, "JPEG", exif=exif)
    data = out.getvalue()
    stripped = remove_location(data, "x.jpg")
    assert len(stripped) == len(data) and [p for p in PLACES if p in stripped] == []
    assert b"A day out" in stripped and b'xmp:Rating="4"' in stripped
    assert np.array_equal(pixels(stripped), pixels(data))
    (tmp_path / "x.jpg").write_bytes(stripped)
    fields = exiftool_fields(tmp_path / "x.jpg")
    assert [f for f in fields if LOCATION_FIELD.search(f)] == []
    assert any("Caption-Abstract" in f and "A day out" in f for f in fields), fields
