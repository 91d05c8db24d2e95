"""Reading photos safely: refuse what is not a sound JPEG/PNG, decode at reduced size with
Pillow's draft mode, apply EXIF orientation, make thumbnails. Never writes the original."""

from __future__ import annotations

import io
import math
import re
import warnings
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

from PIL import ExifTags, Image, UnidentifiedImageError

from finpics_desktop.domain.errors import UnsupportedImage
from finpics_desktop.domain.keys import extension

THUMB_BOX = (300, 300)
MAX_PIXELS = 100_000_000  # 100 MP: anything larger is refused before decoding
MAX_BYTES = 200 * 1024 * 1024
FORMATS = {".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG"}
MIME = {"JPEG": "image/jpeg", "PNG": "image/png"}

# Our own limit is checked before any decoding; Pillow's own is lifted to just above it so that
# the check above, with its clear message, is the one that speaks.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS + 1
# Broken EXIF is handled (orientation 1); Pillow's own warning about it would only be noise.
warnings.filterwarnings("ignore", message="Corrupt EXIF data", category=UserWarning)


@dataclass(frozen=True)
class ImageInfo:
    format: str  # "JPEG" or "PNG"
    width: int  # as stored (before orientation)
    height: int
    orientation: int  # EXIF orientation 1-8 (1 when absent or unreadable)

    @property
    def upright_size(self) -> tuple[int, int]:
        return (self.height, self.width) if self.orientation in (5, 6, 7, 8) else (
            self.width, self.height)


def open_image(data: bytes, name: str) -> tuple[Image.Image, ImageInfo]:
    """Open (header only) and check a photo; raise :class:`UnsupportedImage` with the reason."""
    if not data:
        raise UnsupportedImage("empty file (0 bytes)")
    check_file_size(len(data))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            im = Image.open(io.BytesIO(data))
    except UnidentifiedImageError:
        raise UnsupportedImage("not an image: the content is not JPEG or PNG data") from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as e:
        raise _bomb(e) from None
    except (OSError, SyntaxError, ValueError) as e:
        raise UnsupportedImage(f"corrupt image header: {e}") from None
    expected = FORMATS.get(extension(name))
    if im.format not in MIME:
        raise UnsupportedImage(f"{im.format} images are not supported (only JPEG and PNG)")
    if expected and im.format != expected:
        raise UnsupportedImage(
            f"the content is {im.format} but the name says {expected}: rename the file")
    w, h = im.size
    if w <= 0 or h <= 0:
        raise UnsupportedImage(f"invalid image size {w}x{h}")
    _check_pixels(w, h)
    # Decode in one call, not in 64 KiB pieces: each piece gives the GIL up and waits to get it
    # back (up to 5 ms when another thread is running Python, e.g. the window's), which made a
    # 12 MP decode 7x slower next to a busy GUI thread.
    im.decodermaxblock = max(len(data), im.decodermaxblock)
    return im, ImageInfo(im.format, w, h, exif_orientation(im))


def check_file_size(size: int) -> None:
    """Refuse a file over :data:`MAX_BYTES` (callers check its size before reading it)."""
    if size > MAX_BYTES:
        raise UnsupportedImage(
            f"file is {size // 2**20} MiB, over the {MAX_BYTES // 2**20} MiB limit")


def _check_pixels(w: int, h: int) -> None:
    if w * h > MAX_PIXELS:
        raise UnsupportedImage(
            f"image is {w}x{h} pixels ({w * h / 1e6:.0f} MP), over the "
            f"{MAX_PIXELS // 1_000_000} MP limit: refused before decoding (decompression bomb?)")


def _bomb(error: Exception) -> UnsupportedImage:
    pixels = re.search(r"\((\d+) pixels\)", str(error))
    size = f"{int(pixels.group(1)) / 1e6:.0f} MP, " if pixels else ""
    return UnsupportedImage(
        f"image is too large ({size}over the {MAX_PIXELS // 1_000_000} MP limit): refused "
        "before decoding (decompression bomb?)")


def check_header(head: bytes) -> None:
    """Refuse, from the first bytes of a file, a picture too large to decode, before the rest
    is read. Anything else (a header beyond ``head``, damage) is left to :func:`open_image`."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(head)) as im:
                size = im.size
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as e:
        raise _bomb(e) from None
    except Exception:  # noqa: BLE001 - not decidable from the head: the full checks decide
        return
    _check_pixels(*size)


def exif_orientation(im: Image.Image) -> int:
    """The EXIF orientation (1-8); 1 when there is none or the EXIF block is broken."""
    try:
        value = im.getexif().get(0x0112, 1)
    except Exception:  # broken EXIF must never stop a photo  # noqa: BLE001
        return 1
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


_TRANSPOSE = {
    2: [Image.Transpose.FLIP_LEFT_RIGHT],
    3: [Image.Transpose.ROTATE_180],
    4: [Image.Transpose.FLIP_TOP_BOTTOM],
    5: [Image.Transpose.TRANSPOSE],
    6: [Image.Transpose.ROTATE_270],
    7: [Image.Transpose.TRANSVERSE],
    8: [Image.Transpose.ROTATE_90],
}


def upright(im: Image.Image, orientation: int) -> Image.Image:
    """Apply an EXIF orientation to pixels (without trusting Pillow's reading of broken EXIF)."""
    for op in _TRANSPOSE.get(orientation, []):
        im = im.transpose(op)
    return im


def _load(im: Image.Image) -> None:
    try:
        im.load()
    except OSError as e:
        text = str(e)
        if "truncated" in text or "broken data stream" in text:
            raise UnsupportedImage("truncated image data (the file is incomplete)") from None
        raise UnsupportedImage(f"corrupt image data: {text}") from None
    except (SyntaxError, ValueError, Image.DecompressionBombError) as e:
        raise UnsupportedImage(f"corrupt image data: {e}") from None


def _to_display_mode(im: Image.Image, keep_alpha: bool) -> Image.Image:
    """8-bit RGB/RGBA/L for resizing and saving: handles CMYK, 16-bit, palette, alpha..."""
    if im.mode in ("I;16", "I;16B", "I;16L", "I"):
        return im.point(lambda v: v * (1 / 256)).convert("L") if im.mode == "I" else (
            im.convert("I").point(lambda v: v * (1 / 256)).convert("L"))
    has_alpha = im.mode in ("RGBA", "LA", "PA") or (im.mode == "P" and "transparency" in im.info)
    if keep_alpha and has_alpha:
        return im.convert("RGBA")
    if im.mode in ("RGB", "L"):
        return im
    if has_alpha:  # flatten onto white
        rgba = im.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    return im.convert("RGB")


def decode_upright(data: bytes, name: str, max_side: int,
                   reduce: bool = True) -> tuple[Image.Image, ImageInfo]:
    """The upright picture in 8-bit RGB, its long side at most ``max_side`` (draft-decoded).
    ``reduce=False``: only what the JPEG decoder's reduction gives, at least ``max_side`` (for
    callers that resize it themselves, or use the extra pixels)."""
    im, info = open_image(data, name)
    scale = max_side / max(info.width, info.height)
    if info.format == "JPEG" and scale < 1:
        # the target's own aspect: Pillow picks the largest DCT reduction that keeps both sides
        # at least this big (a square box would keep a 4:3 photo at full size)
        im.draft("RGB", (math.ceil(info.width * scale), math.ceil(info.height * scale)))
    _load(im)
    im = _to_display_mode(im, keep_alpha=False).convert("RGB")
    if reduce and max(im.size) > max_side:
        im.thumbnail((max_side, max_side), Image.Resampling.BILINEAR, reducing_gap=None)
    return upright(im, info.orientation), info


@dataclass(frozen=True)
class Thumbnail:
    data: bytes
    content_type: str
    size: tuple[int, int]
    source: ImageInfo


def make_thumbnail(data: bytes, name: str, box: tuple[int, int] = THUMB_BOX) -> Thumbnail:
    """A thumbnail fitting ``box`` (aspect kept), upright, in the original's format."""
    im, info = open_image(data, name)
    if info.format == "JPEG":
        # DCT-scaled decoding; the box is square so it fits either orientation
        im.draft(im.mode if im.mode in ("RGB", "L", "CMYK") else "RGB", box)
    _load(im)
    im = _to_display_mode(im, keep_alpha=info.format == "PNG")
    scale = min(box[0] / im.width, box[1] / im.height)
    if scale < 1:  # the draft already did the bulk of the reduction: one bicubic pass
        size = (max(1, round(im.width * scale)), max(1, round(im.height * scale)))
        im = im.resize(size, Image.Resampling.BICUBIC)
    im = upright(im, info.orientation)
    out = io.BytesIO()
    if info.format == "JPEG":
        im.save(out, "JPEG", quality=85, optimize=False)
    else:
        im.save(out, "PNG", compress_level=6)
    return Thumbnail(out.getvalue(), MIME[info.format], im.size, info)


def warm_up() -> bytes:
    """Load Pillow's decoders (~15 ms of imports on the first photo of a session) by making the
    thumbnail of a tiny JPEG; returns that thumbnail."""
    out = io.BytesIO()
    Image.new("RGB", (16, 16)).save(out, "JPEG")
    return make_thumbnail(out.getvalue(), "warm-up.jpg", (8, 8)).data


def inspect(data: bytes, name: str) -> ImageInfo:
    """Check that a photo decodes completely (cheaply, at thumbnail scale) and return its info."""
    return make_thumbnail(data, name).source


def check_structure(data: bytes, name: str) -> ImageInfo:
    """What :func:`inspect` refuses, without decoding the pixels (~1 ms instead of ~30 ms for a
    12 MP photo): the header checks of :func:`open_image`, then for JPEG an end-of-image marker
    after the first scan (a cut file has none: entropy-coded data cannot contain one), for PNG
    every chunk's length and CRC up to IEND. For uploads to the cloud, whose processing function
    decodes the photo anyway; like Pillow, it lets damage inside the entropy-coded data pass."""
    im, info = open_image(data, name)
    im.close()
    if info.format == "JPEG":
        scan = _jpeg_first_scan(data)
        if scan < 0 or data.rfind(b"\xff\xd9") < scan:
            raise UnsupportedImage("truncated image data (the file is incomplete)")
    else:
        _check_png_chunks(data)
    return info


def _jpeg_headers(data: bytes) -> Iterator[tuple[int, int, int]]:
    """(marker, payload start, segment end) of a JPEG's header segments, up to the first scan
    (included); stops early at anything that is not a marker."""
    pos = 2
    while pos + 4 <= len(data):
        if data[pos] != 0xFF:
            return
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        end = pos + 2 + int.from_bytes(data[pos + 2 : pos + 4], "big")
        yield marker, pos + 4, end
        if marker == 0xDA:
            return
        pos = end


def _jpeg_first_scan(data: bytes) -> int:
    """Offset of the first SOS segment's data, or -1 if the headers end before one."""
    return next((end for marker, _, end in _jpeg_headers(data) if marker == 0xDA), -1)


_SOF = set(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}  # start-of-frame markers (not DHT, JPG, DAC)


def embedded_thumbnail(head: bytes, box: tuple[int, int]) -> bytes | None:
    """The thumbnail a camera stores in a JPEG's EXIF block (DCF asks for one of 160x120), made
    upright, cropped to the photo's own aspect (cameras letterbox it) and fitting ``box``, as
    JPEG bytes; None when the file has none worth showing. ``head`` is the start of the file
    (its headers: the EXIF block is at most 64 KiB); nothing of the photo itself is decoded."""
    if not head.startswith(b"\xff\xd8"):
        return None
    exif = size = None
    for marker, start, end in _jpeg_headers(head):
        if end > len(head):
            return None
        if marker == 0xE1 and exif is None and head.startswith(b"Exif\0\0", start):
            exif = head[start:end]
        elif marker in _SOF and end - start >= 5:
            size = (int.from_bytes(head[start + 3 : start + 5], "big"),
                    int.from_bytes(head[start + 1 : start + 3], "big"))
            break
    if exif is None or size is None or 0 in size:
        return None
    try:
        tags = Image.Exif()
        tags.load(exif)
        ifd1 = tags.get_ifd(ExifTags.IFD.IFD1)
        offset, length = int(ifd1[0x0201]), int(ifd1[0x0202])
        thumb = Image.open(io.BytesIO(exif[6 + offset : 6 + offset + length]))
        if thumb.format != "JPEG" or max(thumb.size) > 1024:
            return None
        thumb = _to_display_mode(thumb, keep_alpha=False).convert("RGB")
    except Exception:  # no thumbnail, or a broken one: the photo will be decoded  # noqa: BLE001
        return None
    width, height = thumb.size
    aspect = size[0] / size[1]
    keep = (0, 0, width, height)
    if width / height > aspect * 1.02:  # bars left and right
        cut = (width - round(height * aspect)) // 2
        keep = (cut, 0, width - cut, height)
    elif width / height < aspect / 1.02:  # bars above and below
        cut = (height - round(width / aspect)) // 2
        keep = (0, cut, width, height - cut)
    if keep != (0, 0, width, height):
        bars = thumb.convert("L")
        bars.paste(0, keep)
        if sum(bars.histogram()[24:]) > bars.width * bars.height // 20:
            return None  # what would be cut is picture, not black bars: not this photo's
        thumb = thumb.crop(keep)
    if max(thumb.size) < 32:
        return None
    thumb.thumbnail(box, Image.Resampling.BICUBIC)
    orientation = tags.get(0x0112, 1)
    thumb = upright(thumb, orientation if orientation in _TRANSPOSE else 1)
    out = io.BytesIO()
    thumb.save(out, "JPEG", quality=90)
    return out.getvalue()


def _check_png_chunks(data: bytes) -> None:
    pos = 8
    while pos + 12 <= len(data):
        length = int.from_bytes(data[pos : pos + 4], "big")
        kind = data[pos + 4 : pos + 8]
        end = pos + 12 + length
        if end > len(data):
            break
        if zlib.crc32(data[pos + 4 : end - 4]) != int.from_bytes(data[end - 4 : end], "big"):
            raise UnsupportedImage(f"corrupt image data: bad CRC in PNG chunk {kind!r}")
        if kind == b"IEND":
            return
        pos = end
    raise UnsupportedImage("truncated image data (the file is incomplete)")



SLACK = 1.25  # decode_pixels keeps a picture up to this much larger than the side asked


def decode_pixels(data: bytes, max_side: int) -> tuple[bytes, int, int, bool] | None:
    """A thumbnail's encoded bytes as raw 8-bit pixels (RGBA when it has transparency, RGB
    otherwise), long side at most ``max_side`` (or up to :data:`SLACK` times it), as stored
    (no EXIF turn, as Qt's decoders): (pixels, width, height, alpha). Pillow gives up the GIL
    while it decodes and resizes (Qt's decoders called from Python keep it, holding up the GUI
    thread meanwhile). None when Pillow cannot read it."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with Image.open(io.BytesIO(data)) as im:
                if im.format == "JPEG":
                    im.draft("RGB", (max_side, max_side))
                im.load()
                alpha = im.mode in ("RGBA", "LA", "PA") or "transparency" in im.info
                im = im.convert("RGBA" if alpha else "RGB")
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return None
    # (the grid's cells are laid out for that size and draw the picture scaled to the cell:
    # a stored thumbnail a little larger -- the library's, 250-300 pixels -- is kept as it
    # is; resizing it cost more than decoding it, ~40 % of a cover's time on the first screen)
    if max(im.size) > max_side * SLACK:
        im.thumbnail((max_side, max_side), Image.Resampling.BILINEAR, reducing_gap=None)
    return im.tobytes(), im.width, im.height, alpha
