"""What a photo's bytes tell the public beyond the picture: where it was taken and who is in it.

:func:`find_leaks` reads a JPEG or PNG (never decoding its picture) and names each thing found:
GPS coordinates in EXIF; coordinates or place names in XMP; IPTC place names or the location of
an appended image (MPF) or a motion photo's video; face regions (MWG, Microsoft) and the people
shown (IPTC PersonInImage) in XMP; a name the album knows anywhere in the metadata.
:func:`strip_private` takes all of it out with the same byte-level edits as
:mod:`~finpics_desktop.pipeline.photos.location` (the picture is copied byte for byte).
Pure Python and Pillow: the product needs no exiftool.
"""

from __future__ import annotations

import io
import re
import struct
import zlib

from PIL import Image

from finpics_desktop.pipeline.photos.location import PNG_SIGNATURE, remove_location
from finpics_desktop.pipeline.photos.location_fields import blank_xmp
from finpics_desktop.pipeline.photos.people_fields import (
    blank_names,
    blank_names_utf16,
    blank_people,
    people_in_xmp,
)

GPS_IFD = 0x8825
_XMP_PACKET = re.compile(rb"<(x:xmpmeta|rdf:RDF)\b.*?</\1\s*>", re.DOTALL)
_TEXT_CHUNKS = (b"tEXt", b"zTXt", b"iTXt")


# -- reading -------------------------------------------------------------------------------------
def _png_chunks(data: bytes):
    pos = 8
    while pos + 12 <= len(data):
        length = struct.unpack_from(">I", data, pos)[0]
        kind = data[pos + 4:pos + 8]
        yield kind, pos, data[pos + 8:pos + 8 + length]
        pos += 12 + length
        if kind == b"IEND":
            return


def _png_text(kind: bytes, body: bytes) -> bytes:
    """A PNG text chunk's text (decompressed); b"" when it cannot be read."""
    try:
        if kind == b"tEXt":
            return body.split(b"\x00", 1)[1]
        if kind == b"zTXt":
            return zlib.decompress(body.split(b"\x00", 1)[1][1:])
        keyword_end = body.index(b"\x00")
        compressed = body[keyword_end + 1]
        language_end = body.index(b"\x00", keyword_end + 3)
        text_start = body.index(b"\x00", language_end + 1) + 1
        text = body[text_start:]
        return zlib.decompress(text) if compressed else text
    except (IndexError, ValueError, zlib.error):
        return b""


def _jpeg_segments(data: bytes):
    """(start, end) of the body of every APPn and COM segment, of the picture and of each
    image appended to it (MPF)."""
    start = 0
    while True:
        pos = start + 2
        while pos + 4 <= len(data) and data[pos] == 0xFF:
            marker = data[pos + 1]
            if marker == 0xFF:
                pos += 1
                continue
            if marker in (0x01, 0xD8) or 0xD0 <= marker <= 0xD7:
                pos += 2
                continue
            if marker in (0xDA, 0xD9):
                break
            end = min(pos + 2 + struct.unpack_from(">H", data, pos + 2)[0], len(data))
            if 0xE0 <= marker <= 0xEF or marker == 0xFE:
                yield pos + 4, end
            pos = end
        following = data.find(b"\xff\xd8\xff", max(pos, start + 2))
        if following == -1:
            return
        start = following


def metadata_blobs(data: bytes) -> list[bytes]:
    """The metadata of the photo as bytes: every APPn/COM segment of a JPEG (and of the images
    appended to it), every text chunk and EXIF chunk of a PNG (decompressed), every XMP packet
    (a motion photo's video's included)."""
    if data.startswith(PNG_SIGNATURE):
        blobs = [_png_text(kind, body) if kind in _TEXT_CHUNKS else body
                 for kind, _, body in _png_chunks(data) if kind in (*_TEXT_CHUNKS, b"eXIf")]
    elif data.startswith(b"\xff\xd8"):
        blobs = [data[a:b] for a, b in _jpeg_segments(data)]
    else:
        blobs = []
    return blobs + xmp_packets(data)


def xmp_packets(data: bytes) -> list[bytes]:
    """Every XMP packet in the file: written as is (JPEG, a video's box, a PNG's iTXt) or
    compressed in a PNG's iTXt."""
    packets = [m.group(0) for m in _XMP_PACKET.finditer(data)]
    if data.startswith(PNG_SIGNATURE):
        for kind, _, body in _png_chunks(data):
            if kind == b"iTXt" and body.startswith(b"XML:com.adobe.xmp\x00"):
                text = _png_text(kind, body)
                if text and text not in packets:
                    packets.append(text)
    return packets


def _gps_in_exif(data: bytes) -> bool:
    try:
        with Image.open(io.BytesIO(data)) as im:
            return bool(im.getexif().get_ifd(GPS_IFD))
    except Exception:  # not an image Pillow reads: what remove_location finds still counts  # noqa: BLE001
        return False


def find_leaks(data: bytes, names: re.Pattern | None = None) -> list[str]:
    """What the photo tells beyond its picture, each in a few words ("GPS coordinates in
    EXIF", "face regions in XMP", "the name Ann Lee in its metadata"); [] when nothing.
    ``names``: the album's names (:func:`~finpics_desktop.pipeline.photos.people_fields.
    name_pattern`)."""
    found: list[str] = []
    packets = xmp_packets(data)
    if _gps_in_exif(data):
        found.append("GPS coordinates in EXIF")
    if any(blank_xmp(p) != p for p in packets):
        found.append("location (coordinates or place names) in XMP")
    if not found and remove_location(data) is not data:
        found.append("location (IPTC place names, or GPS in an appended image or a motion "
                     "photo's video)")
    for packet in packets:
        for what in people_in_xmp(packet):
            label = f"{what} in XMP" + (" (IPTC PersonInImage)" if what == "people shown"
                                        else " (names of the people in it)")
            if label not in found:
                found.append(label)
    if names is not None:
        seen: set[str] = set()
        for blob in metadata_blobs(data):
            texts = [blob.decode("utf-8", "replace")]
            with_utf16 = blob[: len(blob) - len(blob) % 2]
            texts.append(with_utf16.decode("utf-16-le", "replace"))
            for text in texts:
                for match in names.finditer(text):
                    seen.add(" ".join(match.group(0).split()))
        found += [f"the name {n!r} in its metadata" for n in sorted(seen, key=str.casefold)]
    return found


# -- stripping -----------------------------------------------------------------------------------
def strip_private(data: bytes, names: re.Pattern | None = None) -> bytes:
    """``data`` without its location, face regions, people shown and the album's names (the
    very same object when it has none of them)."""
    out = remove_location(data, also_xmp=lambda packet: blank_people(packet, names))
    if names is None:
        return out
    if out.startswith(b"\xff\xd8"):
        buf = bytearray(out)
        for a, b in _jpeg_segments(out):
            body = blank_names_utf16(blank_names(out[a:b], names), names)
            buf[a:b] = body  # the same length: nothing moves
        return out if buf == out else bytes(buf)
    if out.startswith(PNG_SIGNATURE):
        return _png_without_names(out, names)
    return out


def _png_without_names(data: bytes, names: re.Pattern) -> bytes:
    parts, last = [], 0
    for kind, pos, body in _png_chunks(data):
        if kind not in _TEXT_CHUNKS:
            continue
        text = _png_text(kind, body)
        if blank_names(text, names) is text:
            continue
        parts.append(data[last:pos])  # a chunk naming someone is left out
        last = pos + 12 + len(body)
    if not parts:
        return data
    return b"".join(parts) + data[last:]
