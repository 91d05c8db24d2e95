"""Camera-like JPEGs for tests and benchmarks: the EXIF block cameras write (DCF), with its
orientation and its 160x120 thumbnail of the stored picture, letterboxed to 4:3 as cameras do."""

from __future__ import annotations

import io
import struct

from PIL import Image

DCF_THUMB = (160, 120)


def _entry(tag: int, kind: int, value: int) -> bytes:
    """An IFD entry of one SHORT (kind 3, left-justified) or LONG (kind 4)."""
    packed = struct.pack("<H2x", value) if kind == 3 else struct.pack("<I", value)
    return struct.pack("<HHI", tag, kind, 1) + packed


def camera_exif(picture: Image.Image, orientation: int = 1) -> bytes:
    """EXIF bytes for ``Image.save(..., exif=...)``: IFD0 with the orientation, IFD1 with the
    thumbnail of ``picture`` (as stored, before orientation), letterboxed into 160x120."""
    small = picture.convert("RGB")
    small.thumbnail(DCF_THUMB, Image.Resampling.BICUBIC)
    boxed = Image.new("RGB", DCF_THUMB)
    boxed.paste(small, ((DCF_THUMB[0] - small.width) // 2, (DCF_THUMB[1] - small.height) // 2))
    out = io.BytesIO()
    boxed.save(out, "JPEG", quality=80)
    thumb = out.getvalue()
    ifd1_at = 8 + 2 + 12 + 4
    thumb_at = ifd1_at + 2 + 3 * 12 + 4
    tiff = (b"II*\0" + struct.pack("<I", 8)
            + struct.pack("<H", 1) + _entry(0x0112, 3, orientation) + struct.pack("<I", ifd1_at)
            + struct.pack("<H", 3) + _entry(0x0103, 3, 6) + _entry(0x0201, 4, thumb_at)
            + _entry(0x0202, 4, len(thumb)) + struct.pack("<I", 0)
            + thumb)
    return b"Exif\0\0" + tiff


def camera_jpeg(picture: Image.Image, orientation: int = 1, quality: int = 90) -> bytes:
    """``picture`` saved as a camera would: with :func:`camera_exif`."""
    out = io.BytesIO()
    picture.convert("RGB").save(out, "JPEG", quality=quality,
                                exif=camera_exif(picture, orientation))
    return out.getvalue()
