"""Which metadata fields say where a photo was taken -- coordinates *and* place names -- and how
each is taken out of the packet that holds it (:mod:`~finpics_desktop.pipeline.photos.location`
finds the packets in a JPEG, a PNG or a motion photo's video).

- **XMP**: every ``*:GPS*`` property (EXIF's coordinates, under any prefix), and the place
  names -- ``photoshop:City/State/Country``, ``Iptc4xmpCore:Location/CountryCode``,
  ``Iptc4xmpExt:LocationShown/LocationCreated`` (structures of Sublocation, City,
  ProvinceState, CountryName, CountryCode, WorldRegion, LocationName, LocationId, GPS...) and
  those names written flat, ``xmpDM:shotLocation`` -- found by namespace (whatever prefix the
  packet declares for it) as attributes or elements, and blanked with spaces: the XML stays
  valid and the packet keeps its length.
- **IPTC-IIM** (the record a Photoshop IRB's resource 0x0404 holds, or a TIFF tag 0x83BB):
  the datasets Content Location Code/Name (2:26, 2:27), City (2:90), Sub-location (2:92),
  Province/State (2:95) and Country code/name (2:100, 2:101) are left out.
"""

from __future__ import annotations

import re

# -- XMP -----------------------------------------------------------------------------------------
_NAMESPACES = {  # namespace URI -> (its usual prefix, the local names that are a place)
    b"http://ns.adobe.com/photoshop/1.0/": (b"photoshop", (b"City", b"State", b"Country")),
    b"http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/": (
        b"Iptc4xmpCore", (b"Location", b"CountryCode")),
    b"http://iptc.org/std/Iptc4xmpExt/2008-02-29/": (b"Iptc4xmpExt", (
        b"LocationShown", b"LocationCreated", b"Sublocation", b"City", b"ProvinceState",
        b"CountryName", b"CountryCode", b"WorldRegion", b"LocationName", b"LocationId")),
    b"http://ns.adobe.com/xmp/1.0/DynamicMedia/": (b"xmpDM", (b"shotLocation",)),
}
_DECLARATION = re.compile(rb"""xmlns:([\w.-]+)\s*=\s*["']([^"']*)["']""")
_GPS = rb"[\w.-]+:GPS\w*"


def _pattern(packet: bytes) -> bytes:
    """The qualified names of the packet's location properties, as a regular expression."""
    prefixes: dict[bytes, set[bytes]] = {uri: {usual} for uri, (usual, _) in _NAMESPACES.items()}
    for prefix, uri in _DECLARATION.findall(packet):
        if uri in prefixes:
            prefixes[uri].add(prefix)
    names = [rb"(?:%s):(?:%s)" % (b"|".join(re.escape(p) for p in sorted(prefixes[uri])),
                                   b"|".join(sorted(local, key=len, reverse=True)))
             for uri, (_, local) in _NAMESPACES.items()]
    return b"|".join([_GPS, *names])


def blank_xmp(packet: bytes) -> bytes:
    """``packet`` with every location property blanked with spaces (the same length)."""
    names = _pattern(packet)
    attribute = re.compile(rb"""\s(?:%s)\s*=\s*(?:"[^"]*"|'[^']*')""" % names)
    element = re.compile(rb"<((?:%s))(?![\w.-])[^>]*?(?:/>|>.*?</\1\s*>)" % names, re.DOTALL)

    def spaces(match: re.Match) -> bytes:
        return b" " * len(match.group(0))

    return element.sub(spaces, attribute.sub(spaces, packet))


# -- IPTC-IIM ------------------------------------------------------------------------------------
IIM_LOCATION = {(2, 26), (2, 27), (2, 90), (2, 92), (2, 95), (2, 100), (2, 101)}


class DamagedIim(ValueError):
    """An IIM record whose datasets cannot be followed."""


def strip_iim(data: bytes) -> bytes:
    """The IIM record ``data`` without its location datasets (``data`` itself when it has
    none). Zero bytes after the last dataset (a writer's padding) are kept;
    :class:`DamagedIim` when the datasets cannot be followed."""
    out, pos, changed = [], 0, False
    while pos < len(data):
        if data[pos] != 0x1C:
            if any(data[pos:]):
                raise DamagedIim(f"byte {pos} begins no dataset")
            out.append(data[pos:])  # padding
            break
        if pos + 5 > len(data):
            raise DamagedIim("a dataset's header is cut short")
        record, dataset, length = data[pos + 1], data[pos + 2], int.from_bytes(
            data[pos + 3:pos + 5], "big")
        header = 5
        if length & 0x8000:  # extended: the length's length, then the length
            size = length & 0x7FFF
            if size > 4 or pos + 5 + size > len(data):
                raise DamagedIim("a dataset's extended length cannot be read")
            length, header = int.from_bytes(data[pos + 5:pos + 5 + size], "big"), 5 + size
        end = pos + header + length
        if end > len(data):
            raise DamagedIim("a dataset runs past the record's end")
        if (record, dataset) in IIM_LOCATION:
            changed = True
        else:
            out.append(data[pos:end])
        pos = end
    return b"".join(out) if changed else data
