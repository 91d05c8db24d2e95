"""Thumbnails: 300x300 box, aspect kept, upright for every EXIF orientation, same format,
draft (DCT-scaled) decoding, and the original never touched."""

from __future__ import annotations

import io

import pytest
from camera import camera_exif, camera_jpeg
from PIL import Image

from finpics_desktop.pipeline.photos import images
from finpics_desktop.pipeline.photos.images import make_thumbnail

ORIENTATIONS = [f"{kind}_{n}" for kind in ("Landscape", "Portrait") for n in range(9)]


def coarse_difference(a: Image.Image, b: Image.Image) -> float:
    """Mean absolute difference of two pictures reduced to 6x6 RGB cells."""
    pa, pb = (im.convert("RGB").resize((6, 6), Image.Resampling.BOX).tobytes() for im in (a, b))
    return sum(abs(x - y) for x, y in zip(pa, pb, strict=True)) / len(pa)


@pytest.mark.parametrize("name", ORIENTATIONS)
def test_orientation_examples_are_upright_with_the_right_aspect(photos_dir, name):
    path = photos_dir / "orientation" / f"{name}.jpg"
    thumb = make_thumbnail(path.read_bytes(), path.name)
    im = Image.open(io.BytesIO(thumb.data))
    assert im.format == "JPEG" and thumb.content_type == "image/jpeg"
    assert max(im.size) == 300 and im.size == thumb.size
    if name.startswith("Landscape"):
        assert im.width > im.height
    else:
        assert im.height > im.width
    # upright: it looks like the untagged picture (orientation 0); each example also shows its
    # own digit in the middle, so compare coarse 6x6 averages, not single pixels
    reference = Image.open(io.BytesIO(make_thumbnail(
        (photos_dir / "orientation" / f"{name.split('_')[0]}_0.jpg").read_bytes(), "r.jpg").data))
    assert im.size == reference.size
    assert coarse_difference(im, reference) < 5
    mirrored = reference.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    assert coarse_difference(mirrored, reference) > 20  # the check can tell a wrong orientation
    assert "exif" not in im.info or Image.open(io.BytesIO(thumb.data)).getexif().get(0x0112, 1) == 1


def test_thumbnail_uses_draft_decoding(photos_dir, monkeypatch):
    from PIL.JpegImagePlugin import JpegImageFile

    calls = []
    original = JpegImageFile.draft

    def spy(self, mode, size):
        result = original(self, mode, size)
        calls.append((size, self.size))
        return result

    monkeypatch.setattr(JpegImageFile, "draft", spy)
    data = (photos_dir / "faces/obama/obama-1080p.jpg").read_bytes()
    make_thumbnail(data, "obama-1080p.jpg")
    assert calls and calls[0][0] == (300, 300)
    assert max(calls[0][1]) < 1920  # decoded at a DCT-reduced scale, not the full frame


def test_a_photo_is_decoded_in_one_call(photos_dir, monkeypatch):
    """Pillow feeds its decoder 64 KiB at a time by default; each call gives the GIL up and
    waits to get it back, which next to a busy GUI thread made thumbnails several times slower."""
    from PIL import Image as PilImage

    sizes = []
    original = PilImage._getdecoder

    class Counting:
        def __init__(self, decoder):
            self.decoder = decoder

        def __getattr__(self, name):
            return getattr(self.decoder, name)

        def decode(self, data):
            sizes.append(len(data))
            return self.decoder.decode(data)

    monkeypatch.setattr(PilImage, "_getdecoder", lambda *a: Counting(original(*a)))
    data = (photos_dir / "faces/obama/obama3.jpg").read_bytes()
    assert len(data) > 4 * 65536
    make_thumbnail(data, "obama3.jpg")
    assert len(sizes) == 1 and sizes[0] >= len(data) - 65536


def test_png_stays_png_with_alpha(tmp_path):
    im = Image.new("RGBA", (900, 600), (10, 200, 30, 0))
    im.paste((255, 0, 0, 255), (0, 0, 450, 600))
    buf = io.BytesIO()
    im.save(buf, "PNG")
    thumb = make_thumbnail(buf.getvalue(), "x.png")
    out = Image.open(io.BytesIO(thumb.data))
    assert out.format == "PNG" and thumb.content_type == "image/png"
    assert out.size == (300, 200)
    assert out.mode == "RGBA" and out.getpixel((250, 100))[3] == 0


def test_original_file_is_never_modified(library, copy_photos):
    from finpics_desktop.pipeline.publish.upload import Publisher

    folder = copy_photos("orientation/Portrait_6.jpg", "faces/biden/biden.jpg")
    before = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in folder.iterdir()}
    publisher = Publisher(library.store, library.tables, library.faces, library.names,
                          library.process)
    assert publisher.publish([folder], "001_t").ok
    after = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in folder.iterdir()}
    assert after == before
    stored = library.store.get("finpics-pics", "photos/001_t/Portrait_6.jpg")
    assert stored == before["Portrait_6.jpg"][0]  # published byte for byte, not re-saved


def test_limits_are_consistent():
    assert Image.MAX_IMAGE_PIXELS > images.MAX_PIXELS


@pytest.mark.parametrize("name", ORIENTATIONS)
def test_embedded_thumbnail_is_upright_without_the_camera_bars(photos_dir, name):
    """Each example's pixels, stored rotated as its tag says, with the 160x120 thumbnail a camera
    would embed (letterboxed): the preview shows the picture upright at its own aspect."""
    path = photos_dir / "orientation" / f"{name}.jpg"
    stored = Image.open(path)
    orientation = stored.getexif().get(0x0112, 1)
    data = camera_jpeg(stored, orientation)
    preview = Image.open(io.BytesIO(images.embedded_thumbnail(data[:128 * 1024], (256, 256))))
    full = Image.open(io.BytesIO(make_thumbnail(data, path.name, (256, 256)).data))
    assert max(preview.size) == (160 if stored.width > stored.height else 120)
    assert abs(preview.width / preview.height - full.width / full.height) < 0.03  # no bars
    assert coarse_difference(preview, full.resize(preview.size)) < 6


@pytest.mark.parametrize("name", ["faces/obama/obama.jpg", "faces/biden/biden.jpg",
                                  "faces/alex_lacamoire/alex_lacamoire1.jpg"])
def test_embedded_thumbnail_of_real_photos(photos_dir, name):
    data = (photos_dir / name).read_bytes()
    preview = Image.open(io.BytesIO(images.embedded_thumbnail(data[:128 * 1024], (256, 256))))
    full = Image.open(io.BytesIO(make_thumbnail(data, name, (256, 256)).data))
    assert abs(preview.width / preview.height - full.width / full.height) < 0.03
    assert coarse_difference(preview, full.resize(preview.size)) < 6


def test_no_embedded_thumbnail_means_none(photos_dir, tmp_path):
    plain = io.BytesIO()
    Image.new("RGB", (640, 480), "red").save(plain, "JPEG")
    png = io.BytesIO()
    Image.new("RGB", (640, 480), "red").save(png, "PNG")
    camera = camera_jpeg(Image.new("RGB", (640, 480), "blue"))
    broken = camera.replace(b"JFIF", b"JFIF", 1)
    at = broken.index(b"\xff\xd8", 4)  # the embedded thumbnail's own start
    broken = broken[:at] + b"\0" * 64 + broken[at + 64:]
    cases = {
        "no EXIF": plain.getvalue(),
        "a PNG": png.getvalue(),
        "not an image": b"hello" * 100,
        "empty": b"",
        "cut inside the EXIF block": camera[:300],
        "a damaged embedded thumbnail": broken,
    }
    for why, data in cases.items():
        assert images.embedded_thumbnail(data, (256, 256)) is None, why
    assert images.embedded_thumbnail(camera, (256, 256)) is not None


def test_a_stale_embedded_thumbnail_is_not_shown():
    """Software that cropped or turned the pixels but kept the camera's thumbnail: fitting it to
    the photo's aspect would cut picture, not black bars, so the photo is decoded instead."""
    portrait = Image.new("RGB", (300, 400), "green")
    data = io.BytesIO()
    Image.new("RGB", (800, 400), "green").save(data, "JPEG", exif=camera_exif(portrait))
    assert images.embedded_thumbnail(data.getvalue(), (256, 256)) is None


@pytest.mark.parametrize("corner", [(0.0, 0.0), (0.85, 0.0), (0.0, 0.85), (0.85, 0.85)])
def test_a_face_at_the_edge_is_cut_from_inside_the_photo(photos_dir, corner):
    """A face's tile is a square about the face; where the face touches the photo's edge the
    square moves inside the photo (as digiKam's face tiles), never a black band of what lies
    outside it: the tile is the photo's own corner."""
    from finpics_desktop.pipeline.photos.regions import FACE_CELL, face_preview

    data = make_thumbnail((photos_dir / "faces" / "biden" / "biden.jpg").read_bytes(),
                          "biden.jpg").data
    left, top = corner
    tile, _ = face_preview(data, {"Left": left, "Top": top, "Width": 0.15, "Height": 0.15})
    cut = Image.open(io.BytesIO(tile)).convert("RGB")
    assert cut.size == (FACE_CELL, FACE_CELL)
    photo = Image.open(io.BytesIO(data)).convert("RGB")
    side = round(0.15 * 1.6 * max(photo.size))
    x = 0 if left == 0.0 else photo.width - side
    y = 0 if top == 0.0 else photo.height - side
    corner_of_photo = photo.crop((x, y, x + side, y + side))
    assert coarse_difference(cut, corner_of_photo) < 12  # (black bands: a difference of ~40+)
