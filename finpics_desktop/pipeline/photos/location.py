"""Taking the camera's location out of a photo's copy without touching the picture: a byte-level
edit of the metadata, never a re-encoding.

- **EXIF** (a JPEG's APP1 ``Exif`` segment, a PNG's ``eXIf`` chunk): the GPS IFD's entry is
  removed from IFD0 (or IFD1), the entries after it shift up and the IFD's end is padded with
  zeros, and the GPS IFD with every value it points to is overwritten with zeros. Nothing moves,
  so every other offset in the block (maker notes included) stays right and the block keeps
  its length; the orientation, dates, camera and embedded thumbnail stay.
  An XMP packet (tag 0x02BC) or IPTC record (tag 0x83BB) in IFD0 is edited as below, in place.
- **XMP** (JPEG APP1, PNG ``iTXt XML:com.adobe.xmp``, a Photoshop IRB's resource 0x0424): the
  coordinates and the place names (:mod:`~finpics_desktop.pipeline.photos.location_fields`) are
  blanked with spaces (the XML stays valid, the length the same; a compressed PNG text chunk
  is rewritten).
- **IPTC-IIM** (JPEG APP13 ``Photoshop 3.0``, resource 0x0404): the place datasets (City,
  Sub-location, Province/State, Country code and name, Content Location) are left out and the
  record is followed by zeros up to its former size (padding, as some writers leave), so no
  resource moves. The IRB's EXIF copy (0x0422) loses its GPS IFD, its XMP (0x0424) is blanked
  as below, its IPTC digest (0x0425) is brought up to date.
- ImageMagick's ``Raw profile type exif/APP1/iptc/8bim`` PNG text chunks (hex copies of
  those blocks) are dropped.
- The same for each image appended to a JPEG (MPF/MPO: a second picture, an Ultra HDR gain
  map, a large preview), in place; and in a motion photo's appended MP4 video, its ``©xyz``
  and ``loci`` boxes and the ``com.apple.quicktime.location.*`` items of its ``keys``/``ilst``
  metadata become ``free`` boxes of the same size, zeroed, and its XMP is blanked, in place
  too.

An EXIF block too damaged to be edited safely is dropped whole (the location must go). The
entropy-coded picture data is copied byte for byte: decoding before and after gives identical
pixels. The maintained packages were looked at first: ``exif`` edits JPEG only, ``pyexiv2``
(exiv2) re-serialises the whole EXIF block and brings a native library; ``piexif`` has had no
release since 2019.
"""

from __future__ import annotations

import hashlib
import struct
import zlib
from collections.abc import Callable
from contextvars import ContextVar

from finpics_desktop.pipeline.photos.location_fields import DamagedIim, blank_xmp, strip_iim

EXIF_HEADER = b"Exif\x00\x00"
XMP_HEADERS = (b"http://ns.adobe.com/xap/1.0/\x00", b"http://ns.adobe.com/xmp/extension/\x00")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
GPS_IFD = 0x8825
_TYPE_SIZES = {1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 13: 4}
IRB_HEADER = b"Photoshop 3.0\x00"
XMP_TAG, IPTC_TAG = 0x02BC, 0x83BB
IRB_IPTC, IRB_EXIF, IRB_XMP, IRB_DIGEST = 0x0404, 0x0422, 0x0424, 0x0425
_RAW_PROFILES = tuple(b"Raw profile type " + k for k in (b"exif", b"APP1", b"iptc", b"8bim"))


class _Damaged(Exception):
    pass


# how an XMP packet is blanked: the location only, unless ``remove_location`` is told more
_BLANK_XMP: ContextVar[Callable[[bytes], bytes]] = ContextVar("blank_xmp", default=blank_xmp)


def _blank(packet: bytes) -> bytes:
    return _BLANK_XMP.get()(packet)


def remove_location(data: bytes, name: str = "", *,
                    also_xmp: Callable[[bytes], bytes] | None = None) -> bytes:
    """``data`` without its GPS metadata; the very same object when it has none.
    ``also_xmp``: what else each XMP packet loses (the same length), e.g. the people
    (:mod:`~finpics_desktop.pipeline.photos.people_fields`)."""
    token = _BLANK_XMP.set(blank_xmp if also_xmp is None else (
        lambda packet: also_xmp(blank_xmp(packet))))
    try:
        if data.startswith(b"\xff\xd8"):
            return _jpeg(data)
        if data.startswith(PNG_SIGNATURE):
            return _png(data)
        return data
    finally:
        _BLANK_XMP.reset(token)


# -- TIFF (the structure inside EXIF) ------------------------------------------------------------
def _strip_tiff(buf: bytearray, start: int, end: int) -> bool:
    """Remove the GPS IFD of the TIFF structure ``buf[start:end]`` in place; True if there was
    one (or a place name in IFD0's XMP or IPTC). :class:`_Damaged` when its structure cannot
    be followed."""
    size = end - start
    order = bytes(buf[start:start + 2])
    if order not in (b"II", b"MM") or size < 8:
        raise _Damaged
    e = "<" if order == b"II" else ">"

    def u16(offset: int) -> int:
        if offset < 0 or offset + 2 > size:
            raise _Damaged
        return struct.unpack_from(e + "H", buf, start + offset)[0]

    def u32(offset: int) -> int:
        if offset < 0 or offset + 4 > size:
            raise _Damaged
        return struct.unpack_from(e + "I", buf, start + offset)[0]

    if u16(2) != 42:
        raise _Damaged
    removed, ifd, seen = False, u32(4), set()
    for _ in range(2):  # IFD0, then IFD1 (the embedded thumbnail's)
        if ifd == 0 or ifd in seen:
            break
        seen.add(ifd)
        count = u16(ifd)
        table_end = ifd + 2 + 12 * count
        following = u32(table_end)
        for n in range(count):
            if len(seen) == 1 and u16(ifd + 2 + 12 * n) in (XMP_TAG, IPTC_TAG):
                before = bytes(buf[start:end])
                _edit_value(buf, start, size, ifd + 2 + 12 * n, u16, u32)
                removed |= buf[start:end] != before
        for n in range(count):
            entry = ifd + 2 + 12 * n
            if u16(entry) != GPS_IFD:
                continue
            _zero_ifd(buf, start, size, u32(entry + 8), u16, u32)
            a, b = start + entry, start + table_end + 4
            buf[a:b - 12] = buf[a + 12:b]  # the later entries and the next-IFD offset move up
            buf[b - 12:b] = bytes(12)
            struct.pack_into(e + "H", buf, start + ifd, count - 1)
            removed = True
            break
        ifd = following
    return removed


def _zero_ifd(buf: bytearray, start: int, size: int, ifd: int, u16, u32) -> None:
    count = u16(ifd)
    if ifd + 2 + 12 * count + 4 > size:
        raise _Damaged
    for n in range(count):
        entry = ifd + 2 + 12 * n
        length = u32(entry + 4) * _TYPE_SIZES.get(u16(entry + 2), 1)
        if length > 4:
            value = u32(entry + 8)
            if value + length <= size:
                buf[start + value:start + value + length] = bytes(length)
    buf[start + ifd:start + ifd + 2 + 12 * count + 4] = bytes(2 + 12 * count + 4)


def _edit_value(buf: bytearray, start: int, size: int, entry: int, u16, u32) -> None:
    """Blank in place the location in the XMP packet or IPTC record that an IFD0 entry
    holds (an IPTC record shortened is followed by zeros, which readers take as padding)."""
    length = u32(entry + 4) * _TYPE_SIZES.get(u16(entry + 2), 1)
    offset = entry + 8 if length <= 4 else u32(entry + 8)
    if offset + length > size:
        raise _Damaged
    a, b = start + offset, start + offset + length
    if u16(entry) == XMP_TAG:
        buf[a:b] = _blank(bytes(buf[a:b]))
        return
    try:
        stripped = strip_iim(bytes(buf[a:b]))
    except DamagedIim:
        stripped = b""
    buf[a:b] = stripped + bytes(length - len(stripped))


# -- JPEG ----------------------------------------------------------------------------------------
def _jpeg(data: bytes) -> bytes:
    buf = bytearray(data)
    drop: list[tuple[int, int]] = []
    picture = _jpeg_metadata(data, buf, 2, drop)
    # Images appended after the picture (MPF: a camera's second picture, an Ultra HDR gain map,
    # a preview) carry metadata of their own. The MPF index finds them by offset, so they are
    # edited in place only. Entropy-coded data never holds FF D8 (a 0xFF there is followed by
    # 00 or a restart marker): each FF D8 FF after the picture begins such an image.
    start = data.find(b"\xff\xd8\xff", picture)
    while start != -1:
        _jpeg_metadata(data, buf, start + 2, None)
        start = data.find(b"\xff\xd8\xff", start + 2)
    video = data.find(b"ftyp", picture)  # a motion photo's video, appended after the pictures
    if video >= 4:
        _mp4(buf, video - 4, len(buf))
    if not drop and buf == data:
        return data
    for a, b in reversed(drop):
        del buf[a:b]
    return bytes(buf)


def _jpeg_metadata(data: bytes, buf: bytearray, pos: int,
                   drop: list[tuple[int, int]] | None) -> int:
    """Edit in ``buf`` the EXIF and XMP segments of the JPEG whose segments begin at ``pos``;
    returns where its picture data begins. A damaged EXIF block is listed in ``drop`` (None:
    blanked in place, for an image that others find by offset)."""
    while pos + 4 <= len(data) and data[pos] == 0xFF:
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker in (0x01, 0xD8) or 0xD0 <= marker <= 0xD7:
            pos += 2
            continue
        if marker in (0xDA, 0xD9):  # the picture data begins: metadata comes before it
            break
        end = min(pos + 2 + struct.unpack_from(">H", data, pos + 2)[0], len(data))
        body = pos + 4
        if marker == 0xE1 and data.startswith(EXIF_HEADER, body):
            try:
                _strip_tiff(buf, body + len(EXIF_HEADER), end)
            except _Damaged:
                if drop is None:
                    buf[body:end] = bytes(end - body)
                else:
                    drop.append((pos, end))
        elif marker == 0xE1 and any(data.startswith(h, body) for h in XMP_HEADERS):
            buf[body:end] = _blank(data[body:end])
        elif marker == 0xED and data.startswith(IRB_HEADER, body):
            try:
                _strip_irb(buf, body + len(IRB_HEADER), end)
            except _Damaged:  # (one part of a record split over segments, say): it goes
                buf[body:end] = bytes(end - body)
        pos = end
    return pos


# -- Photoshop IRB (JPEG APP13) ------------------------------------------------------------------
def _strip_irb(buf: bytearray, start: int, end: int) -> None:
    """Take the location out of the image resources ``buf[start:end]``, in place: every
    resource keeps its size (an IPTC record shortened is followed by zeros, which readers
    take as padding). :class:`_Damaged` when the resources cannot be followed."""
    pos, iptc, digest = start, None, None
    while pos + 12 <= end and buf[pos:pos + 4] in (b"8BIM", b"PHUT", b"AgHg", b"DCSR"):
        kind = struct.unpack_from(">H", buf, pos + 4)[0]
        name_end = pos + 6 + ((buf[pos + 6] + 2) & ~1)  # a Pascal string, padded to even
        if name_end + 4 > end:
            raise _Damaged
        size = struct.unpack_from(">I", buf, name_end)[0]
        a, b = name_end + 4, name_end + 4 + size
        if b > end:
            raise _Damaged
        if kind == IRB_IPTC:
            try:
                stripped = strip_iim(bytes(buf[a:b]))
            except DamagedIim:
                stripped = b""
            buf[a:b] = stripped + bytes(size - len(stripped))
            iptc = (a, b)
        elif kind == IRB_XMP:
            buf[a:b] = _blank(bytes(buf[a:b]))
        elif kind == IRB_EXIF:
            _strip_tiff(buf, a, b)
        elif kind == IRB_DIGEST and size == 16:
            digest = a
        pos = b + (size & 1)
    if any(buf[pos:end]):  # not padding: resources this cannot follow
        raise _Damaged
    if iptc is not None and digest is not None:  # (the MD5 of the IPTC resource, Photoshop's)
        buf[digest:digest + 16] = hashlib.md5(bytes(buf[iptc[0]:iptc[1]])).digest()  # noqa: S324


# -- MP4 (a motion photo's video) ---------------------------------------------------------------
_MP4_CONTAINERS = {b"moov", b"trak", b"udta", b"meta", b"mdia", b"minf", b"ilst"}
_XMP_UUID = bytes.fromhex("be7acfcb97a942e89c71999491e3afac")


def _boxes(buf: bytearray, pos: int, end: int):
    """(kind, start, body, end) of each box in ``buf[pos:end]``, as far as they are boxes."""
    while pos + 8 <= end:
        size, kind = struct.unpack_from(">I4s", buf, pos)
        header = 8
        if size == 1 and pos + 16 <= end:
            size, header = struct.unpack_from(">Q", buf, pos + 8)[0], 16
        elif size == 0:  # to the end
            size = end - pos
        if size < header or pos + size > end:
            return
        yield kind, pos, pos + header, pos + size
        pos += size


def _location_items(buf: bytearray, pos: int, end: int) -> frozenset[bytes]:
    """The ``ilst`` item types (1-based key numbers) that a ``meta`` box's ``keys`` box names
    ``com.apple.quicktime.location.*`` (coordinates, place name, ...)."""
    found = set()
    for kind, _, body, box_end in _boxes(buf, pos, end):
        if kind == b"keys" and body + 8 <= box_end:
            at, number = body + 8, 1  # version, flags, entry count
            while at + 8 <= box_end:
                size = struct.unpack_from(">I", buf, at)[0]
                if size < 8 or at + size > box_end:
                    break
                if b".location" in bytes(buf[at + 8:at + size]):
                    found.add(struct.pack(">I", number))
                at, number = at + size, number + 1
    return frozenset(found)


def _mp4(buf: bytearray, pos: int, end: int, items: frozenset[bytes] = frozenset()) -> None:
    """Blank in place the location of the MP4 boxes in ``buf[pos:end]``: ``©xyz`` (ISO 6709
    text), ``loci`` (3GPP) and the location items of a ``keys``/``ilst`` metadata become
    zeroed ``free`` boxes, XMP's location properties are blanked. Sizes stay, so every offset
    of the video (its sample tables) stays right. Stops where the bytes are no boxes."""
    for kind, start, body, box_end in _boxes(buf, pos, end):
        if kind in _MP4_CONTAINERS:  # an ISO 'meta' is a full box: version and flags first
            full = kind == b"meta" and buf[body:body + 4] == bytes(4)
            inner = body + (4 if full else 0)
            _mp4(buf, inner, box_end, _location_items(buf, inner, box_end)
                 if kind == b"meta" else items)
        elif kind in (b"\xa9xyz", b"loci") or kind in items:
            buf[start + 4:start + 8] = b"free"  # nobody reads a free box
            buf[body:box_end] = bytes(box_end - body)
        elif kind == b"uuid" and buf[body:body + 16] == _XMP_UUID:
            buf[body + 16:box_end] = _blank(bytes(buf[body + 16:box_end]))


# -- PNG -----------------------------------------------------------------------------------------
def _chunk(kind: bytes, body: bytes) -> bytes:
    return (struct.pack(">I", len(body)) + kind + body
            + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF))


def _png(data: bytes) -> bytes:
    out, pos, changed = [data[:8]], 8, False
    while pos + 12 <= len(data):
        length = struct.unpack_from(">I", data, pos)[0]
        kind = data[pos + 4:pos + 8]
        end = pos + 12 + length
        whole, body = data[pos:end], data[pos + 8:pos + 8 + length]
        edited = _png_chunk(kind, body)
        if edited is not body:
            changed = True
            whole = b"" if edited is None else _chunk(kind, edited)
        out.append(whole)
        pos = end
        if kind == b"IEND":
            break
    out.append(data[pos:])
    return b"".join(out) if changed else data


def _png_chunk(kind: bytes, body: bytes) -> bytes | None:
    """The chunk's new body, None to drop it, or ``body`` itself if unchanged."""
    if kind == b"eXIf":
        buf = bytearray(body)
        start = len(EXIF_HEADER) if body.startswith(EXIF_HEADER) else 0
        try:
            return bytes(buf) if _strip_tiff(buf, start, len(buf)) else body
        except _Damaged:
            return None
    if kind in (b"tEXt", b"zTXt", b"iTXt") and body.split(b"\x00", 1)[0] in _RAW_PROFILES:
        return None
    if kind == b"iTXt" and body.startswith(b"XML:com.adobe.xmp\x00"):
        head_end = len(b"XML:com.adobe.xmp\x00")
        try:
            compressed = body[head_end]
            language_end = body.index(b"\x00", head_end + 2)
            text_start = body.index(b"\x00", language_end + 1) + 1
            text = zlib.decompress(body[text_start:]) if compressed else body[text_start:]
        except (IndexError, ValueError, zlib.error):
            return None  # an XMP packet that cannot be read cannot be vouched for
        blanked = _blank(text)
        if blanked == text:
            return body
        return body[:text_start] + (zlib.compress(blanked) if compressed else blanked)
    return body
