"""XMP face regions: reading the names other photo apps wrote (Metadata Working Group regions,
``mwg-rs``, written by digiKam, Lightroom Classic, Picasa 3.9, exiftool; Microsoft People
regions, ``MP:RegionInfo``, written by Windows Live Photo Gallery / Windows Photos) and writing
MWG regions into a sidecar.

XMP is RDF in XML, and a photo's XMP comes from anywhere: it is parsed with the standard
library's expat-based ElementTree, but only after refusing any document type declaration
(``<!DOCTYPE``/``<!ENTITY``, in UTF-8 text: a NUL byte, UTF-16, is refused too): XMP never
has one, and without one there is no entity to expand
(no "billion laughs") and nothing external to fetch. (defusedxml does the same refusal; it is
not a dependency of the app, and this is the one place XML from outside is read.)

Boxes here are ratios of the photo *as stored* (before its EXIF orientation), as the MWG
guidelines define a region's area; :mod:`.face_tags` turns them upright.
"""

from __future__ import annotations

import copy
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
X = "adobe:ns:meta/"
MWG_RS = "http://www.metadataworkinggroup.com/schemas/regions/"
ST_AREA = "http://ns.adobe.com/xmp/sType/Area#"
ST_DIM = "http://ns.adobe.com/xap/1.0/sType/Dimensions#"
MP = "http://ns.microsoft.com/photo/1.2/"
MPRI = "http://ns.microsoft.com/photo/1.2/t/RegionInfo#"
MPREG = "http://ns.microsoft.com/photo/1.2/t/Region#"
PREFIXES = {"x": X, "rdf": RDF, "mwg-rs": MWG_RS, "stArea": ST_AREA, "stDim": ST_DIM,
            "MP": MP, "MPRI": MPRI, "MPReg": MPREG,
            "xmp": "http://ns.adobe.com/xap/1.0/", "dc": "http://purl.org/dc/elements/1.1/",
            "digiKam": "http://www.digikam.org/ns/1.0/",
            "lr": "http://ns.adobe.com/lightroom/1.0/"}
for _prefix, _uri in PREFIXES.items():
    ET.register_namespace(_prefix, _uri)

MWG, MICROSOFT = "MWG regions", "Microsoft People regions"
MAX_PACKET = 4 * 1024 * 1024  # an XMP packet larger than this is not read
IGNORED_MP_NAME = "ffffffffffffffff"  # Windows Photo Gallery's "ignored face"
_DTD = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


class BadXmp(ValueError):
    """XMP that cannot be read (not XML, or with a document type declaration)."""


@dataclass(frozen=True)
class TaggedFace:
    """A named face region another app wrote: the name, the box (ratios of the photo as
    stored: Left, Top, Width, Height) and which kind of region it was."""

    name: str
    box: dict
    kind: str


def _tag(ns: str, local: str) -> str:
    return f"{{{ns}}}{local}"


def parse(data: bytes) -> ET.Element:
    """An XMP document (a packet or a sidecar), parsed; :class:`BadXmp` if it is not XML or
    declares a document type."""
    if b"\0" in data:  # UTF-16 or -32: the declaration could hide from the check below
        raise BadXmp("it is not UTF-8 text: not read")
    if _DTD.search(data):
        raise BadXmp("it declares a document type (XMP never does): not read")
    try:
        return ET.fromstring(data)  # noqa: S314 - no document type, so no entity to expand
    except ET.ParseError as e:
        raise BadXmp(f"it is not well-formed XML ({e})") from None


def packets(data: bytes) -> list[bytes]:
    """The XMP packets embedded in a photo's bytes (JPEG APP1, PNG iTXt, TIFF: XMP is stored
    as plain UTF-8 in each), found by their ``x:xmpmeta`` element."""
    found, start = [], 0
    while (begin := data.find(b"<x:xmpmeta", start)) >= 0:
        end = data.find(b"</x:xmpmeta>", begin)
        if end < 0:
            break
        end += len(b"</x:xmpmeta>")
        if end - begin <= MAX_PACKET:
            found.append(data[begin:end])
        start = end
    return found


# -- RDF, as much of it as XMP uses ---------------------------------------------------------------
def _resource(element: ET.Element) -> ET.Element:
    """The node holding a struct's fields: an ``rdf:Description`` inside the property, or the
    property element itself (``rdf:parseType="Resource"``, or fields as its attributes)."""
    inner = element.find(_tag(RDF, "Description"))
    return inner if inner is not None else element


def _field(node: ET.Element, ns: str, local: str) -> ET.Element | str | None:
    """A field of a struct node: its text (an attribute, or a simple element), its element
    (a struct or an array), or None."""
    qname = _tag(ns, local)
    if qname in node.attrib:
        return node.attrib[qname]
    child = node.find(qname)
    if child is None:
        return None
    if len(child) == 0 and _tag(RDF, "resource") not in child.attrib:
        return (child.text or "").strip()
    return child


def _items(element: ET.Element | str | None) -> list[ET.Element]:
    """The items of an array property (``rdf:Bag``/``Seq``/``Alt``), each as its struct node."""
    if not isinstance(element, ET.Element):
        return []
    for kind in ("Bag", "Seq", "Alt"):
        array = element.find(_tag(RDF, kind))
        if array is not None:
            return [_resource(li) for li in array.findall(_tag(RDF, "li"))]
    return []


def _text(value: ET.Element | str | None) -> str:
    if isinstance(value, ET.Element):  # a language alternative: its first item
        items = value.findall(f".//{_tag(RDF, 'li')}")
        return (items[0].text or "").strip() if items else ""
    return (value or "").strip()


def _number(value) -> float | None:
    try:
        number = float(_text(value))
    except ValueError:
        return None
    return number if number == number else None  # (not NaN)


def _clamped(left: float, top: float, width: float, height: float) -> dict | None:
    """A box cut to the photo; None if nothing of it is inside."""
    right, bottom = min(1.0, left + width), min(1.0, top + height)
    left, top = max(0.0, left), max(0.0, top)
    if right - left <= 1e-4 or bottom - top <= 1e-4:
        return None
    return {"Left": left, "Top": top, "Width": right - left, "Height": bottom - top}


# -- reading ------------------------------------------------------------------------------------
def tagged_faces(root: ET.Element) -> list[TaggedFace]:
    """The named face regions of an XMP document: MWG regions of type Face (or no type) with
    a name and a normalised area, then Microsoft People regions with a name and a rectangle."""
    return _mwg(root) + _microsoft(root)


def _mwg(root: ET.Element) -> list[TaggedFace]:
    found = []
    for regions in root.iter(_tag(MWG_RS, "Regions")):
        for region in _items(_field(_resource(regions), MWG_RS, "RegionList")):
            name = _text(_field(region, MWG_RS, "Name"))
            kind = _text(_field(region, MWG_RS, "Type")) or "Face"
            area = _field(region, MWG_RS, "Area")
            if not name or kind.casefold() != "face" or not isinstance(area, ET.Element):
                continue
            area = _resource(area)
            unit = _text(_field(area, ST_AREA, "unit")) or "normalized"
            x, y, w, h = (_number(_field(area, ST_AREA, k)) for k in ("x", "y", "w", "h"))
            if unit != "normalized" or None in (x, y, w, h) or w <= 0 or h <= 0:
                continue  # (a point, a circle, pixels: not a face box)
            box = _clamped(x - w / 2, y - h / 2, w, h)  # MWG: x, y are the centre
            if box is not None:
                found.append(TaggedFace(name, box, MWG))
    return found


def _microsoft(root: ET.Element) -> list[TaggedFace]:
    found = []
    for info in root.iter(_tag(MP, "RegionInfo")):
        for region in _items(_field(_resource(info), MPRI, "Regions")):
            name = _text(_field(region, MPREG, "PersonDisplayName"))
            rectangle = _text(_field(region, MPREG, "Rectangle"))
            numbers = [_number(n) for n in rectangle.split(",")] if rectangle else []
            if not name or name == IGNORED_MP_NAME or len(numbers) != 4 or None in numbers:
                continue
            left, top, width, height = numbers  # Microsoft: the top-left corner
            box = _clamped(left, top, width, height) if width > 0 and height > 0 else None
            if box is not None:
                found.append(TaggedFace(name, box, MICROSOFT))
    return found


# -- writing ------------------------------------------------------------------------------------
def _sub(parent: ET.Element, ns: str, local: str, text: str | None = None,
         resource: bool = False) -> ET.Element:
    element = ET.SubElement(parent, _tag(ns, local))
    if resource:
        element.set(_tag(RDF, "parseType"), "Resource")
    if text is not None:
        element.text = text
    return element


def _regions_element(faces: list[TaggedFace], size: tuple[int, int],
                     kept: list[ET.Element]) -> ET.Element:
    description = ET.Element(_tag(RDF, "Description"), {_tag(RDF, "about"): ""})
    regions = _sub(description, MWG_RS, "Regions", resource=True)
    dimensions = _sub(regions, MWG_RS, "AppliedToDimensions", resource=True)
    _sub(dimensions, ST_DIM, "w", str(size[0]))
    _sub(dimensions, ST_DIM, "h", str(size[1]))
    _sub(dimensions, ST_DIM, "unit", "pixel")
    bag = _sub(_sub(regions, MWG_RS, "RegionList"), RDF, "Bag")
    for face in faces:
        item = _sub(bag, RDF, "li", resource=True)
        area = _sub(item, MWG_RS, "Area", resource=True)
        box = face.box
        for key, value in (("x", box["Left"] + box["Width"] / 2),
                           ("y", box["Top"] + box["Height"] / 2),
                           ("w", box["Width"]), ("h", box["Height"])):
            _sub(area, ST_AREA, key, f"{value:.6f}")
        _sub(area, ST_AREA, "unit", "normalized")
        _sub(item, MWG_RS, "Name", face.name)
        _sub(item, MWG_RS, "Type", "Face")
    bag.extend(kept)
    return description


def with_regions(existing: bytes | None, faces: list[TaggedFace],
                 size: tuple[int, int]) -> bytes:
    """A sidecar holding ``faces`` as MWG face regions of a photo of ``size`` (width, height
    as stored): ``existing`` (a sidecar already there) with its MWG regions replaced -- its
    regions that are not faces (pets, focus points) kept, everything else of it untouched --
    or a new one. :class:`BadXmp` if ``existing`` cannot be read (it is then left alone)."""
    root = parse(existing) if existing else ET.Element(_tag(X, "xmpmeta"))
    rdf = root if root.tag == _tag(RDF, "RDF") else root.find(_tag(RDF, "RDF"))
    if rdf is None:
        rdf = ET.SubElement(root, _tag(RDF, "RDF"))
    kept: list[ET.Element] = []
    parents = {child: parent for parent in root.iter() for child in parent}
    for regions in list(root.iter(_tag(MWG_RS, "Regions"))):
        array = _field(_resource(regions), MWG_RS, "RegionList")
        for item in (array.iter(_tag(RDF, "li")) if isinstance(array, ET.Element) else ()):
            kind = _text(_field(_resource(item), MWG_RS, "Type")) or "Face"
            if kind.casefold() != "face":
                kept.append(copy.deepcopy(item))
        parents[regions].remove(regions)
    for description in list(rdf.findall(_tag(RDF, "Description"))):
        if len(description) == 0 and set(description.attrib) <= {_tag(RDF, "about")}:
            rdf.remove(description)  # (left empty by the removal)
    rdf.append(_regions_element(faces, size, kept))
    ET.indent(root, space=" ")
    body = ET.tostring(root, encoding="unicode")
    return ("<?xpacket begin=\"\ufeff\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n" + body
            + "\n<?xpacket end=\"w\"?>\n").encode("utf-8")
