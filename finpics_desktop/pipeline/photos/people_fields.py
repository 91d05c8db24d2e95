"""Which metadata fields say *who* is in a photo -- face regions with their names, the people
shown, and any name the album knows -- and how each is blanked in the packet that holds it
(:mod:`~finpics_desktop.pipeline.photos.location` finds the packets, as for the location).

- **XMP face regions**: the Metadata Working Group's ``mwg-rs:Regions`` (each region's
  ``mwg-rs:Name``, the standard Lightroom, digiKam and Picasa's export write) and Microsoft's
  ``MP:RegionInfo`` / ``MPRI:Regions`` (``MPReg:PersonDisplayName``, Windows Photo Gallery),
  found by namespace whatever prefix the packet declares;
- **IPTC Extension** ``Iptc4xmpExt:PersonInImage`` (the names of the people shown);
- **names the album knows**, wherever they are written (a caption, keywords, a title): matched
  whole, ignoring case.

Blanking replaces with spaces, so the XML stays valid and the packet keeps its length.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_NAMESPACES = {  # namespace URI -> (its usual prefix, the local names that say who)
    b"http://www.metadataworkinggroup.com/schemas/regions/": (b"mwg-rs", (b"Regions", b"Name")),
    b"http://ns.microsoft.com/photo/1.2/": (b"MP", (b"RegionInfo",)),
    b"http://ns.microsoft.com/photo/1.2/t/RegionInfo#": (b"MPRI", (b"Regions",)),
    b"http://ns.microsoft.com/photo/1.2/t/Region#": (b"MPReg", (b"PersonDisplayName",)),
    b"http://iptc.org/std/Iptc4xmpExt/2008-02-29/": (b"Iptc4xmpExt", (b"PersonInImage",)),
}
_DECLARATION = re.compile(rb"""xmlns:([\w.-]+)\s*=\s*["']([^"']*)["']""")
# what each finding is called, by local name
_WHAT = {b"Regions": "face regions", b"Name": "face regions", b"RegionInfo": "face regions",
         b"PersonDisplayName": "face regions", b"PersonInImage": "people shown"}


def _names(packet: bytes) -> bytes:
    prefixes: dict[bytes, set[bytes]] = {uri: {usual} for uri, (usual, _) in _NAMESPACES.items()}
    for prefix, uri in _DECLARATION.findall(packet):
        if uri in prefixes:
            prefixes[uri].add(prefix)
    return b"|".join(rb"(?:%s):(?:%s)" % (b"|".join(re.escape(p) for p in sorted(prefixes[uri])),
                                          b"|".join(local))
                     for uri, (_, local) in _NAMESPACES.items())


def _patterns(packet: bytes) -> tuple[re.Pattern, re.Pattern]:
    names = _names(packet)
    attribute = re.compile(rb"""\s(%s)\s*=\s*(?:"[^"]*"|'[^']*')""" % names)
    element = re.compile(rb"<(%s)(?![\w.-])[^>]*?(?:/>|>.*?</\1\s*>)" % names, re.DOTALL)
    return attribute, element


def name_pattern(names: Iterable[str]) -> re.Pattern | None:
    """One expression matching any of ``names`` whole (not inside a longer word), any case;
    None when there is no name."""
    words = sorted({n.strip() for n in names if len(n.strip()) >= 2}, key=len, reverse=True)
    if not words:
        return None
    spelled = "|".join(r"\s+".join(re.escape(w) for w in n.split()) for n in words)
    return re.compile(rf"(?<!\w)(?:{spelled})(?!\w)", re.IGNORECASE)


def people_in_xmp(packet: bytes) -> list[str]:
    """What the packet says about who is in the photo ("face regions", "people shown")."""
    attribute, element = _patterns(packet)
    found = []
    for match in [*element.finditer(packet), *attribute.finditer(packet)]:
        local = match.group(1).rsplit(b":", 1)[-1]
        inner = match.group(0)
        if inner.strip(b" \t\r\n") and _WHAT[local] not in found:
            found.append(_WHAT[local])
    return found


def blank_people(packet: bytes, names: re.Pattern | None = None) -> bytes:
    """``packet`` with its face regions, people shown and (``names``) the album's names
    blanked with spaces (the same length)."""
    attribute, element = _patterns(packet)

    def spaces(match: re.Match) -> bytes:
        return b" " * len(match.group(0))

    packet = element.sub(spaces, attribute.sub(spaces, packet))
    return blank_names(packet, names)


def blank_names(data: bytes, names: re.Pattern | None) -> bytes:
    """``data`` (UTF-8 text) with every name ``names`` matches replaced by spaces, keeping its
    length; the very same object when there is none."""
    if names is None:
        return data
    text = data.decode("utf-8", "surrogateescape")
    blanked = names.sub(lambda m: " " * len(m.group(0).encode("utf-8", "surrogateescape")),
                        text)
    return data if blanked == text else blanked.encode("utf-8", "surrogateescape")


def blank_names_utf16(data: bytes, names: re.Pattern | None) -> bytes:
    """As :func:`blank_names` for UTF-16 little-endian text (Windows' EXIF XP tags)."""
    if names is None or len(data) < 2:
        return data
    even = data[: len(data) - len(data) % 2]
    try:
        text = even.decode("utf-16-le", "surrogatepass")
    except UnicodeDecodeError:
        return data
    blanked = names.sub(lambda m: " " * len(m.group(0)), text)
    if blanked == text:
        return data
    return blanked.encode("utf-16-le", "surrogatepass") + data[len(even):]
