"""check_structure: the cheap pre-upload check refuses what the full decode refuses (cut files,
bad PNG chunks, header problems) and passes every sound photo."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from finpics_desktop.domain.errors import UnsupportedImage
from finpics_desktop.pipeline.photos.images import check_structure, inspect


def sound_photos(photos_dir):
    return sorted(p for p in photos_dir.rglob("*") if p.suffix.lower() in (".jpg", ".jpeg",
                                                                              ".png"))


def test_every_sound_photo_passes(photos_dir):
    for path in sound_photos(photos_dir):
        data = path.read_bytes()
        assert check_structure(data, path.name) == inspect(data, path.name), path


def jpeg(progressive: bool = False, embedded: bool = False) -> bytes:
    im = Image.radial_gradient("L").convert("RGB").resize((640, 480))
    buf = io.BytesIO()
    im.save(buf, "JPEG", progressive=progressive, quality=90)
    data = buf.getvalue()
    if embedded:  # a header segment carrying a whole JPEG, end marker included (as EXIF does)
        small = io.BytesIO()
        im.resize((80, 60)).save(small, "JPEG")
        segment = small.getvalue()
        data = data[:2] + b"\xff\xef" + (len(segment) + 2).to_bytes(2, "big") + segment + data[2:]
    return data


@pytest.mark.parametrize("kind", ["baseline", "progressive", "embedded"])
@pytest.mark.parametrize("keep", [0.3, 0.6, 0.9, 0.999])
def test_every_cut_jpeg_is_refused_like_the_decoder_does(kind, keep):
    data = jpeg(progressive=kind == "progressive", embedded=kind == "embedded")
    check_structure(data, "x.jpg")
    cut = data[: int(len(data) * keep)]
    with pytest.raises(UnsupportedImage, match="truncated image data"):
        check_structure(cut, "x.jpg")
    with pytest.raises(UnsupportedImage):
        inspect(cut, "x.jpg")


def test_trailing_bytes_after_the_end_marker_are_fine():
    data = jpeg() + b"camera maker notes after the image"
    assert check_structure(data, "x.jpg").format == "JPEG"


def png() -> bytes:
    buf = io.BytesIO()
    Image.new("RGBA", (300, 200), (1, 2, 3, 4)).save(buf, "PNG")
    return buf.getvalue()


def test_cut_or_damaged_png_is_refused():
    data = png()
    check_structure(data, "x.png")
    with pytest.raises(UnsupportedImage, match="truncated image data"):
        check_structure(data[:-20], "x.png")
    damaged = bytearray(data)
    damaged[60] ^= 0xFF  # inside the image data: the chunk's CRC no longer matches
    with pytest.raises(UnsupportedImage, match="bad CRC in PNG chunk"):
        check_structure(bytes(damaged), "x.png")


@pytest.mark.parametrize(("data", "reason"), [
    (b"", "empty file"),
    (b"hello, not a photo", "not an image"),
])
def test_header_problems_say_why(data, reason):
    with pytest.raises(UnsupportedImage, match=reason):
        check_structure(data, "x.jpg")
