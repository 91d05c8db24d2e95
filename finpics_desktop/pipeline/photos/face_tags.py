"""The face names other photo apps left with a photo on disk, and the sidecar the library's names
are written back to.

Where they are looked for, for ``photo.jpg`` (every place is read; the same name over the same
face found twice is one):

- ``photo.jpg.xmp`` and ``photo.xmp`` beside it (digiKam, darktable; Lightroom Classic, exiftool):
  MWG and Microsoft regions;
- the photo's own XMP (Lightroom, Windows Photos, digiKam when asked to write into files);
- Picasa's ``.picasa.ini`` in its folder: ``faces=rect64(...),CONTACT;...`` in the photo's section,
  the contacts' names in its ``[Contacts2]`` (or ``[Contacts]``) section or a ``contacts.xml``
  beside it (Picasa keeps that one in its own data folder: copy it there to use it).

The boxes other apps write are ratios of the photo as stored; they are turned upright here with
the photo's EXIF orientation, the way the face index's boxes are.
"""

from __future__ import annotations

import configparser
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from finpics_desktop.domain.boxes import Box, iou
from finpics_desktop.domain.errors import InvalidValue
from finpics_desktop.domain.people import clean_name, name_key
from finpics_desktop.pipeline.photos import xmp
from finpics_desktop.pipeline.photos.images import open_image

PICASA = "Picasa faces"
PICASA_INI = ".picasa.ini"
PICASA_UNKNOWN = "ffffffffffffffff"
MAX_SIDE_FILE = 16 * 1024 * 1024  # a sidecar, .picasa.ini or contacts.xml larger is not read
SAME_REGION = 0.5  # one name over two boxes overlapping this much: one region


@dataclass(frozen=True)
class FoundName:
    """A named face region found with a photo: the name, the box (ratios of the upright photo),
    the kind of region and the file it was read from."""

    name: str
    box: Box
    kind: str
    source: str


def sidecars(photo: Path) -> list[Path]:
    """The sidecars a photo may have: ``photo.jpg.xmp`` (digiKam's), ``photo.xmp``."""
    return [photo.with_name(photo.name + ".xmp"), photo.with_suffix(".xmp")]


def read_names(photo: Path, data: bytes) -> tuple[list[FoundName], list[str]]:
    """The named face regions of ``photo`` (whose bytes are ``data``), and what could not be
    read, one line each (a file named, and why)."""
    problems: list[str] = []
    stored: list[tuple[xmp.TaggedFace, str]] = []
    for sidecar in sidecars(photo):
        text = _small_file(sidecar, problems)
        if text is not None:
            stored += _xmp_faces(text, str(sidecar), problems)
    for packet in xmp.packets(data):
        stored += _xmp_faces(packet, str(photo), problems)
    stored += [(f, str(photo.parent / PICASA_INI)) for f in _picasa(photo, problems)]
    if not stored:
        return [], problems
    try:
        image, info = open_image(data, photo.name)
        image.close()
        orientation = info.orientation
    except Exception:  # noqa: BLE001 - a photo the app published decodes; else: as stored
        orientation = 1
    found: list[FoundName] = []
    for face, source in stored:
        try:
            name = clean_name(face.name)
        except InvalidValue as e:
            problems.append(f"{source}: a region's name is not usable ({e})")
            continue
        box = upright_box(face.box, orientation)
        if not any(name_key(f.name) == name_key(name) and iou(f.box, box) >= SAME_REGION
                   for f in found):
            found.append(FoundName(name, box, face.kind, source))
    return found, problems


def _small_file(path: Path, problems: list[str]) -> bytes | None:
    try:
        if not path.is_file():
            return None
        if path.stat().st_size > MAX_SIDE_FILE:
            problems.append(f"{path}: larger than {MAX_SIDE_FILE // 2**20} MB, not read")
            return None
        return path.read_bytes()
    except OSError as e:
        problems.append(f"{path}: cannot be read ({e.strerror or e})")
        return None


def _xmp_faces(data: bytes, source: str, problems: list[str]
               ) -> list[tuple[xmp.TaggedFace, str]]:
    try:
        return [(f, source) for f in xmp.tagged_faces(xmp.parse(data))]
    except xmp.BadXmp as e:
        problems.append(f"{source}: its XMP was not read: {e}")
        return []


# -- Picasa ---------------------------------------------------------------------------------------
def _picasa(photo: Path, problems: list[str]) -> list[xmp.TaggedFace]:
    ini_path = photo.parent / PICASA_INI
    text = _small_file(ini_path, problems)
    if text is None:
        return []
    ini = configparser.ConfigParser(interpolation=None, strict=False, delimiters=("=",))
    ini.optionxform = str  # (contact ids and file names keep their case)
    try:
        ini.read_string(text.decode("utf-8", errors="replace"))
    except configparser.Error as e:
        problems.append(f"{ini_path}: cannot be read ({e.message.splitlines()[0]})")
        return []
    section = next((s for s in ini.sections() if s.casefold() == photo.name.casefold()), None)
    if section is None or not ini.has_option(section, "faces"):
        return []
    contacts = _picasa_contacts(ini, photo.parent, problems)
    found = []
    for entry in ini.get(section, "faces").split(";"):
        rect, _, contact = entry.strip().partition(",")
        contact = contact.strip()
        box = _rect64(rect.strip())
        name = contacts.get(contact)
        if box is None or not name or contact == PICASA_UNKNOWN:
            continue
        found.append(xmp.TaggedFace(name, box, PICASA))
    return found


def _picasa_contacts(ini: configparser.ConfigParser, folder: Path,
                     problems: list[str]) -> dict[str, str]:
    """Contact id -> name: ``[Contacts2]``/``[Contacts]`` (``id=name;email;...``), then
    ``contacts.xml`` (``<contact id=... name=...>``) beside the photos."""
    contacts: dict[str, str] = {}
    for section in ("Contacts2", "Contacts"):
        if ini.has_section(section):
            for contact, value in ini.items(section):
                contacts.setdefault(contact, value.split(";", 1)[0].strip())
    xml_path = folder / "contacts.xml"
    text = _small_file(xml_path, problems)
    if text is not None:
        try:
            for element in xmp.parse(text).iter("contact"):
                if element.get("id") and element.get("name"):
                    contacts.setdefault(element.get("id"), element.get("name").strip())
        except xmp.BadXmp as e:
            problems.append(f"{xml_path}: not read: {e}")
    return contacts


def _rect64(text: str) -> Box | None:
    """Picasa's ``rect64(HEX)``: left, top, right, bottom as 16-bit fractions of the photo."""
    if not (text.startswith("rect64(") and text.endswith(")")):
        return None
    digits = text[len("rect64("):-1].strip().rjust(16, "0")
    if len(digits) != 16:
        return None
    try:
        left, top, right, bottom = (int(digits[i:i + 4], 16) / 65535 for i in range(0, 16, 4))
    except ValueError:
        return None
    if right <= left or bottom <= top:
        return None
    return {"Left": left, "Top": top, "Width": right - left, "Height": bottom - top}


# -- orientation --------------------------------------------------------------------------------
def _point(x: float, y: float, orientation: int) -> tuple[float, float]:
    """Where a point of the photo as stored is once the photo is upright."""
    return {1: (x, y), 2: (1 - x, y), 3: (1 - x, 1 - y), 4: (x, 1 - y), 5: (y, x),
            6: (1 - y, x), 7: (1 - y, 1 - x), 8: (y, 1 - x)}.get(orientation, (x, y))


_INVERSE = {6: 8, 8: 6}  # (the other orientations undo themselves)


def upright_box(box: Box, orientation: int) -> Box:
    """A box of the photo as stored, as a box of the upright photo."""
    corners = [_point(box["Left"], box["Top"], orientation),
               _point(box["Left"] + box["Width"], box["Top"] + box["Height"], orientation)]
    (left, right), (top, bottom) = (sorted(c) for c in zip(*corners, strict=True))
    return {"Left": left, "Top": top, "Width": right - left, "Height": bottom - top}


def stored_box(box: Box, orientation: int) -> Box:
    """A box of the upright photo, as a box of the photo as stored."""
    return upright_box(box, _INVERSE.get(orientation, orientation))


# -- writing ------------------------------------------------------------------------------------
def sidecar_for(photo: Path) -> Path:
    """The sidecar the names of ``photo`` are written to: the one it has, else
    ``photo.jpg.xmp``."""
    return next((s for s in sidecars(photo) if s.is_file()), sidecars(photo)[0])


def write_sidecar(photo: Path, data: bytes, names: list[tuple[str, Box]]) -> Path:
    """Write ``names`` (each a name and a box of the upright photo) as the MWG face regions of
    the sidecar of ``photo`` (whose bytes are ``data``), replacing the face regions it had and
    keeping the rest; the sidecar. OSError if it cannot be written, xmp.BadXmp if the sidecar
    there cannot be read (it is left as it is)."""
    image, info = open_image(data, photo.name)
    image.close()
    faces = [xmp.TaggedFace(name, stored_box(box, info.orientation), xmp.MWG)
             for name, box in names]
    target = sidecar_for(photo)
    existing = target.read_bytes() if target.is_file() else None
    text = xmp.with_regions(existing, faces, (info.width, info.height))
    mode = target.stat().st_mode & 0o777 if existing is not None else 0o644
    fd, tmp = tempfile.mkstemp(prefix=".finpics-", suffix=".xmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(text)
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target

